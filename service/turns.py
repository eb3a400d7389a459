"""A user's requests take their turns in the order they arrived.

Before a request is admitted by the per-user limit (handlers/pacing.py: which article of a
burst goes now, waits or is skipped), it awaits the database: its receipt, the chat's
settings. On PostgreSQL, whose connection pool answers in any order, a later article would
then take the slot of an earlier one. So each request is numbered as it arrives
(`arriving`, bot/app.py, before anything is awaited), and `take_turn` waits until the
user's earlier requests have taken theirs, or have ended without asking (a cached answer,
a command). The wait is bounded: an earlier request busy with something long before its
turn (downloading a document) holds the later ones up for `timeout` seconds at most.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class ArrivalTurns:
    def __init__(self) -> None:
        self._numbers = itertools.count()
        # user -> (arrival number -> resolved when that request took its turn or ended)
        self._waiting: dict[Hashable, dict[int, asyncio.Future[None]]] = {}

    def arrive(self, user: Hashable) -> int:
        number = next(self._numbers)
        future = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(user, {})[number] = future
        return number

    def leave(self, user: Hashable, number: int) -> None:
        """The request took its turn, or ended: the later ones need not wait for it."""
        waiting = self._waiting.get(user, {})
        future = waiting.pop(number, None)
        if future is not None and not future.done():
            future.set_result(None)
        if not waiting:
            self._waiting.pop(user, None)

    async def take(self, user: Hashable, number: int, timeout: float) -> None:
        """Wait (at most `timeout` s) for the user's earlier requests, then take this one's
        turn. Once taken, again (a message with several links) returns at once."""
        waiting = self._waiting.get(user, {})
        if number not in waiting:
            return
        earlier = [future for n, future in waiting.items() if n < number]
        if earlier:
            await asyncio.wait(earlier, timeout=timeout)
        self.leave(user, number)

    def __len__(self) -> int:
        """Users with a request that has not taken its turn."""
        return len(self._waiting)


TURNS = ArrivalTurns()
_current: ContextVar[tuple[Hashable, int] | None] = ContextVar("arrival", default=None)


@contextmanager
def arriving(user: Hashable) -> Iterator[None]:
    """A request of `user` is handled inside this block (enter it before any await)."""
    number = TURNS.arrive(user)
    token = _current.set((user, number))
    try:
        yield
    finally:
        _current.reset(token)
        TURNS.leave(user, number)


async def take_turn(timeout: float) -> None:
    """`ArrivalTurns.take` for the request being handled; outside one, nothing to wait for."""
    current = _current.get()
    if current is None:
        return
    await TURNS.take(*current, timeout)
