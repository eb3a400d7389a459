"""`Storage`: the one object the bot uses for its cache, chat settings, stats and the state
replicas share, on SQLite (the default) or PostgreSQL (`DATABASE_URL=postgresql://...`).

Every public method degrades instead of raising on a database fault (locked, read-only,
corrupt, disk full, server gone): the call behaves as if there were no database, a warning
is logged and `degraded_reason` says why, so users still get their summaries. Only opening a
PostgreSQL server that cannot be used raises (`DatabaseUnavailableError`, one line).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from storage import answers, cache, receipts, settings, shared
from storage.answers import AnsweredMessage
from storage.cache import CacheEntry
from storage.group_writes import GroupWrite
from storage.receipts import PendingUpdate, Receipt
from storage.replica_state import ReplicaState
from storage.runner import Backend, Runner
from storage.settings import UNCHANGED, ChatSettings, Unchanged
from storage.sql import Session, to_ms
from storage.sqlite import SqliteBackend
from storage.urls import DatabaseLocation, PoolLimits, PostgresUrl

log = logging.getLogger(__name__)

# Unsaved hit/miss counts are written with the next cache write, on stats() and on close(),
# or once this many pile up, so a cache read never has to wait for the write lock.
COUNTER_FLUSH_THRESHOLD = 100


@dataclass(frozen=True)
class StorageStats:
    cache_entries: int
    cache_bytes: int
    hits: int
    misses: int
    hit_rate: float | None  # None before the first lookup
    chats_served: int
    degraded: str | None


class Storage(ReplicaState):
    def __init__(
        self,
        backend: Backend,
        *,
        busy_timeout_ms: int,
        clock: Callable[[], float],
        write_spacing_seconds: float = 0.0,
    ) -> None:
        self._runner = Runner(backend, busy_timeout_ms=busy_timeout_ms)
        self._clock = clock
        self._unsaved_hits = 0
        self._unsaved_misses = 0
        self._writes: GroupWrite[_Pending] = GroupWrite(
            self._write_group, spacing=write_spacing_seconds
        )
        # Names this process in request claims (host, pid and a random part).
        self.replica_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

    @classmethod
    async def open(
        cls,
        location: DatabaseLocation,
        *,
        busy_timeout_ms: int,
        pool: PoolLimits | None = None,
        clock: Callable[[], float] = time.time,
        write_spacing_seconds: float = 0.0,
        file_check_seconds: float = 0.0,
    ) -> Storage:
        """Open the database (a SQLite path, None for in memory, or a PostgreSQL server).

        SQLite never raises on faults. PostgreSQL (which needs `pool`) raises
        DatabaseUnavailableError when the server is unreachable, refuses the login or has no
        such database. `clock`: wall-clock seconds for expiry times (tests pass a fake one).
        `write_spacing_seconds`: the least time between two group commits (GroupWrite).
        `file_check_seconds`: SQLite's file is checked for deletion or replacement at most
        this often (SqliteBackend).
        """
        backend: Backend
        if isinstance(location, PostgresUrl):
            if pool is None:
                raise ValueError("a PostgreSQL database needs its pool limits (bot.settings)")
            from storage.postgres import PostgresBackend  # asyncpg loads only when used

            backend = await PostgresBackend.open(
                location, busy_timeout_ms=busy_timeout_ms, pool=pool
            )
        else:
            backend = await SqliteBackend.open(
                location, busy_timeout_ms=busy_timeout_ms, file_check_seconds=file_check_seconds
            )
        storage = cls(
            backend,
            busy_timeout_ms=busy_timeout_ms,
            clock=clock,
            write_spacing_seconds=write_spacing_seconds,
        )
        await storage.purge_expired()
        return storage

    async def close(self) -> None:
        """Write what waits for the group commit, save pending counters and close the
        database. Safe to call twice."""
        await self._writes.drain()
        await self._save_counters()
        await self._runner.backend.close()

    @property
    def degraded_reason(self) -> str | None:
        """Why the storage is not fully working right now; None when healthy."""
        return self._runner.problem

    def _now_ms(self) -> int:
        return to_ms(self._clock())

    # The result cache.

    async def get_cached(self, key: str) -> str | None:
        """The cached payload, or None if absent, expired or unreadable. Counts a hit or miss."""
        now = self._now_ms()
        payload = await self._runner.run(
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
        """Store `payload` under `key`, replacing any old entry; None TTL: never expires.
        Entries stored at about the same time are written in one transaction."""
        if ttl_seconds is not None and not ttl_seconds > 0:
            raise ValueError(f"ttl_seconds must be positive or None, not {ttl_seconds!r}")
        await self._writes.add(CacheEntry(key, payload, ttl_seconds))

    async def purge_expired(self) -> int:
        """Delete expired cache entries, claims, rate-limit windows and answers kept for
        edits; returns how many cache entries were deleted."""
        now = self._now_ms()

        async def purge(db: Session) -> tuple[int, int]:
            async with db.transaction():
                entries = await cache.delete_expired(db, now)
                other = await shared.delete_expired_shared(db, now)
                return entries, other + await answers.delete_expired_answered(db, now)

        entries, other = await self._runner.run("purge", purge, (0, 0), writes=True)
        if entries or other:
            log.info("purged %d expired cache entries and %d other rows", entries, other)
        return entries

    # Chat settings and statistics.

    async def get_chat_settings(self, chat_id: int) -> ChatSettings:
        """The chat's settings; all defaults if never set or unreadable."""
        return await self.read_chat_settings(chat_id) or ChatSettings(chat_id)

    async def read_chat_settings(self, chat_id: int) -> ChatSettings | None:
        """The chat's settings (all defaults if never set); None if they cannot be read."""
        return await self._runner.run(
            "settings lookup", lambda db: settings.read_settings(db, chat_id), None, writes=False
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

        def changed(old: ChatSettings) -> ChatSettings:
            if not isinstance(summary_sentences, Unchanged):
                old = replace(old, summary_sentences=summary_sentences)
            if not isinstance(language, Unchanged):
                old = replace(old, language=language)
            return old

        settings.validate_settings(changed(ChatSettings(chat_id)))
        now = self._now_ms()

        async def update(db: Session) -> ChatSettings:
            async with db.transaction():
                updated = changed(await settings.read_settings(db, chat_id))
                await settings.write_settings(db, updated, now)
            return updated

        return await self._runner.run("settings update", update, None, writes=True)

    async def note_chat_served(self, chat_id: int) -> None:
        """Count one summary delivered to this chat (only the count and first-seen time)."""
        await self._writes.add(_ServedChat(chat_id))

    async def stats(self) -> StorageStats:
        await self._save_counters()
        now = self._now_ms()

        async def collect(db: Session) -> tuple[cache.CacheTotals, int]:
            return await cache.read_totals(db, now), await settings.count_chats_served(db)

        no_totals = (cache.CacheTotals(0, 0, 0, 0), 0)
        totals, chats_served = await self._runner.run("stats", collect, no_totals, writes=False)
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

    # Durable receipt (storage/receipts.py says what is kept, and for how long).

    async def record_update(self, update_id: int, payload: str) -> Receipt:
        """Record a raw update (its JSON as received) before confirming it to Telegram."""
        return (await self.record_updates([(update_id, payload)]))[0]

    async def record_updates(self, updates: list[tuple[int, str]]) -> list[Receipt]:
        """`record_update` for each (update id, JSON) of a batch, in one write; an id given
        twice is recorded with its first JSON (and its second copy is KNOWN)."""
        batch: dict[int, str] = {}
        for update_id, payload in updates:
            batch.setdefault(update_id, payload)
        now = self._now_ms()
        new = await self._runner.run(
            "update receipt",
            lambda db: receipts.insert_receipts(db, batch, now),
            None,
            writes=True,
        )
        if new is None:
            return [Receipt.UNSAVED] * len(updates)
        answers = []
        for update_id, _ in updates:
            answers.append(Receipt.NEW if update_id in new else Receipt.KNOWN)
            new.discard(update_id)
        return answers

    async def mark_update_done(self, update_id: int) -> None:
        """The update is answered: forget its JSON and its claim; it is never claimed again."""
        await self._writes.add(_DoneMark(update_id))

    async def pending_updates(self, max_age_seconds: float) -> list[PendingUpdate]:
        """Recorded updates not yet answered and received within `max_age_seconds`, oldest
        update id first (to finish after a restart)."""
        after = self._now_ms() - to_ms(max_age_seconds)
        return await self._runner.run(
            "pending updates",
            lambda db: receipts.list_pending(db, after, limit=10_000),
            [],
            writes=False,
        )

    async def purge_updates(self, max_age_seconds: float) -> int:
        """Delete receipts and sent-reply records older than `max_age_seconds`."""
        before = self._now_ms() - to_ms(max_age_seconds)
        return await self._runner.run(
            "receipt purge", lambda db: receipts.delete_old_receipts(db, before), 0, writes=True
        )

    async def note_reply_sent(self, update_id: int, part_index: int, message_id: int) -> None:
        """Remember that part `part_index` of the answer to `update_id` was delivered."""
        await self._writes.add(receipts.SentPart(update_id, part_index, message_id))

    async def sent_replies(self, update_id: int) -> dict[int, int]:
        """Parts already delivered for `update_id`: part index -> Telegram message id."""
        return await self._runner.run(
            "sent replies", lambda db: receipts.read_sent_replies(db, update_id), {}, writes=False
        )

    # What each message was answered with (storage/answers.py).

    async def note_answered(
        self, chat_id: int, message_id: int, signature: str, replies: list[int], ttl: float
    ) -> None:
        """Remember the replies to a message, and what they depend on, for `ttl` seconds."""
        expires = self._now_ms() + to_ms(ttl)
        await self._writes.add(
            AnsweredMessage(chat_id, message_id, signature, tuple(replies), expires)
        )

    async def forget_answered(self, chat_id: int, message_id: int) -> None:
        """The message's answer no longer stands for it alone (it joined a longer paste)."""
        await self._runner.run(
            "answer forget",
            lambda db: answers.delete_answered(db, chat_id, message_id),
            None,
            writes=True,
        )

    async def answered_message(self, chat_id: int, message_id: int) -> AnsweredMessage | None:
        """The latest answer to a message, while remembered; None if unknown."""
        now = self._now_ms()
        return await self._runner.run(
            "answer lookup",
            lambda db: answers.read_answered(db, chat_id, message_id, now),
            None,
            writes=False,
        )

    # The group commit, and the hit/miss counters.

    async def _write_group(self, pending: list[_Pending]) -> None:
        """What callers handed over meanwhile, in one write: cache entries, chats served,
        parts delivered, updates done and answers noted (one transaction, not five: under
        load each took its own turn of the database and of the event loop)."""
        now = self._now_ms()
        entries = [item for item in pending if isinstance(item, CacheEntry)]
        served = Counter(item.chat_id for item in pending if isinstance(item, _ServedChat))
        parts = [item for item in pending if isinstance(item, receipts.SentPart)]
        done = {item.update_id for item in pending if isinstance(item, _DoneMark)}
        answered = [item for item in pending if isinstance(item, AnsweredMessage)]

        async def write(db: Session) -> None:
            await cache.write_entries(db, entries, now)
            await settings.add_served(db, served, now)
            await receipts.insert_sent_replies(db, parts, now)
            await receipts.finish_receipts(db, done, now)
            await answers.upsert_answered(db, answered)

        statements = (
            cache.write_statements(len(entries))
            + bool(served)
            + bool(parts)
            + 2 * bool(done)
            + bool(answered)
        )
        await self._write_with_counters("grouped write", write, alone=statements == 1)

    async def _save_counters(self) -> None:
        if self._unsaved_hits or self._unsaved_misses:
            await self._write_with_counters("counter update", None)

    async def _write_with_counters(
        self,
        operation: str,
        write: Callable[[Session], Awaitable[None]] | None,
        *,
        alone: bool = False,
    ) -> None:
        """One write transaction running `write` and adding the unsaved hit/miss counts;
        `alone`: `write` is one statement, run without a transaction when no counts wait."""
        hits, misses = self._unsaved_hits, self._unsaved_misses
        # Taken now so a concurrent save cannot add them too; given back if this one fails.
        self._unsaved_hits = self._unsaved_misses = 0

        async def work(db: Session) -> bool:
            if alone and write is not None and not (hits or misses):
                await write(db)
                return True
            async with db.transaction():
                if write is not None:
                    await write(db)
                if hits or misses:
                    await cache.add_to_counters(db, hits, misses)
            return True

        saved = False
        try:
            saved = await self._runner.run(operation, work, False, writes=True)
        finally:
            if not saved:
                self._unsaved_hits += hits
                self._unsaved_misses += misses


@dataclass(frozen=True)
class _ServedChat:
    chat_id: int


@dataclass(frozen=True)
class _DoneMark:
    update_id: int


# What the group commit writes (see Storage._write_group).
_Pending = CacheEntry | _ServedChat | receipts.SentPart | _DoneMark | AnsweredMessage
