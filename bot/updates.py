"""Each update answered once: across a crash, a restart, duplicate deliveries and replicas.

- **Receipt.** Each raw update is recorded in the database before Telegram is told that it
  arrived (polling: before getUpdates returns, since the next getUpdates confirms it;
  webhook: before the 200). So an update Telegram considers delivered is never only in the
  memory of a process that may die.
- **The first receiver answers.** Recording is insert-if-absent: the process that records
  an update first answers it. A copy that finds it recorded (a webhook retry, a duplicate
  delivery to another replica, Telegram sending again what a killed poller never confirmed)
  is acknowledged and not answered: the first receiver does, or, if it died, the sweep below.
- **Claim.** Replicas find each other's leftovers, so an update being answered is claimed (a
  row with a time to live): at once, in the background, by its first receiver in webhook mode
  (only one process can poll, so a poller needs none), and before any work when a leftover
  is taken up. A claim held for a third of its life is renewed, so a slow update (a user's
  burst waiting for its slot, an outage being retried) keeps it.
- **Done.** When the handlers return (with an answer, or with a final error answer) the
  update is marked done. When the bot is stopping, an update not yet started is left
  pending and one whose reply could not go out is released: the next start (or another
  replica) finishes it, and the parts already sent are not sent again
  (handlers.services.send_part).
- **Leftovers.** At start, and every `sweep_seconds`, the updates recorded but not done
  (received within `max_age_seconds`, and at least `sweep_seconds` ago) that this process is
  not working on are queued again; their claim decides who answers them. A replica killed
  mid-update holds its claims until they expire (`claim_seconds`). A poller starting takes
  over the claims its killed predecessor left at once.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from storage import PendingUpdate, Receipt, Storage

from . import metrics

log = logging.getLogger(__name__)

# How long this process remembers the updates it finished. A done mark can be lost (the
# database degrades to "no database" for a moment under faults or overload): until it is
# written again by a later sweep, such an update looks pending, and must not be answered
# again. Bounded too: at most this many are remembered.
FINISHED_MEMORY_SECONDS = 600.0
MAX_FINISHED = 100_000


@dataclass(frozen=True)
class UpdatePolicy:
    """The tunables (defaults and reasons in bot.settings)."""

    claim_seconds: float
    sweep_seconds: float
    max_age_seconds: float
    keep_seconds: float

    @property
    def renew_after_seconds(self) -> float:
        return self.claim_seconds / 3


class Arrival(enum.Enum):
    """How an update this process is to answer came to it."""

    FIRST = "first"  # recorded by this process first: nothing was sent for it before
    UNSAVED = "unsaved"  # the database could not record it: answered without the guarantees
    LEFTOVER = "leftover"  # found pending: answered if its claim can be taken


class UpdateBook:
    """What this process knows of the updates it received and works on.

    `replicated`: other processes share the database (webhook mode), so an update this
    process answers is claimed even when it was the first to receive it.
    """

    def __init__(
        self,
        storage: Storage,
        policy: UpdatePolicy,
        *,
        replicated: bool,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.storage = storage
        self.policy = policy
        self.replicated = replicated
        self._clock = clock
        self._wall_clock = wall_clock
        self._arrivals: dict[int, Arrival] = {}  # queued or being answered here
        self._copies: Counter[int] = Counter()  # queued copies not to answer
        self._claimed: dict[int, float] = {}  # update id -> when claimed or renewed
        self._claiming: dict[int, asyncio.Task[None]] = {}
        self._finished: OrderedDict[int, float] = OrderedDict()  # update id -> when done

    # Receipt.

    async def receive(self, updates: Iterable[tuple[int, str]]) -> None:
        """Record raw updates (update id, JSON as received) before they are confirmed."""
        batch = []
        for update_id, payload in updates:
            metrics.update_received(payload)
            if update_id in self._arrivals:
                self._copies[update_id] += 1  # a second copy of one already here
            else:
                batch.append((update_id, payload))
        receipts = await self.storage.record_updates(batch)
        for (update_id, _), receipt in zip(batch, receipts, strict=True):
            if update_id in self._arrivals:
                self._copies[update_id] += 1  # recorded twice in this batch
            elif receipt is Receipt.KNOWN:
                self._copies[update_id] += 1
                log.info("update %d was received before; not answered again here", update_id)
            else:
                first = receipt is Receipt.NEW
                self._arrivals[update_id] = Arrival.FIRST if first else Arrival.UNSAVED

    # Answering.

    async def take(self, update_id: int) -> Arrival | None:
        """Whether to answer this (copy of the) update now: how it arrived, or None when
        it is a copy not to answer, or another process has it."""
        if self._copies[update_id] > 0:
            self._copies[update_id] -= 1
            if not self._copies[update_id]:
                del self._copies[update_id]
            metrics.SKIPPED.labels("copy").inc()
            return None
        arrival = self._arrivals.setdefault(update_id, Arrival.LEFTOVER)
        if arrival is Arrival.LEFTOVER:
            if not await self._claim(update_id):
                self._forget(update_id)
                log.info("update %d is answered or being answered elsewhere", update_id)
                metrics.SKIPPED.labels("elsewhere").inc()
                return None
        elif arrival is Arrival.FIRST and self.replicated:
            task = asyncio.create_task(self._claim_first(update_id))
            self._claiming[update_id] = task
        return arrival

    def leave(self, update_id: int) -> None:
        """Not answered here (the bot is stopping): a pending update stays pending."""
        if self._copies[update_id] > 0:
            self._copies[update_id] -= 1
        else:
            self._forget(update_id)

    async def _claim(self, update_id: int) -> bool:
        claimed = await self.storage.claim_update(update_id, self.policy.claim_seconds)
        if claimed:
            self._claimed[update_id] = self._clock()
        return claimed

    async def _claim_first(self, update_id: int) -> None:
        if not await self._claim(update_id):  # only if it sat here past the sweep's grace
            log.warning("update %d: another replica claimed it first", update_id)

    async def done(self, update_id: int) -> None:
        """Answered (or answered as well as it can be): never again."""
        await self._claim_landed(update_id)
        await self.storage.mark_update_done(update_id)
        self._finished[update_id] = self._clock()
        self._forget(update_id)  # only now: a sweep meanwhile must still see it as ours

    async def release(self, update_id: int) -> None:
        """Not finished here: pending again, for the next start or another replica."""
        await self._claim_landed(update_id)
        await self.storage.release_update(update_id)
        self._forget(update_id)

    async def _claim_landed(self, update_id: int) -> None:
        claiming = self._claiming.pop(update_id, None)
        if claiming is not None:
            await claiming

    def _forget(self, update_id: int) -> None:
        self._arrivals.pop(update_id, None)
        self._claimed.pop(update_id, None)

    async def renew_claims(self) -> None:
        """Renew every claim held for a third of its life. The store keeps no owner per
        update claim, so renewing is release-and-claim: should another replica take the
        update in between, it finishes it (skipping the parts sent here) and this one says
        so in the log."""
        due = self._clock() - self.policy.renew_after_seconds
        for update_id, since in list(self._claimed.items()):
            if since > due or update_id not in self._claimed:
                continue
            await self.storage.release_update(update_id)
            if await self.storage.claim_update(update_id, self.policy.claim_seconds):
                self._claimed[update_id] = self._clock()
            else:
                self._claimed.pop(update_id, None)
                log.warning("update %d: its claim was taken over by another replica", update_id)

    # Leftovers.

    async def leftovers(self, *, grace_seconds: float, take_over: bool) -> list[PendingUpdate]:
        """Updates recorded, not done, not being answered here, and received at least
        `grace_seconds` ago (a younger one may still be queued on another replica).
        `take_over`: drop their claims first (a poller starting: no other process can hold
        them). Each is then expected through `take` (as a leftover)."""
        pending = await self.storage.pending_updates(self.policy.max_age_seconds)
        await self._rewrite_lost_done_marks(pending)
        newest = self._wall_clock() - grace_seconds
        here, finished = self._arrivals, self._finished
        found = [
            p
            for p in pending
            if p.update_id not in here and p.update_id not in finished and p.received_at <= newest
        ]
        for update in found:
            if take_over:
                await self.storage.release_update(update.update_id)
            self._arrivals[update.update_id] = Arrival.LEFTOVER
        return found

    async def _rewrite_lost_done_marks(self, pending: list[PendingUpdate]) -> None:
        """Mark done again what this process finished but the database still lists as
        pending; forget what it finished long ago."""
        oldest = self._clock() - FINISHED_MEMORY_SECONDS
        finished = self._finished
        while finished and (len(finished) > MAX_FINISHED or next(iter(finished.values())) < oldest):
            finished.popitem(last=False)
        lost = [p.update_id for p in pending if p.update_id in finished]
        for update_id in lost:
            await self.storage.mark_update_done(update_id)
        if lost:
            log.warning("%d done marks were lost (database faults); written again", len(lost))

    async def purge(self) -> None:
        await self.storage.purge_updates(self.policy.keep_seconds)
