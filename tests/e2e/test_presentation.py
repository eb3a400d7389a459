"""Presentation: summary with facts, title link, the reader's date, greetings, descriptions,
a typing indicator that lasts, closed quotes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial

import pytest
import pytest_asyncio
from aiohttp import web

import handlers.typing
from bot.app import build_application
from storage import DatabaseLocation
from testkit import harness
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import running_bot
from testkit.news_site import NOT_FOUND, PAGES, Content, NewsSite, html, saved_page
from tests.conftest import SQLITE_ONLY
from tests.e2e.articles import BANJIR, RATES

# Storage is incidental to what a reply looks like: SQLite only (tests/conftest.py).
pytestmark = SQLITE_ONLY


@pytest_asyncio.fixture
async def site() -> AsyncIterator[NewsSite]:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1.5)  # a slow news site: longer than the typing refresh below
        page = "article-en.html" if "harbour" in request.path else "artikel-id.html"
        return saved_page(page).response()

    routes = {
        "/bandung/bus-listrik": saved_page("artikel-id.html"),
        "/harbour/library": saved_page("article-en.html"),
        "/lambat/bus-listrik": slow,
        "/slow/harbour/library": slow,
    }
    async with NewsSite(routes) as news:
        yield news


async def test_the_first_reply_shows_the_summary_and_key_facts_together(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        sent = api.private_text(sample_article)
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    summary, facts = reply["text"].split("\n\nFakta kunci\n")
    assert summary.startswith("Ringkasan\n1. ")
    assert 1 <= len(facts.splitlines()) <= 3


async def test_the_english_first_reply_has_key_facts_and_a_button_for_all_of_them(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        sent = api.private_text(BANJIR, language_code="en")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "\n\nKey facts\n" in reply["text"]
    labels = [b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[0].startswith("🔑 All key facts (")


async def test_the_title_links_to_the_article_and_the_date_is_written_out(
    api: FakeBotApi, bot_database: DatabaseLocation, site: NewsSite
) -> None:
    link = site.url("/bandung/bus-listrik")
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(link)
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
        english = api.private_text(site.url("/harbour/library"), user_id=1002, language_code="en")
        [english_reply] = await api.wait_for_messages(english["chat"]["id"], 1)
    assert (
        f'<b><a href="{link}">Bandung Uji Coba Bus Listrik di Jalur Dago</a></b>'
        in reply["raw_text"]
    )
    assert "Warta Priangan, 12 Maret 2024" in reply["text"]
    assert "2 November 2023" in english_reply["text"]
    assert "2023-11-02" not in english_reply["text"]


async def test_start_greets_with_one_example_and_help_is_the_reference(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        start = api.command("/start")
        [greeting] = await api.wait_for_messages(start["chat"]["id"], 1)
        api.command("/help")
        [_, reference] = await api.wait_for_messages(start["chat"]["id"], 2)
        english = api.command("/start", user_id=1002, language_code="en")
        [english_greeting] = await api.wait_for_messages(english["chat"]["id"], 1)
    assert greeting["text"].startswith("Halo!")
    assert greeting["text"].count("https://") == 1
    assert "/panjang" not in greeting["text"]
    assert "/panjang" in reference["text"] and "/bahasa" in reference["text"]
    assert english_greeting["text"].startswith("Hello!")


async def test_the_bot_describes_itself_in_indonesian_and_english(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        pass
    assert "meringkas berita" in api.description()
    assert "summarizes news" in api.description("en")
    assert api.short_description() and len(api.short_description()) <= 120
    assert "News summaries" in api.short_description("en")


async def test_typing_stays_up_during_a_slow_fetch_until_the_reply(
    api: FakeBotApi, bot_database: DatabaseLocation, site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Telegram drops "typing" after 5 s and the bot renews it every 4 s; scaled down here.
    monkeypatch.setattr(handlers.typing, "TYPING_REFRESH_SECONDS", 0.4)
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(site.url("/lambat/bus-listrik"))
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1, timeout=20)
    typing = [c for c in api.calls_to("sendChatAction") if c.params["action"] == "typing"]
    answered = api.calls_to("sendMessage")[0].time
    assert len(typing) >= 2  # renewed while the fetch goes on
    assert all(call.time < answered for call in typing)
    assert reply["text"].startswith("Ringkasan")


async def test_typing_stays_up_during_a_slow_english_fetch_until_the_reply(
    api: FakeBotApi, bot_database: DatabaseLocation, site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers.typing, "TYPING_REFRESH_SECONDS", 0.4)
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(site.url("/slow/harbour/library"), language_code="en")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1, timeout=20)
    typing = [c for c in api.calls_to("sendChatAction") if c.params["action"] == "typing"]
    answered = api.calls_to("sendMessage")[0].time
    assert len(typing) >= 2
    assert all(call.time < answered for call in typing)
    assert reply["text"].startswith("Summary")


async def test_a_quote_opened_in_a_summary_sentence_is_closed(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    article = (
        "“Kami tidak akan mundur. Semua pompa sudah kami siagakan sampai air surut,” kata "
        "Kepala BPBD DKI Jakarta Isnawa Adji di Jakarta, Minggu (4/2/2024).\n\n"
        + BANJIR.split("\n\n", 1)[1]
    )
    async with running_bot(api, bot_database):
        sent = api.private_text(article)
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    lines = [line for line in reply["text"].splitlines() if line[:2] in ("1.", "2.", "3.")]
    quoted = [line for line in lines if "Semua pompa" in line or "Kami tidak akan" in line]
    assert quoted, "the summary keeps a sentence of the opening quotation"
    for line in lines:
        assert line.count('"') % 2 == 0 and line.count("“") == line.count("”")


# Page 1 of 2 of a short article (too short to be read with confidence); page 2 is missing.
PAGINATED_SHORT_PAGE = (
    "<!DOCTYPE html><html lang='id'><head><meta charset='utf-8'>"
    "<title>Banjir Rendam Tiga Kecamatan di Bandung - Kabar Priangan</title>"
    "<meta property='og:type' content='article'></head><body><article>"
    "<h1>Banjir Rendam Tiga Kecamatan di Bandung</h1><div class='isi'>"
    "<p>Banjir setinggi satu meter merendam tiga kecamatan di Kabupaten Bandung sejak Senin "
    "pagi setelah hujan deras mengguyur semalaman.</p>"
    "<p>Badan Penanggulangan Bencana Daerah mencatat lebih dari dua ribu rumah terdampak dan "
    "ratusan warga mengungsi ke masjid dan balai desa.</p></div>"
    "<div class='paging'><a href='/banjir?page=1'>1</a><a href='/banjir?page=2'>2</a>"
    "<a href='/banjir?page=2'>Selanjutnya</a></div></article></body></html>"
)


async def test_a_hard_to_read_article_with_unread_pages_says_both_under_the_summary(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    def banjir(request: web.Request) -> web.Response:
        if request.query.get("page", "1") != "1":
            return NOT_FOUND.response()
        return html(PAGINATED_SHORT_PAGE).response()

    async with (
        NewsSite({"/banjir": banjir}) as news,
        running_bot(api, bot_database, allow_loopback=True),
    ):
        sent = api.private_text(news.url("/banjir"))
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert reply["text"].startswith("Ringkasan")
    assert "hanya 1 halaman yang terbaca" in reply["text"]
    assert "sulit dibaca dengan pasti" in reply["text"]


async def test_a_quote_opened_in_an_english_summary_sentence_is_closed(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    article = (
        "“We are not going to cut rates just yet. The rupiah needs our support first, and "
        "inflation must stay low,” Bank Indonesia Governor Perry Warjiyo told reporters in "
        "Jakarta on Wednesday (21/2/2024).\n\n" + RATES.split("\n\n", 1)[1]
    )
    async with running_bot(api, bot_database):
        sent = api.private_text(article, language_code="en")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    lines = [line for line in reply["text"].splitlines() if line[:2] in ("1.", "2.", "3.")]
    quoted = [line for line in lines if "rupiah needs our support" in line or "not going" in line]
    assert reply["text"].startswith("Summary")
    assert quoted, "the summary keeps a sentence of the opening quotation"
    for line in lines:
        assert line.count('"') % 2 == 0 and line.count("“") == line.count("”")


def page_named(site_name: str) -> Content:
    """The saved Bandung article, its og:site_name the site's social-media handle."""
    page = (PAGES / "artikel-id.html").read_text(encoding="utf-8")
    page = page.replace('content="Warta Priangan"', f'content="{site_name}"')
    return Content(page.replace(" - Warta Priangan</title>", "</title>").encode(), "text/html")


@pytest.fixture
def outlets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outlets' host names lead to 127.0.0.1 (the local news site), as DNS would lead to them."""

    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    monkeypatch.setattr(harness, "build_application", partial(build_application, resolver=resolve))


@pytest.mark.parametrize(
    ("language", "dated"),
    [("id", "VIVA.co.id, 12 Maret 2024"), ("en", "VIVA.co.id, 12 March 2024")],
)
async def test_a_big_outlet_is_named_as_it_names_itself_not_by_its_handle(
    api: FakeBotApi, bot_database: DatabaseLocation, outlets: None, language: str, dated: str
) -> None:
    async with NewsSite({"/berita/bus-listrik": page_named("VIVAcoid")}) as news:
        link = f"http://www.viva.co.id:{news.port}/berita/bus-listrik"
        async with running_bot(api, bot_database, allow_loopback=True):
            sent = api.private_text(link, language_code=language)
            [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert news.hits["/berita/bus-listrik"] == 1
    assert dated in reply["text"]
    assert "VIVAcoid" not in reply["text"]


async def test_a_site_outside_the_table_named_by_its_handle_is_named_by_its_host(
    api: FakeBotApi, bot_database: DatabaseLocation, outlets: None
) -> None:
    async with NewsSite({"/berita/bus-listrik": page_named("Kabarpriangan")}) as news:
        link = f"http://kabarpriangan.id:{news.port}/berita/bus-listrik"
        async with running_bot(api, bot_database, allow_loopback=True):
            sent = api.private_text(link)
            [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "kabarpriangan.id, 12 Maret 2024" in reply["text"]
    assert "Kabarpriangan," not in reply["text"]
