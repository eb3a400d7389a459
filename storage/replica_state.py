"""The state replicas share (rate-limit windows, heartbeats, request and update claims), as
methods of `Storage`. Without a database each call answers as a lone process would."""

from __future__ import annotations

import asyncio
import time
from functools import partial

from storage import shared
from storage.runner import Runner
from storage.shared import RateLimitHit
from storage.sql import to_ms


class ReplicaState:
    """Mixed into `Storage`, which sets these."""

    _runner: Runner
    replica_id: str  # names this process in claims

    def _now_ms(self) -> int:
        raise NotImplementedError

    async def hit_rate_limit(
        self, user_id: int, window_start: float, limit: int, window_seconds: float
    ) -> RateLimitHit:
        """Count a request of `user_id` in the window starting at `window_start` (seconds
        since the epoch, the same for every replica) and lasting `window_seconds`."""
        start = to_ms(window_start)
        expires = start + to_ms(window_seconds)
        count = await self._runner.run(
            "rate limit",
            lambda db: shared.add_rate_hit(db, user_id, start, expires),
            None,
            writes=True,
        )
        if count is None:
            return RateLimitHit(allowed=True, count=0, shared=False)
        return RateLimitHit(allowed=count <= limit, count=count, shared=True)

    async def announce_replica(self, ttl_seconds: float) -> int | None:
        """Say this replica is live for `ttl_seconds`; how many replicas are (None: the
        database cannot tell)."""
        now = self._now_ms()
        replica, expires = self.replica_id, now + to_ms(ttl_seconds)
        return await self._runner.run(
            "heartbeat",
            lambda db: shared.beat(db, replica, now, expires),
            None,
            writes=True,
        )

    async def withdraw_replica(self) -> None:
        """This replica is stopping: the others need not wait for its heartbeat to expire."""
        replica = self.replica_id
        await self._runner.run(
            "heartbeat", lambda db: shared.drop_beat(db, replica), None, writes=True
        )

    async def claim_request(self, request_key: str, ttl_seconds: float) -> bool:
        """Claim the computation of `request_key` for this replica for `ttl_seconds`.

        False while another claim on it (this replica's included) is live; True when
        claimed, or when the database is unusable (then nobody can coordinate).
        """
        now = self._now_ms()
        owner, expires = self.replica_id, now + to_ms(ttl_seconds)
        return await self._runner.run(
            "request claim",
            lambda db: shared.take_request_claim(db, request_key, owner, now, expires),
            True,
            writes=True,
        )

    async def release_request(self, request_key: str) -> None:
        """Give up this replica's claim on `request_key` (no-op if not held by it)."""
        owner = self.replica_id
        await self._runner.run(
            "request release",
            lambda db: shared.drop_request_claim(db, request_key, owner),
            None,
            writes=True,
        )

    async def wait_for_request(
        self, request_key: str, *, timeout_seconds: float, poll_seconds: float
    ) -> bool:
        """Wait until the claim on `request_key` is released or expired: True, or False if it
        is still held after `timeout_seconds`. Checks every `poll_seconds`."""
        deadline = time.monotonic() + timeout_seconds
        while True:
            held = await self._runner.run(
                "claim check",
                partial(shared.request_claimed, request_key=request_key, now_ms=self._now_ms()),
                False,
                writes=False,
            )
            remaining = deadline - time.monotonic()
            if not held:
                return True
            if remaining <= 0:
                return False
            await asyncio.sleep(min(poll_seconds, remaining))

    async def claim_update(self, update_id: int, ttl_seconds: float) -> bool:
        """Claim answering `update_id` for `ttl_seconds`: False when another claim is live
        or the update was already answered (`mark_update_done`). True when the database
        is unusable."""
        now = self._now_ms()
        expires = now + to_ms(ttl_seconds)
        return await self._runner.run(
            "update claim",
            lambda db: shared.take_update_claim(db, update_id, now, expires),
            True,
            writes=True,
        )

    async def release_update(self, update_id: int) -> None:
        """Drop the claim on an update that was not answered, so it can be retried now."""
        await self._runner.run(
            "update release", lambda db: shared.drop_update_claim(db, update_id), None, writes=True
        )
