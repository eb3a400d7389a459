"""State that replicas share through the database: rate limits, request and update claims.

Two `Storage` objects opened on the same database stand for two replicas.
"""

import asyncio

import pytest


@pytest.fixture
async def replicas(storage_target, clock):
    first = await storage_target.open(clock=clock)
    second = await storage_target.open(clock=clock)
    yield first, second
    await first.close()
    await second.close()


async def test_rate_limit_counts_requests_of_a_user_across_replicas(replicas):
    first, second = replicas
    window = 1_700_000_040.0
    hits = [
        await (first if number % 2 else second).hit_rate_limit(7, window, 3, 60)
        for number in range(5)
    ]
    assert [hit.count for hit in hits] == [1, 2, 3, 4, 5]
    assert [hit.allowed for hit in hits] == [True, True, True, False, False]
    assert all(hit.shared for hit in hits)


async def test_rate_limit_windows_and_users_are_counted_apart(replicas):
    first, _ = replicas
    for _ in range(3):
        await first.hit_rate_limit(7, 1_700_000_040.0, 3, 60)
    assert (await first.hit_rate_limit(7, 1_700_000_100.0, 3, 60)).count == 1
    assert (await first.hit_rate_limit(8, 1_700_000_040.0, 3, 60)).count == 1


async def test_concurrent_hits_are_all_counted(replicas):
    hits = await asyncio.gather(
        *(replica.hit_rate_limit(7, 1_700_000_040.0, 10, 60) for replica in replicas * 10)
    )
    assert sorted(hit.count for hit in hits) == list(range(1, 21))
    assert sum(hit.allowed for hit in hits) == 10


async def test_finished_rate_limit_windows_are_purged(storage_target, clock, replicas):
    first, _ = replicas
    await first.hit_rate_limit(7, clock.now, 3, 60)
    clock.now += 61
    await first.purge_expired()
    assert await storage_target.query("SELECT COUNT(*) FROM rate_limits") == [(0,)]


async def test_only_one_replica_claims_a_request(replicas):
    first, second = replicas
    assert await first.claim_request("link:abc", ttl_seconds=30)
    assert not await second.claim_request("link:abc", ttl_seconds=30)
    assert not await first.claim_request("link:abc", ttl_seconds=30)
    assert await second.claim_request("link:other", ttl_seconds=30)


async def test_concurrent_claims_of_one_request_have_one_winner(replicas):
    results = await asyncio.gather(
        *(replica.claim_request("link:abc", ttl_seconds=30) for replica in replicas * 5)
    )
    assert results.count(True) == 1


async def test_released_request_can_be_claimed_by_another_replica(replicas):
    first, second = replicas
    await first.claim_request("link:abc", ttl_seconds=30)
    await first.release_request("link:abc")
    assert await second.claim_request("link:abc", ttl_seconds=30)


async def test_a_replica_cannot_release_another_replicas_claim(replicas):
    first, second = replicas
    await first.claim_request("link:abc", ttl_seconds=30)
    await second.release_request("link:abc")
    assert not await second.claim_request("link:abc", ttl_seconds=30)


async def test_claim_of_a_crashed_replica_expires(replicas, clock):
    crashed, survivor = replicas
    await crashed.claim_request("link:abc", ttl_seconds=30)
    clock.now += 29
    assert not await survivor.claim_request("link:abc", ttl_seconds=30)
    clock.now += 1
    assert await survivor.claim_request("link:abc", ttl_seconds=30)


async def test_waiting_ends_when_the_owner_releases(replicas):
    owner, waiter = replicas
    await owner.claim_request("link:abc", ttl_seconds=30)
    releasing = asyncio.Event()

    async def finish_later():
        await asyncio.sleep(0.2)
        releasing.set()
        await owner.release_request("link:abc")

    finishing = asyncio.create_task(finish_later())
    assert await waiter.wait_for_request("link:abc", timeout_seconds=10, poll_seconds=0.02)
    assert releasing.is_set()
    await finishing


async def test_waiting_gives_up_after_its_timeout(replicas):
    owner, waiter = replicas
    await owner.claim_request("link:abc", ttl_seconds=30)
    assert not await waiter.wait_for_request("link:abc", timeout_seconds=0.1, poll_seconds=0.02)


async def test_waiting_ends_when_the_claim_expires(replicas, clock):
    owner, waiter = replicas
    await owner.claim_request("link:abc", ttl_seconds=30)
    clock.now += 30
    assert await waiter.wait_for_request("link:abc", timeout_seconds=0.1, poll_seconds=0.02)


async def test_waiting_for_an_unclaimed_request_returns_at_once(replicas):
    _, waiter = replicas
    assert await waiter.wait_for_request("link:nobody", timeout_seconds=0, poll_seconds=1)


async def test_a_duplicate_update_is_claimed_once(replicas):
    first, second = replicas
    assert await first.claim_update(5001, ttl_seconds=120)
    assert not await second.claim_update(5001, ttl_seconds=120)
    assert not await first.claim_update(5001, ttl_seconds=120)


async def test_concurrent_deliveries_of_one_update_have_one_winner(replicas):
    results = await asyncio.gather(
        *(replica.claim_update(5001, ttl_seconds=120) for replica in replicas * 5)
    )
    assert results.count(True) == 1


async def test_update_of_a_crashed_replica_can_be_claimed_after_its_ttl(replicas, clock):
    crashed, survivor = replicas
    await crashed.claim_update(5001, ttl_seconds=120)
    clock.now += 120
    assert await survivor.claim_update(5001, ttl_seconds=120)


async def test_an_answered_update_is_never_claimed_again(replicas, clock):
    first, second = replicas
    await first.claim_update(5001, ttl_seconds=120)
    await first.mark_update_done(5001)
    clock.now += 3600
    assert not await second.claim_update(5001, ttl_seconds=120)


async def test_a_released_update_can_be_retried_at_once(replicas):
    first, second = replicas
    await first.claim_update(5001, ttl_seconds=120)
    await first.release_update(5001)
    assert await second.claim_update(5001, ttl_seconds=120)


async def test_expired_claims_are_purged(storage_target, replicas, clock):
    first, _ = replicas
    await first.claim_request("link:abc", ttl_seconds=30)
    await first.claim_update(5001, ttl_seconds=30)
    clock.now += 31
    await first.purge_expired()
    assert await storage_target.query("SELECT COUNT(*) FROM request_claims") == [(0,)]
    assert await storage_target.query("SELECT COUNT(*) FROM update_claims") == [(0,)]


async def test_replicas_count_each_other_by_heartbeat(replicas):
    first, second = replicas
    assert await first.announce_replica(ttl_seconds=15) == 1
    assert await second.announce_replica(ttl_seconds=15) == 2
    assert await first.announce_replica(ttl_seconds=15) == 2


async def test_a_replica_that_stops_announcing_is_not_counted_once_its_heartbeat_expires(
    replicas, clock
):
    first, second = replicas
    await first.announce_replica(ttl_seconds=15)
    await second.announce_replica(ttl_seconds=15)
    clock.now += 16
    assert await first.announce_replica(ttl_seconds=15) == 1


async def test_a_replica_that_stops_withdraws_at_once(replicas):
    first, second = replicas
    await first.announce_replica(ttl_seconds=15)
    await second.announce_replica(ttl_seconds=15)
    await second.withdraw_replica()
    assert await first.announce_replica(ttl_seconds=15) == 1
