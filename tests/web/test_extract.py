import json

import pytest

from testkit.news_site import PAGES
from web.charset import decode_html
from web.extract import Article, NotAnArticle, extract_article

FIXTURES = PAGES


def fixture_html(name: str) -> str:
    html, _encoding = decode_html((FIXTURES / name).read_bytes(), None)
    return html


@pytest.fixture(scope="module")
def indonesian_article() -> Article:
    return extract_article(fixture_html("artikel-id.html"))


@pytest.fixture(scope="module")
def english_article() -> Article:
    return extract_article(
        fixture_html("article-en.html"), "https://www.coastal-ledger.test/local/library-opens"
    )


def test_indonesian_article_keeps_the_lead_paragraph(indonesian_article: Article) -> None:
    first_paragraph = indonesian_article.text.split("\n\n")[0]
    assert first_paragraph.startswith("BANDUNG, Warta Priangan - Pemerintah Kota Bandung")


def test_indonesian_article_keeps_every_body_paragraph_separated_by_blank_lines(
    indonesian_article: Article,
) -> None:
    paragraphs = indonesian_article.text.split("\n\n")
    assert len(paragraphs) == 7
    assert paragraphs[-1].startswith("Dinas Perhubungan menargetkan hasil evaluasi")


def test_indonesian_article_leaves_out_menus_related_links_and_footer(
    indonesian_article: Article,
) -> None:
    for boilerplate in (
        "Beranda",
        "Indeks Berita",
        "Bagikan",
        "Baca juga",
        "Sopir Angkot Dago",  # related headline
        "Persib Menang Tipis",  # popular sidebar
        "Hak cipta",
        "Pedoman Media Siber",
    ):
        assert boilerplate not in indonesian_article.text


def test_title_loses_the_site_name_suffix(indonesian_article: Article) -> None:
    assert indonesian_article.title == "Bandung Uji Coba Bus Listrik di Jalur Dago"


def test_site_and_date_come_from_the_page_metadata(indonesian_article: Article) -> None:
    assert indonesian_article.site == "Warta Priangan"
    assert indonesian_article.date == "2024-03-12"


def test_without_a_given_url_the_canonical_url_is_reported(indonesian_article: Article) -> None:
    assert indonesian_article.url == (
        "https://www.wartapriangan.test/kota/2024/03/12/bandung-uji-coba-bus-listrik"
    )


def test_english_article_text_and_title(english_article: Article) -> None:
    assert english_article.title == "Harbour Town Opens Its First Public Library in Forty Years"
    assert english_article.text.startswith("Harbour Town opened its first new public library")
    assert "Ferry timetable" not in english_article.text
    assert "All rights reserved" not in english_article.text
    assert "By Martin Hale" not in english_article.text


def test_site_falls_back_to_the_host_without_site_metadata(english_article: Article) -> None:
    assert english_article.site == "coastal-ledger.test"
    assert english_article.url == "https://www.coastal-ledger.test/local/library-opens"
    assert english_article.date == "2023-11-02"


def test_latin1_page_extracts_with_its_accents() -> None:
    article = extract_article(fixture_html("artikel-latin1.html"))
    assert article.title == "Kafé Tua di Braga Kembali Buka Setelah Renovasi"
    assert "crème brûlée" in article.text
    assert "André Wiratmadja" in article.text


def test_xhtml_with_an_xml_declaration_is_handled() -> None:
    xhtml = '<?xml version="1.0" encoding="utf-8"?>\n' + fixture_html("artikel-id.html")
    assert extract_article(xhtml).title == "Bandung Uji Coba Bus Listrik di Jalur Dago"
    with pytest.raises(NotAnArticle, match="headlines"):
        extract_article('<?xml version="1.0"?>\n' + fixture_html("indeks-listing.html"))


def test_a_malformed_url_does_not_break_extraction() -> None:
    article = extract_article(fixture_html("article-en.html"), "http://[::1")
    assert article.text.startswith("Harbour Town opened")


def test_listing_of_headlines_with_teasers_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle, match="headlines"):
        extract_article(fixture_html("indeks-listing.html"))


def test_home_page_of_headline_links_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle):
        extract_article(fixture_html("beranda-menu.html"))


def test_video_page_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle, match="video"):
        extract_article(fixture_html("video.html"))


def test_a_site_front_page_url_is_not_an_article_even_with_prose() -> None:
    with pytest.raises(NotAnArticle, match="home page"):
        extract_article(fixture_html("artikel-id.html"), "https://www.wartapriangan.test/")


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "just some words, not html",
        "<html><body><p>Terlalu pendek.</p></body></html>",
        "<<<>>><</p>",
        "\x00\x01\x02",
    ],
)
def test_empty_or_meaningless_input_is_refused_with_a_reason(html: str) -> None:
    with pytest.raises(NotAnArticle) as refusal:
        extract_article(html)
    assert str(refusal.value)


def test_short_sentence_page_needs_more_than_one_sentence() -> None:
    html = (
        "<html><head><title>Halaman tidak ditemukan</title></head><body>"
        "<p>Maaf, halaman yang Anda cari tidak ditemukan atau sudah dipindahkan.</p>"
        "</body></html>"
    )
    with pytest.raises(NotAnArticle, match="prose"):
        extract_article(html)


def test_a_page_that_is_only_a_schedule_table_is_refused_for_lack_of_prose() -> None:
    rows = "".join(
        f"<tr><td>Seri {n}</td><td>{n + 3} Maret 2025</td><td>Sirkuit {place}</td></tr>"
        for n, place in enumerate(["Sentul", "Mandalika", "Sentul", "Mandalika", "Sentul"], 1)
    )
    html = (
        "<html><head><title>Jadwal Kejuaraan Balap Nasional 2025</title>"
        "<meta property='og:type' content='article'></head><body><article>"
        "<h1>Jadwal Kejuaraan Balap Nasional 2025</h1>"
        f"<table><tr><th>Seri</th><th>Tanggal</th><th>Tempat</th></tr>{rows}</table>"
        "<p>* Jadwal dapat berubah.</p></article></body></html>"
    )
    with pytest.raises(NotAnArticle) as refusal:
        extract_article(html)
    assert str(refusal.value) == "too little running prose to be an article"


def test_a_page_without_any_text_is_refused_as_unreadable() -> None:
    html = "<html><head><script>var x = 1;</script></head><body><div></div></body></html>"
    with pytest.raises(NotAnArticle, match="no readable text"):
        extract_article(html)


BUS_PARAGRAPHS = [
    "Pemerintah Kota Bandung mulai menguji coba tiga unit bus listrik di jalur Dago sejak Senin "
    "pagi. Uji coba berlangsung selama dua bulan sebelum pemerintah memutuskan apakah armada "
    "serupa akan ditambah.",
    "Kepala Dinas Perhubungan Kota Bandung mengatakan bus listrik dipilih karena jalur Dago padat "
    "kendaraan pada jam berangkat kerja. Penumpang dapat naik secara gratis selama masa uji coba.",
    "Setiap bus mampu menampung 40 penumpang dan dapat menempuh sekitar 200 kilometer sekali "
    "pengisian daya. Pengisian dilakukan pada malam hari di depo Cicaheum.",
    "Pengamat transportasi mengingatkan agar pemerintah menyiapkan jalur khusus. Tanpa jalur "
    "khusus, bus listrik tetap akan terjebak kemacetan seperti kendaraan lain.",
]
MARKET_PARAGRAPHS = [
    "Harga cabai rawit di Pasar Kosambi naik dua kali lipat dalam sepekan terakhir karena pasokan "
    "dari Garut berkurang setelah hujan deras merusak kebun petani.",
    "Pedagang mengatakan pembeli kini hanya membeli setengah dari biasanya. Sebagian pemilik "
    "warung makan memilih mengganti cabai rawit dengan cabai merah besar yang lebih murah.",
    "Dinas Perdagangan berjanji menggelar operasi pasar pekan depan. Pemerintah juga akan "
    "mendatangkan pasokan dari Jawa Tengah untuk menekan harga di tingkat pengecer.",
    "Petani berharap cuaca membaik agar panen berikutnya tidak ikut gagal dan harga kembali "
    "normal menjelang bulan puasa tahun ini.",
]


def page_declaring(body: str, paragraphs: list[str]) -> str:
    declared = json.dumps({"@type": "NewsArticle", "headline": "Bus Listrik", "articleBody": body})
    markup = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        "<html><head><title>Bus Listrik Diuji di Dago - Warta Priangan</title>"
        f"<script type='application/ld+json'>{declared}</script></head><body>"
        f"<article><h1>Bus Listrik Diuji di Dago</h1><div id='app'>{markup}</div></article>"
        "</body></html>"
    )


def test_a_page_whose_markup_holds_no_article_is_read_from_its_declared_body() -> None:
    text = extract_article(page_declaring("\n".join(BUS_PARAGRAPHS), [])).text
    assert all(paragraph in text for paragraph in BUS_PARAGRAPHS)  # trafilatura's fallback


def test_an_extraction_that_agrees_with_the_declared_body_is_confident() -> None:
    page = page_declaring("\n".join(BUS_PARAGRAPHS), BUS_PARAGRAPHS)
    assert extract_article(page).confidence == "high"


def test_an_extraction_that_contradicts_the_declared_body_is_not_confident() -> None:
    page = page_declaring("\n".join(MARKET_PARAGRAPHS), BUS_PARAGRAPHS)
    article = extract_article(page)
    assert article.text.split("\n\n") == BUS_PARAGRAPHS  # the markup's article is kept...
    assert article.confidence == "low"  # ...but not presented confidently


def test_a_declared_teaser_says_nothing_about_the_rest_of_the_article() -> None:
    page = page_declaring(MARKET_PARAGRAPHS[0], BUS_PARAGRAPHS)
    assert extract_article(page).confidence == "high"
