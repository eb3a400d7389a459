"""Per-user fairness: who is asking, a round-robin queue across users, and fair slots.

The bot sets `requester` around each update (bot/app.py), so the service and the worker
lanes know whose work they queue without every call passing it along. Work done outside an
update (the command line, tests) belongs to `None`, one anonymous user.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Hashable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

T = TypeVar("T")

_REMEMBERED_USERS = 10_000  # past this, only users with queued items keep their last turn

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
    """One FIFO per user; the next item comes from the user served least recently.

    A user's burst waits behind everyone else's turn: with user A sending five items and B
    one, B's item goes second (right after A's first), not sixth.
    """

    def __init__(self) -> None:
        self._queues: dict[Hashable, deque[T]] = {}
        self._served: dict[Hashable, int] = {}  # user -> turn number of their last item
        self._turn = 0
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def push(self, user: Hashable, item: T, *, front: bool = False) -> None:
        queue = self._queues.setdefault(user, deque())
        if front:
            queue.appendleft(item)
        else:
            queue.append(item)
        self._length += 1

    def pop(self, eligible: Callable[[Hashable], bool] = lambda user: True) -> T | None:
        """The first item of the eligible user served least recently (first come on a tie)."""
        candidates = [user for user in self._queues if eligible(user)]
        if not candidates:
            return None
        chosen = min(candidates, key=lambda user: self._served.get(user, -1))
        queue = self._queues[chosen]
        item = queue.popleft()
        if not queue:
            del self._queues[chosen]
        self._length -= 1
        self._turn += 1
        self._served[chosen] = self._turn
        if len(self._served) > _REMEMBERED_USERS:
            self._served = {u: t for u, t in self._served.items() if u in self._queues}
        return item

    def remove(self, user: Hashable, item: T) -> bool:
        queue = self._queues.get(user)
        if queue is None or item not in queue:
            return False
        queue.remove(item)
        self._length -= 1
        if not queue:
            del self._queues[user]
        return True

    def drain(self) -> list[T]:
        items = [item for queue in self._queues.values() for item in queue]
        self._queues.clear()
        self._length = 0
        return items

    def ahead_of_next(self, user: Hashable) -> Iterator[T]:
        """The items served before a new item `user` would push now (an upper estimate).

        Its own queued items all go first; every other user gets as many turns as it takes
        to reach the new item, so at most one more than `user` has queued.
        """
        own = self._queues.get(user, ())
        yield from own
        turns = len(own) + 1
        for other, queue in self._queues.items():
            if other != user:
                for index, item in enumerate(queue):
                    if index >= turns:
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
