"""Per-user request limits: in memory (`RateLimiter`; a restart forgives everyone), or
counted in the database that replicas share (`SharedRateLimiter`).

A user may start `limit` requests in any `period`-second window. A request over the limit is
not refused outright: it gets a later slot (when the window allows) as long as that slot is
at most `max_wait` seconds away, so a burst of forwarded articles is answered at the allowed
pace instead of being lost; beyond that it is dropped. Waiting requests hold no engine time,
so one user can never have more than `limit` requests per `period` in the engine, however
many they send.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from storage import Storage

MAX_TRACKED_USERS = 10_000


@dataclass(frozen=True)
class Slot:
    """When a request may start: `delay` seconds from now (0: at once)."""

    delay: float

    @property
    def queued(self) -> bool:
        return self.delay > 0


class RateLimiter:
    """At most `limit` requests per user in any `period`-second window."""

    def __init__(
        self,
        limit: int,
        period: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_wait: float | None = None,
    ) -> None:
        self.limit = limit
        self.period = period
        self.max_wait = period if max_wait is None else max_wait
        self._clock = clock
        # A list per user, not a deque: a deque allocates room for 64 up front (~600 bytes),
        # and up to MAX_TRACKED_USERS are kept, most with one or two starts.
        self._starts: dict[Hashable, list[float]] = {}

    def _recent(self, user: Hashable, now: float) -> list[float]:
        starts = self._starts.setdefault(user, [])
        expired = 0
        while expired < len(starts) and starts[expired] <= now - self.period:
            expired += 1
        del starts[:expired]
        return starts

    def retry_after(self, user: Hashable) -> int:
        """0 and counts the request when allowed now; else whole seconds until one would be."""
        now = self._clock()
        starts = self._recent(user, now)
        if len(starts) >= self.limit:
            return max(1, math.ceil(starts[-self.limit] + self.period - now))
        starts.append(now)
        self._forget_idle(now)
        return 0

    def reserve(self, user: Hashable) -> Slot | None:
        """The next start the window allows for this user, reserved; None when it is more than
        `max_wait` seconds away (the request is then dropped, and counts for nothing)."""
        now = self._clock()
        starts = self._recent(user, now)
        start = now if len(starts) < self.limit else starts[-self.limit] + self.period
        start = max(start, starts[-1] if starts else now)
        if start - now > self.max_wait:
            return None
        starts.append(start)
        self._forget_idle(now)
        return Slot(max(0.0, start - now))

    def _forget_idle(self, now: float) -> None:
        if len(self._starts) <= MAX_TRACKED_USERS:
            return
        idle = [
            user
            for user, starts in self._starts.items()
            if not starts or starts[-1] <= now - self.period
        ]
        for user in idle:
            del self._starts[user]


class SharedRateLimiter:
    """At most `limit` requests per user in each `period`-second window, counted in the
    database, so that a user's requests count the same on every replica.

    The windows are fixed (counted from the epoch, so every replica names the same one): a
    count per user and window is one row, where a sliding window would need a row per
    request. A user may so start up to twice `limit` around a window's end. Over the limit,
    a request takes a slot at the start of the next window with room, if that is at most
    `max_wait` seconds away. While the database cannot count, `local` (in memory) decides.
    """

    def __init__(
        self,
        storage: Storage,
        limit: int,
        period: float,
        clock: Callable[[], float] = time.time,
        *,
        max_wait: float | None = None,
    ) -> None:
        self.storage = storage
        self.limit = limit
        self.period = period
        self.max_wait = period if max_wait is None else max_wait
        self._clock = clock  # wall-clock seconds: the same on every replica
        self.local = RateLimiter(limit, period, max_wait=self.max_wait)

    async def reserve(self, user: int) -> Slot | None:
        """The first window with room for this user's request, which is counted there; None
        when that window starts more than `max_wait` seconds from now."""
        now = self._clock()
        window = math.floor(now / self.period) * self.period
        while window - now <= self.max_wait:
            hit = await self.storage.hit_rate_limit(user, window, self.limit, self.period)
            if not hit.shared:
                return self.local.reserve(user)
            if hit.allowed:
                return Slot(max(0.0, window - now))
            window += self.period
        return None


@dataclass(frozen=True)
class ConversationLimits:
    """How the bot meets chat habits (the defaults, with their reasons, live in bot.settings)."""

    join_window_seconds: float  # wait this long after a near-limit part for the next one
    late_part_seconds: float  # a part this much later still updates the same reply
    edit_memory_seconds: float  # an edit this much later still updates the reply in place
    max_links: int  # links summarized from one message, one reply each
    max_document_bytes: int  # the Bot API lets bots download files up to 20 MB
    max_document_pages: int
    max_document_chars: int
    admin_cache_seconds: float  # how long a getChatMember answer is trusted
    button_requests: int  # button presses per user per `button_period_seconds`
    button_period_seconds: float
