"""Links next to text: the teaser rule, several links, identical links, links we never open."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import running_bot
from testkit.news_site import NewsSite, html, saved_page
from tests.e2e.articles import BANJIR, RATES, TEASER_EN, TEASER_ID, article_page


@pytest_asyncio.fixture
async def site() -> AsyncIterator[NewsSite]:
    routes = {
        "/berita/banjir": html(
            article_page("Jakarta Dikepung Banjir", BANJIR, site="Warta Kota", date="2024-02-04")
        ),
        "/news/bi-rate": html(
            article_page("BI holds rate at 6%", RATES, site="The Test Ledger", date="2024-02-21")
        ),
        "/bandung/bus-listrik": saved_page("artikel-id.html"),
        "/harbour/library": saved_page("article-en.html"),
    }
    async with NewsSite(routes) as news:
        yield news


def buttons(message: dict) -> list[str]:  # type: ignore[type-arg]
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return [button["callback_data"] for row in markup["inline_keyboard"] for button in row]


async def test_a_forwarded_teaser_gets_the_linked_article_summarized(
    api: FakeBotApi, bot_database: DatabaseLocation, site: NewsSite
) -> None:
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(
            TEASER_ID.format(url=site.url("/berita/banjir")), forward_from_chat="Warta Kota"
        )
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert site.hits["/berita/banjir"] == 1
    assert "Jakarta Dikepung Banjir" in reply["text"]
    assert "Kepala Pelaksana BPBD" in reply["text"] or "1.245 warga" in reply["text"]


async def test_a_comment_beside_a_link_gets_the_linked_article_in_english(
    api: FakeBotApi, bot_database: DatabaseLocation, site: NewsSite
) -> None:
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(
            "Please read this, important: " + site.url("/news/bi-rate"), language_code="en"
        )
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert reply["text"].startswith("Summary")
    assert "BI holds rate at 6%" in reply["text"]


async def test_an_english_teaser_gets_the_linked_article(
    api: FakeBotApi, bot_database: DatabaseLocation, site: NewsSite
) -> None:
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(TEASER_EN.format(url=site.url("/news/bi-rate")), language_code="en")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert site.hits["/news/bi-rate"] == 1
    assert "BI holds rate at 6%" in reply["text"]


async def test_a_full_article_ending_with_its_source_is_summarized_with_the_link_as_source(
    api: FakeBotApi, bot_database: DatabaseLocation, site: NewsSite, sample_article: str
) -> None:
    link = site.url("/berita/banjir")
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(sample_article.replace("Baca Juga:", "") + "\nSumber: " + link)
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert site.hits["/berita/banjir"] == 0
    assert "Ketegangan yang terjadi antara Rusia dan Ukraina makin memuncak." in reply["text"]
    assert f'Sumber: <a href="{link}">127.0.0.1</a>' in reply["raw_text"]


async def test_a_full_english_article_with_its_source_shows_the_source(
    api: FakeBotApi, bot_database: DatabaseLocation, site: NewsSite
) -> None:
    link = site.url("/news/bi-rate")
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(RATES[:3400] + "\n\nSource: " + link, language_code="en")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert site.hits["/news/bi-rate"] == 0
    assert f'Source: <a href="{link}">' in reply["raw_text"]


async def test_several_links_get_one_reply_each_in_message_order_with_their_own_buttons(
    api: FakeBotApi, bot_database: DatabaseLocation, site: NewsSite
) -> None:
    text = (
        f"Tiga berita hari ini:\n1. {site.url('/bandung/bus-listrik')}\n"
        f"2. {site.url('/berita/banjir')}\n3. {site.url('/harbour/library')}"
    )
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(text)
        replies = await api.wait_for_messages(sent["chat"]["id"], 3)
    assert [r["reply_to_message"]["message_id"] for r in replies] == [sent["message_id"]] * 3
    assert "Bus Listrik" in replies[0]["text"]
    assert "Jakarta Dikepung Banjir" in replies[1]["text"]
    assert "Harbour Town" in replies[2]["text"]
    article_ids = {data.rsplit(":", 1)[1] for reply in replies for data in buttons(reply)}
    assert len(article_ids) == 3


async def test_links_beyond_the_cap_are_named_in_one_note(
    api: FakeBotApi, bot_database: DatabaseLocation, site: NewsSite
) -> None:
    links = [site.url(f"/berita/banjir?hal={n}") for n in range(1, 8)]
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text("Kumpulan tautan:\n" + "\n".join(links), language_code="en")
        replies = await api.wait_for_messages(sent["chat"]["id"], 6)
    assert len(replies) == 6
    note = replies[5]["text"]
    assert "7 links" in note and "first 5" in note
    assert links[5] in note and links[6] in note and links[4] not in note


async def test_identical_links_are_summarized_once(
    api: FakeBotApi, bot_database: DatabaseLocation, site: NewsSite
) -> None:
    link = site.url("/berita/banjir")
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(f"{link}\n{link}?utm_source=wa\n{link}#komentar")
        await api.wait_for_messages(sent["chat"]["id"], 1)
        await api.wait_for("getUpdates", start=len(api.calls))
        replies = api.sent_messages(sent["chat"]["id"])
    assert len(replies) == 1
    assert site.hits["/berita/banjir"] == 1


async def test_links_we_never_open_are_answered_only_http_and_https(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        ftp = api.private_text("ftp://files.example.com/berita/banjir.txt")
        [ftp_reply] = await api.wait_for_messages(ftp["chat"]["id"], 1)
        local = api.private_text("file:///etc/passwd", user_id=1002, language_code="en")
        [local_reply] = await api.wait_for_messages(local["chat"]["id"], 1)
        script = api.private_text("javascript:alert(1)", user_id=1003)
        [script_reply] = await api.wait_for_messages(script["chat"]["id"], 1)
    assert "hanya tautan http dan https" in ftp_reply["text"]
    assert "only http and https links" in local_reply["text"]
    assert "hanya tautan http dan https" in script_reply["text"]
