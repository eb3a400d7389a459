"""The reply pacer: which faults it retries, for how long, and whom a flood limit holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.app import delivery_policy
from bot.flood import DeliveryAborted, DeliveryPolicy, ReplyPacer
from bot.settings import DEFAULTS

QUICK = DeliveryPolicy(first_backoff_seconds=0.01, max_backoff_seconds=0.05, retry_seconds=0.6)


class FlakyApi:
    """A Bot API method that raises the given errors, in order, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


async def send(
    pacer: ReplyPacer,
    api: Callable[[], Any],
    chat_id: int | None = 1001,
    method: str = "sendMessage",
) -> Any:
    data = {} if chat_id is None else {"chat_id": chat_id}
    return await pacer.process_request(api, (), {}, method, data, None)


async def test_server_errors_timeouts_and_lost_connections_are_retried() -> None:
    api = FlakyApi(NetworkError("Internal Server Error"), TimedOut(), NetworkError("Bad Gateway"))
    assert await send(ReplyPacer(QUICK), api) == {"ok": True}
    assert api.calls == 4


@pytest.mark.parametrize("error", [BadRequest("Bad Request: chat not found"), Forbidden("blocked")])
async def test_a_refusal_is_never_retried(error: Exception) -> None:
    api = FlakyApi(error)
    with pytest.raises(type(error)):
        await send(ReplyPacer(QUICK), api)
    assert api.calls == 1


async def test_a_reply_is_retried_for_the_whole_retry_window_then_given_up() -> None:
    api = FlakyApi(*[NetworkError("Internal Server Error")] * 1000)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(NetworkError):
        await send(ReplyPacer(QUICK), api)
    assert loop.time() - started >= QUICK.retry_seconds - QUICK.max_backoff_seconds
    assert api.calls > 10


async def test_calls_that_deliver_nothing_get_a_few_attempts_only() -> None:
    api = FlakyApi(*[NetworkError("Internal Server Error")] * 1000)
    with pytest.raises(NetworkError):
        await send(ReplyPacer(QUICK), api, chat_id=None, method="getMe")
    assert api.calls == QUICK.other_attempts


def test_backoff_doubles_up_to_its_cap_with_jitter() -> None:
    low = ReplyPacer(DeliveryPolicy(), jitter=lambda: 0.0)
    high = ReplyPacer(DeliveryPolicy(), jitter=lambda: 1.0)
    assert [low._backoff(n) for n in range(1, 8)] == [0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert [high._backoff(n) for n in range(1, 8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_the_default_schedule_retries_a_reply_for_more_than_a_minute() -> None:
    assert delivery_policy(DEFAULTS).retry_seconds >= 60


async def test_a_flood_limit_on_one_chat_holds_that_chat_only() -> None:
    pacer = ReplyPacer(QUICK)
    flooded = asyncio.create_task(send(pacer, FlakyApi(RetryAfter(40)), chat_id=1))
    await asyncio.sleep(0.05)
    other = FlakyApi()
    await send(pacer, other, chat_id=2)
    assert other.calls == 1
    assert pacer.held_for(1) > 30 and pacer.held_for(2) == 0
    pacer.close()
    with pytest.raises(DeliveryAborted):
        await flooded


async def test_a_flood_limit_on_a_call_without_a_chat_holds_every_chat() -> None:
    pacer = ReplyPacer(QUICK)
    flooded = asyncio.create_task(
        send(pacer, FlakyApi(RetryAfter(40)), chat_id=None, method="answerCallbackQuery")
    )
    await asyncio.sleep(0.05)
    other = FlakyApi()
    waiting = asyncio.create_task(send(pacer, other, chat_id=2))
    await asyncio.sleep(0.05)
    assert other.calls == 0 and pacer.held_for(2) > 30
    pacer.close()
    for task in (flooded, waiting):
        with pytest.raises(DeliveryAborted):
            await task


async def test_a_short_flood_limit_is_waited_out_and_the_request_sent() -> None:
    api = FlakyApi(RetryAfter(1))
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await send(ReplyPacer(QUICK), api) == {"ok": True}
    assert loop.time() - started >= 1.0
    assert api.calls == 2


async def test_closing_ends_a_backoff_at_once() -> None:
    pacer = ReplyPacer(DeliveryPolicy(first_backoff_seconds=30, max_backoff_seconds=30))
    pending = asyncio.create_task(send(pacer, FlakyApi(NetworkError("Bad Gateway"))))
    await asyncio.sleep(0.05)
    pacer.close()
    with pytest.raises(DeliveryAborted):
        await asyncio.wait_for(pending, 5)


async def test_a_typing_action_is_skipped_rather_than_queued_when_the_budget_is_spent() -> None:
    pacer = ReplyPacer(DeliveryPolicy(messages_per_second=2.0))
    replies = [FlakyApi() for _ in range(2)]
    for api in replies:
        await send(pacer, api)
    typing = FlakyApi()
    assert await send(pacer, typing, method="sendChatAction") is True
    assert typing.calls == 0
    assert [api.calls for api in replies] == [1, 1]


async def test_the_pacer_tells_ahead_whether_a_typing_action_would_be_sent() -> None:
    pacer = ReplyPacer(DeliveryPolicy(messages_per_second=100.0, typing_actions_per_second=1.0))
    assert pacer.has_room_for_typing()
    await send(pacer, FlakyApi(), method="sendChatAction")
    assert not pacer.has_room_for_typing()  # this second's one action is spent


async def test_replicas_each_keep_their_share_of_the_bots_budget() -> None:
    pacer = ReplyPacer(DeliveryPolicy(messages_per_second=4.0))
    pacer.share_budget(2)
    for api in (FlakyApi(), FlakyApi()):
        await send(pacer, api)
    typing = FlakyApi()
    await send(pacer, typing, method="sendChatAction")
    assert pacer.messages_per_second == 2.0
    assert typing.calls == 0  # two messages spent this replica's second


async def test_a_share_under_one_message_a_second_still_sends() -> None:
    pacer = ReplyPacer(DeliveryPolicy(messages_per_second=30.0))
    pacer.share_budget(60)
    api = FlakyApi()
    await asyncio.wait_for(send(pacer, api), timeout=5)
    assert api.calls == 1


async def test_typing_actions_keep_to_their_own_budget_and_messages_still_go() -> None:
    pacer = ReplyPacer(DeliveryPolicy(messages_per_second=100.0, typing_actions_per_second=2.0))
    typing = [FlakyApi() for _ in range(4)]
    for api in typing:
        await send(pacer, api, method="sendChatAction")
    reply = FlakyApi()
    await send(pacer, reply)
    assert [api.calls for api in typing] == [1, 1, 0, 0]
    assert reply.calls == 1
