"""What the handlers share: the digest service, storage, texts and limits, plus safe sending.

They reach it through PTB's typed context: `context.bot_data` is a `BotData`, whose
`services` the application sets when it starts.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import Message, ReplyParameters, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from service import DigestService, RateLimiter
from storage import Storage
from summarizer import DEFAULT_SENTENCES

from .render import Reply, Texts

if TYPE_CHECKING:
    from .state import Habits

log = logging.getLogger(__name__)

T = TypeVar("T")

# The update being handled, in this task (PTB runs each update's handlers in one task).
_current_update: ContextVar[int | None] = ContextVar("current_update", default=None)


@dataclass(frozen=True)
class Services:
    digests: DigestService
    storage: Storage
    texts: Texts
    limiter: RateLimiter
    habits: Habits  # what the handlers remember between updates (handlers.state)


class BotData:
    """`context.bot_data`: the services, set once the application has started."""

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the application has not started: no services yet")
        return self._services

    @services.setter
    def services(self, services: Services) -> None:
        self._services = services

    @property
    def started(self) -> bool:
        return self._services is not None


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES = ContextTypes(context=CallbackContext, bot_data=BotData)


def services_of(context: Context) -> Services:
    return context.bot_data.services


@dataclass(frozen=True)
class ChatPreferences:
    interface: str
    sentences: int


async def preferences(
    services: Services, chat_id: int, user_language: str | None
) -> ChatPreferences:
    """The chat's saved settings, else the user's Telegram language and the default length."""
    saved = await services.storage.get_chat_settings(chat_id)
    interface = services.texts.interface_language(saved.language or user_language)
    return ChatPreferences(interface, saved.summary_sentences or DEFAULT_SENTENCES)


def note_update(update: object) -> None:
    """Remember which update is being handled, for log lines (set first for every update)."""
    if isinstance(update, Update):
        _current_update.set(update.update_id)


async def with_retries(
    action: str, send: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
) -> T | None:
    """Call a Bot API method; None (logged) if Telegram refuses it or it keeps failing.

    Passing faults (429 flood limits, 5xx answers, lost connections) are retried below this,
    by the application's rate limiter (bot/flood.py), for a minute and more: whatever reaches
    here is final.
    """
    try:
        return await send(*args, **kwargs)
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return None  # pressing the same button twice: nothing to change
        log.warning("%s for update %s: rejected by Telegram: %s", action, _shown(), error)
    except Forbidden as error:
        log.info("%s for update %s: not allowed (%s); dropping it", action, _shown(), error)
    except TelegramError as error:  # outlasted the retries, or the bot is stopping
        log.error("%s for update %s: %s; the reply is lost", action, _shown(), error)
    return None


def _shown() -> str:
    update_id = _current_update.get()
    return "-" if update_id is None else str(update_id)


async def send_reply(message: Message, reply: Reply) -> list[Message]:
    """Send every part as a reply to `message`; the keyboard rides on the last part."""
    sent = []
    for index, part in enumerate(reply.parts):
        last = index == len(reply.parts) - 1
        result = await with_retries(
            "sendMessage",
            message.reply_html,
            part,
            reply_markup=reply.keyboard if last else None,
            reply_parameters=_reply_to(message),
        )
        if result is not None:
            sent.append(result)
    return sent


async def send_text(message: Message, html: str) -> Message | None:
    return await with_retries(
        "sendMessage", message.reply_html, html, reply_parameters=_reply_to(message)
    )


def _reply_to(message: Message) -> ReplyParameters:
    # The user may delete their message while we work: answer anyway.
    return ReplyParameters(message.message_id, allow_sending_without_reply=True)
