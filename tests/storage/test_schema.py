import logging
import sqlite3

from storage import SCHEMA_VERSION, ChatSettings, Storage

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


def read_pragma(path, name):
    with sqlite3.connect(path) as connection:
        return connection.execute(f"PRAGMA {name}").fetchone()[0]


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
    assert columns["cache_entries"] == {"key", "payload", "created_at", "expires_at", "size"}
    assert columns["chats"] == {"chat_id", "first_seen_at", "served_count"}
    assert columns["chat_settings"] == {"chat_id", "summary_sentences", "language"}
    tables_with_chat_ids = {table for table, names in columns.items() if "chat_id" in names}
    assert tables_with_chat_ids == {"chats", "chat_settings"}


async def test_summary_text_is_stored_only_in_the_cache_table(tmp_path):
    path = tmp_path / "ringkas.db"
    secret = "Menteri menyebut harga beras naik 5 persen"
    storage = await Storage.open(path, busy_timeout_ms=1000)
    await storage.get_cached("text:k")
    await storage.put_cached("text:k", f'{{"summary": ["{secret}"]}}')
    await storage.note_chat_served(42)
    await storage.update_chat_settings(42, summary_sentences=3)
    await storage.close()

    with sqlite3.connect(path) as connection:
        tables_holding_secret = {
            table
            for table in table_columns(path)
            for row in connection.execute(f"SELECT * FROM {table}")
            if any(secret in str(value) for value in row)
        }
    assert tables_holding_secret == {"cache_entries"}
