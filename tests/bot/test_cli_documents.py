"""`ringkasbot summarize FILE` reads the formats the bot reads from documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.documents import docx_with_text, encrypted_pdf, pdf_with_text, scanned_pdf
from tests.e2e.articles import RATES


def summarize(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["summarize", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("artikel.pdf", lambda text: pdf_with_text(text, pages=2)),
        ("artikel.docx", docx_with_text),
        ("artikel.txt", lambda text: text.encode("utf-16")),
        ("artikel-latin.txt", lambda text: text.encode("cp1252")),
    ],
    ids=["pdf", "docx", "utf-16", "windows-1252"],
)
def test_documents_are_summarized_like_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sample_article: str, name: str, make: object
) -> None:
    path = tmp_path / name
    path.write_bytes(make(sample_article))  # type: ignore[operator]
    code, out, _ = summarize(path, capsys)
    assert code == 0
    assert "Summary:" in out and "Rusia" in out


def test_an_html_file_is_summarized(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from testkit.news_site import PAGES

    path = tmp_path / "page.html"
    path.write_bytes((PAGES / "article-en.html").read_bytes())
    code, out, _ = summarize(path, capsys)
    assert code == 0 and "Language: en" in out


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("scan.pdf", scanned_pdf(), "without a text layer"),
        ("locked.pdf", encrypted_pdf(RATES), "locked with a password"),
        ("broken.docx", b"PK\x03\x04 not a zip", "damaged"),
    ],
    ids=["scanned", "locked", "damaged"],
)
def test_unreadable_documents_exit_2_with_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = summarize(path, capsys)
    assert code == 2 and out == ""
    assert says in err and err.count("\n") == 1
