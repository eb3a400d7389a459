"""Edited messages: an edit that changes what is summarized updates the reply in place."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web

from testkit.fake_bot_api import FakeBotApi
from testkit.harness import running_bot
from testkit.news_site import NewsSite, html, saved_page
from tests.conftest import StorageTarget
from tests.e2e.articles import BANJIR, RATES, article_page


@pytest_asyncio.fixture
async def site() -> AsyncIterator[NewsSite]:
    routes = {
        "/bandung/bus-listrik": saved_page("artikel-id.html"),
        "/news/bi-rate": html(article_page("BI holds rate at 6%", RATES, site="The Test Ledger")),
    }
    async with NewsSite(routes) as news:
        yield news


async def settle(api: FakeBotApi) -> None:
    """Let the bot take the next updates (an edit that changes nothing sends nothing)."""
    await api.wait_for("getUpdates", start=len(api.calls))
    await asyncio.sleep(0.3)


async def test_a_message_edited_to_add_a_link_gets_its_reply_edited_in_place(
    api: FakeBotApi, storage_target: StorageTarget, site: NewsSite
) -> None:
    async with running_bot(api, storage_target.location, allow_loopback=True):
        sent = api.private_text("Tolong dibaca, penting:")
        [hint] = await api.wait_for_messages(sent["chat"]["id"], 1)
        await storage_target.updates_handled(1)
        api.edit_text(sent, "Tolong dibaca, penting: " + site.url("/bandung/bus-listrik"))
        await api.wait_for("editMessageText")
        [reply] = api.sent_messages(sent["chat"]["id"])
    assert reply["message_id"] == hint["message_id"]
    assert reply["text"].startswith("Ringkasan")
    assert "Bus Listrik" in reply["text"]


async def test_an_edited_ringkas_command_updates_its_summary_in_english(
    api: FakeBotApi, storage_target: StorageTarget, site: NewsSite
) -> None:
    async with running_bot(api, storage_target.location, allow_loopback=True):
        sent = api.command("/ringkas " + site.url("/bandung/bus-listrik"), language_code="en")
        [first] = await api.wait_for_messages(sent["chat"]["id"], 1)
        await storage_target.updates_handled(1)
        api.edit_text(sent, "/ringkas " + site.url("/news/bi-rate"))
        await api.wait_for("editMessageText")
        [reply] = api.sent_messages(sent["chat"]["id"])
    assert "Bus Listrik" in first["text"]
    assert reply["message_id"] == first["message_id"]
    assert "BI holds rate at 6%" in reply["text"]


async def test_an_edit_that_changes_nothing_summarizable_changes_nothing(
    api: FakeBotApi, storage_target: StorageTarget, site: NewsSite
) -> None:
    link = site.url("/news/bi-rate")
    async with running_bot(api, storage_target.location, allow_loopback=True):
        sent = api.private_text("Worth a read: " + link, language_code="en")
        [before] = await api.wait_for_messages(sent["chat"]["id"], 1)
        calls = len(api.calls)
        await storage_target.updates_handled(1)
        api.edit_text(sent, "Really worth a read, everyone: " + link)
        await settle(api)
        [after] = api.sent_messages(sent["chat"]["id"])
    assert after == before
    sends = [c for c in api.calls[calls:] if c.method in ("sendMessage", "editMessageText")]
    assert sends == []
    assert site.hits["/news/bi-rate"] == 1


async def test_an_edit_while_the_first_answer_is_under_way_updates_that_answer(
    api: FakeBotApi, storage_target: StorageTarget, site: NewsSite
) -> None:
    page_asked, release = asyncio.Event(), asyncio.Event()

    async def slow_page(request: web.Request) -> web.Response:
        page_asked.set()
        await release.wait()
        return html(article_page("Jakarta Banjir", BANJIR)).response()

    site.route("/berita/banjir", slow_page)
    async with running_bot(api, storage_target.location, allow_loopback=True):
        sent = api.private_text("Baca ini: " + site.url("/berita/banjir"))
        await asyncio.wait_for(page_asked.wait(), 10)
        api.edit_text(sent, "Baca ini: " + site.url("/bandung/bus-listrik"))
        await settle(api)  # the bot has taken the edit while the first answer waits
        release.set()
        await api.wait_for("editMessageText")
        replies = api.sent_messages(sent["chat"]["id"])
    assert len(replies) == 1
    assert "Bus Listrik" in replies[0]["text"]


@pytest.mark.parametrize("restart", [False, True], ids=["running", "after-a-restart"])
async def test_an_edited_article_text_is_summarized_again_in_place(
    api: FakeBotApi, storage_target: StorageTarget, sample_article: str, restart: bool
) -> None:
    async with contextlib.AsyncExitStack() as bot:
        await bot.enter_async_context(running_bot(api, storage_target.location))
        sent = api.private_text(sample_article)
        [first] = await api.wait_for_messages(sent["chat"]["id"], 1)
        await storage_target.updates_handled(1)
        if restart:  # the edit comes to a bot that did not send the reply
            await bot.aclose()
            await bot.enter_async_context(running_bot(api, storage_target.location))
        api.edit_text(sent, sample_article.replace("Ketegangan", "Ketegangan hebat", 1))
        await api.wait_for("editMessageText")
        [reply] = api.sent_messages(sent["chat"]["id"])
    assert reply["message_id"] == first["message_id"]
    assert "Ketegangan hebat" in reply["text"]
