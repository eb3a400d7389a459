"""Rendering replies: escaping, the title cap, splitting under Telegram's limit."""

from __future__ import annotations

import re

from bot import texts
from handlers.render import (
    MAX_MESSAGE_CHARS,
    MAX_TITLE_CHARS,
    VIEW_FACTS,
    VIEW_SUMMARY,
    callback_data,
    render,
    split_blocks,
)
from service import Answer, ArticleRecord
from summarizer import Digest, Fact, LanguageGuess


def answer(*, title: str | None = None, summary: tuple[str, ...] = ("Satu.",)) -> Answer:
    digest = Digest(
        language=LanguageGuess("id", 1.0, "detected"),
        summary=summary,
        summary_indices=tuple(range(len(summary))),
        facts=(Fact("Harga naik <50 persen> & turun", "number", 0),),
        sentences_total=12,
    )
    article = ArticleRecord("t" + "0" * 31, "teks", url=None, title=title, site="Situs", date=None)
    return Answer(article, digest, 3, from_cache=False)


def test_article_text_is_escaped_in_summaries_and_facts() -> None:
    reply = render(answer(summary=("<b>bukan tebal</b> & lain",)), texts, "id", VIEW_SUMMARY)
    facts = render(answer(), texts, "id", VIEW_FACTS)
    assert "&lt;b&gt;bukan tebal&lt;/b&gt; &amp; lain" in reply.parts[0]
    assert "Harga naik &lt;50 persen&gt; &amp; turun" in facts.parts[0]


def test_a_huge_page_title_is_shortened_and_keeps_its_markup_whole() -> None:
    reply = render(answer(title="Judul " * 2000), texts, "id", VIEW_SUMMARY)
    [part] = reply.parts
    title = re.search(r"<b>(Judul[^<]*)</b>", part)
    assert title is not None and len(title.group(1)) <= MAX_TITLE_CHARS


def test_blocks_are_packed_into_messages_within_the_limit() -> None:
    blocks = [f"{n}. " + "kata " * 150 for n in range(30)]
    parts = split_blocks(blocks)
    assert len(parts) > 1
    assert all(len(part) <= MAX_MESSAGE_CHARS for part in parts)
    assert "\n".join(parts) == "\n".join(blocks)


def test_button_data_fits_telegrams_64_bytes() -> None:
    data = callback_data(VIEW_SUMMARY, 10, "u" + "f" * 31)
    assert len(data.encode()) <= 64


def test_buttons_offer_longer_only_up_to_ten_sentences() -> None:
    keyboard = render(answer(), texts, "en", VIEW_SUMMARY).keyboard
    assert keyboard is not None
    labels = [button.text for row in keyboard.inline_keyboard for button in row]
    assert labels == ["➕ Longer", "➖ Shorter"]  # its one fact is already shown
