"""The engine under pressure, end to end: crashed and stuck workers, bursts, cache hits.

The engine and extraction functions patched here are what the workers run: the lanes send
them by name. The workers come from a template started for each test, after the directory
of the test's marker files is set in the environment, which the template inherits.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import pytest_asyncio

import service.digests
import web.pages
from bot import texts
from bot.settings import DEFAULTS
from storage import DatabaseLocation
from summarizer import CleanText, Digest
from testkit import harness
from testkit.fake_bot_api import FakeBotApi, JsonDict
from testkit.harness import running_bot
from testkit.news_site import NewsSite, dripping, saved_page
from tests.conftest import SQLITE_ONLY
from web import Article
from web.pagination import Pagination

# Storage is incidental to the engine under pressure: SQLite only (tests/conftest.py).
pytestmark = SQLITE_ONLY

STUCK = "Kode liputan: MACET-TOTAL."  # the engine never finishes an article with this line
CRASHING = "Kode liputan: MOGOK-MESIN."  # the engine's process dies on it, every time
CRASHING_ONCE = "Kode liputan: MOGOK-SEKALI."  # ... the first time only
SLOW = "Kode liputan: PELAN."  # the engine takes a third of a second on it

real_compute_digest = service.digests.compute_digest
real_first_page = web.pages.read_first_page
MARKERS = "RINGKAS_TEST_MARKERS"  # the directory of a test's marker files (`tuned`)


def crash_marker() -> Path:
    """There once the engine crashed on an article."""
    return Path(os.environ[MARKERS], "mogok")


def stuck_log() -> Path:
    """One line per time the engine started on a stuck article."""
    return Path(os.environ[MARKERS], "macet.log")


def misbehaving_engine(article: CleanText, sentences: int, language: str | None) -> Digest:
    if STUCK in article.text:
        with stuck_log().open("a") as log:
            log.write("attempt\n")
        while True:
            pass
    if CRASHING in article.text or (CRASHING_ONCE in article.text and not crash_marker().exists()):
        crash_marker().touch()
        os._exit(9)
    if SLOW in article.text:
        time.sleep(0.3)
    return real_compute_digest(article, sentences, language)


def stuck_extraction(html: str, url: str) -> tuple[Article, Pagination]:
    if "/macet" in url:
        while True:
            pass
    return real_first_page(html, url)


@pytest.fixture
def tuned(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[..., None]]:
    """Patch the engine, give the bot workers that see this test's markers, and return a
    function that changes the bot's settings."""
    monkeypatch.setattr(service.digests, "compute_digest", misbehaving_engine)
    monkeypatch.setattr(web.pages, "read_first_page", stuck_extraction)
    monkeypatch.setenv(MARKERS, str(tmp_path))
    with harness.template_loading(__name__) as template:
        monkeypatch.setattr(harness, "worker_template", lambda: template)

        def tune(**changes: object) -> None:
            monkeypatch.setattr(harness, "DEFAULTS", replace(DEFAULTS, **changes))

        yield tune


@pytest_asyncio.fixture
async def news_site() -> AsyncIterator[str]:
    """One article page at /berita (fine) and /macet (its extraction hangs); under /pelan,
    pages that take 8 seconds to arrive, a byte every half second."""
    routes = {
        "/berita/artikel.html": saved_page("artikel-id.html"),
        "/macet/artikel.html": saved_page("artikel-id.html"),
        "/pelan/{name}": dripping(
            drips=16,
            every=0.5,
            head=b"<!DOCTYPE html><html><head><title>Pelan</title></head><body>",
            tail=b"</body></html>",
        ),
    }
    async with NewsSite(routes, saved_pages=False) as site:
        yield site.base_url


def variant(article: str, number: int, *extra: str) -> str:
    """A different article for the cache: the paragraphs rotated, plus `extra` lines."""
    paragraphs = [p for p in article.split("\n\n") if p.strip()]
    shift = number % len(paragraphs)
    lines = [*paragraphs[shift:], *paragraphs[:shift], f"Berita nomor {number}.", *extra]
    return "\n\n".join(lines)


def reply_order(api: FakeBotApi) -> list[int]:
    """Chat ids of the bot's replies, in the order they were sent."""
    return [call.result["chat"]["id"] for call in api.calls_to("sendMessage") if call.ok]


async def one_reply(api: FakeBotApi, sent: JsonDict, timeout: float = 30.0) -> str:
    [reply] = await api.wait_for_messages(sent["chat"]["id"], 1, timeout=timeout)
    return str(reply["text"])


def plain(key: str, **values: object) -> str:
    """A text as Telegram shows it (the tags gone)."""
    return re.sub(r"<[^>]+>", "", texts.text("id", key, **values))


async def test_work_stuck_past_its_deadline_gets_the_too_slow_answer_and_others_go_on(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str, tuned: Callable[..., None]
) -> None:
    tuned(work_deadline_seconds=1.0)
    async with running_bot(api, bot_database):
        stuck = api.private_text(variant(sample_article, 1, STUCK), user_id=501)
        assert await one_reply(api, stuck) == plain("too_slow")
        after = api.private_text(variant(sample_article, 2), user_id=502)
        assert "Ringkasan" in await one_reply(api, after)


async def test_work_that_ran_past_its_deadline_is_refused_at_once_when_sent_again(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str, tuned: Callable[..., None]
) -> None:
    tuned(work_deadline_seconds=1.0)
    stuck_text = variant(sample_article, 1, STUCK)
    async with running_bot(api, bot_database):
        first = api.private_text(stuck_text, user_id=501)
        assert await one_reply(api, first) == plain("too_slow")
        again = api.private_text(stuck_text, user_id=502)
        assert await one_reply(api, again) == plain("too_slow")
    assert stuck_log().read_text().splitlines() == ["attempt"]  # no worker was spent again


async def test_work_past_its_deadline_is_tried_again_once_its_memory_lapses(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str, tuned: Callable[..., None]
) -> None:
    tuned(work_deadline_seconds=1.0, too_slow_memory_seconds=0.0)
    stuck_text = variant(sample_article, 1, STUCK)
    async with running_bot(api, bot_database):
        for user_id in (501, 502):
            sent = api.private_text(stuck_text, user_id=user_id)
            assert await one_reply(api, sent) == plain("too_slow")
    assert stuck_log().read_text().splitlines() == ["attempt", "attempt"]


async def test_a_link_whose_extraction_hangs_gets_the_too_slow_answer(
    api: FakeBotApi, bot_database: DatabaseLocation, news_site: str, tuned: Callable[..., None]
) -> None:
    tuned(work_deadline_seconds=1.0)
    async with running_bot(api, bot_database, allow_loopback=True):
        stuck = api.private_text(f"{news_site}/macet/artikel.html", user_id=501)
        assert await one_reply(api, stuck) == plain("too_slow")
        fine = api.private_text(f"{news_site}/berita/artikel.html", user_id=502)
        assert "Ringkasan" in await one_reply(api, fine)


async def test_two_users_slow_links_leave_fetch_slots_for_a_third_user(
    api: FakeBotApi, bot_database: DatabaseLocation, news_site: str, tuned: Callable[..., None]
) -> None:
    tuned(max_concurrent_fetches=8, max_fetches_per_user=2)
    async with running_bot(api, bot_database, allow_loopback=True):
        slow = [
            api.private_text(f"{news_site}/pelan/{user}-{n}.html", user_id=user)
            for user in (901, 902)
            for n in range(4)
        ]
        await asyncio.sleep(0.5)  # their fetches are under way
        third = api.private_text(f"{news_site}/berita/artikel.html", user_id=903)
        assert "Ringkasan" in await one_reply(api, third)
        assert not any(api.sent_messages(message["chat"]["id"]) for message in slow)


async def test_an_engine_crash_is_retried_once_and_the_user_gets_the_summary(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str, tuned: Callable[..., None]
) -> None:
    tuned()
    async with running_bot(api, bot_database):
        sent = api.private_text(variant(sample_article, 1, CRASHING_ONCE), user_id=501)
        assert "Ringkasan" in await one_reply(api, sent)
    assert crash_marker().exists()  # it did crash once


async def test_work_that_crashes_every_time_gets_the_error_answer_and_others_go_on(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str, tuned: Callable[..., None]
) -> None:
    tuned()
    async with running_bot(api, bot_database):
        crashing = api.private_text(variant(sample_article, 1, CRASHING), user_id=501)
        assert await one_reply(api, crashing) == plain("error")
        after = api.private_text(variant(sample_article, 2), user_id=502)
        assert "Ringkasan" in await one_reply(api, after)


async def test_one_users_burst_does_not_delay_another_users_article(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str, tuned: Callable[..., None]
) -> None:
    tuned(engine_workers=1)
    # Under 2,048 characters: back-to-back longer messages would be joined as the parts of
    # one split paste (handlers/pastes.py).
    article = sample_article[: sample_article.rfind("\n\n", 0, 1900)]
    async with running_bot(api, bot_database):
        burst = [api.private_text(variant(article, n, SLOW), user_id=601) for n in range(5)]
        single = api.private_text(variant(article, 7, SLOW), user_id=602)
        for message in [*burst, single]:
            await api.wait_for_messages(message["chat"]["id"], 1, timeout=30)
    order = reply_order(api)
    # The burst's first article may already be in the engine; the single one comes next.
    assert order.index(single["chat"]["id"]) <= 2
    assert order.count(burst[0]["chat"]["id"]) == 5


async def test_cache_hits_and_commands_are_answered_while_the_engine_is_stuck(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str, tuned: Callable[..., None]
) -> None:
    tuned(engine_workers=1, work_deadline_seconds=3.0)
    async with running_bot(api, bot_database):
        first = api.private_text(sample_article, user_id=701)
        await one_reply(api, first)
        calls_before = len(api.calls)
        stuck = api.private_text(variant(sample_article, 1, STUCK), user_id=702)
        # Its engine work has been running a moment when "typing..." is shown.
        await api.wait_for("sendChatAction", start=calls_before)
        fresh = api.private_text(variant(sample_article, 2), user_id=703)
        cached = api.private_text(sample_article, user_id=704)
        helped = api.command("/help", user_id=705)
        for message in (stuck, fresh, cached, helped):
            await api.wait_for_messages(message["chat"]["id"], 1, timeout=30)
    order = reply_order(api)
    waiting = [order.index(stuck["chat"]["id"]), order.index(fresh["chat"]["id"])]
    assert order.index(cached["chat"]["id"]) < min(waiting)
    assert order.index(helped["chat"]["id"]) < min(waiting)
