"""The update book: the first receiver answers, leftovers are claimed, claims are renewed;
on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.updates import Arrival, UpdateBook, UpdatePolicy
from storage import Storage
from tests.conftest import StorageTarget

POLICY = UpdatePolicy(
    claim_seconds=30.0, sweep_seconds=10.0, max_age_seconds=3600.0, keep_seconds=90_000.0
)


class Clock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def payload(update_id: int, text: str = "Banjir melanda Jakarta Utara pagi ini.") -> str:
    message = {"message_id": update_id, "date": 1_700_000_000, "text": text,
               "chat": {"id": 42, "type": "private"}}  # fmt: skip
    return json.dumps({"update_id": update_id, "message": message})


def replicas(stores: tuple[Storage, Storage]) -> tuple[UpdateBook, UpdateBook]:
    return (
        UpdateBook(stores[0], POLICY, replicated=True),
        UpdateBook(stores[1], POLICY, replicated=True),
    )


async def test_the_first_receiver_answers_and_a_copy_elsewhere_is_not_answered(
    stores: tuple[Storage, Storage],
) -> None:
    here, elsewhere = replicas(stores)
    await here.receive([(501, payload(501))])
    await elsewhere.receive([(501, payload(501))])
    assert await here.take(501) is Arrival.FIRST
    assert await elsewhere.take(501) is None


async def test_a_second_copy_in_the_same_process_is_not_answered(
    stores: tuple[Storage, Storage],
) -> None:
    here, _ = replicas(stores)
    await here.receive([(502, payload(502))])
    await here.receive([(502, payload(502))])  # Telegram sent it again meanwhile
    taken = [await here.take(502), await here.take(502)]
    assert sorted(taken, key=str) == [Arrival.FIRST, None]


async def test_the_first_receiver_claims_its_update_so_a_sweep_elsewhere_leaves_it_alone(
    stores: tuple[Storage, Storage],
) -> None:
    here, elsewhere = replicas(stores)
    await here.receive([(503, payload(503))])
    await here.take(503)
    await asyncio.sleep(0.2)  # the claim is taken in the background
    [leftover] = await elsewhere.leftovers(grace_seconds=0.0, take_over=False)
    assert leftover.update_id == 503
    assert await elsewhere.take(503) is None


async def test_a_released_update_is_a_leftover_another_replica_answers(
    stores: tuple[Storage, Storage],
) -> None:
    here, elsewhere = replicas(stores)
    await here.receive([(504, payload(504))])
    await here.take(504)
    await here.release(504)  # the bot stopped before the reply went out
    [leftover] = await elsewhere.leftovers(grace_seconds=0.0, take_over=False)
    assert json.loads(leftover.payload)["message"]["text"].startswith("Banjir")
    assert await elsewhere.take(504) is Arrival.LEFTOVER


async def test_an_update_done_is_never_taken_up_again(stores: tuple[Storage, Storage]) -> None:
    here, elsewhere = replicas(stores)
    await here.receive([(505, payload(505))])
    await here.take(505)
    await here.done(505)
    assert await elsewhere.leftovers(grace_seconds=0.0, take_over=True) == []
    assert await elsewhere.take(505) is None  # a late copy arriving as a leftover


async def test_leftovers_leave_out_updates_answered_here_and_updates_too_young(
    stores: tuple[Storage, Storage],
) -> None:
    wall = Clock(2_000_000_000.0)
    here = UpdateBook(stores[0], POLICY, replicated=True)
    elsewhere = UpdateBook(stores[1], POLICY, replicated=True, wall_clock=wall)
    await here.receive([(506, payload(506)), (507, payload(507))])
    found_here = await here.leftovers(grace_seconds=0.0, take_over=False)
    young = await elsewhere.leftovers(grace_seconds=wall.now, take_over=False)  # all too young
    old_enough = await elsewhere.leftovers(grace_seconds=0.0, take_over=False)
    again = await elsewhere.leftovers(grace_seconds=0.0, take_over=False)
    assert found_here == []
    assert young == []
    assert sorted(p.update_id for p in old_enough) == [506, 507]
    assert again == []  # queued there now: not found twice


async def test_a_poller_starting_takes_over_the_claims_a_killed_predecessor_left(
    stores: tuple[Storage, Storage],
) -> None:
    killed = UpdateBook(stores[0], POLICY, replicated=False)
    await killed.leftovers(grace_seconds=0.0, take_over=True)
    await stores[0].record_update(508, payload(508))
    await stores[0].claim_update(508, 30.0)  # and then the process dies
    restarted = UpdateBook(stores[1], POLICY, replicated=False)
    [leftover] = await restarted.leftovers(grace_seconds=0.0, take_over=True)
    assert leftover.update_id == 508
    assert await restarted.take(508) is Arrival.LEFTOVER


async def test_a_claim_held_for_a_third_of_its_life_is_renewed_and_outlives_its_first_term(
    storage_target: StorageTarget,
) -> None:
    clock = Clock(2_000_000_000.0)  # one clock for the replicas and their database
    first = await storage_target.open(clock=clock)
    second = await storage_target.open(clock=clock)
    try:
        here = UpdateBook(first, POLICY, replicated=True, clock=clock, wall_clock=clock)
        elsewhere = UpdateBook(second, POLICY, replicated=True, clock=clock, wall_clock=clock)
        await first.record_update(509, payload(509))
        await here.leftovers(grace_seconds=0.0, take_over=False)
        assert await here.take(509) is Arrival.LEFTOVER
        clock.now += POLICY.claim_seconds * 0.8
        await here.renew_claims()
        clock.now += POLICY.claim_seconds * 0.5  # past the first term, within the renewed one
        await elsewhere.leftovers(grace_seconds=0.0, take_over=False)
        taken = await elsewhere.take(509)
    finally:
        await first.close()
        await second.close()
    assert taken is None


async def test_updates_older_than_the_pending_age_are_not_taken_up(
    storage_target: StorageTarget,
) -> None:
    wall = Clock(2_000_000_000.0)
    storage = await storage_target.open(clock=wall)
    try:
        await storage.record_update(510, payload(510))
        wall.now += POLICY.max_age_seconds + 1
        restarted = UpdateBook(storage, POLICY, replicated=False, wall_clock=wall)
        assert await restarted.leftovers(grace_seconds=0.0, take_over=True) == []
    finally:
        await storage.close()


async def test_an_update_whose_done_mark_was_lost_is_not_taken_up_again_and_marked_anew(
    stores: tuple[Storage, Storage], monkeypatch: pytest.MonkeyPatch
) -> None:
    here = UpdateBook(stores[0], POLICY, replicated=False)
    await here.receive([(511, payload(511))])
    await here.take(511)
    with monkeypatch.context() as patched:  # the database skips the write, as when degraded
        patched.setattr(stores[0], "mark_update_done", _lost_write)
        await here.done(511)
    found = await here.leftovers(grace_seconds=0.0, take_over=False)
    still_pending = await stores[1].pending_updates(POLICY.max_age_seconds)
    assert found == []
    assert still_pending == []


async def _lost_write(update_id: int) -> None:
    return None
