"""Single flight: concurrent callers asking for the same key share one computation."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


class SingleFlight:
    def __init__(self) -> None:
        self._in_flight: dict[str, asyncio.Future[Any]] = {}

    async def run(self, key: str, produce: Callable[[], Awaitable[T]]) -> T:
        """Run `produce` once for concurrent callers with the same key."""
        running = self._in_flight.get(key)
        if running is not None:
            result: T = await asyncio.shield(running)
            return result
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            produced = await produce()
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # the error is re-raised to every waiter; mark it retrieved
            raise
        else:
            future.set_result(produced)
            return produced
        finally:
            del self._in_flight[key]
