"""Each update answered once: across a crash, a restart, duplicate deliveries and replicas.

- **Receipt.** Each raw update is recorded in the database before Telegram is told that it
  arrived (polling: before getUpdates returns, since the next getUpdates confirms it;
  webhook: before the 200). So an update Telegram considers delivered is never only in the
  memory of a process that may die.
- **Claim.** Before its handlers run, the update id is claimed (a row with a time to live;
  `RingkasApplication.process_update`). A webhook retry, a duplicate delivery to another
  replica, or the same update found pending by two replicas is skipped while one of them
  works on it, and for good once it is done. A claim held for a third of its life is
  renewed, so a slow update (a user's burst waiting for its slot, an outage being retried)
  keeps it.
- **Done.** When the handlers return (with an answer, or with a final error answer) the
  update is marked done. When the bot is stopping, an update not yet started is left
  pending and one whose reply could not go out is released: the next start (or another
  replica) finishes them, and the parts already sent are not sent again
  (handlers.services.send_part).
- **Pending.** At start, and every `sweep_seconds`, the updates recorded but not done
  (received within `max_age_seconds`) that this process is not working on are queued again;
  their claim decides who answers. A replica killed mid-update holds its claims until they
  expire (`claim_seconds`); then another replica, or itself restarted, finishes them. Only
  one process can poll, so in polling mode the claims a killed predecessor left are taken
  over at start at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from storage import PendingUpdate, Receipt, Storage

log = logging.getLogger(__name__)


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


class UpdateBook:
    """What this process knows of the updates it received and works on."""

    def __init__(
        self,
        storage: Storage,
        policy: UpdatePolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.storage = storage
        self.policy = policy
        self._clock = clock
        self._wall_clock = wall_clock
        self._here: set[int] = set()  # received or queued here and not finished
        self._fresh: set[int] = set()  # first recorded by this process: nothing sent before
        self._claimed: dict[int, float] = {}  # update id -> when claimed or renewed

    # Receipt.

    async def receive(self, updates: Iterable[tuple[int, str]]) -> None:
        """Record raw updates (update id, JSON as received) before they are confirmed."""
        batch = list(updates)
        receipts = await asyncio.gather(
            *(self.storage.record_update(update_id, payload) for update_id, payload in batch)
        )
        for (update_id, _), receipt in zip(batch, receipts, strict=True):
            self._here.add(update_id)
            if receipt is not Receipt.KNOWN:  # new, or not saved: no earlier run to ask
                self._fresh.add(update_id)

    def is_fresh(self, update_id: int) -> bool:
        """True when this process recorded the update first: no earlier run answered it."""
        return update_id in self._fresh

    # Claims.

    async def claim(self, update_id: int) -> bool:
        """True when this process may answer the update now."""
        claimed = await self.storage.claim_update(update_id, self.policy.claim_seconds)
        if claimed:
            self._here.add(update_id)
            self._claimed[update_id] = self._clock()
        else:
            self._forget(update_id)
        return claimed

    async def done(self, update_id: int) -> None:
        """Answered (or answered as well as it can be): never again."""
        self._forget(update_id)
        await self.storage.mark_update_done(update_id)

    async def release(self, update_id: int) -> None:
        """Not finished here: leave it pending for the next start or another replica."""
        self._forget(update_id)
        await self.storage.release_update(update_id)

    def leave(self, update_id: int) -> None:
        """Not started here (the bot is stopping): it stays pending, unclaimed."""
        self._forget(update_id)

    def _forget(self, update_id: int) -> None:
        self._here.discard(update_id)
        self._fresh.discard(update_id)
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

    # Pending updates.

    async def orphans(self, *, grace_seconds: float, take_over: bool) -> list[PendingUpdate]:
        """Updates recorded, not done, not being handled here, and received at least
        `grace_seconds` ago (a younger one may still be queued on another replica).
        `take_over`: drop their claims first (polling: no other process can hold them)."""
        pending = await self.storage.pending_updates(self.policy.max_age_seconds)
        newest = self._wall_clock() - grace_seconds
        found = [p for p in pending if p.update_id not in self._here and p.received_at <= newest]
        for update in found:
            if take_over:
                await self.storage.release_update(update.update_id)
            self._here.add(update.update_id)
        return found

    async def purge(self) -> None:
        await self.storage.purge_updates(self.policy.keep_seconds)
