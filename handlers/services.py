"""What the handlers share: the digest service, storage, texts and limits, plus safe sending.

They reach it through PTB's typed context: `context.bot_data` is a `BotData`, whose
`services` the application sets when it starts.

An update may be handled more than once: after a restart, or on another replica, when the
first run ended before it was done (bot/updates.py). So that such a re-run never sends a
part of the answer twice, each part that goes out is noted in the database under the
update id and the part's number (`send_part`, with the update's `ReplyLedger`), and a
part noted by an earlier run is not sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import Message, ReplyParameters, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from service import DigestService, RateLimiter, SharedRateLimiter
from storage import UNCHANGED, ChatSettings, Storage, Unchanged
from summarizer import DEFAULT_SENTENCES

from .metrics import SEND_FAILED
from .render import Texts

if TYPE_CHECKING:
    from .state import Habits

log = logging.getLogger(__name__)

T = TypeVar("T")

# The update being handled, in this task (PTB runs each update's handlers in one task).
_current_update: ContextVar[int | None] = ContextVar("current_update", default=None)


@dataclass(frozen=True)
class HandledMessage:
    """The message of the update being handled: where its chat stood when it came in."""

    chat_id: int
    message_id: int
    created: float  # Unix time, whole seconds (Telegram's `date`)


_handled_message: ContextVar[HandledMessage | None] = ContextVar("handled_message", default=None)

# Part numbers beside an answer's own parts (0, 1, 2, ...: one per reply, in order).
QUEUED_NOTICE_PART = 1000  # "the rest of your burst will take a while"
SKIPPED_NOTE_PART = 1001  # "these were skipped"


@dataclass
class ReplyLedger:
    """The parts of the answer to one update that went out, by part number."""

    update_id: int
    storage: Storage
    # False for an update first received by this process: no earlier run can have answered.
    look_up: bool
    lost: int = 0  # parts that could not be sent (outlasted the retries, or the bot stopped)
    _earlier: dict[int, int] | None = None

    async def earlier(self) -> dict[int, int]:
        """Parts an earlier run of this update sent: part number -> message id."""
        if self._earlier is None:
            self._earlier = await self.storage.sent_replies(self.update_id) if self.look_up else {}
        return self._earlier

    async def note(self, part: int, message_id: int) -> None:
        await self.storage.note_reply_sent(self.update_id, part, message_id)


_ledger: ContextVar[ReplyLedger | None] = ContextVar("reply_ledger", default=None)

# Whether the reply being sent is one the engine worked for (a new summary): when the bot
# has more replies ready than Telegram lets it send, quick ones (a cached summary, a command's
# answer, an error) go first. The application's rate limiter asks (bot/send_budget.py).
_engine_reply: ContextVar[bool] = ContextVar("engine_reply", default=False)


def replying_after_engine_work() -> bool:
    return _engine_reply.get()


def begin_answer(ledger: ReplyLedger) -> Token[ReplyLedger | None]:
    """Send this update's parts through `ledger` (in this task and the tasks it starts);
    `end_answer(token)` when its handlers are done."""
    _current_update.set(ledger.update_id)
    return _ledger.set(ledger)


def end_answer(token: Token[ReplyLedger | None]) -> None:
    _ledger.reset(token)


@dataclass(frozen=True)
class Services:
    digests: DigestService
    storage: Storage
    texts: Texts
    limiter: RateLimiter | SharedRateLimiter
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


async def chat_settings(services: Services, chat_id: int) -> ChatSettings:
    """The chat's saved settings (remembered, when this process is their only writer)."""
    memory = services.habits.chat_settings
    if memory is None:
        return await services.storage.get_chat_settings(chat_id)
    known = memory.get(chat_id)
    if known is not None:
        return known
    saves_before = memory.saves
    saved = await services.storage.read_chat_settings(chat_id)
    if saved is None:
        return ChatSettings(chat_id)  # unreadable for now: the defaults, not remembered
    memory.keep_read(saved, saves_before)
    return saved


async def save_chat_settings(
    services: Services,
    chat_id: int,
    *,
    summary_sentences: int | Unchanged | None = UNCHANGED,
    language: str | Unchanged | None = UNCHANGED,
) -> ChatSettings | None:
    """Change the chat's settings (None resets one); None if they could not be saved."""
    saved = await services.storage.update_chat_settings(
        chat_id, summary_sentences=summary_sentences, language=language
    )
    if services.habits.chat_settings is not None:
        services.habits.chat_settings.saved(chat_id, saved)
    return saved


async def preferences(
    services: Services, chat_id: int, user_language: str | None
) -> ChatPreferences:
    """The chat's saved settings, else the user's Telegram language and the default length."""
    saved = await chat_settings(services, chat_id)
    interface = services.texts.interface_language(saved.language or user_language)
    return ChatPreferences(interface, saved.summary_sentences or DEFAULT_SENTENCES)


def note_update(update: object) -> None:
    """Remember which update is being handled, for log lines, and its message, for the
    search for a reply whose answer was lost (bot/lost_answers.py); set first for every
    update."""
    if not isinstance(update, Update):
        return
    _current_update.set(update.update_id)
    message = update.effective_message
    mark = None
    if message is not None:
        mark = HandledMessage(message.chat.id, message.message_id, message.date.timestamp())
    _handled_message.set(mark)


def handled_message() -> HandledMessage | None:
    """The message of the update this task handles, if it has one."""
    return _handled_message.get()


async def with_retries(
    action: str, send: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
) -> T | None:
    """Call a Bot API method; None (logged) if Telegram refuses it or it keeps failing.

    Passing faults (429 flood limits, 5xx answers, lost connections) are retried below this,
    by the application's rate limiter (bot/flood.py), for a minute and more: whatever reaches
    here is final.
    """
    result, lost = await _call(action, send, *args, **kwargs)
    ledger = _ledger.get()
    if lost and ledger is not None and action != "sendChatAction":
        ledger.lost += 1  # a reply of this update that a later run can still deliver
    return result


async def _call(
    action: str, send: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
) -> tuple[T | None, bool]:
    """`with_retries`, also saying whether the call failed for a passing reason (True: a
    later run could still deliver it) rather than Telegram refusing it."""
    try:
        return await send(*args, **kwargs), False
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return None, False  # pressing the same button twice: nothing to change
        log.warning("%s for update %s: rejected by Telegram: %s", action, _shown(), error)
        SEND_FAILED.labels("rejected").inc()
    except Forbidden as error:
        log.info("%s for update %s: not allowed (%s); dropping it", action, _shown(), error)
        SEND_FAILED.labels("forbidden").inc()
    except TelegramError as error:  # outlasted the retries, or the bot is stopping
        log.error("%s for update %s: %s; the reply is lost", action, _shown(), error)
        SEND_FAILED.labels("lost").inc()
        return None, True
    return None, False


async def send_part(
    part: int,
    action: str,
    send: Callable[..., Awaitable[object]],
    *args: Any,
    engine_work: bool = False,
    **kwargs: Any,
) -> int | None:
    """Send (or edit) part `part` of the answer to the update being handled, unless an
    earlier run of this update sent it; returns the part's message id (the earlier one, if
    so), or None when it could not be sent. `engine_work`: a part the engine worked for just
    now, which lets quick replies go first."""
    ledger = _ledger.get()
    if ledger is not None:
        earlier = (await ledger.earlier()).get(part)
        if earlier is not None:
            log.info("%s for update %s: part %d went out before", action, _shown(), part)
            return earlier
    marked = _engine_reply.set(engine_work)
    try:
        result, lost = await _call(action, send, *args, **kwargs)
    finally:
        _engine_reply.reset(marked)
    message_id = result.message_id if isinstance(result, Message) else None
    if ledger is not None:
        if message_id is not None:
            await ledger.note(part, message_id)
        elif lost:
            ledger.lost += 1
    return message_id


def _shown() -> str:
    update_id = _current_update.get()
    return "-" if update_id is None else str(update_id)


async def send_text(message: Message, html: str, *, part: int = 0) -> int | None:
    """Reply to `message` with one message, part `part` of the answer (see `send_part`)."""
    return await send_part(
        part, "sendMessage", message.reply_html, html, reply_parameters=_reply_to(message)
    )


def _reply_to(message: Message) -> ReplyParameters:
    # The user may delete their message while we work: answer anyway.
    return ReplyParameters(message.message_id, allow_sending_without_reply=True)
