"""SQL for the result cache. No chat or user id ever reaches these tables."""

from __future__ import annotations

from dataclasses import dataclass

from storage.sql import Session, to_ms, value_rows

HITS = "hits"
MISSES = "misses"


@dataclass(frozen=True)
class CacheEntry:
    """A payload to store under `key`."""

    key: str
    payload: str
    ttl_seconds: float | None  # None: never expires


@dataclass(frozen=True)
class CacheTotals:
    entries: int
    payload_bytes: int
    hits: int
    misses: int


async def read_payload(db: Session, key: str, now_ms: int) -> str | None:
    """The stored payload, or None when the key is absent or its entry has expired."""
    row = await db.fetch_one(
        "SELECT payload FROM cache_entries"
        " WHERE key = ? AND (expires_ms IS NULL OR expires_ms > ?)",
        (key, now_ms),
    )
    return None if row is None else str(row[0])


# Rows per INSERT: a group commit after a stall can hold many entries, and each row takes
# five of the statement's parameters (SQLite allows 32,766, PostgreSQL 65,535).
_ROWS_PER_INSERT = 500


def write_statements(entries: int) -> int:
    """How many statements `write_entries` runs for this many entries."""
    return -(-entries // _ROWS_PER_INSERT)


async def write_entries(db: Session, entries: list[CacheEntry], now_ms: int) -> None:
    """Store the entries, in as few statements as parameters allow (one per trip to the
    database, not one per entry). Of several under one key, the last one stays."""
    latest = {entry.key: entry for entry in entries}
    rows = [
        (
            entry.key,
            entry.payload,
            now_ms,
            None if entry.ttl_seconds is None else now_ms + to_ms(entry.ttl_seconds),
            len(entry.payload.encode("utf-8", "surrogatepass")),
        )
        for entry in latest.values()
    ]
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        values, params = value_rows(rows[start : start + _ROWS_PER_INSERT])
        await db.execute(
            "INSERT INTO cache_entries (key, payload, created_ms, expires_ms, size)"
            f" VALUES {values}"
            " ON CONFLICT (key) DO UPDATE SET payload = excluded.payload,"
            " created_ms = excluded.created_ms, expires_ms = excluded.expires_ms,"
            " size = excluded.size",
            params,
        )


async def delete_expired(db: Session, now_ms: int) -> int:
    return await db.execute(
        "DELETE FROM cache_entries WHERE expires_ms IS NOT NULL AND expires_ms <= ?", (now_ms,)
    )


async def add_to_counters(db: Session, hits: int, misses: int) -> None:
    await db.execute_many(
        "INSERT INTO cache_counters (name, value) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET value = cache_counters.value + excluded.value",
        [(HITS, hits), (MISSES, misses)],
    )


async def read_totals(db: Session, now_ms: int) -> CacheTotals:
    """Live (unexpired) entries and their payload size, plus the persisted hit/miss counters."""
    row = await db.fetch_one(
        "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM cache_entries"
        " WHERE expires_ms IS NULL OR expires_ms > ?",
        (now_ms,),
    )
    entries, payload_bytes = row or (0, 0)
    rows = await db.fetch_all("SELECT name, value FROM cache_counters")
    counters = {str(name): int(value) for name, value in rows}
    return CacheTotals(
        entries=int(entries),
        payload_bytes=int(payload_bytes),  # PostgreSQL's SUM(bigint) is a Decimal
        hits=counters.get(HITS, 0),
        misses=counters.get(MISSES, 0),
    )
