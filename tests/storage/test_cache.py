"""The result cache, on SQLite and on PostgreSQL (`storage_target`)."""

import asyncio

import pytest

from storage import Storage


async def test_sqlite_database_and_parent_directory_are_created_on_first_use(tmp_path):
    db_path = tmp_path / "data" / "ringkas.db"
    storage = await Storage.open(db_path, busy_timeout_ms=1000)
    await storage.close()
    assert db_path.is_file()


async def test_stored_payload_is_returned_for_its_key(storage_target):
    storage = await storage_target.open()
    await storage.put_cached("text:abc", '{"summary": ["Harga beras naik."]}')
    assert await storage.get_cached("text:abc") == '{"summary": ["Harga beras naik."]}'
    await storage.close()


async def test_unknown_key_is_a_miss(storage_target):
    storage = await storage_target.open()
    assert await storage.get_cached("text:nothing") is None
    await storage.close()


async def test_putting_a_key_again_replaces_the_payload(storage_target):
    storage = await storage_target.open()
    await storage.put_cached("k", "old")
    await storage.put_cached("k", "new")
    assert await storage.get_cached("k") == "new"
    assert (await storage.stats()).cache_entries == 1
    await storage.close()


async def test_entries_survive_a_restart(storage_target):
    storage = await storage_target.open()
    await storage.put_cached("k", "payload")
    await storage.close()
    reopened = await storage_target.open()
    assert await reopened.get_cached("k") == "payload"
    await reopened.close()


async def test_entry_is_served_until_its_ttl_runs_out(storage_target, clock):
    storage = await storage_target.open(clock=clock)
    await storage.put_cached("k", "payload", ttl_seconds=60)
    clock.now += 59
    assert await storage.get_cached("k") == "payload"
    clock.now += 1
    assert await storage.get_cached("k") is None
    await storage.close()


async def test_entry_without_ttl_never_expires(storage_target, clock):
    storage = await storage_target.open(clock=clock)
    await storage.put_cached("k", "payload")
    clock.now += 10 * 365 * 24 * 3600
    assert await storage.get_cached("k") == "payload"
    await storage.close()


async def test_purge_deletes_only_expired_entries(storage_target, clock):
    storage = await storage_target.open(clock=clock)
    await storage.put_cached("short", "a", ttl_seconds=10)
    await storage.put_cached("long", "b", ttl_seconds=1000)
    await storage.put_cached("forever", "c")
    clock.now += 100
    assert await storage.purge_expired() == 1
    await storage.close()
    keys = {row[0] for row in await storage_target.query("SELECT key FROM cache_entries")}
    assert keys == {"long", "forever"}


async def test_expired_entries_are_purged_when_the_database_is_opened(storage_target, clock):
    storage = await storage_target.open(clock=clock)
    await storage.put_cached("k", "payload", ttl_seconds=5)
    await storage.close()
    clock.now += 10
    reopened = await storage_target.open(clock=clock)
    await reopened.close()
    assert await storage_target.query("SELECT COUNT(*) FROM cache_entries") == [(0,)]


async def test_entry_records_created_and_expiry_milliseconds_and_size_in_bytes(
    storage_target, clock
):
    clock.now = 1_700_000_000.25
    storage = await storage_target.open(clock=clock)
    await storage.put_cached("k", "Rp1.000 naik ±5%", ttl_seconds=30)
    await storage.close()
    rows = await storage_target.query(
        "SELECT created_ms, expires_ms, size FROM cache_entries WHERE key = 'k'"
    )
    assert rows == [(1_700_000_000_250, 1_700_000_030_250, len("Rp1.000 naik ±5%".encode()))]


@pytest.mark.parametrize("ttl", [0, -5])
async def test_non_positive_ttl_is_a_programming_error(storage_target, ttl):
    storage = await storage_target.open()
    with pytest.raises(ValueError, match="ttl_seconds"):
        await storage.put_cached("k", "payload", ttl_seconds=ttl)
    await storage.close()


async def test_stats_count_live_entries_and_their_bytes(storage_target, clock):
    storage = await storage_target.open(clock=clock)
    await storage.put_cached("a", "12345")
    await storage.put_cached("b", "123", ttl_seconds=1)
    await storage.put_cached("c", "1", ttl_seconds=100)
    clock.now += 2
    stats = await storage.stats()
    assert (stats.cache_entries, stats.cache_bytes) == (2, 6)
    await storage.close()


async def test_hit_rate_is_unknown_before_any_lookup(storage_target):
    storage = await storage_target.open()
    stats = await storage.stats()
    assert (stats.hits, stats.misses, stats.hit_rate) == (0, 0, None)
    assert stats.degraded is None
    await storage.close()


async def test_hits_and_misses_are_counted_and_persist_across_runs(storage_target):
    storage = await storage_target.open()
    await storage.get_cached("k")
    await storage.put_cached("k", "payload")
    await storage.get_cached("k")
    await storage.get_cached("k")
    await storage.close()

    second_run = await storage_target.open()
    await second_run.get_cached("other")
    await second_run.close()

    stats_command = await storage_target.open()
    stats = await stats_command.stats()
    await stats_command.close()
    assert (stats.hits, stats.misses, stats.hit_rate) == (2, 2, 0.5)


async def test_counters_are_saved_without_waiting_for_close(storage_target):
    bot = await storage_target.open()
    await bot.get_cached("k")
    await bot.put_cached("k", "payload")
    for _ in range(3):
        await bot.get_cached("k")
    await bot.stats()

    # Another process (`ringkasbot stats`) sees the counts while the bot is still running.
    other_process = await storage_target.open()
    stats = await other_process.stats()
    await other_process.close()
    await bot.close()
    assert (stats.hits, stats.misses) == (3, 1)


async def test_in_memory_storage_works_without_a_file(tmp_path):
    storage = await Storage.open(None, busy_timeout_ms=1000)
    await storage.put_cached("k", "payload")
    assert await storage.get_cached("k") == "payload"
    assert (await storage.stats()).degraded is None
    await storage.close()
    assert list(tmp_path.iterdir()) == []


async def test_closing_twice_is_harmless(storage_target):
    storage = await storage_target.open()
    await storage.close()
    await storage.close()


async def test_many_concurrent_coroutines_share_one_storage_safely(storage_target):
    storage = await storage_target.open()

    async def handle_request(number: int) -> str | None:
        chat_id = number % 7
        key = f"text:{number}"
        if await storage.get_cached(key) is None:
            await storage.put_cached(key, f"summary {number}", ttl_seconds=3600)
        await storage.update_chat_settings(chat_id, summary_sentences=chat_id + 1)
        await storage.note_chat_served(chat_id)
        return await storage.get_cached(key)

    results = await asyncio.gather(*(handle_request(number) for number in range(200)))

    assert results == [f"summary {number}" for number in range(200)]
    stats = await storage.stats()
    assert (stats.cache_entries, stats.hits, stats.misses) == (200, 200, 200)
    assert stats.chats_served == 7
    assert stats.degraded is None
    await storage.close()
    assert await storage_target.query("SELECT SUM(served_count) FROM chats") == [(200,)]


async def test_concurrent_closes_are_harmless(storage_target):
    storage = await storage_target.open()
    await storage.get_cached("k")
    await asyncio.gather(storage.close(), storage.close())
    assert await storage.get_cached("k") is None


async def test_the_last_of_several_puts_of_one_key_in_a_group_commit_stays(storage_target):
    storage = await storage_target.open()
    await asyncio.gather(
        storage.put_cached("text:banjir", "ringkasan lama"),
        storage.put_cached("text:gempa", "ringkasan gempa"),
        storage.put_cached("text:banjir", "ringkasan baru"),
    )
    assert await storage.get_cached("text:banjir") == "ringkasan baru"
    assert (await storage.stats()).cache_entries == 2
    await storage.close()


async def test_a_group_commit_larger_than_one_statement_stores_every_entry(storage_target):
    storage = await storage_target.open()
    keys = [f"text:{number}" for number in range(7_000)]  # 35,000 parameters: over both limits
    await asyncio.gather(*(storage.put_cached(key, f"ringkasan {key}") for key in keys))
    assert (await storage.stats()).cache_entries == 7_000
    assert await storage.get_cached("text:6999") == "ringkasan text:6999"
    await storage.close()
