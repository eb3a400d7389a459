from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import sqlite3
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.settings import DEFAULTS
from service import DigestLimits, DigestService, ThreadLanes
from storage import SCHEMA_VERSION, DatabaseLocation, PostgresUrl, Storage, parse_database_url
from storage.sql import numbered_placeholders
from testkit.fake_bot_api import FakeBotApi, fake_bot_api
from testkit.harness import TOKEN
from testkit.postgres import SUPERUSER, PostgresServer, PostgresUnavailable, find_binaries

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"


def run_python(code: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """`code` run by a fresh interpreter in the project's root (a clean process: what it
    loads, how long it takes, without this one's state)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def sample_article() -> str:
    return (SEEDS / "rusia-ukraina-negosiasi.txt").read_text(encoding="utf-8")


__all__ = ["fake_bot_api"]  # a started FakeBotApi with its own token, for tests of the fake

# Each default HTTPXRequest loads the CA bundle (~0.1 s); one shared context keeps tests fast.
_SHARED_TLS = ssl.create_default_context()


def telegram_client(server: FakeBotApi, token: str | None = None) -> Bot:
    """A python-telegram-bot client of the fake Bot API (not yet initialized)."""

    def request() -> HTTPXRequest:
        return HTTPXRequest(httpx_kwargs={"verify": _SHARED_TLS})

    return Bot(
        token or server.token,
        base_url=server.base_url,
        base_file_url=server.base_file_url,
        request=request(),
        get_updates_request=request(),
    )


@pytest_asyncio.fixture
async def bot(fake_bot_api: FakeBotApi) -> AsyncIterator[Bot]:
    """A python-telegram-bot client talking to `fake_bot_api`."""
    async with telegram_client(fake_bot_api) as client:
        yield client


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Telegram Bot API server on 127.0.0.1 that the bot under test talks to."""
    server = FakeBotApi(TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest_asyncio.fixture
async def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connections to it are refused."""
    listening = await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)
    port: int = listening.sockets[0].getsockname()[1]
    listening.close()
    await listening.wait_closed()
    return port


# Storage backends: tests that take `storage_target` run once on SQLite and once on a
# throwaway PostgreSQL 15 server (one per test session, a fresh schema per test).

CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_POOL = DEFAULTS.database_pool()  # what the bot passes to Storage.open
_schema_numbers = itertools.count()


@dataclass
class StorageTarget:
    """Where a test's storage lives, and a way to look at its tables directly."""

    kind: str  # "sqlite" or "postgresql"
    location: DatabaseLocation

    @property
    def url(self) -> str:
        """The DATABASE_URL a `python -m bot` process is given for this storage."""
        if isinstance(self.location, PostgresUrl):
            return self.location.dsn
        return f"sqlite:///{self.location}"

    async def open(self, *, busy_timeout_ms: int = 1000, **options: Any) -> Storage:
        options.setdefault("pool", POSTGRES_POOL)
        return await Storage.open(self.location, busy_timeout_ms=busy_timeout_ms, **options)

    async def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        """Rows of one SQL statement with `?` placeholders, outside the Storage under test."""
        if isinstance(self.location, PostgresUrl):
            connection = await asyncpg.connect(self.location.dsn)
            try:
                rows = await connection.fetch(numbered_placeholders(sql), *params)
            finally:
                await connection.close()
            return [tuple(row) for row in rows]
        assert self.location is not None, "an in-memory database cannot be looked at"
        with contextlib.closing(sqlite3.connect(self.location)) as connection:
            rows = connection.execute(sql, params).fetchall()
            connection.commit()  # a statement that writes keeps its change, as on PostgreSQL
            return rows

    async def updates_handled(self, count: int, timeout: float = 15.0) -> None:
        """Wait until the bot under test has finished `count` updates (marked done in its
        receipts, after their handlers returned): what a test waits for before it checks
        that nothing more was sent, instead of sleeping a while."""
        async with asyncio.timeout(timeout):
            while (await self.query("SELECT count(done_ms) FROM update_receipts"))[0][0] < count:
                await asyncio.sleep(0.02)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL 15 server for the whole session; skipped (failed under CI) without one."""
    if find_binaries() is None:
        reason = "PostgreSQL tests need PostgreSQL 15 binaries (apt-get install postgresql-15)"
        if CI:
            pytest.fail(f"{reason}; CI must run them", pytrace=False)
        pytest.skip(reason)
    server = PostgresServer()
    try:
        server.start()
    except PostgresUnavailable as error:
        if CI:
            pytest.fail(f"cannot start PostgreSQL: {error}", pytrace=False)
        pytest.skip(f"cannot start PostgreSQL: {error}")
    yield server
    server.stop()


def _schema_url(server: PostgresServer, schema: str) -> PostgresUrl:
    url = parse_database_url(f"{server.url()}?options=-c%20search_path%3D{schema}")
    assert isinstance(url, PostgresUrl)
    return url


@contextlib.asynccontextmanager
async def _admin(server: PostgresServer) -> AsyncIterator[Any]:
    # Over the Unix socket, where the superuser is trusted: no password exchange to wait for.
    connection = await asyncpg.connect(
        host=str(server.socket_dir),
        port=server.port,
        user=SUPERUSER,
        database="postgres",
        server_settings={"application_name": "test-admin", "lock_timeout": "5s"},
    )
    try:
        yield connection
    finally:
        await connection.close()


@pytest_asyncio.fixture
async def postgres_url(postgres_server: PostgresServer) -> AsyncIterator[PostgresUrl]:
    """A fresh, empty schema on the session's server, selected by the URL's search_path
    (a schema takes about a millisecond to make; a database about 200 ms)."""
    schema = f"test_{os.getpid()}_{next(_schema_numbers)}"
    async with _admin(postgres_server) as admin:
        await admin.execute(f"CREATE SCHEMA {schema}")
    yield _schema_url(postgres_server, schema)
    async with _admin(postgres_server) as admin:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")


# Schemas at the current version with every table emptied, for the next test to reuse:
# migrating a new schema takes about 0.2 s, emptying one a few milliseconds.
_emptied_schemas: list[str] = []


async def _empty_for_reuse(admin: Any, schema: str) -> bool:
    """Empty a schema the test left at the current version; False if it cannot be reused."""
    if await admin.fetchval("SELECT to_regclass($1)", f"{schema}.schema_migrations") is None:
        return False
    version = await admin.fetchval(f"SELECT MAX(version) FROM {schema}.schema_migrations")
    if version != SCHEMA_VERSION:
        return False
    tables = await admin.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'",
        schema,
    )
    # DELETE, not TRUNCATE: for a few rows it is several times faster (no new files).
    await admin.execute("".join(f"DELETE FROM {schema}.{row['tablename']};" for row in tables))
    return True


@pytest_asyncio.fixture
async def clean_postgres_url(postgres_server: PostgresServer) -> AsyncIterator[PostgresUrl]:
    """A schema with no rows: new, or one an earlier test used and that was emptied."""
    async with _admin(postgres_server) as admin:
        if _emptied_schemas:
            schema = _emptied_schemas.pop()
        else:
            schema = f"reused_{os.getpid()}_{next(_schema_numbers)}"
            await admin.execute(f"CREATE SCHEMA {schema}")
    yield _schema_url(postgres_server, schema)
    async with _admin(postgres_server) as admin:
        if await _empty_for_reuse(admin, schema):
            _emptied_schemas.append(schema)
        else:
            await admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def storage_target(request: pytest.FixtureRequest, tmp_path: Path) -> StorageTarget:
    if request.param == "sqlite":
        return StorageTarget("sqlite", tmp_path / "data" / "ringkas.db")
    return StorageTarget("postgresql", request.getfixturevalue("clean_postgres_url"))


# For end-to-end tests where storage is incidental (rendering, Telegram faults, hostile input,
# the engine under pressure): they run the bot on SQLite only, to keep the suite's time.
SQLITE_ONLY = pytest.mark.parametrize("storage_target", ["sqlite"], indirect=True)


@pytest.fixture
def bot_database(storage_target: StorageTarget) -> DatabaseLocation:
    """Where the bot under test (testkit/harness.py) keeps its data: an end-to-end test that
    takes this runs once on a SQLite file and once on a PostgreSQL schema."""
    return storage_target.location


@pytest_asyncio.fixture
async def stores(storage_target: StorageTarget) -> AsyncIterator[tuple[Storage, Storage]]:
    """Two replicas' storages on one database."""
    first = await storage_target.open()
    second = await storage_target.open()
    yield first, second
    await first.close()
    await second.close()


@pytest.fixture
def postgres_target(postgres_url: PostgresUrl) -> StorageTarget:
    """For tests of PostgreSQL alone."""
    return StorageTarget("postgresql", postgres_url)


class FakeClock:
    """A wall clock that tests move by hand (`clock.now += 60`)."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@contextlib.asynccontextmanager
async def digest_service(
    storage: Storage, limits: DigestLimits | None = None, threads: int = 2
) -> AsyncIterator[DigestService]:
    """A digest service on `storage` (closed with it), its CPU work on threads."""
    lanes = ThreadLanes(threads=threads)
    limits = limits or DEFAULTS.digest_limits()
    digests = DigestService(storage, lanes, DEFAULTS.fetch_policy(), limits)
    try:
        yield digests
    finally:
        await digests.flush()
        await storage.close()
        await lanes.close(grace=0.0)


@pytest_asyncio.fixture
async def service(tmp_path: Path) -> AsyncIterator[DigestService]:
    """The digest service on a fresh SQLite file, its CPU work on threads."""
    storage = await Storage.open(tmp_path / "ringkas.db", busy_timeout_ms=1000)
    async with digest_service(storage) as digests:
        yield digests
