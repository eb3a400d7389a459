"""The bot's send budget (Telegram's messages a second), spent on quick replies first.

When more replies are ready than Telegram lets the bot send, they wait for the budget. In
arrival order, a cached summary, a command's answer or an error message would wait behind
every new summary the engine finished before it: at 40 articles a second offered against 30
a second allowed, a cached answer took seconds. Here a reply the engine worked for gives way:
it is ordered as if it had arrived `give_way_seconds` later, so quick replies go first, and
one that has waited that long goes before any quick reply that arrives after that. So no
reply waits without bound however many quick ones come.

aiolimiter keeps the rate (a leaky bucket, as before); it wakes its waiters in the order they
came, with no notion of priority, so the order is kept here: a waiter takes a place in a heap,
and one task at a time takes the bucket's next slot and hands it to the first place.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools

from aiolimiter import AsyncLimiter

# How long a reply the engine worked for lets quick replies go before it.
GIVE_WAY_SECONDS = 10.0


def bucket(per_second: float) -> AsyncLimiter:
    """`per_second` on average, bursts of up to a second's worth (at least one message)."""
    return AsyncLimiter(max(1.0, per_second), max(1.0, 1.0 / per_second))


class SendBudget:
    def __init__(self, per_second: float, give_way_seconds: float = GIVE_WAY_SECONDS) -> None:
        self._bucket = bucket(per_second)
        self._give_way = give_way_seconds
        self._waiting: list[tuple[float, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()
        self._handing_out: asyncio.Task[None] | None = None

    @property
    def per_second(self) -> float:
        return self._bucket.max_rate / self._bucket.time_period

    def change_rate(self, per_second: float) -> None:
        """A new bucket (aiolimiter's rate is fixed at creation); waiters keep their places."""
        self._bucket = bucket(per_second)

    def has_capacity(self) -> bool:
        """Whether a message could go now without waiting, nobody waiting before it."""
        return not self._waiting and self._bucket.has_capacity()

    async def acquire(self, gives_way: bool = False) -> None:
        """Wait for this message's turn in the budget. `gives_way`: a reply the engine worked
        for, which quick replies go before (for up to `give_way_seconds`)."""
        if self.has_capacity():
            await self._bucket.acquire()  # takes a slot at once
            return
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[None] = loop.create_future()
        place = loop.time() + (self._give_way if gives_way else 0.0)
        heapq.heappush(self._waiting, (place, next(self._arrivals), turn))
        if self._handing_out is None or self._handing_out.done():
            self._handing_out = loop.create_task(self._hand_out())
        try:
            await turn
        except asyncio.CancelledError:
            turn.cancel()  # its place is skipped when it comes up
            raise

    async def _hand_out(self) -> None:
        while self._waiting:
            await self._bucket.acquire()
            while self._waiting:
                _, _, turn = heapq.heappop(self._waiting)
                if not turn.done():  # (a cancelled waiter's slot goes to the next one)
                    turn.set_result(None)
                    break

    def close(self, error: Exception) -> None:
        """The application is stopping: every waiter raises `error`, none is handed a slot."""
        if self._handing_out is not None:
            self._handing_out.cancel()
        for _, _, turn in self._waiting:
            if not turn.done():
                turn.set_exception(error)
        self._waiting.clear()
