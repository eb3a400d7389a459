"""Turning a message into a summary request, and saying why one could not be answered."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Message, MessageEntity

from service import EngineBusy, WorkTooSlow
from summarizer import MAX_SENTENCES, MIN_SENTENCES, ArticleError
from summarizer.vocabulary import CJK_CHARACTERS
from web.policy import FetchError, FetchErrorCode, NotAnArticle
from web.urls import find_urls

from .services import Services

# Private messages shorter than this (links aside) are chit-chat, not articles.
MIN_ARTICLE_CHARS = 200
# Chinese, Japanese and Korean pack a word into a character or two: their characters count
# three times when a length is measured.
_DENSE_SCRIPT = re.compile(f"[{CJK_CHARACTERS}]")


def prose_length(prose: str) -> int:
    """Characters of prose, with dense scripts weighted as their words take in Latin script."""
    return len(prose) + 2 * len(_DENSE_SCRIPT.findall(prose))


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
        return prose_length(prose) >= MIN_ARTICLE_CHARS

    @property
    def prose(self) -> str:
        """The text without its links."""
        if not self.links:
            return self.text.strip()
        # find_urls writes bare links ("kompas.com/...") with "https://" in front. Longest
        # first, in one pass: removing "?i=1" must not leave the "0" of "?i=10" behind.
        spellings = {form for link in self.links for form in (link, link.removeprefix("https://"))}
        ordered = sorted(spellings, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(form) for form in ordered if form))
        return pattern.sub(" ", self.text).strip()


def message_content(message: Message) -> tuple[str, tuple[str, ...]]:
    """A message's text (or caption) and its links in message order, entity links included."""
    text = message.text or message.caption or ""
    entities = message.entities or message.caption_entities or ()
    placed: list[tuple[int, str]] = []
    for entity in entities:
        if entity.type == MessageEntity.TEXT_LINK and entity.url:
            # Entity offsets count UTF-16 code units; a position in `text` is near enough
            # for ordering (off only by the astral characters before it).
            placed.append((entity.offset, entity.url))
    for link in find_urls(text):
        found = text.find(link)
        placed.append((found if found >= 0 else text.find(link.removeprefix("https://")), link))
    placed.sort(key=lambda item: item[0])
    return text, tuple(dict.fromkeys(link for _, link in placed))


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


def reason_code(error: Exception) -> str:
    """What went wrong, as codes only (no link, no text): safe for INFO logs."""
    code = getattr(error, "code", None)
    shown = code.value if isinstance(code, FetchErrorCode) else code
    return f"{type(error).__name__} {shown}" if shown else type(error).__name__


def failure_text(services: Services, ui: str, error: Exception) -> str:
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
