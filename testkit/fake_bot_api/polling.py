"""getUpdates: long polling with offsets, limits and allowed_updates, as Telegram serves it.

A newer getUpdates ends a waiting one with 409 Conflict (two bot instances), and getUpdates is
refused while a webhook is set.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from .core import Core
from .validation import ALL_UPDATE_TYPES, DEFAULT_UPDATE_TYPES
from .wire import JSON_PARSE_ERRORS, ApiError, JsonDict, bad_request, json_copy

MAX_LONG_POLL_SECONDS = 50.0


@dataclass
class PendingPoll:
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    superseded: bool = False


class PollingMixin(Core):
    _poll: PendingPoll | None = None

    @property
    def polling(self) -> bool:
        """True while a getUpdates long poll is waiting for updates."""
        return self._poll is not None

    def _webhook_active(self) -> bool:
        return False

    def _update_queued(self) -> None:
        super()._update_queued()
        if self._poll is not None:
            self._poll.wake.set()

    async def _stopping(self) -> None:
        await super()._stopping()
        if self._poll is not None:
            self._poll.wake.set()

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self._webhook_active():
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if "allowed_updates" in params:
            self._set_allowed_updates(params["allowed_updates"])
        self._confirm_updates(params.get("offset", 0))
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = min(max(params.get("timeout", 0), 0), MAX_LONG_POLL_SECONDS)
        poll = PendingPoll()
        if self._poll is not None:
            # Like Telegram: a newer getUpdates ends the waiting one with 409 Conflict.
            self._poll.superseded = True
            self._poll.wake.set()
        self._poll = poll
        try:
            await self._wait_for_updates(poll, timeout)
        finally:
            if self._poll is poll:
                self._poll = None
        if poll.superseded:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return json_copy(self._queue[:limit])

    async def _wait_for_updates(self, poll: PendingPoll, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._queue and not poll.superseded and not self._closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(poll.wake.wait(), remaining)
            poll.wake.clear()

    def _set_allowed_updates(self, allowed: Any) -> None:
        if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
            raise bad_request(JSON_PARSE_ERRORS["allowed_updates"])
        known = frozenset(allowed) & ALL_UPDATE_TYPES
        self._allowed_updates = known or DEFAULT_UPDATE_TYPES

    def _confirm_updates(self, offset: int) -> None:
        """A positive offset confirms older updates; a negative one keeps only the last few."""
        if offset > 0:
            self._queue = [update for update in self._queue if update["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]
