"""Telegram's 30 messages a second are the bot's, not each replica's: replicas on one
database count each other by heartbeat and each keeps its share. When more replies are ready
than the budget allows, quick ones go first."""

from __future__ import annotations

import asyncio

from bot.flood import ReplyPacer
from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import Replica, running_bot, running_replica, services_of
from tests.conftest import StorageTarget

QUICK_HEARTBEAT = {"heartbeat_seconds": 0.2}


def budget_of(replica: Replica) -> float:
    pacer = replica.application.bot.rate_limiter
    assert isinstance(pacer, ReplyPacer)
    return pacer.messages_per_second


async def budgets_become(replicas: list[Replica], expected: float) -> list[float]:
    async with asyncio.timeout(10):
        while any(budget_of(r) != expected for r in replicas):
            await asyncio.sleep(0.05)
    return [budget_of(r) for r in replicas]


async def test_two_replicas_each_keep_half_of_the_bots_send_budget(
    api: FakeBotApi, storage_target: StorageTarget
) -> None:
    async with (
        running_replica(api, storage_target.location, **QUICK_HEARTBEAT) as first,
        running_replica(api, storage_target.location, **QUICK_HEARTBEAT) as second,
    ):
        budgets = await budgets_become([first, second], 15.0)
    assert budgets == [15.0, 15.0]


async def test_a_replica_left_alone_takes_the_whole_budget_back(
    api: FakeBotApi, storage_target: StorageTarget
) -> None:
    async with running_replica(api, storage_target.location, **QUICK_HEARTBEAT) as first:
        async with running_replica(api, storage_target.location, **QUICK_HEARTBEAT) as second:
            await budgets_become([first, second], 15.0)
        [budget] = await budgets_become([first], 30.0)
    assert budget == 30.0


async def test_with_replies_waiting_for_the_budget_a_cached_answer_goes_first(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database, messages_per_second=2.0) as application:
        first = api.private_text(sample_article, user_id=5000)
        await api.wait_for_messages(first["chat"]["id"], 1, timeout=30)
        news = [
            api.private_text(f"{sample_article}\n\nLaporan tambahan nomor {i}.", user_id=5001 + i)
            for i in range(6)
        ]
        digests = services_of(application).digests
        async with asyncio.timeout(30):  # six new summaries: their replies wait, 2 a second
            while digests.computations < 7:
                await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)
        repeat = api.private_text(sample_article, user_id=5100)
        await api.wait_for_messages(repeat["chat"]["id"], 1, timeout=30)
        summaries_before = sum(len(api.sent_messages(m["chat"]["id"])) for m in news)
        for message in news:
            await api.wait_for_messages(message["chat"]["id"], 1, timeout=30)
    assert summaries_before <= 4
