"""Copy one database into another: an existing SQLite cache into PostgreSQL (or back).

Run with the bot stopped. The source is opened as the bot opens it (an old SQLite file is
upgraded to the current schema first); the target is created or migrated, then every
lasting table is copied in primary-key order, in batches, inside one target transaction: a
copy that fails leaves the target as it was. Rows already in the target are overwritten by
the source's (so running the copy again is harmless). Claims, rate-limit windows, heartbeats
and the answers kept for edits are short-lived and not copied.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from storage.postgres import PostgresBackend
from storage.runner import Backend
from storage.sql import Row, Session
from storage.sqlite import SqliteBackend
from storage.urls import PoolLimits, PostgresUrl, parse_database_url

log = logging.getLogger(__name__)

# Fixed constants, not tunables (bot.settings holds the running bot's): a transfer is
# started by hand with the bot stopped and runs alone, so it holds one connection per
# database and waits generously for statements moving large batches.
TRANSFER_TIMEOUT_MS = 60_000
TRANSFER_POOL = PoolLimits(size=1, connect_timeout_seconds=10.0)
BATCH_ROWS = 200


class TransferError(RuntimeError):
    """The copy could not be made; the message is one line."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]


# Parents before children (chat_settings refers to chats).
TABLES = (
    Table("cache_entries", ("key", "payload", "created_ms", "expires_ms", "size"), ("key",)),
    Table("cache_counters", ("name", "value"), ("name",)),
    Table("chats", ("chat_id", "first_seen_ms", "served_count"), ("chat_id",)),
    Table("chat_settings", ("chat_id", "summary_sentences", "language"), ("chat_id",)),
    Table("update_receipts", ("update_id", "payload", "received_ms", "done_ms"), ("update_id",)),
    Table(
        "sent_replies",
        ("update_id", "part_index", "message_id", "sent_ms"),
        ("update_id", "part_index"),
    ),
)


@dataclass(frozen=True)
class TransferReport:
    rows: dict[str, int]  # table -> rows copied

    @property
    def total(self) -> int:
        return sum(self.rows.values())


async def copy_database(source_url: str, target_url: str) -> TransferReport:
    """Copy every lasting table from `source_url` into `target_url` (DATABASE_URL syntax).

    Raises TransferError, DatabaseUrlError (a bad URL) or DatabaseUnavailableError (a
    PostgreSQL server that cannot be used), each with a one-line message.
    """
    if parse_database_url(source_url) == parse_database_url(target_url):
        raise TransferError("the source and the target are the same database")
    async with AsyncExitStack() as stack:
        source = await stack.enter_async_context(_opened(source_url, must_exist=True))
        target = await stack.enter_async_context(_opened(target_url, must_exist=False))
        faults: tuple[type[BaseException], ...] = (*source.errors, *target.errors)
        try:
            reader = await stack.enter_async_context(source.session(writes=False))
            writer = await stack.enter_async_context(target.session(writes=True))
            report = await _copy_tables(reader, writer)
        except faults as exc:
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise TransferError(f"copy failed: {first_line}") from None
    return report


async def _copy_tables(reader: Session, writer: Session) -> TransferReport:
    copied: dict[str, int] = {}
    async with writer.transaction():
        for table in TABLES:
            copied[table.name] = 0
            async for rows in _batches(reader, table):
                await writer.execute_many(_upsert(table), rows)
                copied[table.name] += len(rows)
            log.info("copied %d rows of %s", copied[table.name], table.name)
    return TransferReport(copied)


async def _batches(reader: Session, table: Table) -> AsyncIterator[list[Row]]:
    """The table's rows in key order, BATCH_ROWS at a time (keyset pagination)."""
    columns = ", ".join(table.columns)
    key = ", ".join(table.key)
    first = f"SELECT {columns} FROM {table.name} ORDER BY {key} LIMIT ?"
    after = (
        f"SELECT {columns} FROM {table.name} WHERE ({key}) > ({', '.join('?' * len(table.key))})"
        f" ORDER BY {key} LIMIT ?"
    )
    positions = [table.columns.index(column) for column in table.key]
    rows = await reader.fetch_all(first, (BATCH_ROWS,))
    while rows:
        yield rows
        if len(rows) < BATCH_ROWS:
            return
        last = rows[-1]
        rows = await reader.fetch_all(after, (*(last[i] for i in positions), BATCH_ROWS))


def _upsert(table: Table) -> str:
    placeholders = ", ".join("?" * len(table.columns))
    updates = [
        f"{column} = excluded.{column}" for column in table.columns if column not in table.key
    ]
    conflict = f"ON CONFLICT ({', '.join(table.key)})"
    action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
    return (
        f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({placeholders})"
        f" {conflict} {action}"
    )


@asynccontextmanager
async def _opened(url: str, *, must_exist: bool) -> AsyncIterator[Backend]:
    location = parse_database_url(url)
    backend: Backend
    if isinstance(location, PostgresUrl):
        backend = await PostgresBackend.open(
            location, busy_timeout_ms=TRANSFER_TIMEOUT_MS, pool=TRANSFER_POOL
        )
    else:
        if location is None:
            raise TransferError("an in-memory database cannot be copied from or to")
        if must_exist and not Path(location).is_file():
            raise TransferError(f"no database at {location}")
        backend = await SqliteBackend.open(location, busy_timeout_ms=TRANSFER_TIMEOUT_MS)
        problem = backend.lasting_problem or backend.startup_problem
        if problem is not None and (not must_exist or not backend.available(False)):
            await backend.close()
            raise TransferError(problem)
    try:
        yield backend
    finally:
        await backend.close()
