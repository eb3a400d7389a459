"""Group commit: small writes that many requests make at about the same time share one.

Each reply delivered is noted, each answered update is marked done and counted for its
chat. Written one by one, every request's marks queued for the database behind everyone
else's, and each took its own turn of the (busy) event loop per statement; under load the
update receipts that new messages wait for queued behind them too. A `GroupWrite` collects
what callers hand it while one write is under way and writes all of it in the next one;
every caller still returns only once its own item is written (or the write was given up),
as before.

Under steady load the writer is idle most of the time, so each batch held little (3.5 items
at 150 requests a second, 1.7 writes per request). With `spacing`, a write starts at least
that long after the one before, and what arrives meanwhile joins it. That wait is for the
others: a write after a quiet spell starts at once, and so does one after a batch of a single
item (one request noting its reply, then its chat, then its answer, one after the other, with
nobody else writing, would otherwise wait out the spacing at each step).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")


class GroupWrite(Generic[Item]):
    """`await add(item)`: `item` is written together with whatever else is waiting.

    A batch holds what callers handed over while the previous one was written: at most the
    requests in flight (`concurrent_updates`), well under the databases' parameter limits.
    """

    def __init__(
        self, write: Callable[[list[Item]], Awaitable[None]], *, spacing: float = 0.0
    ) -> None:
        self._write = write
        self._spacing = spacing
        self._last_start = float("-inf")  # loop time the last write started
        self._hurry = False  # set by `drain`: no more pauses
        self._gathering = False  # the last batch held several items: others are writing too
        self._pausing: asyncio.Future[None] | None = None  # done when the pause ends
        self._waiting: list[Item] = []
        self._written: asyncio.Future[None] | None = None  # of the batch `_waiting` joins
        self._writer: asyncio.Task[None] | None = None

    async def add(self, item: Item) -> None:
        loop = asyncio.get_running_loop()
        if self._written is not None and self._written.get_loop() is not loop:
            self._give_up_waiting()  # left over from an event loop that ended
        if self._written is None:
            self._written = loop.create_future()
            self._written.add_done_callback(_retrieved)
        written = self._written
        self._waiting.append(item)
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write_waiting())
        await asyncio.shield(written)

    async def _write_waiting(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            await asyncio.sleep(0)  # callers of this turn of the loop join the first batch
            while self._waiting:
                pause = self._last_start + self._spacing - loop.time()
                if pause > 0 and self._gathering and not self._hurry:
                    await self._pause(loop, pause)  # whoever arrives meanwhile joins this batch
                self._last_start = loop.time()
                batch, self._waiting = self._waiting, []
                self._gathering = len(batch) > 1
                written, self._written = self._written, None
                assert written is not None
                try:
                    await self._write(batch)
                except Exception as error:  # a bug: storage faults never raise (storage.runner)
                    written.set_exception(error)
                else:
                    written.set_result(None)
                finally:
                    if not written.done():  # cancelled (shutdown): this batch is given up
                        written.set_result(None)
        finally:
            self._give_up_waiting()

    async def _pause(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        self._pausing = loop.create_future()
        timer = loop.call_later(seconds, _resolve, self._pausing)
        try:
            await self._pausing
        finally:
            timer.cancel()
            self._pausing = None

    async def drain(self) -> None:
        """Write what is waiting now, without the spacing's pause (before closing)."""
        self._hurry = True
        writer = self._writer
        if writer is None or writer.done() or writer.get_loop() is not asyncio.get_running_loop():
            return
        if self._pausing is not None:
            _resolve(self._pausing)
        await asyncio.wait({writer})  # its outcome is its callers' to see

    def _give_up_waiting(self) -> None:
        """Nobody waits for a batch that will not be written (the writer was cancelled, or
        its event loop ended): its callers return as they would after a database fault."""
        written = self._written
        if written is not None and not written.done() and not written.get_loop().is_closed():
            written.set_result(None)
        self._waiting, self._written = [], None


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _retrieved(future: asyncio.Future[None]) -> None:
    """Mark an error as seen: every caller of a batch may have stopped waiting for it."""
    if not future.cancelled():
        future.exception()
