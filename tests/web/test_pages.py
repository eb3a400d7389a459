"""fetch_article over paginated articles served on 127.0.0.1: the site's show-all form, the
numbered pages, the page cap, and pages that cannot be read."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from testkit.harness import fetch_policy
from testkit.news_site import NewsSite
from web.extract import parse_html
from web.pages import fetch_article
from web.pagination import NOT_PAGINATED, find_pagination

ALLOW_LOOPBACK = fetch_policy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),))
ARTICLE = "/read/2024/05/01/banjir-bandung"
MAX_PAGES = 5  # more pages than these articles have (the cap has its own test)
PAGE_TEXT = {
    1: [
        "BANDUNG - Banjir setinggi satu meter merendam tiga kecamatan di Kabupaten Bandung "
        "sejak Senin pagi setelah hujan deras mengguyur semalaman.",
        "Badan Penanggulangan Bencana Daerah mencatat lebih dari dua ribu rumah terdampak dan "
        "ratusan warga mengungsi ke masjid dan balai desa.",
    ],
    2: [
        "Petugas gabungan mengerahkan perahu karet untuk mengevakuasi warga lanjut usia dan "
        "anak-anak dari permukiman di tepi Sungai Citarum.",
        "Dapur umum didirikan di halaman kantor kecamatan untuk menyediakan makanan bagi para "
        "pengungsi selama tiga hari ke depan.",
    ],
    3: [
        "Pemerintah kabupaten berjanji mempercepat normalisasi sungai agar banjir serupa tidak "
        "terulang pada musim hujan tahun depan.",
    ],
}


def page_html(paragraphs: list[str], nav: str) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        "<!DOCTYPE html><html lang='id'><head><meta charset='utf-8'>"
        "<title>Banjir Rendam Tiga Kecamatan di Bandung - Kabar Priangan</title>"
        "<meta property='og:type' content='article'>"
        "<meta property='og:site_name' content='Kabar Priangan'></head><body>"
        "<article><h1>Banjir Rendam Tiga Kecamatan di Bandung</h1>"
        f"<div class='isi'>{body}</div><div class='paging'>{nav}</div></article>"
        "<aside><h3>Terpopuler</h3><ul><li><a href='/read/2024/05/01/harga-cabai'>Harga Cabai "
        "Rawit di Pasar Kosambi Naik Dua Kali Lipat</a></li></ul></aside></body></html>"
    )


def numbered_nav(pages: int, current: int, show_all: bool) -> str:
    links = "".join(f"<a href='{ARTICLE}?page={n}'>{n}</a>" for n in range(1, pages + 1))
    if current < pages:
        links += f"<a href='{ARTICLE}?page={current + 1}'>Selanjutnya</a>"
    if show_all:
        links += f"<a href='{ARTICLE}?page=all'>Tampilkan semua</a>"
    return links


def paginated_site(
    pages: dict[int, list[str]], *, show_all: bool, broken: frozenset[int] = frozenset()
) -> tuple[NewsSite, list[str]]:
    """The article at ARTICLE over `pages` (not started), and the pages asked of it in order."""
    requested: list[str] = []

    def article(request: web.Request) -> web.StreamResponse:
        page = request.query.get("page", "1")
        requested.append(page)
        if page == "all" and show_all:
            everything = [paragraph for number in sorted(pages) for paragraph in pages[number]]
            return web.Response(text=page_html(everything, ""), content_type="text/html")
        number = int(page) if page.isdigit() else 0
        if number not in pages or number in broken:
            return web.HTTPNotFound()
        nav = numbered_nav(len(pages), number, show_all)
        return web.Response(text=page_html(pages[number], nav), content_type="text/html")

    return NewsSite({ARTICLE: article}, saved_pages=False), requested


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[NewsSite], Awaitable[str]]]:
    """Starts a site for the test (stopped after it); gives the article's URL there."""
    sites: list[NewsSite] = []

    async def start(site: NewsSite) -> str:
        await site.start()
        sites.append(site)
        return site.url(ARTICLE)

    yield start
    for site in sites:
        await site.stop()


def all_text() -> list[str]:
    return [paragraph for number in sorted(PAGE_TEXT) for paragraph in PAGE_TEXT[number]]


async def test_the_sites_show_all_form_is_read_in_one_more_fetch(serve) -> None:
    site, requested = paginated_site(PAGE_TEXT, show_all=True)
    article = await fetch_article(await serve(site), ALLOW_LOOPBACK, max_pages=MAX_PAGES)
    assert article.text.split("\n\n") == all_text()
    assert article.pages == 3
    assert not article.more_pages
    assert requested == ["1", "all"]


async def test_without_a_show_all_form_the_numbered_pages_are_followed(serve) -> None:
    site, requested = paginated_site(PAGE_TEXT, show_all=False)
    article = await fetch_article(await serve(site), ALLOW_LOOPBACK, max_pages=MAX_PAGES)
    assert article.text.split("\n\n") == all_text()
    assert (article.pages, article.more_pages) == (3, False)
    assert requested == ["1", "2", "3"]


async def test_a_page_that_cannot_be_read_leaves_the_article_marked_incomplete(serve) -> None:
    site, _ = paginated_site(PAGE_TEXT, show_all=False, broken=frozenset({2}))
    article = await fetch_article(await serve(site), ALLOW_LOOPBACK, max_pages=MAX_PAGES)
    assert article.text.split("\n\n") == PAGE_TEXT[1]
    assert (article.pages, article.more_pages) == (1, True)


async def test_no_more_pages_than_the_cap_are_fetched(serve) -> None:
    many = {
        number: [
            f"Laporan bagian ke-{number} menjelaskan kondisi pengungsian di desa nomor {number} "
            "yang masih tergenang air setinggi lutut orang dewasa. Warga di sana masih menunggu "
            "bantuan selimut dan air bersih dari pemerintah kabupaten."
        ]
        for number in range(1, 9)
    }
    site, requested = paginated_site(many, show_all=False)
    article = await fetch_article(await serve(site), ALLOW_LOOPBACK, max_pages=3)
    assert (article.pages, article.more_pages) == (3, True)
    assert requested == ["1", "2", "3"]


async def test_an_article_on_one_page_is_fetched_once(serve) -> None:
    site, requested = paginated_site({1: PAGE_TEXT[1] + PAGE_TEXT[2]}, show_all=False)
    article = await fetch_article(await serve(site), ALLOW_LOOPBACK, max_pages=MAX_PAGES)
    assert (article.pages, article.more_pages) == (1, False)
    assert requested == ["1"]


def test_links_to_other_articles_or_hosts_are_not_pages_of_this_one() -> None:
    html = (
        "<html><body><p>Isi.</p>"
        "<a href='/indeks?page=2'>2</a>"
        "<a href='/read/2024/05/01/harga-cabai?page=2'>Selanjutnya</a>"
        "<a href='https://iklan.example/read/2024/05/01/banjir-bandung?page=all'>"
        "Tampilkan semua</a></body></html>"
    )
    tree = parse_html(html)
    assert find_pagination(tree, "https://kabar.test/read/2024/05/01/banjir-bandung") == (
        NOT_PAGINATED
    )


@pytest.mark.parametrize(
    ("link", "show_all"),
    [
        ("?page=all", True),
        ("?single=1", True),
        ("?showpage=all", True),
        ("?page=2", False),
        ("/2", False),
    ],
)
def test_indonesian_pagination_forms_are_recognised(link: str, show_all: bool) -> None:
    url = "https://kabar.test/read/2024/05/01/banjir-bandung"
    href = url + link
    tree = parse_html(f"<html><body><p>Isi.</p><a href='{href}'>x</a></body></html>")
    pagination = find_pagination(tree, url)
    assert (pagination.show_all == href) is show_all
    assert (pagination.pages == (href,)) is not show_all
