"""Documents into text: each format read, each way of failing told apart."""

from __future__ import annotations

import pytest

from service.documents import (
    DocumentError,
    DocumentErrorCode,
    DocumentKind,
    DocumentLimits,
    document_kind,
    read_document,
)
from tests.documents import docx_with_text, encrypted_pdf, pdf_with_text, scanned_pdf

LIMITS = DocumentLimits(max_pages=50, max_chars=100_000)
ARTICLE_EN = (
    "Indonesia's central bank held its benchmark rate at 6 percent on Thursday, as expected.\n\n"
    "Governor Perry Warjiyo said the decision was consistent with keeping inflation within "
    "the target range of 1.5 to 3.5 percent in 2024.\n\n"
    "The rupiah has weakened about 2 percent against the dollar this year, and the bank has "
    "intervened in the currency market to steady it."
)


def read(data: bytes, name: str | None, mime: str | None = None) -> str:
    return read_document(data, name, mime, LIMITS).text


def failure(data: bytes, name: str | None, mime: str | None = None) -> DocumentErrorCode:
    with pytest.raises(DocumentError) as caught:
        read_document(data, name, mime, LIMITS)
    return caught.value.code


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_plain_text_in_common_encodings(sample_article: str, encoding: str) -> None:
    assert read(sample_article.encode(encoding), "artikel.txt").strip() == sample_article.strip()


def test_latin1_text_with_accents_is_read() -> None:
    text = "Café di Jalan Braga, Bandung, ramai dikunjungi wisatawan. Pemiliknya, René, senang."
    assert read(text.encode("latin-1"), "kafe.txt") == text


def test_pdf_with_a_text_layer_gives_its_text(sample_article: str) -> None:
    document = read_document(pdf_with_text(sample_article, pages=3), "laporan.pdf", None, LIMITS)
    assert document.kind is DocumentKind.PDF
    assert (document.pages_read, document.pages_total) == (3, 3)
    assert "Ketegangan yang terjadi antara Rusia dan Ukraina makin memuncak." in document.text


def test_pdf_pages_beyond_the_cap_are_left_out(sample_article: str) -> None:
    limits = DocumentLimits(max_pages=2, max_chars=100_000)
    document = read_document(pdf_with_text(sample_article, pages=4), "a.pdf", None, limits)
    assert (document.pages_read, document.pages_total, document.truncated) == (2, 4, True)


def test_characters_beyond_the_cap_are_left_out(sample_article: str) -> None:
    limits = DocumentLimits(max_pages=50, max_chars=1000)
    document = read_document(sample_article.encode(), "a.txt", None, limits)
    assert document.truncated and len(document.text) <= 1000


def test_docx_gives_its_paragraphs() -> None:
    assert (
        read(docx_with_text(ARTICLE_EN), "rates.docx")
        .split("\n\n")[0]
        .startswith("Indonesia's central bank held")
    )


def test_html_file_gives_the_article_in_it() -> None:
    from testkit.news_site import PAGES

    text = read((PAGES / "article-en.html").read_bytes(), "page.html", "text/html")
    assert len(text) > 500


def test_a_scanned_pdf_without_text_is_told_apart() -> None:
    assert failure(scanned_pdf(), "scan.pdf") is DocumentErrorCode.NO_TEXT


def test_an_encrypted_pdf_is_told_apart() -> None:
    assert failure(encrypted_pdf(ARTICLE_EN), "locked.pdf") is DocumentErrorCode.ENCRYPTED


@pytest.mark.parametrize("aes", [False, True], ids=["rc4", "aes-256"])
def test_a_pdf_that_opens_without_a_password_is_read(aes: bool) -> None:
    """Many reports restrict only printing or copying (an owner password): any reader opens
    them, and so does Ringkas; AES needs pypdf's crypto extra, a dependency."""
    data = encrypted_pdf(ARTICLE_EN, "", owner_password="pemilik", aes=aes)
    assert "Perry Warjiyo" in read(data, "laporan.pdf")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage" * 5, "broken.pdf"),
        (b"PK\x03\x04 this is not really a zip archive at all", "broken.docx"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20, "artikel.txt"),
    ],
    ids=["pdf", "docx", "binary-named-txt"],
)
def test_a_corrupt_file_is_told_apart(data: bytes, name: str) -> None:
    assert failure(data, name) is DocumentErrorCode.CORRUPT


def test_a_password_protected_office_file_is_told_apart() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    assert failure(ole, "rahasia.docx") is DocumentErrorCode.ENCRYPTED


@pytest.mark.parametrize(
    ("name", "mime"),
    [("foto.jpg", "image/jpeg"), ("tabel.xlsx", None), ("lama.doc", "application/msword")],
)
def test_unsupported_types_are_told_apart(name: str, mime: str | None) -> None:
    assert document_kind(name, mime) is None
    assert failure(b"some bytes of another format", name, mime) is DocumentErrorCode.UNSUPPORTED


def test_an_empty_file_is_told_apart() -> None:
    assert failure(b"  \n\n ", "kosong.txt") is DocumentErrorCode.EMPTY


def test_the_first_bytes_win_over_the_name(sample_article: str) -> None:
    assert document_kind("artikel.txt", "text/plain", b"%PDF-1.4") is DocumentKind.PDF
    assert "Ketegangan" in read(pdf_with_text(sample_article), "artikel.txt")
