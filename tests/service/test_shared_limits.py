"""The per-user limit counted in the shared database: one count for every replica."""

from __future__ import annotations

from service import SharedRateLimiter
from storage import Storage
from tests.conftest import StorageTarget


class Clock:
    def __init__(self, now: float = 1_699_999_990.0) -> None:  # 10 s into a minute
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_requests_on_two_replicas_count_against_one_limit(
    stores: tuple[Storage, Storage],
) -> None:
    clock = Clock()
    here = SharedRateLimiter(stores[0], 3, 60.0, clock)
    elsewhere = SharedRateLimiter(stores[1], 3, 60.0, clock)
    slots = [await here.reserve(7), await elsewhere.reserve(7), await here.reserve(7)]
    fourth = await elsewhere.reserve(7)
    assert [slot.delay for slot in slots if slot] == [0.0, 0.0, 0.0]
    assert fourth is not None and fourth.delay == 50.0  # the next minute starts in 50 s


async def test_other_users_are_not_counted(stores: tuple[Storage, Storage]) -> None:
    clock = Clock()
    limiter = SharedRateLimiter(stores[0], 1, 60.0, clock)
    first, other = await limiter.reserve(7), await limiter.reserve(8)
    assert first is not None and other is not None
    assert (first.delay, other.delay) == (0.0, 0.0)


async def test_a_request_past_the_longest_wait_is_refused(stores: tuple[Storage, Storage]) -> None:
    clock = Clock()
    limiter = SharedRateLimiter(stores[0], 1, 60.0, clock, max_wait=30.0)
    first = await limiter.reserve(7)
    refused = await limiter.reserve(7)
    assert first is not None and refused is None


async def test_a_new_window_starts_a_new_count(stores: tuple[Storage, Storage]) -> None:
    clock = Clock()
    limiter = SharedRateLimiter(stores[0], 2, 60.0, clock)
    for _ in range(2):
        await limiter.reserve(7)
    clock.now += 50.0  # the next minute
    slot = await limiter.reserve(7)
    assert slot is not None and slot.delay == 0.0


async def test_without_the_database_the_limit_is_kept_in_memory(
    storage_target: StorageTarget,
) -> None:
    storage = await storage_target.open()
    await storage.close()  # every later call degrades to "no database"
    limiter = SharedRateLimiter(storage, 2, 60.0, Clock())
    slots = [await limiter.reserve(7) for _ in range(3)]
    assert [slot.delay > 0 for slot in slots if slot] == [False, False, True]
