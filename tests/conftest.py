from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from storage import DatabaseLocation, PostgresUrl, Storage, parse_database_url
from storage.sql import numbered_placeholders
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import TOKEN
from testkit.postgres import PostgresServer, PostgresUnavailable, find_binaries

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session")
def sample_article() -> str:
    return (SEEDS / "rusia-ukraina-negosiasi.txt").read_text(encoding="utf-8")


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Telegram Bot API server on 127.0.0.1 that the bot under test talks to."""
    server = FakeBotApi(TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


# Storage backends: tests that take `storage_target` run once on SQLite and once on a
# throwaway PostgreSQL 15 server (one per test session, a fresh schema per test).

CI = os.environ.get("CI", "").lower() == "true"
_schema_numbers = itertools.count()


@dataclass
class StorageTarget:
    """Where a test's storage lives, and a way to look at its tables directly."""

    kind: str  # "sqlite" or "postgresql"
    location: DatabaseLocation

    async def open(self, *, busy_timeout_ms: int = 1000, **options: Any) -> Storage:
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
            return connection.execute(sql, params).fetchall()


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


@pytest_asyncio.fixture
async def postgres_url(postgres_server: PostgresServer) -> AsyncIterator[PostgresUrl]:
    """A fresh, empty schema on the session's server, selected by the URL's search_path
    (a schema takes about a millisecond to make; a database about 200 ms)."""
    schema = f"test_{os.getpid()}_{next(_schema_numbers)}"
    admin = await asyncpg.connect(
        postgres_server.url(), server_settings={"application_name": "test-admin"}
    )
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        url = parse_database_url(f"{postgres_server.url()}?options=-c%20search_path%3D{schema}")
        assert isinstance(url, PostgresUrl)
        yield url
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def storage_target(request: pytest.FixtureRequest, tmp_path: Path) -> StorageTarget:
    if request.param == "sqlite":
        return StorageTarget("sqlite", tmp_path / "data" / "ringkas.db")
    return StorageTarget("postgresql", request.getfixturevalue("postgres_url"))


@pytest.fixture
def postgres_target(postgres_url: PostgresUrl) -> StorageTarget:
    """For tests of PostgreSQL alone."""
    return StorageTarget("postgresql", postgres_url)
