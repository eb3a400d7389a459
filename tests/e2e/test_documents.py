"""Documents: read (txt in any encoding, PDF with text, .docx, .html), or a clear answer why not."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

import service.documents
from bot import texts
from bot.settings import DEFAULTS
from storage import DatabaseLocation
from testkit import harness
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import running_bot, services_of, template_loading
from testkit.news_site import PAGES
from tests.conftest import SQLITE_ONLY
from tests.documents import docx_with_text, encrypted_pdf, pdf_with_text, scanned_pdf
from tests.e2e.articles import RATES


async def test_a_txt_in_windows_1252_with_a_caption_is_summarized(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        sent = api.document_message(
            sample_article.encode("cp1252"), file_name="berita.txt", caption="tolong ringkas"
        )
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "Ketegangan yang terjadi antara Rusia dan Ukraina makin memuncak." in reply["text"]
    assert reply.get("reply_markup") is not None


async def test_a_pdf_with_text_is_summarized_with_buttons_and_the_same_cache(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    pdf = pdf_with_text(sample_article, pages=2)
    async with running_bot(api, bot_database) as application:
        sent = api.document_message(pdf, file_name="laporan.pdf")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
        api.document_message(pdf, file_name="laporan-lagi.pdf")
        [_, again] = await api.wait_for_messages(sent["chat"]["id"], 2)
        data = reply["reply_markup"]["inline_keyboard"][0][-1]["callback_data"]
        api.callback(reply, data)
        await api.wait_for("editMessageText")
        computations = services_of(application).digests.computations
    assert reply["text"].startswith("Ringkasan")
    assert "Rusia" in reply["text"]
    assert again["text"] == reply["text"]
    assert computations == 2  # the PDF once (the second from the cache), then the button


async def test_an_english_docx_is_summarized(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        sent = api.document_message(
            docx_with_text(RATES), file_name="bi-rate.docx", language_code="en"
        )
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert reply["text"].startswith("Summary")
    assert "Bank Indonesia" in reply["text"]


async def test_a_saved_html_page_is_summarized(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        sent = api.document_message(
            (PAGES / "artikel-id.html").read_bytes(), file_name="halaman.html"
        )
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert reply["text"].startswith("Ringkasan")
    assert "bus listrik" in reply["text"].lower()


@pytest.mark.parametrize(
    ("content", "name", "language", "expected"),
    [
        (scanned_pdf(), "pindaian.pdf", "id", "hasil pindaian"),
        (scanned_pdf(), "scan.pdf", "en", "looks like a scan"),
        (encrypted_pdf(RATES), "rahasia.pdf", "id", "kata sandi"),
        (encrypted_pdf(RATES), "locked.pdf", "en", "password"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> rusak" * 4, "rusak.pdf", "id", "rusak"),
        (b"PK\x03\x04 not really a zip archive", "broken.docx", "en", "damaged"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "foto.png", "id", ".txt, .pdf"),
        (b"id,nama\n1,Budi\n", "tabel.xlsx", "en", "none of them"),
    ],
    ids=[
        "scan-id",
        "scan-en",
        "locked-id",
        "locked-en",
        "corrupt-id",
        "corrupt-en",
        "image-id",
        "spreadsheet-en",
    ],
)
async def test_unreadable_documents_each_get_their_own_answer(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    content: bytes,
    name: str,
    language: str,
    expected: str,
) -> None:
    async with running_bot(api, bot_database):
        sent = api.document_message(content, file_name=name, language_code=language)
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert expected in reply["text"]
    assert reply.get("reply_markup") is None


async def test_a_file_over_the_bots_20_mb_limit_is_refused_without_downloading(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        sent = api.document_message(
            sample_article.encode(), file_name="besar.txt", file_size=25 * 1024 * 1024
        )
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
        english = api.document_message(
            b"x", file_name="big.pdf", file_size=31 * 1024 * 1024, user_id=1002,
            language_code="en",
        )  # fmt: skip
        [english_reply] = await api.wait_for_messages(english["chat"]["id"], 1)
    assert "25 MB" in reply["text"] and "20 MB" in reply["text"]
    assert "31 MB" in english_reply["text"] and "up to 20 MB" in english_reply["text"]
    assert api.calls_to("getFile") == []


async def test_ringkas_as_a_reply_to_a_document_in_a_group_reads_it(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        document = api.document_message(
            pdf_with_text(sample_article), file_name="artikel.pdf", chat_id=-100555
        )
        api.command("/ringkas", chat_id=-100555, reply_to=document)
        [reply] = await api.wait_for_messages(-100555, 1)
    assert reply["text"].startswith("Ringkasan")


async def test_a_long_pdf_is_read_up_to_the_page_cap_and_says_so(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import replace

    import testkit.harness

    monkeypatch.setattr(
        testkit.harness, "DEFAULTS", replace(testkit.harness.DEFAULTS, max_document_pages=2)
    )
    async with running_bot(api, bot_database):
        sent = api.document_message(pdf_with_text(sample_article, pages=4), file_name="panjang.pdf")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "2 halaman pertama dari 4" in reply["text"]


STUCK = b"Kode berkas: MACET-TOTAL."  # reading a document with this line never ends
real_read_document = service.documents.read_document


def stuck_reader(
    data: bytes,
    file_name: str | None,
    mime_type: str | None,
    limits: service.documents.DocumentLimits,
) -> service.documents.DocumentText:
    """The document reader, hanging on STUCK as pypdf would on a hostile PDF. It runs in the
    heavy lane's workers, which import it by name."""
    if STUCK in data:
        while True:
            pass
    return real_read_document(data, file_name, mime_type, limits)


@SQLITE_ONLY  # storage is incidental to the deadline
@pytest.mark.parametrize(("language", "name"), [("id", "macet.txt"), ("en", "stuck.txt")])
async def test_a_document_whose_reading_hangs_gets_the_too_slow_answer_and_others_go_on(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    name: str,
) -> None:
    monkeypatch.setattr(service.documents, "read_document", stuck_reader)
    monkeypatch.setattr(harness, "DEFAULTS", replace(DEFAULTS, work_deadline_seconds=1.0))
    hostile = sample_article.encode() + b"\n\n" + STUCK
    with template_loading(__name__) as template:
        async with running_bot(api, bot_database, zygote=template):
            stuck = api.document_message(hostile, file_name=name, language_code=language)
            [reply] = await api.wait_for_messages(stuck["chat"]["id"], 1, timeout=30)
            pdf = pdf_with_text(sample_article)
            fine = api.document_message(pdf, file_name="b.pdf", user_id=1002)
            [after] = await api.wait_for_messages(fine["chat"]["id"], 1, timeout=30)
    assert reply["text"] == re.sub(r"<[^>]+>", "", texts.text(language, "too_slow"))
    assert after["text"].startswith("Ringkasan")
