"""Per-user fairness: who is asking, a round-robin queue across users, and fair slots.

The bot sets `requester` around each update (bot/app.py), so the service and the worker
lanes know whose work they queue without every call passing it along. Work done outside an
update (the command line, tests) belongs to `None`, one anonymous user.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import AsyncIterator, Callable, Hashable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

T = TypeVar("T")

_REMEMBERED_USERS = 10_000  # past this, users whose last item ended are forgotten
_Tag = tuple[float, int, int]  # virtual start, 1 if the user was just served, arrival

requester: ContextVar[Hashable] = ContextVar("requester", default=None)


@contextmanager
def acting_for(user: Hashable) -> Iterator[None]:
    """Work started inside this block is queued as `user`'s."""
    token = requester.set(user)
    try:
        yield
    finally:
        requester.reset(token)


class FairQueue(Generic[T]):
    """One FIFO per user, served in self-clocked fair order (one unit of service per item).

    Each item gets a virtual start: the current round for a user with nothing queued, else
    right after that user's previous item; serving an item moves the round past it. The
    earliest start goes first; on a tie, a user who was idle goes before one who was just
    served, then arrival decides. So one user's burst waits behind everyone else's turn
    (user A sends five items, then B one: B's goes second), and a user who comes back later
    queues like a newcomer, never starved by a stream of new users.
    """

    def __init__(self) -> None:
        self._queues: dict[Hashable, deque[tuple[_Tag, T]]] = {}
        self._finish: dict[Hashable, float] = {}  # user -> virtual end of their last item
        self._virtual = 0.0  # the current round
        self._arrivals = itertools.count()
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def _tag(self, user: Hashable) -> _Tag:
        previous = self._finish.get(user)
        busy = previous is not None and previous >= self._virtual
        start = max(self._virtual, previous or 0.0)
        return (start, int(busy), next(self._arrivals))

    def push(self, user: Hashable, item: T, *, front: bool = False) -> None:
        """Queue `item`; `front`: an item already served once (a retry) goes first."""
        queue = self._queues.setdefault(user, deque())
        if front:
            queue.appendleft(((self._virtual, 0, -1), item))
        else:
            tag = self._tag(user)
            self._finish[user] = tag[0] + 1.0
            queue.append((tag, item))
        self._length += 1

    def pop(self, eligible: Callable[[Hashable], bool] = lambda user: True) -> T | None:
        """The earliest item among the users that are `eligible`."""
        heads = [(queue[0][0], user) for user, queue in self._queues.items() if eligible(user)]
        if not heads:
            return None
        (start, _, _), chosen = min(heads, key=lambda head: head[0])
        queue = self._queues[chosen]
        _, item = queue.popleft()
        if not queue:
            del self._queues[chosen]
        self._length -= 1
        self._virtual = max(self._virtual, start + 1.0)
        if len(self._finish) > _REMEMBERED_USERS:  # ended before this round: as good as new
            self._finish = {u: f for u, f in self._finish.items() if f >= self._virtual}
        return item

    def remove(self, user: Hashable, item: T) -> bool:
        queue = self._queues.get(user)
        entry = next((entry for entry in queue or () if entry[1] is item), None)
        if queue is None or entry is None:
            return False
        queue.remove(entry)
        self._length -= 1
        if not queue:
            del self._queues[user]
        return True

    def drain(self) -> list[T]:
        items = [item for queue in self._queues.values() for _, item in queue]
        self._queues.clear()
        self._length = 0
        return items

    def ahead_of_next(self, user: Hashable) -> Iterator[T]:
        """The items that would be served before an item `user` pushed now."""
        previous = self._finish.get(user)
        busy = previous is not None and previous >= self._virtual
        tag = (max(self._virtual, previous or 0.0), int(busy))
        for queue in self._queues.values():
            for (start, was_busy, _), item in queue:
                if (start, was_busy) > tag:
                    break
                yield item


class FairSlots:
    """At most `total` holders at a time, and at most `per_user` of them for any one user.

    A user over their own share waits without taking one of the shared slots, so a few
    users with slow work cannot hold every slot (issue: slow-dripping links).
    """

    def __init__(self, total: int, per_user: int) -> None:
        self._shared = asyncio.Semaphore(total)
        self._per_user = per_user
        self._users: dict[Hashable, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def hold(self, user: Hashable) -> AsyncIterator[None]:
        own, users = self._users.get(user, (asyncio.Semaphore(self._per_user), 0))
        self._users[user] = (own, users + 1)
        try:
            async with own, self._shared:
                yield
        finally:
            own, users = self._users[user]
            if users == 1:
                del self._users[user]
            else:
                self._users[user] = (own, users - 1)
