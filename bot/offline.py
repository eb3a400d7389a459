"""The service for the command line: the bot's own `DigestService`, without Telegram.

`summarize` and `extract` compute exactly as the bot computes; nothing is cached between
runs (an in-memory store), so they never write the bot's database. `stats` reads the bot's
database through the same service, opened as the bot opens it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from service import DigestService, ThreadLanes
from storage import DatabaseLocation, Storage, StorageStats

from .settings import Settings


@asynccontextmanager
async def _service(settings: Settings, database: DatabaseLocation) -> AsyncIterator[DigestService]:
    lanes = ThreadLanes()  # one request at a time: no worker processes to start
    storage = await Storage.open(
        database, busy_timeout_ms=settings.database_busy_timeout_ms, pool=settings.database_pool()
    )
    service = DigestService(storage, lanes, settings.fetch_policy(), settings.digest_limits())
    try:
        yield service
    finally:
        await service.flush()
        await storage.close()
        await lanes.close(grace=0.0)


def offline_service(settings: Settings) -> AbstractAsyncContextManager[DigestService]:
    """The service on an in-memory store (`summarize`, `extract`)."""
    return _service(settings, None)


async def read_stats(settings: Settings) -> StorageStats:
    """Statistics of the bot's database, through the service (`stats`)."""
    async with _service(settings, settings.database) as service:
        return await service.stats()
