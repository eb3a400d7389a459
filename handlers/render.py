"""Telegram HTML for summaries and facts: every piece of article or user text is escaped, and
long replies are split on sentence boundaries so that no message exceeds Telegram's limit."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from service import Answer
from summarizer import MAX_SENTENCES

from .sources import reader_date, site_name

MAX_MESSAGE_CHARS = 4096
MAX_TITLE_CHARS = 300
# Facts shown under the summary in the first reply; the facts button shows them all.
COMPACT_FACTS = 3
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

    def month_name(self, language: str, month: int) -> str: ...


@dataclass(frozen=True)
class Extras:
    """What a reply shows beyond the article record: a pasted text's source link, a note."""

    source_url: str | None = None
    notes: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()  # (text key, values)


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


def _link(url: str, label: str) -> str:
    return f'<a href="{escape(url, quote=True)}">{label}</a>'


def _header(answer: Answer, texts: Texts, ui: str, title_key: str, extras: Extras) -> list[str]:
    article = answer.article
    blocks = [f"<b>{escape(texts.text(ui, title_key))}</b>"]
    if article.title:
        title = escape(_shortened(article.title, MAX_TITLE_CHARS))
        line = f"<b>{_link(article.url, title) if article.url else title}</b>"
        parts = (
            site_name(article.site, article.url),
            reader_date(article.date, ui, texts.month_name),
        )
        source = ", ".join(escape(_shortened(part, 80)) for part in parts if part)
        blocks.append(f"{line}\n<i>{source}</i>" if source else line)
    if extras.source_url:
        name = site_name(None, extras.source_url) or extras.source_url
        label = escape(_shortened(name, 80))
        blocks.append(
            f"<i>{escape(texts.text(ui, 'source'))}: {_link(extras.source_url, label)}</i>"
        )
    return blocks


def _notes(answer: Answer, texts: Texts, ui: str, extras: Extras) -> list[str]:
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
    # Both can hold: a paginated article whose first page was also hard to read.
    if answer.article.more_pages:
        notes.append(texts.text(ui, "more_pages", pages=answer.article.pages))
    if answer.article.confidence != "high":
        notes.append(texts.text(ui, "extraction_unsure"))
    notes += [texts.text(ui, key, **dict(values)) for key, values in extras.notes]
    return [f"<i>{note}</i>" for note in notes]


_QUOTE_PAIRS = (("\u201c", "\u201d"), ("\u00ab", "\u00bb"), ("\u300c", "\u300d"))


def closed_quotes(sentence: str) -> str:
    """A sentence cut out of a quotation of several sentences gets the quote mark it lacks:
    a closing one when the quotation opens in it, an opening one when it closes in it."""
    for opening, closing in _QUOTE_PAIRS:
        if sentence.count(opening) > sentence.count(closing):
            return sentence + closing
        if sentence.count(closing) > sentence.count(opening):
            return opening + sentence
    if sentence.count('"') % 2 == 1:
        first = sentence.index('"')
        opens = (first == 0 or sentence[first - 1] in " ([") and sentence[
            first + 1 : first + 2
        ] != " "
        return sentence + '"' if opens else '"' + sentence
    return sentence


def _fact_line(kind: str, text: str) -> str:
    return f"{FACT_ICONS.get(kind, '•')} {escape(text)}"


def summary_blocks(
    answer: Answer, texts: Texts, ui: str, extras: Extras = Extras(), facts: int = COMPACT_FACTS
) -> list[str]:
    """The summary with up to `facts` key facts under it (the first reply shows both)."""
    blocks = _header(answer, texts, ui, "summary_title", extras)
    blocks += [f"{n}. {escape(closed_quotes(s))}" for n, s in enumerate(answer.digest.summary, 1)]
    shown = answer.digest.facts[:facts]
    if shown:
        lines = [f"<b>{escape(texts.text(ui, 'facts_heading'))}</b>"]
        lines += [_fact_line(fact.kind, fact.text) for fact in shown]
        blocks.append("\n" + "\n".join(lines))
    return blocks + _notes(answer, texts, ui, extras)


def facts_blocks(answer: Answer, texts: Texts, ui: str, extras: Extras = Extras()) -> list[str]:
    blocks = _header(answer, texts, ui, "facts_title", extras)
    facts = answer.digest.facts
    if not facts:
        blocks.append(escape(texts.text(ui, "no_facts")))
    blocks += [_fact_line(f.kind, f.text) for f in facts]
    return blocks + _notes(answer, texts, ui, extras)


def callback_data(view: str, sentences: int, article_id: str) -> str:
    return f"{view}:{sentences}:{article_id}"


def parse_callback_data(data: str) -> tuple[str, int, str] | None:
    try:
        view, sentences, article_id = data.split(":", 2)
        return view, int(sentences), article_id
    except ValueError:
        return None


def keyboard(
    answer: Answer, texts: Texts, ui: str, view: str, facts_shown: int = COMPACT_FACTS
) -> InlineKeyboardMarkup | None:
    """Summary view: all facts (when more exist than it shows), longer, shorter. Facts view:
    back to the summary, longer, shorter."""
    article_id, count = answer.article.article_id, answer.sentences
    row = []
    total_facts = len(answer.digest.facts)
    if view == VIEW_FACTS:
        row.append(
            InlineKeyboardButton(
                texts.text(ui, "button_summary"),
                callback_data=callback_data(VIEW_SUMMARY, count, article_id),
            )
        )
    elif total_facts > facts_shown:
        row.append(
            InlineKeyboardButton(
                texts.text(ui, "button_all_facts", count=total_facts),
                callback_data=callback_data(VIEW_FACTS, count, article_id),
            )
        )
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
    return InlineKeyboardMarkup([row]) if row else None


def render(
    answer: Answer,
    texts: Texts,
    ui: str,
    view: str,
    prefix: list[str] | None = None,
    extras: Extras = Extras(),
) -> Reply:
    """The reply for one article; the summary view holds as many key facts as fit in one
    message (up to COMPACT_FACTS), so summary and facts arrive together."""
    head = list(prefix or [])
    if view == VIEW_FACTS:
        blocks = head + facts_blocks(answer, texts, ui, extras)
        return Reply(split_blocks(blocks), keyboard(answer, texts, ui, view))
    for facts in range(COMPACT_FACTS, -1, -1):
        parts = split_blocks(head + summary_blocks(answer, texts, ui, extras, facts))
        if len(parts) == 1 or facts == 0:
            return Reply(parts, keyboard(answer, texts, ui, view, facts))
    raise AssertionError("unreachable")
