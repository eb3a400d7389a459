"""The service for the command line: the bot's own `DigestService`, without Telegram.

Summaries are computed exactly as the bot computes them; nothing is cached between runs
(an in-memory store), so the command line never writes the bot's database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from service import DigestService
from storage import Storage, StorageStats

from .settings import Settings


@asynccontextmanager
async def offline_service(settings: Settings) -> AsyncIterator[DigestService]:
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
    storage = await Storage.open(None, busy_timeout_ms=settings.database_busy_timeout_ms)
    service = DigestService(storage, executor, settings.fetch_policy(), settings.digest_limits())
    try:
        yield service
    finally:
        await service.flush()
        await storage.close()
        executor.shutdown(wait=False, cancel_futures=True)


async def read_stats(settings: Settings) -> StorageStats:
    """Statistics of the bot's database (read as the bot opens it)."""
    storage = await Storage.open(
        settings.database, busy_timeout_ms=settings.database_busy_timeout_ms
    )
    try:
        return await storage.stats()
    finally:
        await storage.close()
