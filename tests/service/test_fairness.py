"""Fairness across users: the round-robin queue and the per-user fetch slots."""

from __future__ import annotations

import asyncio

from service.fairness import FairQueue, FairSlots, acting_for, requester


def drain_in_order(queue: FairQueue[str]) -> list[str]:
    order = []
    while (item := queue.pop()) is not None:
        order.append(item)
    return order


def test_a_burst_of_one_user_waits_behind_another_users_single_item() -> None:
    queue: FairQueue[str] = FairQueue()
    for number in range(1, 5):
        queue.push("ayu", f"ayu-{number}")
    queue.push("budi", "budi-1")
    assert drain_in_order(queue) == ["ayu-1", "budi-1", "ayu-2", "ayu-3", "ayu-4"]


def test_a_user_just_served_goes_after_one_still_waiting() -> None:
    queue: FairQueue[str] = FairQueue()
    queue.push("ayu", "ayu-1")
    assert queue.pop() == "ayu-1"
    queue.push("ayu", "ayu-2")  # queued again before budi's first item arrives
    queue.push("budi", "budi-1")
    assert drain_in_order(queue) == ["budi-1", "ayu-2"]


def test_a_returning_user_queues_like_a_newcomer_not_behind_every_newcomer() -> None:
    queue: FairQueue[str] = FairQueue()
    queue.push("ayu", "ayu-1")
    assert queue.pop() == "ayu-1"
    for number in range(3):
        queue.push(f"new-{number}", f"new-{number}")
    assert queue.pop() == "new-0"
    queue.push("ayu", "ayu-2")  # ayu comes back while new users keep arriving
    for number in range(3, 6):
        queue.push(f"new-{number}", f"new-{number}")
    assert drain_in_order(queue) == ["new-1", "new-2", "ayu-2", "new-3", "new-4", "new-5"]


def test_users_that_may_not_run_more_are_skipped_not_dropped() -> None:
    queue: FairQueue[str] = FairQueue()
    queue.push("ayu", "ayu-1")
    queue.push("budi", "budi-1")
    assert queue.pop(lambda user: user != "ayu") == "budi-1"
    assert queue.pop(lambda user: user != "ayu") is None
    assert queue.pop() == "ayu-1"


def test_the_wait_estimate_counts_one_turn_per_other_user_for_a_single_item() -> None:
    queue: FairQueue[str] = FairQueue()
    for number in range(1, 6):
        queue.push("ayu", f"ayu-{number}")
    queue.push("budi", "budi-1")
    assert sorted(queue.ahead_of_next("citra")) == ["ayu-1", "budi-1"]
    assert len(list(queue.ahead_of_next("ayu"))) == 6  # its own five, then budi's one


async def test_one_user_gets_at_most_their_share_of_the_fetch_slots() -> None:
    slots = FairSlots(total=8, per_user=2)
    holding = 0
    release = asyncio.Event()

    async def fetch(user: str) -> None:
        nonlocal holding
        async with slots.hold(user):
            holding += 1
            await release.wait()

    ayu = [asyncio.create_task(fetch("ayu")) for _ in range(5)]
    await asyncio.sleep(0.05)
    assert holding == 2
    budi = asyncio.create_task(fetch("budi"))
    await asyncio.sleep(0.05)
    assert holding == 3  # budi did not wait for ayu's other three
    release.set()
    await asyncio.gather(*ayu, budi)


async def test_work_started_for_a_user_is_theirs_in_every_task_it_starts() -> None:
    async def whose() -> object:
        return requester.get()

    with acting_for(4242):
        inner = await asyncio.create_task(whose())
    assert inner == 4242
    assert requester.get() is None
