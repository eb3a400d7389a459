"""Per-user request limits (in memory: a restart forgives everyone)."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most `limit` requests per user in any `period`-second window."""

    def __init__(
        self, limit: int, period: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.period = period
        self._clock = clock
        self._requests: dict[int, deque[float]] = {}

    def retry_after(self, user_id: int) -> int:
        """0 and counts the request when allowed; else whole seconds until the next is allowed."""
        now = self._clock()
        recent = self._requests.setdefault(user_id, deque())
        while recent and recent[0] <= now - self.period:
            recent.popleft()
        if len(recent) >= self.limit:
            return max(1, math.ceil(recent[0] + self.period - now))
        recent.append(now)
        if len(self._requests) > 10_000:
            self._forget_idle(now)
        return 0

    def _forget_idle(self, now: float) -> None:
        idle = [
            user
            for user, times in self._requests.items()
            if not times or times[-1] <= now - self.period
        ]
        for user in idle:
            del self._requests[user]
