"""A user's requests are admitted in the order they arrived, whatever each awaits first."""

from __future__ import annotations

import asyncio

from service.turns import TURNS, ArrivalTurns, arriving, take_turn


async def request(user: int, name: str, slow_first: float, admitted: list[str]) -> None:
    with arriving(user):
        await asyncio.sleep(slow_first)  # the database answers this one later
        await take_turn(timeout=5.0)
        admitted.append(name)


async def test_a_later_request_waits_for_the_earlier_ones_turn() -> None:
    admitted: list[str] = []
    await asyncio.gather(
        request(1001, "artikel 1", 0.2, admitted), request(1001, "artikel 2", 0.0, admitted)
    )
    assert admitted == ["artikel 1", "artikel 2"]


async def test_other_users_do_not_wait() -> None:
    admitted: list[str] = []
    await asyncio.gather(request(1001, "Budi", 0.2, admitted), request(2002, "Siti", 0.0, admitted))
    assert admitted == ["Siti", "Budi"]


async def test_an_earlier_request_that_ends_without_asking_frees_the_later_ones() -> None:
    admitted: list[str] = []

    async def cached_answer() -> None:
        with arriving(1001):
            await asyncio.sleep(0.1)  # answered from the cache: never admitted

    await asyncio.gather(cached_answer(), request(1001, "artikel 2", 0.0, admitted))
    assert admitted == ["artikel 2"]
    assert len(TURNS) == 0


async def test_the_wait_for_an_earlier_request_is_bounded() -> None:
    turns = ArrivalTurns()
    first = turns.arrive(1001)
    second = turns.arrive(1001)
    await asyncio.wait_for(turns.take(1001, second, timeout=0.1), timeout=2)
    turns.leave(1001, first)
    assert len(turns) == 0


async def test_a_turn_taken_is_not_waited_for_again() -> None:
    turns = ArrivalTurns()
    first, second = turns.arrive(1001), turns.arrive(1001)
    await turns.take(1001, second, timeout=0.1)  # times out: the first never asked
    await asyncio.wait_for(turns.take(1001, second, timeout=5.0), timeout=1)  # a second link
    turns.leave(1001, first)
