"""The per-user limit as people meet it: a burst is paced, with one notice, not refused.

Each article (a link, a text, a document) takes a slot from the limiter. Over the limit,
the article waits for its slot (one notice per burst says so and when it will be done);
past the longest wait the limiter allows, it is skipped, and one note per burst names what
was skipped. Waiting costs no engine time, so the engine still sees at most the limit.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from html import escape
from typing import Any, Protocol

from service import RateLimiter, SharedRateLimiter, Slot
from service.turns import take_turn

# Fixed constants, not tunables (the limit itself is a setting): they follow how a client
# delivers a burst, all of it within about a second.
SKIP_NOTE_DELAY_SECONDS = 1.0  # skipped articles of one burst are named together
LABEL_CHARS = 60
# Longest a request waits for the user's earlier ones to be admitted first (service.turns).
ARRIVAL_ORDER_WAIT_SECONDS = 1.0

Say = Callable[[str], Awaitable[object]]


class Spawn(Protocol):
    """Starts background work: `Application.create_task` in the bot, which tracks the task,
    hands its errors to the error handler and awaits it when the application stops."""

    def __call__(
        self, coroutine: Coroutine[Any, Any, None], *, name: str | None = None
    ) -> asyncio.Task[None]: ...


@dataclass
class _Skipped:
    labels: list[str] = field(default_factory=list)
    note: asyncio.Task[None] | None = None


def label_of(value: str) -> str:
    """How an article is named in a note: the link, or the first words of a text."""
    words = " ".join(value.split())
    return words if len(words) <= LABEL_CHARS else words[: LABEL_CHARS - 1].rstrip() + "…"


class Pacer:
    def __init__(
        self,
        limiter: RateLimiter | SharedRateLimiter,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limiter = limiter
        self._clock = clock
        self._noticed_until: dict[int, float] = {}
        self._skipped: dict[int, _Skipped] = {}

    async def admit(
        self,
        user_id: int | None,
        label: str,
        notice: Callable[[int], Awaitable[object]],
        skip_note: Callable[[list[str]], Awaitable[object]],
        spawn: Spawn,
    ) -> bool:
        """Wait for the user's slot; False (and the article named in a note) if skipped.

        `notice(seconds)` tells the user once per burst that the rest will take a while;
        `skip_note(labels)` names what was skipped (escaped HTML labels), in a task started
        with `spawn` a moment later, when the burst's other skipped articles are known.
        """
        if user_id is None:
            return True
        await take_turn(ARRIVAL_ORDER_WAIT_SECONDS)  # a burst is admitted in its order
        slot = await self._reserve(user_id)
        now = self._clock()
        if slot is None:
            self._skip(user_id, escape(label_of(label)), skip_note, spawn)
            return False
        if slot.queued:
            first_of_burst = self._noticed_until.get(user_id, 0.0) < now
            # Set before the notice goes out: the burst's other articles arrive meanwhile.
            self._noticed_until[user_id] = max(
                self._noticed_until.get(user_id, 0.0), now + slot.delay
            )
            if first_of_burst:
                await notice(max(1, math.ceil(slot.delay)))
            await asyncio.sleep(slot.delay)
        self._forget(now)
        return True

    async def _reserve(self, user_id: int) -> Slot | None:
        if isinstance(self.limiter, SharedRateLimiter):
            return await self.limiter.reserve(user_id)  # counted with the other replicas
        return self.limiter.reserve(user_id)

    def _skip(
        self,
        user_id: int,
        label: str,
        skip_note: Callable[[list[str]], Awaitable[object]],
        spawn: Spawn,
    ) -> None:
        skipped = self._skipped.setdefault(user_id, _Skipped())
        skipped.labels.append(label)
        if skipped.note is None:

            async def send_later() -> None:
                await asyncio.sleep(SKIP_NOTE_DELAY_SECONDS)
                labels = self._skipped.pop(user_id, _Skipped()).labels
                await skip_note(labels)

            # The note outlives the update that asked for it: a tracked task (see Spawn).
            skipped.note = spawn(send_later(), name=f"skip-note-{user_id}")

    def _forget(self, now: float) -> None:
        if len(self._noticed_until) > 10_000:
            self._noticed_until = {u: t for u, t in self._noticed_until.items() if t > now}
