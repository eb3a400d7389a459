"""One schema for SQLite and PostgreSQL, and the migrations that build it.

A new database (version 0) gets `BASE_SCHEMA` in one step, on either database: version
`BASE_VERSION`. SQLite files made before PostgreSQL support (versions 1 and 2) are upgraded
by `SQLITE_LEGACY_MIGRATIONS` to the same tables. Later changes go in `MIGRATIONS` as SQL both
databases accept, applied in order on both. Append only: never edit a migration that shipped.

Times are integer milliseconds since the epoch (`*_ms`). Tables holding chat ids
(`chats`, `chat_settings`, `answered_messages`) hold no message content; message content is only in
`cache_entries` (summaries) and, until an update is answered, in `update_receipts`.
"""

from __future__ import annotations

from storage.sql import Dialect

BASE_SCHEMA: tuple[str, ...] = (
    """CREATE TABLE cache_entries (
        key TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        expires_ms BIGINT,
        size BIGINT NOT NULL
    )""",
    "CREATE INDEX cache_entries_expiry ON cache_entries (expires_ms) WHERE expires_ms IS NOT NULL",
    "CREATE TABLE cache_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
    """CREATE TABLE chats (
        chat_id BIGINT PRIMARY KEY,
        first_seen_ms BIGINT NOT NULL,
        served_count BIGINT NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE chat_settings (
        chat_id BIGINT PRIMARY KEY REFERENCES chats (chat_id) ON DELETE CASCADE,
        summary_sentences INTEGER,
        language TEXT
    )""",
    # Shared state of replicas: one row per user and rate-limit window.
    """CREATE TABLE rate_limits (
        user_id BIGINT NOT NULL,
        window_start_ms BIGINT NOT NULL,
        hits BIGINT NOT NULL,
        expires_ms BIGINT NOT NULL,
        PRIMARY KEY (user_id, window_start_ms)
    )""",
    "CREATE INDEX rate_limits_expiry ON rate_limits (expires_ms)",
    # Who is computing an article right now (single flight across replicas).
    """CREATE TABLE request_claims (
        request_key TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_ms BIGINT NOT NULL
    )""",
    # Who is answering an update right now.
    "CREATE TABLE update_claims (update_id BIGINT PRIMARY KEY, expires_ms BIGINT NOT NULL)",
    # Durable receipt: the raw update until it is answered (payload NULL once done).
    """CREATE TABLE update_receipts (
        update_id BIGINT PRIMARY KEY,
        payload TEXT,
        received_ms BIGINT NOT NULL,
        done_ms BIGINT
    )""",
    "CREATE INDEX update_receipts_received ON update_receipts (received_ms)",
    """CREATE TABLE sent_replies (
        update_id BIGINT NOT NULL,
        part_index INTEGER NOT NULL,
        message_id BIGINT NOT NULL,
        sent_ms BIGINT NOT NULL,
        PRIMARY KEY (update_id, part_index)
    )""",
    "CREATE INDEX sent_replies_sent ON sent_replies (sent_ms)",
)
BASE_VERSION = 3

# Migration N (1-based) upgrades a SQLite file from user_version N-1 to N. These made the
# schema before version 3; kept so that old files still open.
_LEGACY_V1 = (
    """CREATE TABLE cache_entries (
        key TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL,
        size INTEGER NOT NULL
    )""",
    """CREATE TABLE chats (
        chat_id INTEGER PRIMARY KEY,
        first_seen_at REAL NOT NULL,
        served_count INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE chat_settings (
        chat_id INTEGER PRIMARY KEY REFERENCES chats (chat_id) ON DELETE CASCADE,
        summary_sentences INTEGER,
        language TEXT
    )""",
)
_LEGACY_V2 = (
    "CREATE TABLE cache_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE INDEX cache_entries_expiry ON cache_entries (expires_at) WHERE expires_at IS NOT NULL",
)
# Version 2 -> 3: seconds as REAL become integer milliseconds; the new tables are added.
# Renaming `chats` also repoints the old `chat_settings` reference, so both are dropped
# together once copied.
_LEGACY_V3 = (
    "DROP INDEX cache_entries_expiry",
    "ALTER TABLE cache_entries RENAME TO cache_entries_v2",
    "ALTER TABLE chats RENAME TO chats_v2",
    "ALTER TABLE chat_settings RENAME TO chat_settings_v2",
    "ALTER TABLE cache_counters RENAME TO cache_counters_v2",
    *BASE_SCHEMA,
    "INSERT INTO cache_entries (key, payload, created_ms, expires_ms, size)"
    " SELECT key, payload, CAST(ROUND(created_at * 1000) AS INTEGER),"
    " CAST(ROUND(expires_at * 1000) AS INTEGER), size FROM cache_entries_v2",
    "INSERT INTO chats (chat_id, first_seen_ms, served_count)"
    " SELECT chat_id, CAST(ROUND(first_seen_at * 1000) AS INTEGER), served_count FROM chats_v2",
    "INSERT INTO chat_settings (chat_id, summary_sentences, language)"
    " SELECT chat_id, summary_sentences, language FROM chat_settings_v2",
    "INSERT INTO cache_counters (name, value) SELECT name, value FROM cache_counters_v2",
    "DROP TABLE chat_settings_v2",
    "DROP TABLE chats_v2",
    "DROP TABLE cache_entries_v2",
    "DROP TABLE cache_counters_v2",
)
SQLITE_LEGACY_MIGRATIONS: tuple[tuple[str, ...], ...] = (_LEGACY_V1, _LEGACY_V2, _LEGACY_V3)

# Migrations after the base schema, both databases: MIGRATIONS[0] makes version 4, etc.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 4: replicas announce themselves, to share Telegram's send budget (storage.shared).
    ("CREATE TABLE replica_heartbeats (replica_id TEXT PRIMARY KEY, expires_ms BIGINT NOT NULL)",),
    # 5: what each message was answered with, for edits on any replica (storage.answers).
    (
        """CREATE TABLE answered_messages (
            chat_id BIGINT NOT NULL,
            message_id BIGINT NOT NULL,
            signature TEXT NOT NULL,
            replies TEXT NOT NULL,
            expires_ms BIGINT NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        )""",
        "CREATE INDEX answered_messages_expiry ON answered_messages (expires_ms)",
    ),
)

SCHEMA_VERSION = BASE_VERSION + len(MIGRATIONS)

# Run after every open; also the write probe of a SQLite file (it fails when read-only).
SEED_COUNTERS = (
    "INSERT INTO cache_counters (name, value) VALUES ('hits', 0), ('misses', 0)"
    " ON CONFLICT (name) DO NOTHING"
)


class SchemaError(Exception):
    """The database's schema is not one this version can use."""


class SchemaTooNewError(SchemaError):
    """The database was written by a newer Ringkas whose schema this version does not know."""


def steps(dialect: Dialect, version: int) -> list[tuple[int, tuple[str, ...]]]:
    """The migrations that take a database from `version` to SCHEMA_VERSION, in order."""
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"database schema version {version} is newer than supported {SCHEMA_VERSION}"
        )
    pending: list[tuple[int, tuple[str, ...]]] = []
    if version == 0:
        pending.append((BASE_VERSION, BASE_SCHEMA))
        version = BASE_VERSION
    elif version < BASE_VERSION:
        if dialect is not Dialect.SQLITE:
            raise SchemaError(f"PostgreSQL schema version {version} was never made by Ringkas")
        for target in range(version + 1, BASE_VERSION + 1):
            pending.append((target, SQLITE_LEGACY_MIGRATIONS[target - 1]))
        version = BASE_VERSION
    for target in range(version + 1, SCHEMA_VERSION + 1):
        pending.append((target, MIGRATIONS[target - BASE_VERSION - 1]))
    return pending
