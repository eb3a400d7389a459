"""The local news site serves saved pages and a test's own routes on 127.0.0.1."""

from __future__ import annotations

import httpx
import pytest
from aiohttp import web

from testkit.news_site import PAGES, Content, NewsSite, dripping, html, saved_page


async def test_saved_pages_are_served_under_their_own_names() -> None:
    async with NewsSite() as site, httpx.AsyncClient() as client:
        page = await client.get(site.url("/artikel-id.html"))

    assert page.status_code == 200
    assert page.content == (PAGES / "artikel-id.html").read_bytes()
    assert site.hits["/artikel-id.html"] == 1


async def test_routes_serve_content_handlers_and_patterns() -> None:
    async def chapter(request: web.Request) -> web.Response:
        return web.Response(text=f"Bagian {request.match_info['number']}")

    routes = {
        "/berita/artikel.html": saved_page("artikel-id.html"),
        "/laporan.pdf": Content(b"%PDF-1.4\n", "application/pdf"),
        "/bagian/{number}": chapter,
        "/pindah": lambda request: web.HTTPFound("/berita/artikel.html"),
    }
    async with NewsSite(routes, saved_pages=False) as site, httpx.AsyncClient() as client:
        article = await client.get(site.url("/berita/artikel.html"))
        pdf = await client.get(site.url("/laporan.pdf"))
        part = await client.get(site.url("/bagian/3"))
        moved = await client.get(site.url("/pindah"))
        saved = await client.get(site.url("/artikel-id.html"))

    assert "Bus Listrik" in article.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert part.text == "Bagian 3"
    assert (moved.status_code, moved.headers["location"]) == (302, "/berita/artikel.html")
    assert saved.status_code == 404  # saved_pages=False


async def test_exact_routes_can_be_added_while_serving_and_unknown_paths_get_not_found() -> None:
    missing = html("<p>Halaman tidak ditemukan.</p>", status=404)
    async with NewsSite(not_found=missing) as site, httpx.AsyncClient() as client:
        site.route("/baru", html("<p>Kabar baru</p>"))
        added = await client.get(site.url("/baru"))
        unknown = await client.get(site.url("/tidak-ada"))

        with pytest.raises(RuntimeError, match="before the site starts"):
            site.route("/kategori/{name}", html("<p>x</p>"))

    assert added.text == "<p>Kabar baru</p>"
    assert (unknown.status_code, unknown.text) == (404, "<p>Halaman tidak ditemukan.</p>")


def test_a_synchronous_test_can_run_the_site_in_a_thread() -> None:
    with NewsSite().running_in_thread() as site:
        page = httpx.get(site.url("/article-en.html"))

    assert page.status_code == 200
    assert site.hits["/article-en.html"] == 1


async def test_a_dripping_page_arrives_a_space_at_a_time_between_its_head_and_tail() -> None:
    slow = dripping(drips=3, every=0.01, head=b"<html><body>", tail=b"</body></html>")
    async with (
        NewsSite({"/pelan.html": slow}, saved_pages=False) as site,
        httpx.AsyncClient() as client,
        client.stream("GET", site.url("/pelan.html")) as response,
    ):
        chunks = [chunk async for chunk in response.aiter_raw()]

    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert b"".join(chunks) == b"<html><body>   </body></html>"
    assert len(chunks) > 1  # sent as it drips, not in one piece
