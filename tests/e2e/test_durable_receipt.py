"""Durable receipt: an update Telegram was told about is in the database until it is answered,
so a crash or a stop loses none, and a restart answers each exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import pytest_asyncio

from testkit.fake_bot_api import FakeBotApi, JsonDict
from testkit.harness import TOKEN, answers_to, running_bot
from testkit.news_site import NewsSite, html
from tests.conftest import StorageTarget
from tests.e2e.articles import BANJIR, RATES, article_page

PROJECT = Path(__file__).resolve().parents[2]
FIRST_USER = 3000


def variants(article: str, count: int) -> list[str]:
    """`count` different short articles (none served from the cache of another)."""
    short = "\n\n".join(article.split("\n\n")[:5])
    return [f"Artikel nomor {n}. " + short.replace("Rusia", f"Rusia ({n})") for n in range(count)]


def send_all(api: FakeBotApi, articles: Sequence[str], first_user: int) -> list[JsonDict]:
    """Each article from its own user (one user's burst would be paced by the limit)."""
    return [api.private_text(text, user_id=first_user + n) for n, text in enumerate(articles)]


def answer_counts(api: FakeBotApi, sent: Sequence[JsonDict]) -> list[int]:
    return [len(answers_to(api, message)) for message in sent]


async def until_answered(api: FakeBotApi, sent: Sequence[JsonDict], count: int) -> None:
    async with asyncio.timeout(90):
        while sum(1 for n in answer_counts(api, sent) if n) < count:
            await asyncio.sleep(0.05)


@asynccontextmanager
async def bot_process(api: FakeBotApi, target: StorageTarget, workdir: Path) -> AsyncIterator[int]:
    """`python -m bot run` (polling); yields its pid. Left running: stopped with SIGTERM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK"))}
    env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url,
            "DATABASE_URL": target.url, "PYTHONPATH": str(PROJECT)}  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield process.pid
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


async def test_updates_in_flight_when_the_bot_is_killed_are_each_answered_once_after_a_restart(
    api: FakeBotApi, tmp_path: Path, storage_target: StorageTarget, sample_article: str
) -> None:
    articles = variants(sample_article, 30)
    async with bot_process(api, storage_target, tmp_path) as pid:
        # Telegram takes the first 12 replies, then no more (so none is in flight, delivered
        # but not yet noted, when the process dies without any clean-up). Counted by the fake
        # API, not timed: a quick bot answers all 24 between two looks at the answers.
        api.fail_next("sendMessage", status=500, times=1_000_000, after=12)
        sent = send_all(api, articles[:24], FIRST_USER)
        await until_answered(api, sent, 6)
        await asyncio.sleep(1.0)
        os.kill(pid, signal.SIGKILL)
    answered_before = sum(1 for n in answer_counts(api, sent) if n)
    api.faults.clear()
    sent += send_all(api, articles[24:], FIRST_USER + 24)  # while the bot is down
    async with bot_process(api, storage_target, tmp_path):
        await until_answered(api, sent, len(sent))
        await asyncio.sleep(1.0)  # time for any second answer
    assert 6 <= answered_before < 24  # killed mid-way
    assert answer_counts(api, sent) == [1] * len(sent)
    pending = await storage_target.query(
        "SELECT COUNT(*) FROM update_receipts WHERE done_ms IS NULL"
    )
    assert pending == [(0,)]


@pytest_asyncio.fixture
async def site() -> AsyncIterator[NewsSite]:
    routes = {
        "/berita/banjir": html(article_page("Jakarta Dikepung Banjir", BANJIR)),
        "/news/bi-rate": html(article_page("BI holds rate at 6%", RATES)),
    }
    async with NewsSite(routes) as news:
        yield news


async def test_a_reply_cut_off_by_a_stop_is_finished_after_the_restart_without_repeats(
    api: FakeBotApi, tmp_path: Path, storage_target: StorageTarget, site: NewsSite
) -> None:
    # Two links: two replies, parts 0 and 1 of one answer. Part 1 cannot go out (the Bot
    # API answers 500) until the bot stops; the restarted bot sends only part 1.
    links = f"{site.url('/berita/banjir')}\n{site.url('/news/bi-rate')}"
    api.fail_next("sendMessage", status=500, times=1_000_000, after=1)
    async with running_bot(api, storage_target.location, allow_loopback=True):
        sent = api.private_text(links)
        await until_answered(api, [sent], 1)
        await api.wait_for(lambda call: call.method == "sendMessage" and call.status == 500)
        waiting = api.private_text("Ringkas ini nanti: " + site.url("/berita/banjir"), user_id=7)
    api.faults.clear()
    async with running_bot(api, storage_target.location, allow_loopback=True):
        await until_answered(api, [sent, waiting], 2)
        async with asyncio.timeout(30):
            while len(answers_to(api, sent)) < 2:
                await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)
    replies = [reply["text"] for reply in answers_to(api, sent)]
    assert len(replies) == 2
    assert "Jakarta Dikepung Banjir" in replies[0]
    assert "BI holds rate at 6%" in replies[1]
    assert len(answers_to(api, waiting)) == 1


def received_update(api: FakeBotApi, sent: JsonDict) -> JsonDict:
    for call in api.calls_to("getUpdates"):
        for update in call.result if call.ok else []:
            if update.get("message", {}).get("message_id") == sent["message_id"]:
                return dict(update)
    raise AssertionError("the bot never received the message")


async def test_an_update_telegram_delivers_again_is_not_answered_again(
    api: FakeBotApi, tmp_path: Path, storage_target: StorageTarget, sample_article: str
) -> None:
    first, barrier = variants(sample_article, 2)
    async with running_bot(api, storage_target.location):
        sent = api.private_text(first)
        await until_answered(api, [sent], 1)
        api.deliver_again(received_update(api, sent))  # its confirmation was lost
        later = api.private_text(barrier, user_id=1002)
        await until_answered(api, [later], 1)
        await asyncio.sleep(0.5)
    assert len(answers_to(api, sent)) == 1
