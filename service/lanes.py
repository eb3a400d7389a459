"""Where the service's CPU work runs: a light lane and a heavy lane.

- heavy: the engine and page extraction, in worker processes (one per core by default), so
  summaries use every core and the bot's event loop never waits for them;
- light: cleaning a text before its cache lookup, in a worker of its own, so answering from
  the cache never waits behind summaries.
Both lanes are fair across users and bound each job by a deadline (service.workers).

`ThreadLanes` offers the same interface on one thread, for the command line, which serves
one request at a time and has no one to be fair to.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from .fairness import requester
from .records import warm_engine
from .workers import Lane, LaneLimits
from .zygote import Zygote

T = TypeVar("T")


class WorkLanes(Protocol):
    async def light(self, function: Callable[..., T], *args: Any) -> T: ...

    async def heavy(self, function: Callable[..., T], *args: Any) -> T: ...

    def admit(self) -> None:
        """Raise EngineBusy when new heavy work would wait longer than allowed."""

    @property
    def executor(self) -> Executor:
        """The heavy lane as an Executor, for code that takes one (web.fetch_article)."""
        ...

    async def close(self, grace: float) -> None: ...


@dataclass(frozen=True)
class WorkLimits:
    """The lanes' tunables; the defaults live in bot.settings."""

    workers: int
    deadline_seconds: float
    light_deadline_seconds: float
    max_queue_wait_seconds: float
    light_workers: int = 1
    niceness: int = 10


class ProcessLanes:
    """Worker processes; `await start()` in the event loop.

    `zygote`: the template the workers come from, started earlier (`ringkasbot run` starts
    it first, so that it warms up while Telegram's libraries load) and closed by whoever
    started it. Without one, these lanes start their own, warmed up with `warm_engine`, and
    close it with themselves."""

    def __init__(self, limits: WorkLimits, zygote: Zygote | None = None) -> None:
        self._owns_zygote = zygote is None
        self._zygote = Zygote(warm_engine) if zygote is None else zygote
        wait = limits.max_queue_wait_seconds
        engine = LaneLimits(limits.workers, limits.deadline_seconds, wait, limits.niceness)
        self.engine = Lane("engine", self._zygote, engine)
        # Cleaning is short and on the way to every cache hit: it runs at the bot's priority.
        # Its worker is lean: cleaning needs none of the engine's tables and models.
        light = LaneLimits(limits.light_workers, limits.light_deadline_seconds, wait, 0, lean=True)
        self.cleaner = Lane("light", self._zygote, light)
        self._executor = LaneExecutor(self.engine)
        self._closed = False

    async def start(self) -> None:
        await self.engine.start()
        await self.cleaner.start()

    async def light(self, function: Callable[..., T], *args: Any) -> T:
        return await self.cleaner.run(function, *args)

    async def heavy(self, function: Callable[..., T], *args: Any) -> T:
        return await self.engine.run(function, *args)

    def admit(self) -> None:
        self.engine.admit(requester.get())

    @property
    def executor(self) -> Executor:
        return self._executor

    async def close(self, grace: float) -> None:
        if self._closed:
            return
        self._closed = True
        await asyncio.gather(self.engine.close(grace), self.cleaner.close(grace))
        if self._owns_zygote:
            self._zygote.close()


class LaneExecutor(Executor):
    """A lane seen as a concurrent.futures Executor. `submit` must be called on the event
    loop's thread (as `loop.run_in_executor` does); the job is queued as the current
    requester's."""

    def __init__(self, lane: Lane) -> None:
        self._lane = lane

    def submit(
        self, fn: Callable[..., T], /, *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[T]:
        if kwargs:
            raise TypeError("a lane runs positional arguments only")
        outcome: concurrent.futures.Future[T] = concurrent.futures.Future()
        task = asyncio.get_running_loop().create_task(self._lane.run(fn, *args))

        def settle(done: asyncio.Task[T]) -> None:
            if outcome.done():
                return
            if done.cancelled():
                outcome.cancel()
            elif done.exception() is not None:
                outcome.set_exception(done.exception())
            else:
                outcome.set_result(done.result())

        task.add_done_callback(settle)
        outcome.add_done_callback(lambda future: task.cancel() if future.cancelled() else None)
        return outcome


class ThreadLanes:
    """Both lanes on threads of this process: no isolation, no deadline (command line)."""

    def __init__(self, threads: int = 1) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="engine")

    async def light(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    async def heavy(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def admit(self) -> None:
        return None

    @property
    def executor(self) -> Executor:
        return self._executor

    async def close(self, grace: float) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
