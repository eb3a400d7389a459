"""Telegram HTML for summaries and facts: every piece of article or user text is escaped, and
long replies are split on sentence boundaries so that no message exceeds Telegram's limit."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from service import Answer
from summarizer import MAX_SENTENCES

MAX_MESSAGE_CHARS = 4096
MAX_TITLE_CHARS = 300
FACT_ICONS = {
    "number": "🔢",
    "money": "💰",
    "date": "📅",
    "quote": "💬",
    "actor": "👤",
    "place": "📍",
}
VIEW_SUMMARY = "s"
VIEW_FACTS = "f"
# Callback data of our buttons: view, summary length, article id (see `callback_data`).
BUTTON_DATA_PATTERN = r"^[sf]:(?:[1-9]|10):[tu][0-9a-f]{31}$"


class Texts(Protocol):
    """The user-facing texts the handlers need (bot.texts provides them)."""

    def text(self, language: str, key: str, /, **values: object) -> str: ...

    def language_name(self, interface: str, code: str) -> str: ...

    def interface_language(self, code: str | None) -> str: ...


@dataclass(frozen=True)
class Reply:
    """One or more HTML messages; the keyboard goes on the last one."""

    parts: tuple[str, ...]
    keyboard: InlineKeyboardMarkup | None


def split_blocks(blocks: list[str], limit: int = MAX_MESSAGE_CHARS) -> tuple[str, ...]:
    """Join blocks with newlines into as few messages as fit in `limit` characters each."""
    parts: list[str] = []
    current = ""
    for block in blocks:
        # No block is this long (sentences, facts and titles are capped well below the
        # limit); should one be, it is cut on a space rather than refused by Telegram.
        while len(block) > limit:
            cut = block.rfind(" ", 0, limit) if " " in block[:limit] else limit
            cut = cut if cut > 0 else limit
            if current:
                parts.append(current)
                current = ""
            parts.append(block[:cut])
            block = block[cut:].lstrip()
        candidate = f"{current}\n{block}" if current else block
        if len(candidate) > limit:
            parts.append(current)
            current = block
        else:
            current = candidate
    if current:
        parts.append(current)
    return tuple(parts)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _header(answer: Answer, texts: Texts, ui: str, title_key: str) -> list[str]:
    article = answer.article
    blocks = [f"<b>{escape(texts.text(ui, title_key))}</b>"]
    if article.title:
        parts = (article.site, article.date)
        source = ", ".join(escape(_shortened(part, 80)) for part in parts if part)
        line = f"<b>{escape(_shortened(article.title, MAX_TITLE_CHARS))}</b>"
        blocks.append(f"{line}\n<i>{source}</i>" if source else line)
    return blocks


def _notes(answer: Answer, texts: Texts, ui: str) -> list[str]:
    language = answer.digest.language
    notes = []
    if language.code is None:
        notes.append(texts.text(ui, "unknown_language"))
    elif not language.is_first_class:
        name = texts.language_name(ui, language.code)
        notes.append(texts.text(ui, "generic_language", language=escape(name)))
    elif language.code != ui:
        name = texts.language_name(ui, language.code)
        notes.append(texts.text(ui, "article_language", language=escape(name)))
    if answer.digest.truncated or answer.article.truncated:
        notes.append(texts.text(ui, "truncated"))
    return [f"<i>{note}</i>" for note in notes]


def summary_blocks(answer: Answer, texts: Texts, ui: str) -> list[str]:
    blocks = _header(answer, texts, ui, "summary_title")
    blocks += [f"{n}. {escape(s)}" for n, s in enumerate(answer.digest.summary, 1)]
    return blocks + _notes(answer, texts, ui)


def facts_blocks(answer: Answer, texts: Texts, ui: str) -> list[str]:
    blocks = _header(answer, texts, ui, "facts_title")
    facts = answer.digest.facts
    if not facts:
        blocks.append(escape(texts.text(ui, "no_facts")))
    blocks += [f"{FACT_ICONS.get(f.kind, '•')} {escape(f.text)}" for f in facts]
    return blocks + _notes(answer, texts, ui)


def callback_data(view: str, sentences: int, article_id: str) -> str:
    return f"{view}:{sentences}:{article_id}"


def parse_callback_data(data: str) -> tuple[str, int, str] | None:
    try:
        view, sentences, article_id = data.split(":", 2)
        return view, int(sentences), article_id
    except ValueError:
        return None


def keyboard(answer: Answer, texts: Texts, ui: str, view: str) -> InlineKeyboardMarkup:
    article_id, count = answer.article.article_id, answer.sentences
    toggle = (
        InlineKeyboardButton(
            texts.text(ui, "button_summary"),
            callback_data=callback_data(VIEW_SUMMARY, count, article_id),
        )
        if view == VIEW_FACTS
        else InlineKeyboardButton(
            texts.text(ui, "button_facts"),
            callback_data=callback_data(VIEW_FACTS, count, article_id),
        )
    )
    row = [toggle]
    longest = min(MAX_SENTENCES, answer.digest.sentences_total)
    if count < longest:
        row.append(
            InlineKeyboardButton(
                texts.text(ui, "button_longer"),
                callback_data=callback_data(VIEW_SUMMARY, count + 1, article_id),
            )
        )
    if count > 1:
        row.append(
            InlineKeyboardButton(
                texts.text(ui, "button_shorter"),
                callback_data=callback_data(VIEW_SUMMARY, count - 1, article_id),
            )
        )
    return InlineKeyboardMarkup([row])


def render(
    answer: Answer, texts: Texts, ui: str, view: str, prefix: list[str] | None = None
) -> Reply:
    blocks = list(prefix or [])
    blocks += (
        facts_blocks(answer, texts, ui) if view == VIEW_FACTS else summary_blocks(answer, texts, ui)
    )
    return Reply(split_blocks(blocks), keyboard(answer, texts, ui, view))
