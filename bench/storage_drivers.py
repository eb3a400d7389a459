"""Which PostgreSQL driver layer for `storage/`: a small cache get/put loop on each.

Starts a throwaway PostgreSQL 15 (testkit.postgres, durable settings as in production) and
runs the same workload through asyncpg, psycopg 3 (async, with its pool) and SQLAlchemy 2
Core async (over asyncpg), each with a pool of 4 connections: for every key one upsert of a
~2 KB payload, one hit and one miss lookup, by 1 coroutine (latency) and by 16 at once
(throughput). Reports operations per second, best of `--repeats` runs.

Usage (from the project root):
    python bench/storage_drivers.py               # 2,000 keys, 3 repeats
    python bench/storage_drivers.py --keys 500    # quicker
Needs `pip install -e '.[bench]'` (psycopg 3 with its pool and SQLAlchemy are in the extra).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testkit.postgres import PostgresServer

PAYLOAD = '{"summary": ["' + "Harga beras naik lima persen pekan ini. " * 50 + '"]}'
TABLE = (
    "CREATE TABLE IF NOT EXISTS cache_entries (key TEXT PRIMARY KEY, payload TEXT NOT NULL,"
    " created_at BIGINT NOT NULL, expires_at BIGINT, size BIGINT NOT NULL)"
)
UPSERT = (
    "INSERT INTO cache_entries (key, payload, created_at, expires_at, size)"
    " VALUES ({0}, {0}, {0}, {0}, {0}) ON CONFLICT (key) DO UPDATE SET payload = excluded.payload,"
    " created_at = excluded.created_at, expires_at = excluded.expires_at, size = excluded.size"
)
SELECT = (
    "SELECT payload FROM cache_entries WHERE key = {0} AND (expires_at IS NULL OR expires_at > {0})"
)
POOL_SIZE = 4

Put = Callable[[str, str, int], Awaitable[None]]
Get = Callable[[str, int], Awaitable[Any]]


def numbered(template: str) -> str:
    counter = iter(range(1, 100))
    return template.replace("{0}", "\x00").replace("\x00", "$%d") % tuple(
        next(counter) for _ in range(template.count("{0}"))
    )


async def asyncpg_driver(
    url: str, *, skip_reset: bool = False
) -> tuple[Put, Get, Callable[[], Awaitable[None]]]:
    import asyncpg

    async def no_reset(connection: asyncpg.Connection) -> None:
        pass

    pool = await asyncpg.create_pool(
        url, min_size=POOL_SIZE, max_size=POOL_SIZE, reset=no_reset if skip_reset else None
    )
    upsert, select = numbered(UPSERT), numbered(SELECT)

    async def put(key: str, payload: str, now: int) -> None:
        await pool.execute(upsert, key, payload, now, now + 3600, len(payload))

    async def get(key: str, now: int) -> Any:
        return await pool.fetchval(select, key, now)

    return put, get, pool.close


async def psycopg_driver(url: str) -> tuple[Put, Get, Callable[[], Awaitable[None]]]:
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(
        url, min_size=POOL_SIZE, max_size=POOL_SIZE, kwargs={"autocommit": True}, open=False
    )
    await pool.open(wait=True)
    upsert, select = UPSERT.format("%s"), SELECT.format("%s")

    async def put(key: str, payload: str, now: int) -> None:
        async with pool.connection() as connection:
            await connection.execute(upsert, (key, payload, now, now + 3600, len(payload)))

    async def get(key: str, now: int) -> Any:
        async with pool.connection() as connection:
            cursor = await connection.execute(select, (key, now))
            row = await cursor.fetchone()
        return None if row is None else row[0]

    return put, get, pool.close


async def sqlalchemy_driver(url: str) -> tuple[Put, Get, Callable[[], Awaitable[None]]]:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(
        url.replace("postgresql://", "postgresql+asyncpg://", 1),
        pool_size=POOL_SIZE,
        max_overflow=0,
    )
    upsert = text(UPSERT.format(":k").replace(":k, :k, :k, :k, :k", ":k, :p, :c, :e, :s"))
    select = text(SELECT.format(":k").replace("> :k", "> :n"))

    async def put(key: str, payload: str, now: int) -> None:
        async with engine.begin() as connection:
            values = {"k": key, "p": payload, "c": now, "e": now + 3600, "s": len(payload)}
            await connection.execute(upsert, values)

    async def get(key: str, now: int) -> Any:
        async with engine.connect() as connection:
            return (await connection.execute(select, {"k": key, "n": now})).scalar()

    return put, get, engine.dispose


async def asyncpg_without_reset(url: str) -> tuple[Put, Get, Callable[[], Awaitable[None]]]:
    return await asyncpg_driver(url, skip_reset=True)


DRIVERS = {
    "asyncpg": asyncpg_driver,
    "asyncpg, no reset on release": asyncpg_without_reset,
    "psycopg 3 (async pool)": psycopg_driver,
    "SQLAlchemy 2 Core async (asyncpg)": sqlalchemy_driver,
}


async def run_loop(put: Put, get: Get, keys: int, workers: int, run: int) -> float:
    """Operations per second: 3 per key (put, hit, miss), `workers` coroutines at once."""
    queue = list(range(keys))

    async def worker() -> None:
        while queue:
            number = queue.pop()
            now = 1_700_000_000_000 + number
            key = f"text:{run}:{number}"
            await put(key, PAYLOAD, now)
            assert await get(key, now) == PAYLOAD
            assert await get(key + ":absent", now) is None

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return 3 * keys / (time.perf_counter() - started)


async def measure(url: str, keys: int, repeats: int) -> dict[str, dict[int, float]]:
    import asyncpg

    setup = await asyncpg.connect(url)
    await setup.execute(TABLE)
    await setup.close()
    results: dict[str, dict[int, float]] = {}
    for run in range(repeats):
        for name, make in DRIVERS.items():
            put, get, close = await make(url)
            await run_loop(put, get, 50, 4, -1 - run)  # warm up: connections, prepared plans
            for workers in (1, 16):
                rate = await run_loop(put, get, keys, workers, run * 100 + workers)
                best = results.setdefault(name, {})
                best[workers] = max(best.get(workers, 0.0), rate)
            await close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    server = PostgresServer(durable=True)
    server.start()
    try:
        results = asyncio.run(measure(server.url(), args.keys, args.repeats))
    finally:
        server.stop()
    baseline = results["asyncpg"]
    print("| driver | ops/s, 1 coroutine | ops/s, 16 coroutines | vs asyncpg (1 / 16) |")
    print("| --- | ---: | ---: | --- |")
    for name, rates in results.items():
        ratio = f"{rates[1] / baseline[1]:.2f} / {rates[16] / baseline[16]:.2f}"
        print(f"| {name} | {rates[1]:,.0f} | {rates[16]:,.0f} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
