"""The PostgreSQL backend: a small asyncpg connection pool shared by all operations.

Why asyncpg, directly: measured with `python bench/storage_drivers.py --keys 1000` (a cache
put + hit + miss loop on a local PostgreSQL 15, pool of 4; operations per second, best of 3,
2-core machine shared with other work):

    driver                                  1 coroutine   16 coroutines
    asyncpg, pool reset skipped (chosen)          4,408           6,292
    asyncpg, default pool reset                   3,780           4,121
    psycopg 3 async + psycopg_pool                3,374           4,518
    SQLAlchemy 2 Core async (over asyncpg)        1,753           2,093

asyncpg is the fastest at both loads (1.3-1.4x psycopg 3 once its pool skips the per-release
`RESET ALL` round trip, which only matters for session state this package never sets; an
open transaction is still rolled back on release), needs no libpq, and SQLAlchemy Core would
halve the rate while its portable SQL gains nothing here: `storage.sql` keeps one SQL text
for both databases already. Connection errors are mapped to one-line startup errors below;
at run time a lost server degrades the storage to "no cache" (see `classify`) and the pool
reconnects by itself once it answers again.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

import asyncpg

from storage.schema import SEED_COUNTERS, SchemaError, steps
from storage.sql import (
    DatabaseUnavailableError,
    Dialect,
    Fault,
    FaultKind,
    Params,
    Row,
    StorageClosedError,
    numbered_placeholders,
    to_ms,
)
from storage.urls import PoolLimits, PostgresUrl

log = logging.getLogger(__name__)

# Fixed constants, not tunables: the lock id only has to be the same for every replica
# running migrations; the states are PostgreSQL's (cancelled, conflicts, too many clients).
MIGRATION_LOCK = 0x52494E4B  # "RINK"
_BUSY_STATES = {"57014", "40001", "40P01", "55P03", "53300"}


class PostgresSession:
    dialect = Dialect.POSTGRESQL

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def execute(self, sql: str, params: Params = ()) -> int:
        status = await self._connection.execute(numbered_placeholders(sql), *params)
        # The command tag ends with the row count: "INSERT 0 1", "UPDATE 3", "DELETE 0".
        last = str(status).rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        await self._connection.executemany(numbered_placeholders(sql), list(rows))

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        row = await self._connection.fetchrow(numbered_placeholders(sql), *params)
        return None if row is None else tuple(row)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        rows = await self._connection.fetch(numbered_placeholders(sql), *params)
        return [tuple(row) for row in rows]

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        async with self._connection.transaction():
            yield


async def _no_reset(connection: Any) -> None:
    """Skip asyncpg's RESET ALL on release: this package sets no session state (see top)."""


# Everything a query or a connection attempt raises when the database is at fault.
ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # e.g. a query on a connection the server just killed
    OSError,
    TimeoutError,
    SchemaError,
)
_STARTUP_ERRORS: tuple[type[BaseException], ...] = (*ERRORS, ValueError)
_CLOSE_ERRORS: tuple[type[BaseException], ...] = (*ERRORS, RuntimeError)


class PostgresBackend:
    dialect = Dialect.POSTGRESQL
    errors = ERRORS
    writable = True
    lasting_problem: str | None = None
    startup_problem: str | None = None

    def __init__(self, url: PostgresUrl, pool: Any, timeout_s: float) -> None:
        self._url = url
        self._pool: Any = pool
        self._timeout_s = timeout_s

    @classmethod
    async def open(
        cls,
        url: PostgresUrl,
        *,
        busy_timeout_ms: int,
        pool: PoolLimits,
    ) -> PostgresBackend:
        """Connect, migrate and start the pool. Raises DatabaseUnavailableError (one line)."""
        timeout_s = busy_timeout_ms / 1000
        connect_timeout_s = pool.connect_timeout_seconds
        try:
            connection = await asyncpg.connect(url.dsn, timeout=connect_timeout_s)
            try:
                await migrate(connection)
            finally:
                await connection.close(timeout=connect_timeout_s)
            connections = await asyncpg.create_pool(
                url.dsn,
                min_size=1,
                max_size=pool.size,
                timeout=max(timeout_s, 1.0),  # connecting a new pooled connection
                command_timeout=timeout_s,
                reset=_no_reset,
            )
        except _STARTUP_ERRORS as exc:
            raise DatabaseUnavailableError(startup_message(url, exc)) from None
        return cls(url, connections, timeout_s)

    def available(self, writes: bool) -> bool:
        return self._pool is not None

    @contextlib.asynccontextmanager
    async def session(self, *, writes: bool) -> AsyncIterator[PostgresSession]:
        pool = self._pool
        if pool is None:
            raise StorageClosedError
        async with pool.acquire(timeout=self._timeout_s) as connection:
            try:
                yield PostgresSession(connection)
            except BaseException as exc:
                if _breaks_connection(exc):
                    connection.terminate()  # so the pool opens a fresh one next time
                raise

    def classify(self, exc: BaseException) -> Fault:
        state = getattr(exc, "sqlstate", None) or ""
        if state in _BUSY_STATES or isinstance(exc, TimeoutError):
            return Fault(FaultKind.BUSY, f"database is busy ({_describe(exc)}); cache skipped")
        if _breaks_connection(exc):
            return Fault(
                FaultKind.GONE,
                f"database server {self._url} unreachable ({_describe(exc)}); cache skipped",
            )
        return Fault(FaultKind.ERROR, f"database error: {_describe(exc)}")

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            await pool.close()
        except _CLOSE_ERRORS as exc:
            log.warning("closing the database pool failed: %s", _describe(exc))
            pool.terminate()


async def migrate(connection: Any) -> None:
    """Bring the schema to SCHEMA_VERSION in one transaction; replicas take turns."""
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)"
        )
        version = await connection.fetchval("SELECT MAX(version) FROM schema_migrations")
        for target, statements in steps(Dialect.POSTGRESQL, int(version or 0)):
            for statement in statements:
                await connection.execute(statement)
            await connection.execute(
                "INSERT INTO schema_migrations (version, applied_ms) VALUES ($1, $2)",
                target,
                to_ms(time.time()),
            )
            log.info("database schema migrated to version %d", target)
        await connection.execute(SEED_COUNTERS)


def _breaks_connection(exc: BaseException) -> bool:
    """After this, the connection may be dead or out of step with the server."""
    lost = (OSError, TimeoutError, asyncpg.InterfaceError, asyncpg.InternalClientError)
    state = getattr(exc, "sqlstate", None) or ""
    return isinstance(exc, lost) or (state[:2] in ("08", "57") and state != "57014")


def startup_message(url: PostgresUrl, exc: BaseException) -> str:
    """One line saying why the server could not be used, without the password."""
    who = f"user {url.user!r}" if url.user else "the default user"
    if isinstance(exc, asyncpg.InvalidPasswordError):
        return f"PostgreSQL at {url.host}:{url.port} refused the password for {who}"
    if isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError):
        return f"PostgreSQL at {url.host}:{url.port} refused {who}: {_describe(exc)}"
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return f"PostgreSQL at {url.host}:{url.port} has no database {url.database!r}"
    if isinstance(exc, TimeoutError):
        return f"cannot reach PostgreSQL at {url.host}:{url.port}: no answer in time"
    if isinstance(exc, OSError | asyncpg.CannotConnectNowError):
        return f"cannot reach PostgreSQL at {url.host}:{url.port}: {_describe(exc)}"
    if isinstance(exc, SchemaError):
        return f"cannot use {url}: {exc}"
    if isinstance(exc, ValueError):
        return f"DATABASE_URL {url} cannot be used: {_describe(exc)}"
    return f"cannot use PostgreSQL database {url}: {_describe(exc)}"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return f"host name not found ({exc.strerror})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
