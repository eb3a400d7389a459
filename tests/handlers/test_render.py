"""Rendering replies: escaping, the title cap, splitting under Telegram's limit."""

from __future__ import annotations

import dataclasses
import re

import pytest

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


def test_a_sentence_opening_a_quotation_gets_it_closed() -> None:
    from handlers.render import closed_quotes

    assert closed_quotes("“Kami tidak akan mundur.") == "“Kami tidak akan mundur.”"
    assert closed_quotes('"We will not retreat.') == '"We will not retreat."'


def test_a_sentence_closing_a_quotation_gets_it_opened() -> None:
    from handlers.render import closed_quotes

    assert closed_quotes("Semua siap,” kata Budi.") == "“Semua siap,” kata Budi."
    assert closed_quotes('All set," he said.') == '"All set," he said.'


def test_balanced_quotations_are_left_alone() -> None:
    from handlers.render import closed_quotes

    sentence = 'Ia berkata, "Kami siap," lalu pergi.'
    assert closed_quotes(sentence) == sentence


def test_site_names_come_from_the_table_or_the_host_never_a_handle() -> None:
    from handlers.sources import site_name

    assert site_name("VIVAcoid", "https://www.viva.co.id/berita/1") == "VIVA.co.id"
    assert site_name("Mediaindonesia", "https://mediaindonesia.com/x") == "Media Indonesia"
    assert site_name("Okezone", "https://news.okezone.com/read/1") == "Okezone"
    assert site_name("Harianjogja", "https://harianjogja.com/a") == "harianjogja.com"
    assert site_name("Warta Priangan", "https://wartapriangan.id/a") == "Warta Priangan"


def test_dates_are_written_the_readers_way() -> None:
    from handlers.sources import reader_date

    assert reader_date("2023-11-02", "en", texts.month_name) == "2 November 2023"
    assert reader_date("2024-08-17", "id", texts.month_name) == "17 Agustus 2024"
    assert reader_date("2024-05-01", "en", texts.month_name) == "1 May 2024"


UNSURE = {
    "id": "Halaman ini sulit dibaca dengan pasti: periksa ringkasan dengan artikel aslinya.",
    "en": "This page was hard to read with certainty: check the summary against the article.",
}
MORE_PAGES = {
    "id": "Artikel ini bersambung ke beberapa halaman; hanya 2 halaman yang terbaca.",
    "en": "This article runs over several pages; only 2 could be read.",
}


def read_from_a_link(*, confidence: str = "high", more_pages: bool = False) -> Answer:
    read = answer(title="Bus Listrik Diuji di Dago")
    article = dataclasses.replace(
        read.article,
        url="https://wartapriangan.test/bus",
        confidence=confidence,
        pages=2,
        more_pages=more_pages,
    )
    return dataclasses.replace(read, article=article)


@pytest.mark.parametrize("ui", ["id", "en"])
@pytest.mark.parametrize("view", [VIEW_SUMMARY, VIEW_FACTS])
def test_a_page_read_with_low_confidence_says_so_in_one_line(ui: str, view: str) -> None:
    [part] = render(read_from_a_link(confidence="low"), texts, ui, view).parts
    assert f"<i>{UNSURE[ui]}</i>" in part
    assert MORE_PAGES[ui] not in part


@pytest.mark.parametrize("ui", ["id", "en"])
def test_an_article_with_unread_pages_says_how_many_were_read(ui: str) -> None:
    [part] = render(read_from_a_link(more_pages=True), texts, ui, VIEW_SUMMARY).parts
    assert f"<i>{MORE_PAGES[ui]}</i>" in part
    assert UNSURE[ui] not in part


@pytest.mark.parametrize("ui", ["id", "en"])
def test_a_hard_to_read_paginated_article_shows_both_notes(ui: str) -> None:
    reply = render(read_from_a_link(confidence="low", more_pages=True), texts, ui, VIEW_SUMMARY)
    [part] = reply.parts
    assert f"<i>{MORE_PAGES[ui]}</i>" in part
    assert f"<i>{UNSURE[ui]}</i>" in part


def test_a_confidently_read_whole_article_has_neither_note() -> None:
    [part] = render(read_from_a_link(), texts, "en", VIEW_SUMMARY).parts
    assert UNSURE["en"] not in part
    assert "pages" not in part
