"""The update book: receipt, claims, renewal and orphans, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest_asyncio

from bot.updates import UpdateBook, UpdatePolicy
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


@pytest_asyncio.fixture
async def stores(storage_target: StorageTarget) -> AsyncIterator[tuple[Storage, Storage]]:
    """Two replicas' storages on one database."""
    first = await storage_target.open()
    second = await storage_target.open()
    yield first, second
    await first.close()
    await second.close()


async def test_an_update_recorded_first_here_is_fresh_and_a_redelivered_one_is_not(
    stores: tuple[Storage, Storage],
) -> None:
    here, elsewhere = UpdateBook(stores[0], POLICY), UpdateBook(stores[1], POLICY)
    await here.receive([(501, payload(501))])
    await elsewhere.receive([(501, payload(501))])
    assert here.is_fresh(501)
    assert not elsewhere.is_fresh(501)


async def test_only_one_replica_claims_an_update_and_nobody_once_it_is_done(
    stores: tuple[Storage, Storage],
) -> None:
    here, elsewhere = UpdateBook(stores[0], POLICY), UpdateBook(stores[1], POLICY)
    await here.receive([(502, payload(502))])
    first = await here.claim(502)
    duplicate = await elsewhere.claim(502)
    await here.done(502)
    after_done = [await here.claim(502), await elsewhere.claim(502)]
    assert (first, duplicate, after_done) == (True, False, [False, False])


async def test_a_released_update_is_pending_and_can_be_claimed_again(
    stores: tuple[Storage, Storage],
) -> None:
    here, elsewhere = UpdateBook(stores[0], POLICY), UpdateBook(stores[1], POLICY)
    await here.receive([(503, payload(503))])
    await here.claim(503)
    await here.release(503)
    [orphan] = await elsewhere.orphans(grace_seconds=0.0, take_over=False)
    assert orphan.update_id == 503
    assert json.loads(orphan.payload)["message"]["text"].startswith("Banjir")
    assert await elsewhere.claim(503)


async def test_orphans_leave_out_updates_handled_here_and_updates_too_young(
    stores: tuple[Storage, Storage],
) -> None:
    wall = Clock(2_000_000_000.0)
    here = UpdateBook(stores[0], POLICY)
    elsewhere = UpdateBook(stores[1], POLICY, wall_clock=wall)
    await here.receive([(504, payload(504)), (505, payload(505))])
    await here.claim(504)
    found_here = await here.orphans(grace_seconds=0.0, take_over=False)
    young = await elsewhere.orphans(grace_seconds=wall.now, take_over=False)  # all too young
    old_enough = await elsewhere.orphans(grace_seconds=0.0, take_over=False)
    again = await elsewhere.orphans(grace_seconds=0.0, take_over=False)
    assert found_here == []
    assert young == []
    assert sorted(p.update_id for p in old_enough) == [504, 505]
    assert again == []  # now queued there: not found twice


async def test_taking_over_at_a_polling_start_drops_the_claims_a_killed_process_left(
    stores: tuple[Storage, Storage],
) -> None:
    killed, restarted = UpdateBook(stores[0], POLICY), UpdateBook(stores[1], POLICY)
    await killed.receive([(506, payload(506))])
    await killed.claim(506)  # and then the process dies
    [orphan] = await restarted.orphans(grace_seconds=0.0, take_over=True)
    assert orphan.update_id == 506
    assert await restarted.claim(506)


async def test_a_claim_held_for_a_third_of_its_life_is_renewed(
    stores: tuple[Storage, Storage],
) -> None:
    clock = Clock()
    here = UpdateBook(stores[0], POLICY, clock=clock)
    elsewhere = UpdateBook(stores[1], POLICY)
    await here.receive([(507, payload(507))])
    await here.claim(507)
    clock.now += POLICY.renew_after_seconds + 1
    await here.renew_claims()
    assert not await elsewhere.claim(507)
    await here.done(507)
    assert not await elsewhere.claim(507)


async def test_updates_older_than_the_pending_age_are_not_finished(
    storage_target: StorageTarget,
) -> None:
    wall = Clock(2_000_000_000.0)
    storage = await storage_target.open(clock=wall)
    try:
        book = UpdateBook(storage, POLICY, wall_clock=wall)
        await book.receive([(508, payload(508))])
        wall.now += POLICY.max_age_seconds + 1
        restarted = UpdateBook(storage, POLICY, wall_clock=wall)
        assert await restarted.orphans(grace_seconds=0.0, take_over=True) == []
    finally:
        await storage.close()
