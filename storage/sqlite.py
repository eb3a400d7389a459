"""The SQLite backend: one connection to one file (or memory) for writes, used one operation at
a time, and a second one for reads.

Besides the faults `sqlite_files` handles on open, it watches the file while the bot runs: a
database file deleted (or replaced) under a running bot would otherwise take every later
write to an unlinked inode, lost at the next start. Before each operation the path is
compared with the file the connection has open (device and inode); on a mismatch a warning
is logged, the contents of a deleted file are rescued into a new file at the same path
(`VACUUM INTO`), and the database is reopened there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path

import aiosqlite

from storage.schema import SchemaError
from storage.sql import Dialect, Fault, FaultKind, Params, Row, StorageClosedError
from storage.sqlite_files import (
    OpenedDatabase,
    close_quietly,
    connect_reader,
    is_busy,
    open_database,
    prepare,
    write_transaction,
)

log = logging.getLogger(__name__)

FileIdentity = tuple[int, int]  # (st_dev, st_ino)


class SqliteSession:
    dialect = Dialect.SQLITE

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    # One trip to the connection's thread per statement: under load every trip waits for a
    # turn of the busy event loop while this session holds the database, so a read made of
    # execute + fetchall + close (three trips) held it three times as long.
    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self._db.execute(sql, params)  # done: its statement has run to the end
        return max(cursor.rowcount, 0)

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        await self._db.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)  # all: so that RETURNING statements finish
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(row) for row in await self._db.execute_fetchall(sql, params)]

    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]:
        return write_transaction(self._db)


class SqliteBackend:
    dialect = Dialect.SQLITE
    errors: tuple[type[BaseException], ...] = (sqlite3.Error, SchemaError)

    def __init__(
        self,
        path: Path | None,
        opened: OpenedDatabase,
        busy_timeout_ms: int,
        *,
        file_check_seconds: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._path = path
        self._busy_timeout_ms = busy_timeout_ms
        # The file's identity is read at most this often (a stat per operation was 3% of a
        # busy bot's main process); closing always reads it, so nothing written to a file
        # deleted meanwhile is lost.
        self._file_check_seconds = file_check_seconds
        self._monotonic = monotonic
        self._file_checked_at = -math.inf
        self._file_moved = False
        self._lock = asyncio.Lock()  # one operation (and transaction) at a time
        # Reads have a connection of their own (see `_reading_connection`), shared by all
        # reads at once: each is one trip to its thread, which runs them back to back.
        self._read_lock = asyncio.Lock()  # opening or closing it
        self._reader: aiosqlite.Connection | None = None
        self._reads = 0  # read sessions under way on it
        self._no_reads = asyncio.Event()
        self._no_reads.set()
        self._reader_failed = False
        self._closed = False  # no reader is opened once closing began
        self._apply(opened)

    @classmethod
    async def open(
        cls,
        path: Path | None,
        *,
        busy_timeout_ms: int,
        file_check_seconds: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> SqliteBackend:
        """Never raises on faults: see `sqlite_files.open_database`."""
        opened = await open_database(path, busy_timeout_ms=busy_timeout_ms)
        return cls(
            path,
            opened,
            busy_timeout_ms,
            file_check_seconds=file_check_seconds,
            monotonic=monotonic,
        )

    def _apply(self, opened: OpenedDatabase) -> None:
        self._db = opened.connection
        self.writable = opened.writable
        self._schema_ready = opened.schema_ready
        lasting = not opened.writable or opened.connection is None
        self.lasting_problem = opened.problem if lasting else None
        self.startup_problem = None if lasting else opened.problem
        self._identity = self._file_identity() if self._watching() else None
        self._file_moved = False

    def available(self, writes: bool) -> bool:
        return self._db is not None and (self.writable or not writes)

    @contextlib.asynccontextmanager
    async def session(self, *, writes: bool) -> AsyncIterator[SqliteSession]:
        if self._closed:
            raise StorageClosedError
        if not writes and not self._moved():
            reader = self._reader or await self._open_reader()
            if reader is not None:
                # Not one read at a time: under load, each read waited for turns of the busy
                # event loop (its answer, then the next reader's start) while holding it.
                self._reads += 1
                self._no_reads.clear()
                try:
                    yield SqliteSession(reader)
                finally:
                    self._reads -= 1
                    if not self._reads:
                        self._no_reads.set()
                return
        async with self._lock:
            if self._moved():
                await self._reopen_moved_file()
            db = self._db
            if db is None or not self.available(writes):
                raise StorageClosedError
            if db.in_transaction:  # left open by a cancelled operation
                await db.rollback()
            if not self._schema_ready:
                await prepare(db)
                self._schema_ready = True
            yield SqliteSession(db)

    def classify(self, exc: BaseException) -> Fault:
        if isinstance(exc, sqlite3.Error) and is_busy(exc):
            return Fault(FaultKind.BUSY, "database is locked by another connection; cache skipped")
        return Fault(FaultKind.ERROR, f"database error: {exc}")

    async def close(self) -> None:
        self._closed = True
        await self._close_reader()
        async with self._lock:
            if self._moved(now=True):  # rescue what was written since the last check
                await self._reopen_moved_file()
            db, self._db = self._db, None
            if db is None:  # closed meanwhile by a concurrent close()
                return
            try:
                await db.close()
            except (sqlite3.Error, ValueError) as exc:
                log.warning("closing the database failed: %s", exc)

    async def _open_reader(self) -> aiosqlite.Connection | None:
        async with self._read_lock:
            return await self._reading_connection()

    async def _reading_connection(self) -> aiosqlite.Connection | None:
        """A second connection, for reads only. In WAL mode a reader never waits for the
        writer, so a cache lookup does not queue behind the writes of every request in flight
        (receipts, counts, cache entries), which under load made each lookup wait tens of
        milliseconds. None (reads share the one connection) for a database in memory, a
        read-only or missing file, a schema not ready yet, or when it cannot be opened."""
        if self._closed:
            return None
        if self._reader is not None or self._reader_failed:
            return self._reader
        if self._path is None or not self._watching() or not self._schema_ready:
            return None
        try:
            self._reader = await connect_reader(self._path, self._busy_timeout_ms)
        except sqlite3.Error as exc:
            log.warning("reads share the database's one connection: %s", exc)
            self._reader_failed = True
        return self._reader

    async def _close_reader(self) -> None:
        async with self._read_lock:
            await self._no_reads.wait()  # the reads under way finish on it first
            reader, self._reader = self._reader, None
            if reader is not None:
                await close_quietly(reader)

    def _moved(self, *, now: bool = False) -> bool:
        """The file at the path is no longer the one open (deleted, or replaced); read again
        only when `file_check_seconds` passed since the last time, or `now`."""
        if not self._watching():
            return False
        checked = self._monotonic()
        due = now or checked - self._file_checked_at >= self._file_check_seconds
        if due and not self._file_moved:
            self._file_checked_at = checked
            self._file_moved = self._file_identity() != self._identity
        return self._file_moved

    def _watching(self) -> bool:
        return self._path is not None and self._db is not None and self.writable

    def _file_identity(self) -> FileIdentity | None:
        assert self._path is not None
        try:
            status = os.stat(self._path)
        except OSError:
            return None
        return status.st_dev, status.st_ino

    async def _reopen_moved_file(self) -> None:
        assert self._path is not None and self._db is not None
        path, old = self._path, self._db
        await self._close_reader()  # it has the old file open: reopened on the next read
        self._reader_failed = False
        rescued = path.with_name(f"{path.name}.rescue-{os.getpid()}")
        deleted = not path.exists()
        if deleted:
            log.warning("database file %s was deleted while running; saving it again", path)
            with contextlib.suppress(OSError):
                path.parent.mkdir(parents=True, exist_ok=True)  # its directory may be gone too
                rescued.unlink(missing_ok=True)
            try:
                await old.execute("VACUUM INTO ?", (str(rescued),))
            except sqlite3.Error as exc:
                log.warning("could not rescue the deleted database's contents: %s", exc)
                deleted = False
        else:
            log.warning("database file %s was replaced while running; reopening it", path)
        # Closing the last connection checkpoints into the old inode and removes the -wal
        # and -shm files at the path, so the new file does not pick them up.
        await close_quietly(old)
        self._db = None
        if deleted and not path.exists():
            try:
                os.replace(rescued, path)
            except OSError as exc:
                log.warning("could not put the rescued database at %s: %s", path, exc)
        with contextlib.suppress(OSError):
            rescued.unlink()
        self._apply(await open_database(path, busy_timeout_ms=self._busy_timeout_ms))
