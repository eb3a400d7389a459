"""The admin cache: Telegram's answer about a member is trusted for its time, then not."""

from __future__ import annotations

from handlers.groups import AdminCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_answer_is_known_until_its_time_is_up_and_unknown_after() -> None:
    clock = Clock()
    cache = AdminCache(ttl=300.0, clock=clock)
    cache.put(-100123, 1001, True)

    clock.now += 299.0
    still = cache.get(-100123, 1001)
    clock.now += 1.0
    expired = cache.get(-100123, 1001)

    assert still is True
    assert expired is None  # the caller asks Telegram again


def test_answers_are_kept_per_chat_and_member() -> None:
    cache = AdminCache(ttl=300.0, clock=Clock())
    cache.put(-100123, 1001, False)

    assert cache.get(-100123, 1001) is False
    assert cache.get(-100123, 1002) is None
    assert cache.get(-100999, 1001) is None
