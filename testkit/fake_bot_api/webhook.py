"""Webhook mode: setWebhook / deleteWebhook / getWebhookInfo, and delivery of queued updates by
HTTP POST with the ``X-Telegram-Bot-Api-Secret-Token`` header, retried until a 2xx answer.

The registered URL must be https on port 443, 80, 88 or 8443, as Telegram requires; nothing
outside 127.0.0.1 is ever contacted. :meth:`WebhookMixin.deliver_webhooks_to` names the local
servers that stand behind that URL (what DNS, the TLS proxy and a load balancer do in
production): each POST goes to the next one round-robin, to the registered URL's path. A
connection that fails is tried at once on the next server, as a load balancer would; an
answer that is not 2xx is retried later, as Telegram does, with a growing delay.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from .polling import PollingMixin
from .wire import JsonDict, bad_request

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_PORTS = (443, 80, 88, 8443)
MAX_RETRY_DELAY = 60.0


@dataclass(frozen=True)
class WebhookPost:
    """One delivery attempt: ``status`` 0 when the connection failed (``error`` says why)."""

    update_id: int
    target: str
    time: float
    seconds: float
    status: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class WebhookMixin(PollingMixin):
    webhook_retry_delay = 1.0  # first retry after a non-2xx answer; doubles up to a minute
    webhook_timeout = 60.0  # how long one POST may take before it counts as failed

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._webhook_targets: list[str] = []
        self._next_target = 0
        self._webhook_wake = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None
        self._deliveries: set[asyncio.Task[None]] = set()  # held: the loop keeps weak refs
        self._session: aiohttp.ClientSession | None = None
        super().__init__(*args, **kwargs)

    def _clear_state(self) -> None:
        """Forgets the registration and its errors; the delivery targets stay."""
        super()._clear_state()
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_max_connections = 40
        self.webhook_posts: list[WebhookPost] = []
        self._webhook_error: tuple[int, str] | None = None
        self._in_flight: set[int] = set()
        self._attempts: dict[int, int] = {}
        self._due: dict[int, float] = {}

    def deliver_webhooks_to(self, *origins: str) -> None:
        """Local servers (``http://127.0.0.1:PORT``) that receive the webhook's POSTs in turn."""
        for origin in origins:
            if urlsplit(origin).hostname not in ("127.0.0.1", "localhost", "::1"):
                raise ValueError(f"webhook targets stay on 127.0.0.1, got {origin!r}")
        self._webhook_targets = [origin.rstrip("/") for origin in origins]
        self._wake_dispatcher()

    def register_webhook(self, url: str, *, secret_token: str | None = None) -> None:
        """Sets the webhook as an earlier setWebhook would have (an operator's deployment),
        without a Bot API call; the bot's own setWebhook replaces it."""
        parts = urlsplit(url)
        if parts.scheme != "https" or (parts.port or 443) not in _WEBHOOK_PORTS:
            raise ValueError(f"Telegram takes https webhooks on ports {_WEBHOOK_PORTS}: {url}")
        self.webhook_url = url
        self.webhook_secret = secret_token
        self._wake_dispatcher()

    def _webhook_active(self) -> bool:
        return bool(self.webhook_url)

    def _update_queued(self) -> None:
        super()._update_queued()
        self._wake_dispatcher()

    async def _stopping(self) -> None:
        await super()._stopping()
        tasks = [*self._deliveries, *([self._dispatcher] if self._dispatcher else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._dispatcher = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ---- the methods -------------------------------------------------------------------------

    async def _set_webhook(self, params: JsonDict) -> bool:
        url = str(params.get("url") or "")
        if not url:  # Telegram: an empty URL removes the webhook
            return await self._delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if (parts.port or 443) not in _WEBHOOK_PORTS:
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if "allowed_updates" in params:
            self._set_allowed_updates(params["allowed_updates"])
        self.webhook_url = url
        self.webhook_secret = None if secret is None else str(secret)
        self.webhook_max_connections = min(max(int(params.get("max_connections", 40)), 1), 100)
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self._wake_dispatcher()
        return True

    async def _delete_webhook(self, params: JsonDict) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    async def _get_webhook_info(self, params: JsonDict) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            info["ip_address"] = "127.0.0.1"
        if self._webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    # ---- delivery ----------------------------------------------------------------------------

    def _wake_dispatcher(self) -> None:
        if not (self.webhook_url and self._webhook_targets and self._queue):
            return
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.get_running_loop().create_task(self._dispatch())
        self._webhook_wake.set()

    async def _dispatch(self) -> None:
        """Starts deliveries while connections are free; sleeps until a retry is due."""
        while not self._closing:
            self._webhook_wake.clear()
            if self.webhook_url and self._webhook_targets:
                self._start_due_deliveries()
            now = time.monotonic()
            waits = [due - now for update_id, due in self._due.items()
                     if update_id not in self._in_flight]  # fmt: skip
            timeout = max(min(waits), 0.0) if waits else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._webhook_wake.wait(), timeout)

    def _start_due_deliveries(self) -> None:
        now = time.monotonic()
        for update in list(self._queue):
            if len(self._in_flight) >= self.webhook_max_connections:
                return
            update_id = update["update_id"]
            if update_id in self._in_flight or self._due.get(update_id, 0.0) > now:
                continue
            self._in_flight.add(update_id)
            task = asyncio.get_running_loop().create_task(self._deliver(update))
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)

    async def _deliver(self, update: JsonDict) -> None:
        update_id = update["update_id"]
        post = WebhookPost(update_id, "", time.time(), 0.0, 0, "no webhook target")
        try:
            for _ in range(len(self._webhook_targets)):
                post = await self._post(update)
                self.webhook_posts.append(post)
                self._pulse()
                if post.status:  # an answer; a failed connection tries the next server
                    break
            if post.ok:
                self._queue = [u for u in self._queue if u["update_id"] != update_id]
                self._attempts.pop(update_id, None)
                self._due.pop(update_id, None)
            else:
                attempts = self._attempts[update_id] = self._attempts.get(update_id, 0) + 1
                delay = min(self.webhook_retry_delay * 2 ** (attempts - 1), MAX_RETRY_DELAY)
                self._due[update_id] = time.monotonic() + delay
                self._webhook_error = (int(time.time()), post.error or "")
        finally:
            self._in_flight.discard(update_id)
            self._webhook_wake.set()

    async def _post(self, update: JsonDict) -> WebhookPost:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout)
            )
        origin = self._webhook_targets[self._next_target % len(self._webhook_targets)]
        self._next_target += 1
        parts = urlsplit(self.webhook_url)
        target = origin + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {SECRET_HEADER: self.webhook_secret} if self.webhook_secret else {}
        started, clock = time.time(), time.monotonic()
        try:
            async with self._session.post(target, json=update, headers=headers) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            reason = f"Connection failed: {type(error).__name__}: {error}".rstrip(": ")
            return WebhookPost(update["update_id"], origin, started,
                               time.monotonic() - clock, 0, reason)  # fmt: skip
        wrong = None if 200 <= status < 300 else f"Wrong response from the webhook: {status}"
        return WebhookPost(update["update_id"], origin, started,
                           time.monotonic() - clock, status, wrong)  # fmt: skip
