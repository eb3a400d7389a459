"""PostgreSQL alone: clear errors at start, and riding out a server that goes away."""

import asyncio
import logging
import time
from dataclasses import replace

import asyncpg
import pytest

from storage import DatabaseUnavailableError, PoolLimits, PostgresUrl, Storage, parse_database_url
from storage.postgres import PostgresBackend
from testkit.postgres import PASSWORD, TcpRelay, free_port
from tests.conftest import POSTGRES_POOL as POOL

BUSY_TIMEOUT_MS = 200


def with_address(
    url: PostgresUrl,
    *,
    port: int | None = None,
    password: str = PASSWORD,
    user: str | None = None,
    database: str | None = None,
) -> PostgresUrl:
    """The same URL pointed at another port, user, password or database."""
    query = url.dsn.split("?", 1)[1] if "?" in url.dsn else ""
    text = (
        f"postgresql://{user or url.user}:{password}@{url.host}:{port or url.port}"
        f"/{database or url.database}" + (f"?{query}" if query else "")
    )
    parsed = parse_database_url(text)
    assert isinstance(parsed, PostgresUrl)
    return parsed


async def refusal(url: PostgresUrl) -> str:
    with pytest.raises(DatabaseUnavailableError) as raised:
        await Storage.open(url, busy_timeout_ms=BUSY_TIMEOUT_MS, pool=POOL)
    message = str(raised.value)
    assert "\n" not in message
    assert PASSWORD not in message and "wrong-password" not in message
    return message


async def test_wrong_password_is_one_clear_line(postgres_url):
    message = await refusal(with_address(postgres_url, password="wrong-password"))
    port = postgres_url.port
    assert message == f"PostgreSQL at 127.0.0.1:{port} refused the password for user 'ringkas'"


async def test_unknown_user_is_refused_like_a_wrong_password(postgres_url):
    # The server does not tell whether the user exists.
    message = await refusal(with_address(postgres_url, user="nobody"))
    assert "refused the password for user 'nobody'" in message


async def test_missing_database_is_one_clear_line(postgres_url):
    message = await refusal(with_address(postgres_url, database="no_such_db"))
    assert "has no database 'no_such_db'" in message


async def test_unreachable_server_is_one_clear_line(postgres_url):
    port = free_port()  # nothing listens there
    message = await refusal(with_address(postgres_url, port=port))
    assert message == f"cannot reach PostgreSQL at 127.0.0.1:{port}: connection refused"


async def test_server_that_never_answers_times_out_with_one_line(postgres_url):
    silent = await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    url = with_address(postgres_url, port=port)
    quick = replace(POOL, connect_timeout_seconds=0.5)
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailableError, match="no answer in time"):
        await PostgresBackend.open(url, busy_timeout_ms=BUSY_TIMEOUT_MS, pool=quick)
    assert time.monotonic() - started < 5
    silent.close()


@pytest.fixture
async def relay(postgres_url):
    relay = TcpRelay(postgres_url.host, postgres_url.port)
    await relay.start()
    yield relay
    await relay.stop()


async def wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_lost_server_means_no_cache_and_recovery_when_it_returns(postgres_url, relay, caplog):
    storage = await Storage.open(
        with_address(postgres_url, port=relay.port), busy_timeout_ms=BUSY_TIMEOUT_MS, pool=POOL
    )
    await storage.put_cached("text:old", "old summary")
    await storage.update_chat_settings(42, language="en")

    relay.cut()
    with caplog.at_level(logging.WARNING):
        started = time.monotonic()
        assert await storage.get_cached("text:old") is None
        await storage.put_cached("text:new", "lost")
        assert (await storage.get_chat_settings(42)).language is None
        assert await storage.claim_update(5001, ttl_seconds=60)
        assert time.monotonic() - started < 5
    assert "unreachable" in storage.degraded_reason
    assert "unreachable" in (await storage.stats()).degraded
    assert any("unreachable" in record.getMessage() for record in caplog.records)

    relay.heal()

    async def cache_works_again() -> bool:
        return await storage.get_cached("text:old") == "old summary"

    assert await wait_until(cache_works_again)
    assert storage.degraded_reason is None
    assert (await storage.get_chat_settings(42)).language == "en"
    await storage.close()


async def test_connections_killed_by_the_server_are_replaced(postgres_url, postgres_server):
    storage = await Storage.open(postgres_url, busy_timeout_ms=BUSY_TIMEOUT_MS, pool=POOL)
    await storage.put_cached("k", "payload")
    admin = await asyncpg.connect(postgres_server.url())
    await admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE pid <> pg_backend_pid() AND application_name <> 'test-admin'"
        " AND backend_type = 'client backend'"
    )
    await admin.close()

    async def cache_works_again() -> bool:
        return await storage.get_cached("k") == "payload"

    assert await wait_until(cache_works_again)
    await storage.close()


async def test_closing_while_the_server_is_gone_does_not_hang(postgres_url, relay):
    storage = await Storage.open(
        with_address(postgres_url, port=relay.port), busy_timeout_ms=BUSY_TIMEOUT_MS, pool=POOL
    )
    await storage.get_cached("k")
    relay.cut()
    await asyncio.wait_for(storage.close(), timeout=10)


async def test_a_process_opens_no_more_connections_than_its_pool_size(
    postgres_url, postgres_server
):
    named = parse_database_url(f"{postgres_url.dsn}&application_name=ringkas-pool-test")
    storage = await Storage.open(
        named, busy_timeout_ms=1000, pool=PoolLimits(size=2, connect_timeout_seconds=5.0)
    )
    await asyncio.gather(*(storage.get_cached(f"berita-{n}") for n in range(40)))
    admin = await asyncpg.connect(postgres_server.url())
    connections = await admin.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ringkas-pool-test'"
    )
    await admin.close()
    await storage.close()
    assert connections == 2


async def test_postgresql_without_pool_limits_is_refused_before_connecting(postgres_url):
    with pytest.raises(ValueError, match="pool limits"):
        await Storage.open(postgres_url, busy_timeout_ms=BUSY_TIMEOUT_MS)
