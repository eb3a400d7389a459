"""Copying an existing SQLite database into PostgreSQL (`storage.transfer.copy_database`)."""

import json
import sqlite3

import pytest

from storage import ChatSettings, DatabaseUnavailableError, Storage
from storage.transfer import BATCH_ROWS, TransferError, copy_database
from tests.conftest import POSTGRES_POOL, FakeClock

PENDING_UPDATE = json.dumps(
    {"update_id": 7001, "message": {"message_id": 1, "text": "Inflasi Oktober 2,1 persen."}}
)


@pytest.fixture
async def sqlite_source(tmp_path):
    """A bot's SQLite database: cache, counters, chats, settings, a pending update."""
    path = tmp_path / "ringkas.db"
    clock = FakeClock()
    storage = await Storage.open(path, busy_timeout_ms=1000, clock=clock)
    await storage.get_cached("text:berita")
    await storage.put_cached("text:berita", '{"summary": ["Harga beras naik."]}', 3600)
    await storage.put_cached("link:abadi", '{"summary": ["Rupiah menguat."]}')
    await storage.get_cached("text:berita")
    await storage.update_chat_settings(42, summary_sentences=4, language="en")
    await storage.note_chat_served(-1001234567890)
    await storage.record_update(7001, PENDING_UPDATE)
    await storage.note_reply_sent(7001, 0, 555)
    await storage.close()
    return path


async def test_sqlite_cache_settings_and_pending_updates_move_to_postgresql(
    sqlite_source, postgres_url
):
    report = await copy_database(f"sqlite:///{sqlite_source}", postgres_url.dsn)

    storage = await Storage.open(
        postgres_url, busy_timeout_ms=1000, pool=POSTGRES_POOL, clock=FakeClock(1_700_000_010)
    )
    assert await storage.get_cached("text:berita") == '{"summary": ["Harga beras naik."]}'
    assert await storage.get_cached("link:abadi") == '{"summary": ["Rupiah menguat."]}'
    assert await storage.get_chat_settings(42) == ChatSettings(42, 4, "en")
    pending = await storage.pending_updates(max_age_seconds=3600)
    assert [(update.update_id, update.payload) for update in pending] == [(7001, PENDING_UPDATE)]
    assert await storage.sent_replies(7001) == {0: 555}
    stats = await storage.stats()
    await storage.close()
    assert (stats.cache_entries, stats.chats_served) == (2, 1)
    assert (stats.hits, stats.misses) == (3, 1)  # 1 hit and 1 miss copied, 2 hits above
    assert report.rows["cache_entries"] == 2
    assert report.rows["chats"] == 2
    assert report.total == 2 + 2 + 2 + 1 + 1 + 1


async def test_expiry_times_are_kept(sqlite_source, postgres_url):
    await copy_database(f"sqlite:///{sqlite_source}", postgres_url.dsn)
    clock = FakeClock(1_700_000_000 + 3600)
    storage = await Storage.open(
        postgres_url, busy_timeout_ms=1000, pool=POSTGRES_POOL, clock=clock
    )
    assert await storage.get_cached("text:berita") is None
    assert await storage.get_cached("link:abadi") is not None
    await storage.close()


async def test_copying_again_changes_nothing(sqlite_source, postgres_url, postgres_target):
    await copy_database(f"sqlite:///{sqlite_source}", postgres_url.dsn)
    before = await postgres_target.query("SELECT name, value FROM cache_counters ORDER BY name")
    await copy_database(f"sqlite:///{sqlite_source}", postgres_url.dsn)
    after = await postgres_target.query("SELECT name, value FROM cache_counters ORDER BY name")
    assert before == after == [("hits", 1), ("misses", 1)]
    assert await postgres_target.query("SELECT COUNT(*) FROM cache_entries") == [(2,)]


async def test_more_rows_than_one_batch_are_all_copied(tmp_path, postgres_url, postgres_target):
    path = tmp_path / "big.db"
    storage = await Storage.open(path, busy_timeout_ms=1000)
    count = 2 * BATCH_ROWS + 17
    for number in range(count):
        await storage.put_cached(f"text:{number:05d}", f"ringkasan {number}")
    await storage.close()

    report = await copy_database(f"sqlite:///{path}", postgres_url.dsn)

    assert report.rows["cache_entries"] == count
    keys = await postgres_target.query("SELECT key FROM cache_entries ORDER BY key")
    assert [key for (key,) in keys] == [f"text:{number:05d}" for number in range(count)]


async def test_a_file_from_the_first_release_is_upgraded_and_copied(tmp_path, postgres_url):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "CREATE TABLE cache_entries (key TEXT PRIMARY KEY, payload TEXT NOT NULL,"
            " created_at REAL NOT NULL, expires_at REAL, size INTEGER NOT NULL);"
            "CREATE TABLE chats (chat_id INTEGER PRIMARY KEY, first_seen_at REAL NOT NULL,"
            " served_count INTEGER NOT NULL DEFAULT 0);"
            "CREATE TABLE chat_settings (chat_id INTEGER PRIMARY KEY REFERENCES chats (chat_id)"
            " ON DELETE CASCADE, summary_sentences INTEGER, language TEXT);"
            "INSERT INTO cache_entries VALUES ('text:lama', 'isi', 100.0, NULL, 3);"
            "PRAGMA user_version = 1;"
        )
    await copy_database(f"sqlite:///{path}", postgres_url.dsn)
    storage = await Storage.open(postgres_url, busy_timeout_ms=1000, pool=POSTGRES_POOL)
    assert await storage.get_cached("text:lama") == "isi"
    await storage.close()


async def test_postgresql_can_be_copied_back_to_sqlite(sqlite_source, postgres_url, tmp_path):
    await copy_database(f"sqlite:///{sqlite_source}", postgres_url.dsn)
    back = tmp_path / "back" / "ringkas.db"
    await copy_database(postgres_url.dsn, f"sqlite:///{back}")
    storage = await Storage.open(back, busy_timeout_ms=1000)
    assert await storage.get_chat_settings(42) == ChatSettings(42, 4, "en")
    await storage.close()


async def test_missing_source_file_is_refused_without_creating_it(tmp_path, postgres_url):
    missing = tmp_path / "typo.db"
    with pytest.raises(TransferError, match="no database at"):
        await copy_database(f"sqlite:///{missing}", postgres_url.dsn)
    assert not missing.exists()


async def test_unusable_target_server_is_one_clear_line(sqlite_source, postgres_url):
    wrong = postgres_url.dsn.replace("ringkas-test-password", "wrong")
    with pytest.raises(DatabaseUnavailableError, match="refused the password"):
        await copy_database(f"sqlite:///{sqlite_source}", wrong)


async def test_a_database_cannot_be_copied_onto_itself(sqlite_source):
    with pytest.raises(TransferError, match="same database"):
        await copy_database(f"sqlite:///{sqlite_source}", f"sqlite:///{sqlite_source}")
