"""A worker process as the bot's lanes see it: the jobs sent to it, in order, and their
replies (service.workers runs the lanes; service.zygote starts the processes and holds the
wire format)."""

from __future__ import annotations

import asyncio
import pickle
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from .zygote import HEADER, WorkerProcess


class WorkerDied(Exception):
    """The worker's channel closed under a job (internal: a retry follows)."""


@dataclass(eq=False)
class Job:
    # (function, args), pickled only as the job is sent: a queued job holds no second copy
    # of its text (under overload thousands wait, each with an article).
    work: tuple[Callable[..., Any], tuple[Any, ...]]
    kind: str  # the function's name: durations are estimated per kind
    user: Hashable
    future: asyncio.Future[Any]
    attempts: int = 0
    expiry: asyncio.TimerHandle | None = None
    sent_ahead: bool = False  # in a busy worker's channel, not started yet

    def pickled(self) -> bytes:
        """The work on the wire (raises when it cannot be pickled)."""
        return pickle.dumps(self.work, pickle.HIGHEST_PROTOCOL)


class WorkerLost(Exception):
    """The worker was lost under an earlier job before this one started (internal: the job
    is queued again, not counted as a crash)."""


@dataclass(eq=False)
class WorkerChannel:
    """A worker process and the jobs sent to it, in order: the first is the one it runs, the
    next (at most one) waits in its channel."""

    process: WorkerProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    sent: deque[tuple[Job, asyncio.Future[None]]] = field(default_factory=deque)
    started: float = 0.0  # when the first sent job started
    alive: bool = True
    jobs: int = 0

    def send(self, job: Job, payload: bytes) -> asyncio.Future[None]:
        """Write the job (`payload`: `job.pickled()`) to the worker; the future is done when
        the worker starts it."""
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if not self.sent:
            turn.set_result(None)
            self.started = time.monotonic()
        self.sent.append((job, turn))
        self.writer.write(HEADER.pack(len(payload)) + payload)  # one send, not two
        return turn

    async def receive(self) -> bytes:
        """The running job's reply."""
        try:
            await self.writer.drain()
            header = await self.reader.readexactly(HEADER.size)
            return await self.reader.readexactly(HEADER.unpack(header)[0])
        except (OSError, asyncio.IncompleteReadError) as error:
            raise WorkerDied(str(error)) from error

    def finished(self) -> None:
        """The running job replied: the next one sent starts."""
        self.sent.popleft()
        self.jobs += 1
        if self.sent:
            self.started = time.monotonic()
            self.sent[0][1].set_result(None)

    def lost(self) -> None:
        """Jobs sent but not started will not run here."""
        for _, turn in list(self.sent)[1:]:
            if not turn.done():
                turn.set_exception(WorkerLost())
