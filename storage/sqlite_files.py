"""Opening a SQLite file: schema migrations and recovery from faults.

Faults never escape from `open_database`: a corrupt file is moved aside and recreated, a
read-only file is opened for reading only, and anything else falls back to "no database".
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from storage.schema import SCHEMA_VERSION, SEED_COUNTERS, SchemaError, steps
from storage.sql import Dialect
from storage.urls import MEMORY_DATABASE

log = logging.getLogger(__name__)


class CorruptDatabaseError(sqlite3.DatabaseError):
    """`PRAGMA quick_check` found damage that SQLite had not reported as an error yet."""


@dataclass
class OpenedDatabase:
    connection: aiosqlite.Connection | None  # None: run without a database ("no cache")
    writable: bool
    schema_ready: bool  # False: the file was locked on open; prepare it before first use
    problem: str | None  # why it is degraded; None when healthy


def error_code(exc: sqlite3.Error) -> int | None:
    """The primary SQLite result code (extended codes carry it in the low byte)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_busy(exc: sqlite3.Error) -> bool:
    return error_code(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def is_corruption(exc: sqlite3.Error) -> bool:
    return isinstance(exc, CorruptDatabaseError) or error_code(exc) in (
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_NOTADB,
    )


def is_read_only(exc: sqlite3.Error) -> bool:
    return error_code(exc) in (
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PERM,
    )


async def open_database(path: Path | None, *, busy_timeout_ms: int) -> OpenedDatabase:
    """Open (creating if needed) and migrate the database; degrade instead of raising."""
    if path is None:
        connection = await _connect(MEMORY_DATABASE, busy_timeout_ms)
        await prepare(connection)
        return OpenedDatabase(connection, writable=True, schema_ready=True, problem=None)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _without_database(f"cannot create directory {path.parent}: {exc}")
    try:
        return await _open_read_write(path, busy_timeout_ms)
    except SchemaError as exc:
        return _without_database(f"cannot open {path}: {exc}")
    except sqlite3.Error as exc:
        if is_corruption(exc):
            return await _recreate_corrupt(path, busy_timeout_ms, exc)
        if is_read_only(exc):
            return await _open_read_only(path, busy_timeout_ms, exc)
        return _without_database(f"cannot open {path}: {exc}")


async def prepare(connection: aiosqlite.Connection) -> None:
    """Set connection pragmas, check the file, migrate the schema and probe for writes."""
    await connection.execute("PRAGMA foreign_keys = ON")
    # NORMAL is durable against process crashes in WAL mode; only power loss can drop the
    # last commits, which is fine for a cache.
    await connection.execute("PRAGMA synchronous = NORMAL")
    await _raise_if_corrupt(connection)
    await migrate(connection)
    await connection.execute("PRAGMA journal_mode = WAL")
    await connection.execute(SEED_COUNTERS)


async def migrate(connection: aiosqlite.Connection) -> None:
    """Apply the pending migrations in order, each in its own transaction."""
    for target, statements in steps(Dialect.SQLITE, await user_version(connection)):
        async with write_transaction(connection):
            # Another process may have migrated while we waited for the write lock.
            if await user_version(connection) >= target:
                continue
            for statement in statements:
                await connection.execute(statement)
            await connection.execute(f"PRAGMA user_version = {target}")
        log.info("database schema migrated to version %d", target)


async def user_version(connection: aiosqlite.Connection) -> int:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


@contextlib.asynccontextmanager
async def write_transaction(connection: aiosqlite.Connection) -> AsyncIterator[None]:
    """A short write transaction; IMMEDIATE so lock waits happen up front, under busy_timeout."""
    await connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error, ValueError):
            await connection.rollback()
        raise
    await connection.execute("COMMIT")


async def connect_reader(path: Path, busy_timeout_ms: int) -> aiosqlite.Connection:
    """A read-only connection to a database this process has open for writing (WAL)."""
    return await _connect(f"{path.resolve().as_uri()}?mode=ro", busy_timeout_ms, uri=True)


async def _connect(
    database: str, busy_timeout_ms: int, *, uri: bool = False
) -> aiosqlite.Connection:
    # sqlite3's `timeout` is SQLite's busy timeout: how long to wait for another lock holder.
    return await aiosqlite.connect(
        database, timeout=busy_timeout_ms / 1000, isolation_level=None, uri=uri
    )


async def _open_read_write(path: Path, busy_timeout_ms: int) -> OpenedDatabase:
    connection = await _connect(str(path), busy_timeout_ms)
    try:
        await prepare(connection)
    except (sqlite3.Error, SchemaError) as exc:
        if not isinstance(exc, sqlite3.Error) or not is_busy(exc):
            await close_quietly(connection)
            raise
        problem = f"database {path} is locked by another connection; will retry"
        log.warning("%s (%s)", problem, exc)
        return OpenedDatabase(connection, writable=True, schema_ready=False, problem=problem)
    return OpenedDatabase(connection, writable=True, schema_ready=True, problem=None)


async def _recreate_corrupt(path: Path, busy_timeout_ms: int, exc: sqlite3.Error) -> OpenedDatabase:
    try:
        moved_to = _move_aside(path)
    except OSError as move_error:
        return _without_database(
            f"database {path} is corrupt ({exc}) and cannot be moved aside: {move_error}"
        )
    log.warning(
        "database %s is corrupt (%s); moved it to %s and starting afresh", path, exc, moved_to
    )
    try:
        return await _open_read_write(path, busy_timeout_ms)
    except sqlite3.Error as retry_error:
        return _without_database(f"cannot recreate {path}: {retry_error}")


def _move_aside(path: Path) -> Path:
    """Rename the file and its WAL/SHM companions to `<name>.corrupt-<UTC timestamp>`."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    moved_to = path.with_name(f"{path.name}.corrupt-{stamp}")
    for companion in ("-wal", "-shm"):
        source = path.with_name(path.name + companion)
        if source.exists():
            source.rename(path.with_name(f"{moved_to.name}{companion}"))
    path.rename(moved_to)
    return moved_to


async def _open_read_only(path: Path, busy_timeout_ms: int, exc: sqlite3.Error) -> OpenedDatabase:
    # mode=ro needs to create the -shm file of a WAL database; immutable=1 does not, so it
    # also works in a read-only directory (nobody can be writing there without us seeing it).
    for query in ("mode=ro", "immutable=1"):
        try:
            connection = await _connect(
                f"{path.resolve().as_uri()}?{query}", busy_timeout_ms, uri=True
            )
        except sqlite3.Error:
            continue
        try:
            version = await user_version(connection)
        except sqlite3.Error:
            await close_quietly(connection)
            continue
        if version != SCHEMA_VERSION:
            await close_quietly(connection)
            break
        problem = (
            f"database {path} is read-only ({exc}); serving cached results without saving new ones"
        )
        log.warning("%s", problem)
        return OpenedDatabase(connection, writable=False, schema_ready=True, problem=problem)
    return _without_database(f"database {path} is not writable ({exc})")


def _without_database(problem: str) -> OpenedDatabase:
    log.warning("%s; running without a cache", problem)
    return OpenedDatabase(None, writable=False, schema_ready=False, problem=f"{problem}; no cache")


async def _raise_if_corrupt(connection: aiosqlite.Connection) -> None:
    async with connection.execute("PRAGMA quick_check") as cursor:
        findings = [str(row[0]) for row in await cursor.fetchall()]
    if findings != ["ok"]:
        raise CorruptDatabaseError(f"quick_check failed: {'; '.join(findings[:3])}")


async def close_quietly(connection: aiosqlite.Connection) -> None:
    with contextlib.suppress(sqlite3.Error, ValueError):
        await connection.close()
