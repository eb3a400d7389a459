"""Extraction is linear in the page size (issue 11): a page stuffed with links cannot stall the
engine. The work is counted, not timed, except for one generous limit on a page that quadratic
code needed minutes for."""

from __future__ import annotations

import lxml.html
import pytest

from testkit.large_page import many_links_page
from tests.conftest import run_python
from web.extract import extract_article

URL = "https://berita.test/2024/01/02/bus-listrik"


def characters_read_by_text_content(html: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """Extract `html`, counting the characters that lxml's text_content() returned: the old
    listing check read a whole list's text once for every link in it."""
    read = 0
    original = lxml.html.HtmlMixin.text_content

    def counting(element: lxml.html.HtmlElement) -> str:
        nonlocal read
        text = original(element)
        read += len(text)
        return text

    monkeypatch.setattr(lxml.html.HtmlMixin, "text_content", counting)
    extract_article(html, URL)
    monkeypatch.undo()
    return read


def test_text_read_grows_linearly_with_the_number_of_links(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small = many_links_page(links=1_000)
    large = many_links_page(links=4_000)
    read_small = characters_read_by_text_content(small, monkeypatch)
    read_large = characters_read_by_text_content(large, monkeypatch)
    # Four times the links: linear work reads about four times as much; quadratic work
    # (every link re-reading the whole list) reads sixteen times as much.
    assert read_large <= 5 * read_small
    assert read_large <= 2 * len(large)


def test_a_page_of_links_still_yields_its_article() -> None:
    article = extract_article(many_links_page(links=5_000), URL)
    assert article.text.startswith("Pemerintah Kota Bandung mulai menguji coba bus listrik")
    assert "Kabar nomor" not in article.text


_EXTRACT_HUGE_PAGE = f"""
from testkit.large_page import many_links_page
from web.extract import extract_article
html = many_links_page(links=20_000)
assert len(html) > 1_000_000
print(extract_article(html, {URL!r}).text[:40])
"""


def test_a_megabyte_page_with_twenty_thousand_links_extracts_in_bounded_time() -> None:
    # Quadratic code took over two minutes on this page; linear code takes about half a
    # second. A minute for the whole child process cannot flake on a busy machine.
    done = run_python(_EXTRACT_HUGE_PAGE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Pemerintah Kota Bandung")
