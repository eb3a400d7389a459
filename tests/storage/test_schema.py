"""The schema: SQLite files are created and migrated in place (SQLite only, as are the checks
that read PRAGMAs); what both backends must hold runs on both."""

import asyncio
import logging
import sqlite3

import pytest

from storage import SCHEMA_VERSION, ChatSettings, DatabaseUnavailableError, Storage
from tests.conftest import POSTGRES_POOL

# The schema as the first release created it; the file must keep opening after upgrades.
VERSION_1_SCHEMA = """
CREATE TABLE cache_entries (
    key TEXT PRIMARY KEY, payload TEXT NOT NULL, created_at REAL NOT NULL,
    expires_at REAL, size INTEGER NOT NULL
);
CREATE TABLE chats (
    chat_id INTEGER PRIMARY KEY, first_seen_at REAL NOT NULL,
    served_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE chat_settings (
    chat_id INTEGER PRIMARY KEY REFERENCES chats (chat_id) ON DELETE CASCADE,
    summary_sentences INTEGER, language TEXT
);
INSERT INTO cache_entries VALUES ('text:old', '{"summary": []}', 100.0, NULL, 15);
INSERT INTO chats VALUES (42, 100.0, 3);
INSERT INTO chat_settings VALUES (42, 4, 'id');
PRAGMA user_version = 1;
"""

# What version 2 added (cache counters and the expiry index).
VERSION_2_ADDITIONS = """
CREATE TABLE cache_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE INDEX cache_entries_expiry ON cache_entries (expires_at) WHERE expires_at IS NOT NULL;
INSERT INTO cache_entries VALUES ('text:ttl', 'x', 1700000000.5, 1700003600.25, 1);
INSERT INTO cache_counters VALUES ('hits', 7), ('misses', 3);
PRAGMA user_version = 2;
"""


def read_pragma(path, name):
    with sqlite3.connect(path) as connection:
        return connection.execute(f"PRAGMA {name}").fetchone()[0]


def index_names(path):
    with sqlite3.connect(path) as connection:
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        return {row[0] for row in connection.execute(query)}


def table_columns(path):
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {
            table: {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
            for table in tables
        }


async def test_new_database_gets_the_latest_schema_version_in_wal_mode(tmp_path):
    path = tmp_path / "ringkas.db"
    storage = await Storage.open(path, busy_timeout_ms=1000)
    await storage.close()
    assert read_pragma(path, "user_version") == SCHEMA_VERSION
    assert read_pragma(path, "journal_mode") == "wal"


async def test_version_1_database_is_upgraded_and_keeps_its_data(tmp_path):
    path = tmp_path / "ringkas.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(VERSION_1_SCHEMA)

    storage = await Storage.open(path, busy_timeout_ms=1000)
    assert storage.degraded_reason is None
    assert await storage.get_cached("text:old") == '{"summary": []}'
    assert await storage.get_chat_settings(42) == ChatSettings(42, 4, "id")
    stats = await storage.stats()
    await storage.close()

    assert read_pragma(path, "user_version") == SCHEMA_VERSION
    assert (stats.hits, stats.misses, stats.chats_served) == (1, 0, 1)


async def test_version_2_times_in_seconds_become_integer_milliseconds(tmp_path):
    path = tmp_path / "ringkas.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(VERSION_1_SCHEMA + VERSION_2_ADDITIONS)

    storage = await Storage.open(path, busy_timeout_ms=1000, clock=lambda: 1_700_000_100.0)
    stats = await storage.stats()
    await storage.close()

    with sqlite3.connect(path) as connection:
        entry = connection.execute(
            "SELECT created_ms, expires_ms FROM cache_entries WHERE key = 'text:ttl'"
        ).fetchone()
        chat = connection.execute("SELECT first_seen_ms, served_count FROM chats").fetchone()
    assert entry == (1_700_000_000_500, 1_700_003_600_250)
    assert chat == (100_000, 3)
    assert (stats.hits, stats.misses, stats.cache_entries) == (7, 3, 2)


async def test_upgraded_file_has_the_same_tables_as_a_new_one(tmp_path):
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    with sqlite3.connect(old) as connection:
        connection.executescript(VERSION_1_SCHEMA)
    for path in (old, new):
        storage = await Storage.open(path, busy_timeout_ms=1000)
        await storage.close()
    assert table_columns(old) == table_columns(new)
    assert index_names(old) == index_names(new)


async def test_reopening_an_up_to_date_database_changes_nothing(tmp_path, caplog):
    path = tmp_path / "ringkas.db"
    storage = await Storage.open(path, busy_timeout_ms=1000)
    await storage.put_cached("k", "payload")
    await storage.close()
    schema_before = table_columns(path)

    with caplog.at_level(logging.INFO, logger="storage"):
        for _ in range(2):
            reopened = await Storage.open(path, busy_timeout_ms=1000)
            await reopened.close()

    assert not [record for record in caplog.records if "migrated" in record.getMessage()]
    assert table_columns(path) == schema_before
    assert read_pragma(path, "user_version") == SCHEMA_VERSION


async def test_database_from_a_newer_release_is_left_alone(tmp_path, caplog):
    path = tmp_path / "ringkas.db"
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")

    with caplog.at_level(logging.WARNING):
        storage = await Storage.open(path, busy_timeout_ms=1000)
        await storage.put_cached("k", "payload")
        assert await storage.get_cached("k") is None
    await storage.close()

    assert "newer" in storage.degraded_reason
    assert any(record.levelno == logging.WARNING for record in caplog.records)
    assert read_pragma(path, "user_version") == SCHEMA_VERSION + 1


async def test_chat_settings_reference_their_chat(tmp_path):
    path = tmp_path / "ringkas.db"
    storage = await Storage.open(path, busy_timeout_ms=1000)
    await storage.close()
    with sqlite3.connect(path) as connection:
        references = connection.execute("PRAGMA foreign_key_list(chat_settings)").fetchall()
    assert [(row[2], row[3], row[4]) for row in references] == [("chats", "chat_id", "chat_id")]


async def test_cache_has_no_chat_column_and_chat_tables_hold_no_content(tmp_path):
    path = tmp_path / "ringkas.db"
    storage = await Storage.open(path, busy_timeout_ms=1000)
    await storage.close()
    columns = table_columns(path)
    assert columns["cache_entries"] == {"key", "payload", "created_ms", "expires_ms", "size"}
    assert columns["chats"] == {"chat_id", "first_seen_ms", "served_count"}
    assert columns["chat_settings"] == {"chat_id", "summary_sentences", "language"}
    # What a message was answered with, for edits: ids, a hash and an expiry, no text.
    assert columns["answered_messages"] == {
        "chat_id", "message_id", "signature", "replies", "expires_ms"
    }  # fmt: skip
    tables_with_chat_ids = {table for table, names in columns.items() if "chat_id" in names}
    assert tables_with_chat_ids == {"chats", "chat_settings", "answered_messages"}
    tables_with_user_ids = {table for table, names in columns.items() if "user_id" in names}
    assert columns["rate_limits"] == {"user_id", "window_start_ms", "hits", "expires_ms"}
    assert tables_with_user_ids == {"rate_limits"}


async def test_summary_text_is_stored_only_in_the_cache_table(storage_target):
    secret = "Menteri menyebut harga beras naik 5 persen"
    storage = await storage_target.open()
    await storage.get_cached("text:k")
    await storage.put_cached("text:k", f'{{"summary": ["{secret}"]}}')
    await storage.note_chat_served(42)
    await storage.update_chat_settings(42, summary_sentences=3)
    await storage.close()

    if storage_target.kind == "sqlite":
        tables = table_columns(storage_target.location)
    else:
        tables = await postgres_tables(storage_target)
    holding_secret = set()
    for table in tables:
        rows = await storage_target.query(f"SELECT * FROM {table}")
        if any(secret in str(value) for row in rows for value in row):
            holding_secret.add(table)
    assert holding_secret == {"cache_entries"}


async def postgres_tables(target):
    rows = await target.query(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema()"
    )
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


async def test_postgres_gets_the_same_tables_as_sqlite(postgres_target, tmp_path):
    target = postgres_target
    storage = await target.open()
    await storage.close()
    sqlite_file = tmp_path / "ringkas.db"
    await (await Storage.open(sqlite_file, busy_timeout_ms=1000)).close()

    tables = await postgres_tables(target)
    assert tables.pop("schema_migrations") == {"version", "applied_ms"}
    assert tables == table_columns(sqlite_file)
    assert await target.query("SELECT MAX(version) FROM schema_migrations") == [(SCHEMA_VERSION,)]


async def test_replicas_starting_together_migrate_once(postgres_url, caplog):
    with caplog.at_level(logging.INFO, logger="storage"):
        replicas = await asyncio.gather(
            *(
                Storage.open(postgres_url, busy_timeout_ms=1000, pool=POSTGRES_POOL)
                for _ in range(4)
            )
        )
    for storage in replicas:
        assert storage.degraded_reason is None
        await storage.close()
    versions = [r.args[0] for r in caplog.records if "migrated" in r.getMessage()]
    assert sorted(versions) == sorted(set(versions))  # each step taken by one replica only
    assert max(versions) == SCHEMA_VERSION


async def test_postgres_schema_from_a_newer_release_refuses_to_start(postgres_target):
    postgres_url = postgres_target.location
    await (await Storage.open(postgres_url, busy_timeout_ms=1000, pool=POSTGRES_POOL)).close()
    await postgres_target.query(
        "INSERT INTO schema_migrations (version, applied_ms) VALUES (?, 0)", SCHEMA_VERSION + 1
    )
    with pytest.raises(DatabaseUnavailableError, match="newer than supported") as raised:
        await Storage.open(postgres_url, busy_timeout_ms=1000, pool=POSTGRES_POOL)
    assert "\n" not in str(raised.value)
