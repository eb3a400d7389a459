"""Turning a message into a summary request, and answering it."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

from telegram import Message, MessageEntity
from telegram.constants import ChatAction

from service import Answer, EngineBusy, WorkTooSlow
from summarizer import MAX_SENTENCES, MIN_SENTENCES, ArticleError
from web import FetchError, FetchErrorCode, NotAnArticle, find_urls

from .render import VIEW_SUMMARY, render
from .services import (
    ChatPreferences,
    Context,
    Services,
    send_reply,
    send_text,
    services_of,
    with_retries,
)

log = logging.getLogger(__name__)

# Private messages shorter than this (links aside) are chit-chat, not articles. Chinese and
# Japanese pack a word into a character or two, so their characters count more.
MIN_ARTICLE_CHARS = 200
_DENSE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
TYPING_DELAY_SECONDS = 0.3
_REFUSED_LINK_CODES = frozenset(
    {FetchErrorCode.INVALID_URL, FetchErrorCode.UNSUPPORTED_SCHEME, FetchErrorCode.BLOCKED_ADDRESS}
)
_COMMAND = re.compile(r"^/\w+(?:@\w+)?\s*")
_LENGTH_ARGUMENT = re.compile(r"^(\d{1,2})(?:\s+|$)")


@dataclass(frozen=True)
class SummaryRequest:
    text: str
    links: tuple[str, ...]
    sentences: int | None = None

    @property
    def looks_like_article(self) -> bool:
        prose = self.prose
        return len(prose) + 2 * len(_DENSE_SCRIPT.findall(prose)) >= MIN_ARTICLE_CHARS

    @property
    def prose(self) -> str:
        """The text without its links."""
        prose = self.text
        for link in self.links:
            # find_urls writes bare links ("kompas.com/...") with "https://" in front.
            prose = prose.replace(link, " ").replace(link.removeprefix("https://"), " ")
        return prose.strip()


def message_content(message: Message) -> tuple[str, tuple[str, ...]]:
    """A message's text (or caption) and its links, entity links included."""
    text = message.text or message.caption or ""
    entities = message.entities or message.caption_entities or ()
    links = [
        entity.url for entity in entities if entity.type == MessageEntity.TEXT_LINK and entity.url
    ]
    links += find_urls(text)
    return text, tuple(dict.fromkeys(links))


def command_request(message: Message) -> SummaryRequest | None:
    """Parse "/ringkas [N] [text or link]", else take the message replied to; None: no input.

    A leading number is a length only from 1 to 10 ("/ringkas 15 orang tewas ..." is text).
    """
    rest = _COMMAND.sub("", message.text or message.caption or "", count=1)
    sentences = None
    length = _LENGTH_ARGUMENT.match(rest)
    if length and MIN_SENTENCES <= int(length.group(1)) <= MAX_SENTENCES:
        sentences = int(length.group(1))
        rest = rest[length.end() :]
    if rest.strip():
        return SummaryRequest(rest, tuple(dict.fromkeys(find_urls(rest))), sentences)
    if message.reply_to_message is not None:
        text, links = message_content(message.reply_to_message)
        if text.strip() or links:
            return SummaryRequest(text, links, sentences)
    return None


async def _with_typing(context: Context, chat_id: int, work: asyncio.Task):
    """Await `work`, showing "typing..." if it takes longer than a moment."""
    done, _ = await asyncio.wait({work}, timeout=TYPING_DELAY_SECONDS)
    if not done:
        await with_retries(
            "sendChatAction", context.bot.send_chat_action, chat_id, ChatAction.TYPING
        )
    return await work


def _failure_text(services: Services, ui: str, error: Exception) -> str:
    texts = services.texts
    if isinstance(error, ArticleError):
        return texts.text(ui, "empty" if error.code == "empty" else "too_short")
    if isinstance(error, NotAnArticle):
        return texts.text(ui, "not_article")
    if isinstance(error, FetchError):
        reason = texts.text(ui, f"fetch_{error.code.value}")
        key = "link_refused" if error.code in _REFUSED_LINK_CODES else "link_failed"
        return texts.text(ui, key, reason=reason)
    if isinstance(error, EngineBusy):
        return texts.text(ui, "busy", seconds=error.retry_seconds)
    if isinstance(error, WorkTooSlow):
        return texts.text(ui, "too_slow")
    return texts.text(ui, "error")


async def answer_request(
    message: Message,
    context: Context,
    request: SummaryRequest,
    prefs: ChatPreferences,
    user_id: int | None,
    view: str = VIEW_SUMMARY,
) -> None:
    """Summarize the request and reply: the summary (or facts), or a friendly explanation.

    This is the one gate of the per-user rate limit for messages (buttons share its limiter).
    """
    services = services_of(context)
    ui = prefs.interface
    if await rate_limited(message, services, user_id, ui):
        return
    sentences = request.sentences or prefs.sentences
    use_link = bool(request.links) and not request.looks_like_article
    prefix = []
    if use_link and len(request.links) > 1:
        prefix.append(
            f"<i>{services.texts.text(ui, 'several_links', count=len(request.links))}</i>"
        )

    async def produce() -> Answer:
        if use_link:
            return await services.digests.from_url(request.links[0], sentences)
        return await services.digests.from_text(request.text, sentences)

    try:
        answer = await _with_typing(context, message.chat_id, asyncio.ensure_future(produce()))
        reply = render(answer, services.texts, ui, view, prefix)
    except (ArticleError, NotAnArticle, FetchError, EngineBusy, WorkTooSlow) as error:
        log.info("not summarized (%s): %s", type(error).__name__, error)
        await send_text(message, _failure_text(services, ui, error))
        return
    except Exception:
        log.exception("summarizing failed in chat %s", message.chat_id)
        await send_text(message, services.texts.text(ui, "error"))
        return
    await send_reply(message, reply)
    await services.storage.note_chat_served(message.chat_id)


async def rate_limited(message: Message, services: Services, user_id: int | None, ui: str) -> bool:
    """True (and the user told so) when this user is over the limit."""
    if user_id is None:
        return False
    wait = services.limiter.retry_after(user_id)
    if wait:
        await send_text(message, services.texts.text(ui, "rate_limited", seconds=wait))
        return True
    return False
