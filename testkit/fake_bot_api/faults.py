"""Faults a test queues per Bot API method: error answers (429 with retry_after, 5xx, ...) and
connections dropped without an answer, before or after the call took effect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .wire import DEFAULT_ERROR_DESCRIPTIONS


@dataclass
class Fault:
    kind: Literal["fail", "drop"]
    remaining: int
    status: int = 429
    description: str = ""
    retry_after: int | None = None
    after_processing: bool = False
    passing: int = 0  # calls let through before it fires


class FaultQueue:
    """Faults waiting for their method, oldest first; each fires ``times`` times."""

    def __init__(self) -> None:
        self._queued: dict[str, list[Fault]] = {}

    def clear(self) -> None:
        self._queued.clear()

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        description: str | None = None,
        after: int = 0,
    ) -> None:
        sends_retry_after = status == 429 and retry_after is not None
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if sends_retry_after
                else DEFAULT_ERROR_DESCRIPTIONS.get(status, "Internal Server Error")
            )
        fault = Fault(
            "fail",
            times,
            status=status,
            description=description,
            retry_after=retry_after if sends_retry_after else None,
            passing=after,
        )
        self._queued.setdefault(method.lower(), []).append(fault)

    def drop_next(self, method: str, times: int = 1, *, after_processing: bool = False) -> None:
        fault = Fault("drop", times, after_processing=after_processing)
        self._queued.setdefault(method.lower(), []).append(fault)

    def take(self, method: str) -> Fault | None:
        """The fault that fires on this call of ``method``, if any."""
        queue = self._queued.get(method.lower())
        if not queue:
            return None
        fault = queue[0]
        if fault.passing > 0:
            fault.passing -= 1
            return None
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault
