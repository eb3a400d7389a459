"""Group commit: small writes that many requests make at about the same time share one.

Each reply delivered is noted, each answered update is marked done and counted for its
chat. Written one by one, every request's marks queued for the database behind everyone
else's, and each took its own turn of the (busy) event loop per statement; under load the
update receipts that new messages wait for queued behind them too. A `GroupWrite` collects
what callers hand it while one write is under way and writes all of it in the next one;
every caller still returns only once its own item is written (or the write was given up),
as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")


class GroupWrite(Generic[Item]):
    """`await add(item)`: `item` is written together with whatever else is waiting."""

    def __init__(self, write: Callable[[list[Item]], Awaitable[None]]) -> None:
        self._write = write
        self._waiting: list[Item] = []
        self._written: asyncio.Future[None] | None = None  # of the batch `_waiting` joins
        self._writer: asyncio.Task[None] | None = None

    async def add(self, item: Item) -> None:
        loop = asyncio.get_running_loop()
        if self._written is None:
            self._written = loop.create_future()
        written = self._written
        self._waiting.append(item)
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write_waiting())
        await asyncio.shield(written)

    async def _write_waiting(self) -> None:
        await asyncio.sleep(0)  # callers of this turn of the loop join the first batch
        while self._waiting:
            batch, self._waiting = self._waiting, []
            written, self._written = self._written, None
            assert written is not None
            try:
                await self._write(batch)
            except Exception as error:  # a bug: storage faults never raise (storage.runner)
                written.set_exception(error)
            except BaseException:
                written.cancel()
                self._give_up_waiting()
                raise
            else:
                written.set_result(None)

    def _give_up_waiting(self) -> None:
        """The writer was cancelled (shutdown): nobody waits for a batch that never comes."""
        if self._written is not None and not self._written.done():
            self._written.cancel()
        self._waiting, self._written = [], None
