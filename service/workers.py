"""A lane of worker processes: a fair queue in front, a deadline per job, crashes survived.

- Jobs wait in a queue that is fair across users (service.fairness), and one user runs at
  most `per_user_running` jobs at once, so a burst or a slow job of one user leaves a worker
  for everyone else.
- A job still running at its deadline is abandoned: its worker is killed and replaced, and
  the caller gets WorkTooSlow. Nothing else waits for it.
- A worker that dies under a job is replaced and the job tried once more; a second death
  gives EngineCrashed.
- When the estimated wait for a new job exceeds `max_queue_wait_seconds`, it is refused at
  once with EngineBusy (load shedding); a job admitted but still queued after twice that is
  refused then, so no request ever waits without bound.
- When every worker is busy and work is queued, each worker is sent its next job before it
  finishes the one it runs: it starts that job at once instead of waiting for the bot's busy
  event loop to read its answer and send the next (under load, about a fifth of the workers'
  time went idle so). A job sent ahead is tried again elsewhere, without counting as a crash,
  when its worker is lost under the job before it; its deadline starts when it starts.
"""

from __future__ import annotations

import asyncio
import logging
import math
import pickle
import time
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import metrics
from .channels import Job, WorkerChannel, WorkerDied, WorkerLost
from .fairness import FairQueue, requester
from .zygote import Zygote, rebuild_exception

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_COST_GUESS_SECONDS = 0.05  # a job's duration before any of its kind was measured
# A worker is replaced by a fresh one after this many jobs: whatever its heap grew to, or
# leaked (lxml), goes with it.
JOBS_PER_WORKER = 2000
_COST_WEIGHT = 0.2  # of the newest duration in the moving average
_RESPAWN_DELAY_SECONDS = 1.0


class EngineBusy(Exception):
    """So much work is queued that this request would wait too long: try again later."""

    def __init__(self, retry_after: float, lane: str = "engine") -> None:
        super().__init__(f"{lane} busy: about {retry_after:.0f} s of work queued")
        self.retry_after = retry_after

    @property
    def retry_seconds(self) -> int:
        """When to send again, for people: the backlog's estimate rounded up to ten seconds,
        at least half a minute."""
        return max(30, 10 * math.ceil(self.retry_after / 10))


class ShuttingDown(EngineBusy):
    """The bot is stopping; the work was not done (send it again in a minute)."""

    def __init__(self) -> None:
        super().__init__(60.0)
        self.args = ("the bot is stopping",)


class WorkTooSlow(Exception):
    """The work ran past its deadline (a huge or hostile input); its worker was killed."""


class EngineCrashed(Exception):
    """The worker process died while doing this work, twice."""


@dataclass(frozen=True)
class LaneLimits:
    workers: int
    deadline_seconds: float
    max_queue_wait_seconds: float
    niceness: int = 0
    lean: bool = False  # workers are fresh interpreters, not copies of the warm template

    @property
    def per_user_running(self) -> int:
        """Keep a worker free for other users whenever there are two or more."""
        return max(1, self.workers - 1)


@dataclass
class _Durations:
    """Moving averages of how long each kind of job takes."""

    seconds: dict[str, float] = field(default_factory=dict)

    def of(self, kind: str) -> float:
        return self.seconds.get(kind, FIRST_COST_GUESS_SECONDS)

    def add(self, kind: str, seconds: float) -> None:
        known = self.seconds.get(kind)
        self.seconds[kind] = seconds if known is None else known + _COST_WEIGHT * (seconds - known)


class Lane:
    def __init__(self, name: str, zygote: Zygote, limits: LaneLimits) -> None:
        self.name = name
        self.limits = limits
        self._zygote = zygote
        self._queue: FairQueue[Job] = FairQueue(group=lambda job: job.kind)
        self._workers: set[WorkerChannel] = set()
        self._running: Counter[Hashable] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()
        self._durations = _Durations()
        self._closing = False
        self.crashes = 0  # workers lost under a job, for tests and stats
        self.timeouts = 0

    # ---- starting, running, stopping

    async def start(self) -> None:
        for _ in range(self.limits.workers):
            await self._add_worker()

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in a worker process. Raises EngineBusy, ShuttingDown,
        WorkTooSlow, EngineCrashed, or what the function raised."""
        user = requester.get()
        self.admit(user)
        loop = asyncio.get_running_loop()
        kind = f"{function.__module__}.{function.__qualname__}"
        job = Job((function, args), kind, user, loop.create_future())
        self._enqueue(job)
        self._dispatch()
        try:
            result: T = await job.future
        except asyncio.CancelledError:
            self._withdraw(job)
            raise
        return result

    def admit(self, user: Hashable) -> None:
        """Raise EngineBusy (or ShuttingDown) when new work of `user` would wait too long."""
        if self._closing:
            metrics.ENGINE_REFUSED.labels(self.name, "stopping").inc()
            raise ShuttingDown()
        wait = self.estimated_wait(user)
        if wait > self.limits.max_queue_wait_seconds:
            metrics.ENGINE_REFUSED.labels(self.name, "busy").inc()
            raise EngineBusy(wait, self.name)

    def estimated_wait(self, user: Hashable) -> float:
        """Seconds until a job `user` queued now would start, from recent durations."""
        ahead = self._queue.ahead_of_next(user)
        queued = sum(self._durations.of(str(kind)) * count for kind, count in ahead.items())
        now = time.monotonic()
        running = 0.0
        for worker in self._workers:
            if worker.sent:
                running += max(0.0, self._time_left(worker, now))
                running += sum(self._durations.of(job.kind) for job, _ in list(worker.sent)[1:])
        return (queued + running) / self.limits.workers

    def _time_left(self, worker: WorkerChannel, now: float) -> float:
        """How long the worker's running job should still take (negative: overdue)."""
        return self._durations.of(worker.sent[0][0].kind) - (now - worker.started)

    async def close(self, grace: float) -> None:
        """Refuse new and queued work; give running work `grace` seconds, then kill it."""
        if self._closing:
            return
        self._closing = True
        for job in self._queue.drain():
            metrics.ENGINE_REFUSED.labels(self.name, "stopping").inc()
            self._settle(job, error=ShuttingDown())
        busy = [task for task in self._tasks if not task.done()]
        if busy:
            await asyncio.wait(busy, timeout=grace)
        for worker in list(self._workers):
            self._discard(worker, kill=True)
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=1.0)
        for task in self._tasks:
            task.cancel()

    # ---- the queue

    def _enqueue(self, job: Job, *, front: bool = False) -> None:
        loop = asyncio.get_running_loop()
        limit = 2 * self.limits.max_queue_wait_seconds
        job.expiry = loop.call_later(limit, self._expire, job)
        self._queue.push(job.user, job, front=front)

    def _expire(self, job: Job) -> None:
        # One sent ahead still runs when its turn comes; its answer then goes nowhere.
        if self._queue.remove(job.user, job) or job.sent_ahead:
            metrics.ENGINE_REFUSED.labels(self.name, "expired").inc()
            self._settle(job, error=EngineBusy(self.estimated_wait(job.user), self.name))

    def _withdraw(self, job: Job) -> None:
        """The caller stopped waiting: a queued job is dropped (a running one finishes)."""
        if self._queue.remove(job.user, job) and job.expiry is not None:
            job.expiry.cancel()

    def _dispatch(self) -> None:
        cap = self.limits.per_user_running
        while len(self._queue):
            worker = self._worker_for_next_job()
            if worker is None:
                return
            job = self._queue.pop(lambda user: self._running[user] < cap)
            if job is None:
                return
            try:
                payload = job.pickled()
            except Exception as error:  # its work cannot be pickled: it fails alone
                self._settle(job, error=error)
                continue
            self._running[job.user] += 1
            turn = worker.send(job, payload)
            job.sent_ahead = not turn.done()  # its expiry stands until it starts
            self._track(self._execute(worker, job, turn))

    def _worker_for_next_job(self) -> WorkerChannel | None:
        """An idle worker; else, of those busy with a single job, the one expected to finish
        it first, to start the next as soon as it is done; none about to be replaced."""
        busy: list[tuple[float, WorkerChannel]] = []
        now = time.monotonic()
        for worker in self._workers:
            if not worker.alive or worker.jobs + len(worker.sent) >= JOBS_PER_WORKER:
                continue
            if not worker.sent:
                return worker
            if len(worker.sent) == 1:
                busy.append((self._time_left(worker, now), worker))
        return min(busy, key=lambda left: left[0])[1] if busy else None

    # ---- one job in one worker

    async def _execute(self, worker: WorkerChannel, job: Job, turn: asyncio.Future[None]) -> None:
        try:
            await turn
            job.sent_ahead = False
            if job.expiry is not None:
                job.expiry.cancel()
            reply = await asyncio.wait_for(worker.receive(), self.limits.deadline_seconds)
        except WorkerLost:
            self._send_again(job)
        except TimeoutError:
            self.timeouts += 1
            metrics.ENGINE_REFUSED.labels(self.name, "too_slow").inc()
            self._discard(worker, kill=True)
            self._durations.add(job.kind, self.limits.deadline_seconds)
            deadline = self.limits.deadline_seconds
            log.warning("%s work past its %g s deadline: worker killed", self.name, deadline)
            self._settle(job, error=WorkTooSlow(f"over {deadline:g} s"))
        except WorkerDied:
            self._discard(worker, kill=True)
            self._after_crash(job)
        else:
            worker.finished()
            if worker.jobs >= JOBS_PER_WORKER:
                self._discard(worker, kill=False)  # it exits at the end of its input
            self._settle_from_reply(job, reply)
        finally:
            self._running[job.user] -= 1
            if self._running[job.user] <= 0:
                del self._running[job.user]
            self._dispatch()

    def _send_again(self, job: Job) -> None:
        job.sent_ahead = False
        if job.expiry is not None:
            job.expiry.cancel()
        if self._closing:
            self._settle(job, error=ShuttingDown())
        elif not job.future.done():
            self._enqueue(job, front=True)

    def _after_crash(self, job: Job) -> None:
        if self._closing:
            self._settle(job, error=ShuttingDown())
            return
        self.crashes += 1
        job.attempts += 1
        if job.attempts >= 2:
            log.error("%s worker died twice under the same work", self.name)
            metrics.ENGINE_REFUSED.labels(self.name, "crashed").inc()
            self._settle(job, error=EngineCrashed("the worker process died twice"))
        elif not job.future.done():
            log.warning("%s worker died under a job: trying it once more", self.name)
            self._enqueue(job, front=True)

    def _settle_from_reply(self, job: Job, reply: bytes) -> None:
        try:
            ok, value, seconds = pickle.loads(reply)
            if not ok:
                value = rebuild_exception(value)
        except Exception as error:
            self._settle(job, error=error)
            return
        self._durations.add(job.kind, seconds)
        metrics.ENGINE_SECONDS.labels(self.name).observe(seconds)
        if ok:
            self._settle(job, result=value)
        else:
            self._settle(job, error=value)

    @staticmethod
    def _settle(job: Job, *, result: Any = None, error: BaseException | None = None) -> None:
        if job.expiry is not None:
            job.expiry.cancel()
        if job.future.done():
            return
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)

    # ---- workers coming and going

    async def _add_worker(self, delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)
        if self._closing:
            return
        try:
            process = self._zygote.spawn(self.limits.niceness, lean=self.limits.lean)
            reader, writer = await asyncio.open_unix_connection(sock=process.channel)
        except OSError as error:
            log.error("%s: cannot start a worker (%s); trying again", self.name, error)
            await asyncio.sleep(_RESPAWN_DELAY_SECONDS)
            self._track(self._add_worker())
            return
        if self._closing:  # closed while this one was starting (mypy cannot see the await)
            process.kill()  # type: ignore[unreachable]
            writer.close()
            process.release()
            return
        worker = WorkerChannel(process, reader, writer)
        asyncio.get_running_loop().add_reader(process.pidfd, self._exited, worker)
        self._workers.add(worker)
        self._dispatch()

    def _exited(self, worker: WorkerChannel) -> None:
        """The worker process ended (its pidfd became readable)."""
        if not worker.sent:  # idle: nobody's work is lost, just replace it
            log.warning("%s worker %d exited while idle", self.name, worker.process.pid)
            self._discard(worker, kill=False)
        else:  # its call sees the channel close and retries the job
            asyncio.get_running_loop().remove_reader(worker.process.pidfd)

    def _discard(self, worker: WorkerChannel, *, kill: bool) -> None:
        if not worker.alive:
            return
        worker.alive = False
        if kill:
            worker.process.kill()
        self._workers.discard(worker)
        worker.lost()
        asyncio.get_running_loop().remove_reader(worker.process.pidfd)
        worker.writer.close()
        worker.process.release()
        if not self._closing:
            # One that exited on its own before finishing a job may be unable to start at all
            # (a broken interpreter, an import error): its successor waits, so that the lane
            # does not spin.
            delay = 0.0 if worker.jobs or kill else _RESPAWN_DELAY_SECONDS
            self._track(self._add_worker(delay))

    def _track(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
