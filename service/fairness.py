"""Per-user fairness: who is asking, a round-robin queue across users, and fair slots.

The bot sets `requester` around each update (bot/app.py), so the service and the worker
lanes know whose work they queue without every call passing it along. Work done outside an
update (the command line, tests) belongs to `None`, one anonymous user.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import itertools
import math
from collections import Counter
from collections.abc import AsyncIterator, Callable, Hashable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

T = TypeVar("T")

_REMEMBERED_USERS = 10_000  # past this, users whose last item ended are forgotten
_Tag = tuple[float, int, float]  # virtual start, 1 if the user was just served, arrival

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

    Every operation costs O(log n) for n items queued: a heap holds each waiting user's
    first item, and sorted lists of the items' tags (one per `group`, the items' kinds)
    count what waits ahead. Scanning every user instead made each request cost the event
    loop time in proportion to the backlog, just when the backlog was long.
    """

    def __init__(self, group: Callable[[T], Hashable] = lambda item: None) -> None:
        # A list per user, not a deque (which allocates room for 64 up front): most users
        # have one item queued, and a user's items are few (the per-user limit).
        self._queues: dict[Hashable, list[tuple[_Tag, T]]] = {}
        # (tag of a user's first item, a tie-break, the user); entries whose tag is no longer
        # that user's first are stale and skipped.
        self._heads: list[tuple[_Tag, int, Hashable]] = []
        self._tags: dict[Hashable, list[_Tag]] = {}  # group -> sorted tags of its items
        self._group = group
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
        queue = self._queues.setdefault(user, [])
        if front:
            tag: _Tag = (self._virtual, 0, -1)
            queue.insert(0, (tag, item))
        else:
            tag = self._tag(user)
            self._finish[user] = tag[0] + 1.0
            queue.append((tag, item))
        if queue[0][0] == tag:
            heapq.heappush(self._heads, (tag, next(self._arrivals), user))
        bisect.insort(self._tags.setdefault(self._group(item), []), tag)
        self._length += 1

    def pop(self, eligible: Callable[[Hashable], bool] = lambda user: True) -> T | None:
        """The earliest item among the users that are `eligible`."""
        passed_over = []
        chosen: T | None = None
        try:
            while self._heads:
                tag, _, user = self._heads[0]
                queue = self._queues.get(user)
                if not queue or queue[0][0] != tag:
                    heapq.heappop(self._heads)  # stale
                    continue
                if not eligible(user):
                    passed_over.append(heapq.heappop(self._heads))
                    continue
                heapq.heappop(self._heads)
                _, chosen = self._take(user, 0)
                self._virtual = max(self._virtual, tag[0] + 1.0)
                break
        finally:
            for head in passed_over:
                heapq.heappush(self._heads, head)
        if len(self._finish) > _REMEMBERED_USERS:  # ended before this round: as good as new
            self._finish = {u: f for u, f in self._finish.items() if f >= self._virtual}
        return chosen

    def remove(self, user: Hashable, item: T) -> bool:
        queue = self._queues.get(user)
        where = next((i for i, entry in enumerate(queue or ()) if entry[1] is item), None)
        if where is None:
            return False
        self._take(user, where)
        return True

    def _take(self, user: Hashable, where: int) -> tuple[_Tag, T]:
        queue = self._queues[user]
        tag, item = queue[where]
        del queue[where]
        if not queue:
            del self._queues[user]
        elif where == 0:
            heapq.heappush(self._heads, (queue[0][0], next(self._arrivals), user))
        tags = self._tags[self._group(item)]
        del tags[bisect.bisect_left(tags, tag)]
        self._length -= 1
        return tag, item

    def drain(self) -> list[T]:
        items = [item for queue in self._queues.values() for _, item in queue]
        self._queues.clear()
        self._heads.clear()
        self._tags.clear()
        self._length = 0
        return items

    def ahead_of_next(self, user: Hashable) -> Counter[Hashable]:
        """How many items of each group would be served before an item `user` pushed now."""
        previous = self._finish.get(user)
        busy = previous is not None and previous >= self._virtual
        last = (max(self._virtual, previous or 0.0), int(busy), math.inf)
        return Counter(
            {group: bisect.bisect_right(tags, last) for group, tags in self._tags.items() if tags}
        )


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
