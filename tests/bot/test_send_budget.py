"""The send budget hands its slots to quick replies before replies the engine worked for,
and to no reply later than its give-way time allows."""

from __future__ import annotations

import asyncio

import pytest

from bot.send_budget import SendBudget


async def spent(budget: SendBudget, messages: int) -> None:
    for _ in range(messages):
        await budget.acquire()


def waiting_for(
    budget: SendBudget, order: list[str], name: str, gives_way: bool
) -> asyncio.Task[None]:
    async def wait() -> None:
        await budget.acquire(gives_way)
        order.append(name)

    return asyncio.create_task(wait())


async def test_a_quick_reply_goes_before_the_engine_replies_waiting_for_the_budget() -> None:
    budget = SendBudget(per_second=20.0)
    await spent(budget, 20)  # a second's worth: the next ones wait
    order: list[str] = []
    engine = [waiting_for(budget, order, f"summary {i}", gives_way=True) for i in range(4)]
    await asyncio.sleep(0)
    quick = waiting_for(budget, order, "cached", gives_way=False)
    await asyncio.gather(*engine, quick)
    assert order == ["cached", "summary 0", "summary 1", "summary 2", "summary 3"]


async def test_replies_of_one_kind_keep_their_order() -> None:
    budget = SendBudget(per_second=20.0)
    await spent(budget, 20)
    order: list[str] = []
    tasks = [waiting_for(budget, order, f"/help {i}", gives_way=False) for i in range(5)]
    await asyncio.gather(*tasks)
    assert order == [f"/help {i}" for i in range(5)]


async def test_an_engine_reply_that_waited_its_give_way_time_goes_before_a_new_quick_one() -> None:
    budget = SendBudget(per_second=1.0, give_way_seconds=0.3)
    await spent(budget, 1)  # the next slot comes in a second
    order: list[str] = []
    engine = waiting_for(budget, order, "summary", gives_way=True)
    await asyncio.sleep(0.6)
    quick = waiting_for(budget, order, "cached", gives_way=False)
    await asyncio.gather(engine, quick)
    assert order == ["summary", "cached"]


async def test_a_cancelled_waiter_leaves_its_slot_to_the_next() -> None:
    budget = SendBudget(per_second=20.0)
    await spent(budget, 20)
    order: list[str] = []
    first = waiting_for(budget, order, "first", gives_way=False)
    second = waiting_for(budget, order, "second", gives_way=False)
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.wait_for(second, 2.0)
    assert order == ["second"]


async def test_closing_ends_every_wait_with_the_given_error() -> None:
    budget = SendBudget(per_second=1.0)
    await spent(budget, 1)
    waiter = asyncio.create_task(budget.acquire(gives_way=True))
    await asyncio.sleep(0)
    budget.close(RuntimeError("stopping"))
    with pytest.raises(RuntimeError, match="stopping"):
        await waiter


async def test_a_message_with_room_in_the_budget_goes_at_once() -> None:
    budget = SendBudget(per_second=30.0)
    assert budget.has_capacity()
    await asyncio.wait_for(budget.acquire(gives_way=True), 0.5)
