"""The per-user limit: a burst is paced, not lost, up to a point; waiting costs nothing."""

from __future__ import annotations

from service import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_requests_within_the_limit_start_at_once() -> None:
    limiter = RateLimiter(3, 60.0, Clock())
    slots = [limiter.reserve(1) for _ in range(3)]
    assert [slot.delay for slot in slots if slot] == [0.0, 0.0, 0.0]


def test_a_burst_over_the_limit_is_queued_until_the_window_allows() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 60.0, clock)
    for _ in range(3):
        limiter.reserve(1)
    clock.now += 10
    fourth = limiter.reserve(1)
    assert fourth is not None and fourth.queued
    assert fourth.delay == 50.0  # when the first of the three leaves the window


def test_beyond_one_window_of_waiting_requests_are_dropped() -> None:
    limiter = RateLimiter(3, 60.0, Clock())
    slots = [limiter.reserve(1) for _ in range(7)]
    assert [slot is None for slot in slots] == [False] * 6 + [True]


def test_a_queued_user_never_starts_more_than_the_limit_in_any_window() -> None:
    clock = Clock()
    limiter = RateLimiter(4, 10.0, clock, max_wait=100.0)
    starts = []
    for _ in range(40):
        slot = limiter.reserve(7)
        if slot is not None:
            starts.append(clock.now + slot.delay)
        clock.now += 0.1
    for first in starts:
        assert sum(first <= start < first + 10.0 for start in starts) <= 4


def test_users_are_limited_separately() -> None:
    limiter = RateLimiter(1, 60.0, Clock())
    assert limiter.reserve(1) is not None
    other = limiter.reserve(2)
    assert other is not None and not other.queued


def test_retry_after_counts_down_and_then_allows() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 30.0, clock)
    assert limiter.retry_after(5) == 0
    assert limiter.retry_after(5) == 0
    assert limiter.retry_after(5) == 30
    clock.now += 30.5
    assert limiter.retry_after(5) == 0
