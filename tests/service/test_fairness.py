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
    queue: FairQueue[str] = FairQueue(group=lambda item: item.split("-")[0])
    for number in range(1, 6):
        queue.push("ayu", f"ayu-{number}")
    queue.push("budi", "budi-1")
    assert queue.ahead_of_next("citra") == {"ayu": 1, "budi": 1}
    assert queue.ahead_of_next("ayu") == {"ayu": 5, "budi": 1}  # its own five, then budi's


def test_the_wait_estimate_forgets_items_served_or_withdrawn() -> None:
    queue: FairQueue[str] = FairQueue(group=lambda item: item.split("-")[0])
    withdrawn = "citra-1"
    queue.push("ayu", "ayu-1")
    queue.push("budi", "budi-1")
    queue.push("citra", withdrawn)
    assert queue.pop() == "ayu-1"
    assert queue.remove("citra", withdrawn)
    assert queue.ahead_of_next("dewi") == {"budi": 1}


def test_a_retry_goes_before_everyone_and_its_user_keeps_their_place() -> None:
    queue: FairQueue[str] = FairQueue()
    queue.push("ayu", "ayu-1")
    queue.push("budi", "budi-1")
    queue.push("ayu", "ayu-2")
    assert queue.pop() == "ayu-1"
    queue.push("budi", "budi-retry", front=True)
    assert drain_in_order(queue) == ["budi-retry", "budi-1", "ayu-2"]


def test_a_withdrawn_item_leaves_the_users_next_one_in_its_own_turn() -> None:
    queue: FairQueue[str] = FairQueue()
    withdrawn = "ayu-1"
    queue.push("ayu", withdrawn)
    queue.push("ayu", "ayu-2")
    queue.push("budi", "budi-1")
    assert queue.remove("ayu", withdrawn)
    assert not queue.remove("ayu", withdrawn)
    assert drain_in_order(queue) == ["budi-1", "ayu-2"]
    assert len(queue) == 0


def test_a_large_queue_serves_the_same_order_as_a_scan_of_every_user() -> None:
    queue: FairQueue[str] = FairQueue()
    for round_number in range(3):
        for user in range(300):
            if (user + round_number) % 3:
                queue.push(user, f"{user}-{round_number}")
    order = drain_in_order(queue)
    assert order[:4] == ["1-0", "2-0", "4-0", "5-0"]
    assert len(order) == 600 and len(set(order)) == 600
    assert [int(item.split("-")[1]) for item in order] == sorted(
        int(item.split("-")[1]) for item in order
    )


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
