"""Polling under a steady stream: getUpdates waits `poll_interval_seconds` after each answer,
so each call brings a batch of updates instead of one, and every update is still answered."""

from __future__ import annotations

import asyncio
import itertools

from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import running_bot
from tests.conftest import SQLITE_ONLY

pytestmark = SQLITE_ONLY  # polling is Telegram's side of the bot, not the database's

STREAM_USERS = range(5001, 5031)  # thirty users, one /help each
STREAM_GAP_SECONDS = 0.02  # 50 messages a second
POLL_INTERVAL_SECONDS = 0.2


async def send_stream(api: FakeBotApi) -> list[int]:
    chats = []
    for user_id in STREAM_USERS:
        chats.append(api.command("/help", user_id=user_id)["chat"]["id"])
        await asyncio.sleep(STREAM_GAP_SECONDS)
    return chats


def polls_with_updates(api: FakeBotApi) -> list[float]:
    """When each getUpdates that brought updates arrived."""
    return [call.time for call in api.calls_to("getUpdates") if call.ok and call.result]


async def test_a_stream_of_messages_arrives_in_a_few_batches_and_is_all_answered(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database, poll_interval_seconds=POLL_INTERVAL_SECONDS):
        chats = await send_stream(api)
        for chat_id in chats:
            await api.wait_for_messages(chat_id, 1, timeout=15)

    polls = polls_with_updates(api)
    # The stream lasts 0.6 s: a poll per message would be thirty, a batch per interval ~four.
    assert len(polls) <= 8
    assert all(later - earlier >= 0.15 for earlier, later in itertools.pairwise(polls))
