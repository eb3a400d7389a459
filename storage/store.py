"""`Storage`: the one object the bot uses for its cache, chat settings and stats.

Every public method degrades instead of raising on a database fault (locked, read-only,
corrupt, disk full): the call behaves as if there were no cache, a warning is logged and
`degraded_reason` says why, so users still get their summaries.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import aiosqlite

from storage import cache, settings
from storage.database import is_busy, open_database, prepare, write_transaction
from storage.settings import ChatSettings

log = logging.getLogger(__name__)

T = TypeVar("T")

# Unsaved hit/miss counts are written with the next cache write, on stats() and on close(),
# or once this many pile up, so a cache read never has to wait for the write lock.
COUNTER_FLUSH_THRESHOLD = 100


class Unchanged(enum.Enum):
    """Marker for "leave this setting as it is" (None means "reset to the default")."""

    UNCHANGED = enum.auto()


UNCHANGED = Unchanged.UNCHANGED


@dataclass(frozen=True)
class StorageStats:
    cache_entries: int
    cache_bytes: int
    hits: int
    misses: int
    hit_rate: float | None  # None before the first lookup
    chats_served: int
    degraded: str | None


class Storage:
    def __init__(
        self,
        connection: aiosqlite.Connection | None,
        *,
        writable: bool,
        schema_ready: bool,
        problem: str | None,
        busy_timeout_ms: int,
        clock: Callable[[], float],
    ) -> None:
        self._db = connection
        self._writable = writable
        self._schema_ready = schema_ready
        self._lasting_problem = problem if not writable or connection is None else None
        self._passing_problem = None if self._lasting_problem else problem
        self._busy_backoff_s = busy_timeout_ms / 1000
        # time.monotonic() until which to skip the database after hitting a lock. A write lock
        # held elsewhere (common) still lets WAL readers through, so reads are skipped only
        # when a read itself was blocked.
        self._skip_reads_until = 0.0
        self._skip_writes_until = 0.0
        self._clock = clock
        self._lock = asyncio.Lock()  # one operation (and transaction) at a time on the connection
        self._unsaved_hits = 0
        self._unsaved_misses = 0

    @classmethod
    async def open(
        cls,
        path: Path | None,
        *,
        busy_timeout_ms: int,
        clock: Callable[[], float] = time.time,
    ) -> Storage:
        """Open or create the database at `path` (None: in memory). Never raises on faults.

        `clock` gives wall-clock seconds for created/expiry times; tests pass a fake one.
        """
        opened = await open_database(path, busy_timeout_ms=busy_timeout_ms)
        storage = cls(
            opened.connection,
            writable=opened.writable,
            schema_ready=opened.schema_ready,
            problem=opened.problem,
            busy_timeout_ms=busy_timeout_ms,
            clock=clock,
        )
        await storage.purge_expired()
        return storage

    async def close(self) -> None:
        """Save pending counters and close the file. Safe to call twice."""
        if self._db is None:
            return
        await self._save_counters()
        async with self._lock:
            db, self._db = self._db, None
            if db is None:  # closed meanwhile by a concurrent close()
                return
            try:
                await db.close()
            except (sqlite3.Error, ValueError) as exc:
                log.warning("closing the database failed: %s", exc)

    @property
    def degraded_reason(self) -> str | None:
        """Why the storage is not fully working right now; None when healthy."""
        return self._lasting_problem or self._passing_problem

    async def get_cached(self, key: str) -> str | None:
        """The cached payload, or None if absent, expired or unreadable. Counts a hit or miss."""
        now = self._clock()
        payload = await self._run(
            "cache lookup", lambda db: cache.read_payload(db, key, now), None, writes=False
        )
        if payload is None:
            self._unsaved_misses += 1
        else:
            self._unsaved_hits += 1
        if self._unsaved_hits + self._unsaved_misses >= COUNTER_FLUSH_THRESHOLD:
            await self._save_counters()
        return payload

    async def put_cached(self, key: str, payload: str, ttl_seconds: float | None = None) -> None:
        """Store `payload` under `key`, replacing any old entry; None TTL: never expires."""
        if ttl_seconds is not None and not ttl_seconds > 0:
            raise ValueError(f"ttl_seconds must be positive or None, not {ttl_seconds!r}")
        now = self._clock()
        expires_at = None if ttl_seconds is None else now + ttl_seconds

        async def store(db: aiosqlite.Connection) -> None:
            async with self._saving_counters(db):
                await cache.write_entry(db, key, payload, now, expires_at)

        await self._run("cache write", store, None, writes=True)

    async def purge_expired(self) -> int:
        """Delete expired cache entries; returns how many were deleted."""
        now = self._clock()

        async def purge(db: aiosqlite.Connection) -> int:
            async with write_transaction(db):
                return await cache.delete_expired(db, now)

        deleted = await self._run("cache purge", purge, 0, writes=True)
        if deleted:
            log.info("purged %d expired cache entries", deleted)
        return deleted

    async def get_chat_settings(self, chat_id: int) -> ChatSettings:
        """The chat's settings; all defaults if never set or unreadable."""
        return await self._run(
            "settings lookup",
            lambda db: settings.read_settings(db, chat_id),
            ChatSettings(chat_id),
            writes=False,
        )

    async def update_chat_settings(
        self,
        chat_id: int,
        *,
        summary_sentences: int | Unchanged | None = UNCHANGED,
        language: str | Unchanged | None = UNCHANGED,
    ) -> ChatSettings | None:
        """Change the given settings (None resets one to the default).

        Returns the settings now saved, or None when the change could not be saved (locked,
        read-only, full or missing database), so a caller can tell the user so.
        """
        changes: dict[str, int | str | None] = {}
        if summary_sentences is not UNCHANGED:
            changes["summary_sentences"] = summary_sentences
        if language is not UNCHANGED:
            changes["language"] = language
        settings.validate_settings(replace(ChatSettings(chat_id), **changes))
        now = self._clock()

        async def update(db: aiosqlite.Connection) -> ChatSettings:
            async with write_transaction(db):
                updated = replace(await settings.read_settings(db, chat_id), **changes)
                await settings.write_settings(db, updated, now)
            return updated

        return await self._run("settings update", update, None, writes=True)

    async def note_chat_served(self, chat_id: int) -> None:
        """Count one summary delivered to this chat (only the count and first-seen time)."""
        now = self._clock()

        async def note(db: aiosqlite.Connection) -> None:
            async with write_transaction(db):
                await settings.add_served(db, chat_id, now)

        await self._run("served count", note, None, writes=True)

    async def stats(self) -> StorageStats:
        await self._save_counters()
        now = self._clock()

        async def collect(db: aiosqlite.Connection) -> tuple[cache.CacheTotals, int]:
            return await cache.read_totals(db, now), await settings.count_chats_served(db)

        no_totals = (cache.CacheTotals(0, 0, 0, 0), 0)
        totals, chats_served = await self._run("stats", collect, no_totals, writes=False)
        hits = totals.hits + self._unsaved_hits
        misses = totals.misses + self._unsaved_misses
        lookups = hits + misses
        return StorageStats(
            cache_entries=totals.entries,
            cache_bytes=totals.payload_bytes,
            hits=hits,
            misses=misses,
            hit_rate=hits / lookups if lookups else None,
            chats_served=chats_served,
            degraded=self.degraded_reason,
        )

    async def _save_counters(self) -> None:
        if not self._unsaved_hits and not self._unsaved_misses:
            return

        async def save(db: aiosqlite.Connection) -> None:
            async with self._saving_counters(db):
                pass

        await self._run("counter update", save, None, writes=True)

    @contextlib.asynccontextmanager
    async def _saving_counters(self, db: aiosqlite.Connection) -> AsyncIterator[None]:
        """A write transaction that also adds the unsaved hit/miss counts (under self._lock)."""
        hits, misses = self._unsaved_hits, self._unsaved_misses
        async with write_transaction(db):
            yield
            if hits or misses:
                await cache.add_to_counters(db, hits, misses)
        # Lookups may have counted more while the transaction ran; keep those.
        self._unsaved_hits -= hits
        self._unsaved_misses -= misses

    async def _run(
        self,
        operation: str,
        work: Callable[[aiosqlite.Connection], Awaitable[T]],
        fallback: T,
        *,
        writes: bool,
    ) -> T:
        """Run `work` on the connection, or return `fallback` if the database is unusable."""
        if not self._usable(writes):
            return fallback
        async with self._lock:
            db = self._db
            if db is None or not self._usable(writes):
                return fallback
            try:
                if db.in_transaction:  # left open by a cancelled operation
                    await db.rollback()
                if not self._schema_ready:
                    await prepare(db)
                    self._schema_ready = True
                result = await work(db)
            except sqlite3.Error as exc:
                self._note_fault(operation, exc, writes=writes)
                return fallback
        self._passing_problem = None
        return result

    def _usable(self, writes: bool) -> bool:
        if self._db is None or (writes and not self._writable):
            return False
        skip_until = self._skip_writes_until if writes else self._skip_reads_until
        return time.monotonic() >= skip_until

    def _note_fault(self, operation: str, exc: sqlite3.Error, *, writes: bool) -> None:
        if is_busy(exc):
            # Skip the database for a while so queued requests do not each wait out the
            # busy timeout behind the same lock.
            resume_at = time.monotonic() + self._busy_backoff_s
            self._skip_writes_until = resume_at
            if not writes:
                self._skip_reads_until = resume_at
            self._passing_problem = "database is locked by another connection; cache skipped"
        else:
            self._passing_problem = f"database error: {exc}"
        log.warning("%s failed, continuing without the cache: %s", operation, exc)
