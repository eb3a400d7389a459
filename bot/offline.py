"""The service for the command line: the bot's own `DigestService`, without Telegram.

Summaries are computed exactly as the bot computes them; nothing is cached between runs
(an in-memory store), so the command line never writes the bot's database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from service import DigestService, ThreadLanes
from storage import Storage, StorageStats

from .settings import Settings


@asynccontextmanager
async def offline_service(settings: Settings) -> AsyncIterator[DigestService]:
    lanes = ThreadLanes()  # one request at a time: no worker processes to start
    storage = await Storage.open(None, busy_timeout_ms=settings.database_busy_timeout_ms)
    service = DigestService(storage, lanes, settings.fetch_policy(), settings.digest_limits())
    try:
        yield service
    finally:
        await service.flush()
        await storage.close()
        await lanes.close(grace=0.0)


async def read_stats(settings: Settings) -> StorageStats:
    """Statistics of the bot's database (read as the bot opens it)."""
    storage = await Storage.open(
        settings.database, busy_timeout_ms=settings.database_busy_timeout_ms
    )
    try:
        return await storage.stats()
    finally:
        await storage.close()
