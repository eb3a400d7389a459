"""Text that is HTML markup (a pasted page source, an .html file) is recognised, so that it
goes through extraction instead of being summarized with its tags."""

from __future__ import annotations

import pytest

from testkit.news_site import PAGES
from web.extract import looks_like_markup

ARTICLE = (
    "Pemerintah Kota Bandung mulai menguji coba tiga unit bus listrik di jalur Dago sejak Senin "
    "pagi. Uji coba berlangsung selama dua bulan sebelum pemerintah memutuskan apakah armada "
    "serupa akan ditambah."
)


@pytest.mark.parametrize(
    "text",
    [
        (PAGES / "artikel-id.html").read_text(encoding="utf-8"),
        "<!DOCTYPE html><html><body><p>" + ARTICLE + "</p></body></html>",
        "  <html lang='id'><head><title>Berita</title></head><body>" + ARTICLE,
        "<script>alert(1)</script><b>Berita</b>\n" + ARTICLE,
        "<div class='isi'><p>" + ARTICLE + "</p><p>" + ARTICLE + "</p></div>",
        "<STYLE>p { color: red }</STYLE>" + ARTICLE,
    ],
    ids=["saved-page", "doctype", "html-element", "script-before-article", "fragment", "style"],
)
def test_markup_is_recognised(text: str) -> None:
    assert looks_like_markup(text)


@pytest.mark.parametrize(
    "text",
    [
        ARTICLE,
        "Kirim tanggapan ke <redaksi@wartapriangan.test> paling lambat Jumat. " + ARTICLE,
        "Gunakan tag <b> untuk huruf tebal dan <i> untuk miring, kata pengajar itu. " + ARTICLE,
        "Inflation fell to 2.1% as x < y and y > z in the model. " + ARTICLE,
        "Harga naik <10% pada Januari dan >5% pada Februari. " + ARTICLE,
        "",
    ],
    ids=["plain", "email-in-brackets", "tags-mentioned", "comparisons", "percent", "empty"],
)
def test_prose_is_not_markup(text: str) -> None:
    assert not looks_like_markup(text)


def test_markup_without_a_whole_article_is_read_as_its_visible_text() -> None:
    from web.markup import text_of_markup

    pasted = (
        "<script>alert(1)</script><b>Berita</b><p>Harga beras naik &amp; cabai turun.</p>"
        "<style>p{}</style><p>Warga <i>mengeluh</i> di pasar.</p>"
    )
    assert (
        text_of_markup(pasted)
        == "Berita\n\nHarga beras naik & cabai turun.\n\nWarga mengeluh di pasar."
    )


@pytest.mark.parametrize(
    "pasted",
    [
        "<script>alert(1)</script><b>Berita</b> " + ARTICLE,
        "<p><strong>EKSKLUSIF</strong> " + ARTICLE + "</p>",
        "<div><label>Kabar Terkini</label> " + ARTICLE + "</div>",
    ],
    ids=["bold-before-text", "strong-in-paragraph", "label"],
)
def test_a_bold_label_opening_the_text_is_a_block_of_its_own(pasted: str) -> None:
    from web.markup import text_of_markup

    label, text = text_of_markup(pasted).split("\n\n")
    assert text == ARTICLE
    assert label in ("Berita", "EKSKLUSIF", "Kabar Terkini")


@pytest.mark.parametrize(
    ("pasted", "line"),
    [
        ("<p><b>BANDUNG</b> - " + ARTICLE + "</p>", "BANDUNG - " + ARTICLE),
        ("<p><b>Kabar6.com, Bandung</b> " + ARTICLE + "</p>", "Kabar6.com, Bandung " + ARTICLE),
        (
            "<p><b>Wali Kota Bandung</b> meninjau uji coba bus listrik di Dago.</p>",
            "Wali Kota Bandung meninjau uji coba bus listrik di Dago.",
        ),
    ],
    ids=["bold-dateline", "bold-outlet-and-place", "bold-subject"],
)
def test_bold_words_that_belong_to_the_sentence_stay_in_it(pasted: str, line: str) -> None:
    from web.markup import text_of_markup

    assert text_of_markup(pasted) == line
