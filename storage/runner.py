"""Running one storage operation on a backend, or degrading to "no database" on a fault.

A fault (locked file, lost server, full disk, ...) never reaches the caller: the operation
returns its fallback (what it would give with no cache), a warning is logged and `problem`
says why. After a lock or a lost server the database is skipped for a moment, so queued
requests do not each wait out the same timeout; then the next operation tries again, which
is how the storage recovers by itself once the database is back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol, TypeVar

from storage.sql import Dialect, Fault, FaultKind, Session, StorageClosedError

log = logging.getLogger(__name__)

T = TypeVar("T")


class Backend(Protocol):
    dialect: Dialect
    errors: tuple[type[BaseException], ...]  # the faults `classify` understands
    writable: bool
    lasting_problem: str | None  # degraded for good (read-only file, no file)
    startup_problem: str | None  # degraded until the first operation succeeds

    def available(self, writes: bool) -> bool: ...

    def session(self, *, writes: bool) -> AbstractAsyncContextManager[Session]: ...

    def classify(self, exc: BaseException) -> Fault: ...

    async def close(self) -> None: ...


class Runner:
    def __init__(self, backend: Backend, *, busy_timeout_ms: int) -> None:
        self.backend = backend
        self._passing_problem = backend.startup_problem
        self._backoff_s = busy_timeout_ms / 1000
        # time.monotonic() until which to skip the database. A SQLite write lock held
        # elsewhere (common) still lets WAL readers through, so reads are skipped only when
        # a read itself was blocked or the server is gone.
        self._skip_reads_until = 0.0
        self._skip_writes_until = 0.0

    @property
    def problem(self) -> str | None:
        return self.backend.lasting_problem or self._passing_problem

    async def run(
        self,
        operation: str,
        work: Callable[[Session], Awaitable[T]],
        fallback: T,
        *,
        writes: bool,
    ) -> T:
        """Run `work` in a session, or return `fallback` if the database is unusable."""
        if not self.usable(writes):
            return fallback
        try:
            async with self.backend.session(writes=writes) as session:
                result = await work(session)
        except StorageClosedError:
            return fallback
        except self.backend.errors as exc:
            self._note_fault(operation, self.backend.classify(exc), writes=writes)
            return fallback
        self._passing_problem = None
        return result

    def usable(self, writes: bool) -> bool:
        if not self.backend.available(writes):
            return False
        skip_until = self._skip_writes_until if writes else self._skip_reads_until
        return time.monotonic() >= skip_until

    def _note_fault(self, operation: str, fault: Fault, *, writes: bool) -> None:
        if fault.kind is not FaultKind.ERROR:
            resume_at = time.monotonic() + self._backoff_s
            self._skip_writes_until = resume_at
            if not writes or fault.kind is FaultKind.GONE:
                self._skip_reads_until = resume_at
        self._passing_problem = fault.message
        log.warning("%s failed, continuing without the database: %s", operation, fault.message)
