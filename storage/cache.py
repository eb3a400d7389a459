"""SQL for the result cache. No chat or user id ever reaches these tables."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

HITS = "hits"
MISSES = "misses"


@dataclass(frozen=True)
class CacheTotals:
    entries: int
    payload_bytes: int
    hits: int
    misses: int


async def read_payload(db: aiosqlite.Connection, key: str, now: float) -> str | None:
    """The stored payload, or None when the key is absent or its entry has expired."""
    query = (
        "SELECT payload FROM cache_entries WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)"
    )
    async with db.execute(query, (key, now)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else str(row[0])


async def write_entry(
    db: aiosqlite.Connection, key: str, payload: str, now: float, expires_at: float | None
) -> None:
    size = len(payload.encode("utf-8", "surrogatepass"))
    await db.execute(
        "INSERT INTO cache_entries (key, payload, created_at, expires_at, size)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET payload = excluded.payload,"
        " created_at = excluded.created_at, expires_at = excluded.expires_at,"
        " size = excluded.size",
        (key, payload, now, expires_at, size),
    )


async def delete_expired(db: aiosqlite.Connection, now: float) -> int:
    cursor = await db.execute(
        "DELETE FROM cache_entries WHERE expires_at IS NOT NULL AND expires_at <= ?", (now,)
    )
    deleted = cursor.rowcount
    await cursor.close()
    return max(deleted, 0)


async def add_to_counters(db: aiosqlite.Connection, hits: int, misses: int) -> None:
    await db.executemany(
        "INSERT INTO cache_counters (name, value) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
        [(HITS, hits), (MISSES, misses)],
    )


async def read_totals(db: aiosqlite.Connection, now: float) -> CacheTotals:
    """Live (unexpired) entries and their payload size, plus the persisted hit/miss counters."""
    async with db.execute(
        "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM cache_entries"
        " WHERE expires_at IS NULL OR expires_at > ?",
        (now,),
    ) as cursor:
        entries, payload_bytes = await cursor.fetchone() or (0, 0)
    async with db.execute("SELECT name, value FROM cache_counters") as cursor:
        counters = {str(name): int(value) for name, value in await cursor.fetchall()}
    return CacheTotals(
        entries=int(entries),
        payload_bytes=int(payload_bytes),
        hits=counters.get(HITS, 0),
        misses=counters.get(MISSES, 0),
    )
