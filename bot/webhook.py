"""Webhook mode: a small tornado server that Telegram posts updates to, that load
balancers probe (`GET /healthz`, `GET /readyz`), and that Prometheus scrapes (`GET /metrics`,
bot/metrics.py).

PTB's `run_webhook` reads a whole request body (tornado's default cap is 100 MB) before it
checks the secret header: six unauthenticated 95 MB posts took the process from 136 MB to
over 1 GB. Here the secret header and the declared size are checked when the headers arrive,
and a post that fails either is answered and its connection closed without reading the body.
Bodies are streamed into memory only up to `max_body_bytes` (about 1 MB: Telegram's updates
are a few kilobytes), with a deadline for the whole body. An update is recorded in the
database (`receive`, bot/updates.py) before the 200 tells Telegram it arrived.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from telegram import Bot, Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler, stream_request_body

from .arrivals import ArrivalOrder
from .bot_api import Receiver, parse_update
from .listening import listen
from .metrics_server import MetricsHandler
from .settings import Settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The registered URL carries a fingerprint of the secret, so that a replica can tell from
# getWebhookInfo whether Telegram already posts with its secret (Telegram never shows the
# secret itself) and registers only when not: once, not on every replica's start.
FINGERPRINT_PARAMETER = "ringkas_secret_id"
_MAX_HEADER_BYTES = 16 * 1024


@dataclass(frozen=True)
class WebhookConfig:
    path: str
    secret: str
    listen: str
    port: int
    max_body_bytes: int
    body_timeout_seconds: float
    idle_timeout_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookConfig:
        assert settings.webhook_url, "webhook mode needs WEBHOOK_URL"
        return cls(
            path="/" + urlsplit(settings.webhook_url).path.lstrip("/"),
            secret=settings.webhook_secret_token,
            listen=settings.listen_address,
            port=settings.port,
            max_body_bytes=settings.webhook_max_body_bytes,
            body_timeout_seconds=settings.webhook_body_timeout_seconds,
            idle_timeout_seconds=settings.webhook_idle_timeout_seconds,
        )


def registered_url(webhook_url: str, secret: str) -> str:
    """WEBHOOK_URL with the secret's fingerprint as a query parameter."""
    fingerprint = hashlib.sha256(f"ringkas-webhook-id:{secret}".encode()).hexdigest()[:12]
    parts = urlsplit(webhook_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != FINGERPRINT_PARAMETER]
    query.append((FINGERPRINT_PARAMETER, fingerprint))
    return urlunsplit(parts._replace(query=urlencode(query)))


async def register_webhook(bot: Bot, webhook_url: str, secret: str) -> bool:
    """Point Telegram at `webhook_url` unless it already posts there with this secret.

    Pending updates are kept (never dropped). Returns True when it registered.
    """
    url = registered_url(webhook_url, secret)
    info = await bot.get_webhook_info()
    if info.url == url:
        log.info("webhook already registered; %d updates pending", info.pending_update_count)
        return False
    await bot.set_webhook(
        url, secret_token=secret, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
    )
    log.info("webhook registered (%s)", "replacing another URL" if info.url else "new")
    return True


class Readiness:
    """Whether this replica can serve: database and Bot API reachable (cached briefly)."""

    def __init__(
        self, application: Application[Any, Any, Any, Any, Any, Any], cache_seconds: float
    ) -> None:
        self.application = application
        self.cache_seconds = cache_seconds
        self._checked_at = float("-inf")
        self._problems: dict[str, str] | None = None

    async def problems(self) -> dict[str, str]:
        now = asyncio.get_running_loop().time()
        if self._problems is None or now - self._checked_at >= self.cache_seconds:
            self._problems = {**await self._database(), **await self._bot_api()}
            self._checked_at = now
        return self._problems

    async def _database(self) -> dict[str, str]:
        bot_data = self.application.bot_data
        if not getattr(bot_data, "started", False):
            return {"database": "not started"}
        storage = bot_data.services.storage
        await storage.get_chat_settings(0)  # a read: clears or records a passing fault
        reason = storage.degraded_reason
        return {"database": reason} if reason else {}

    async def _bot_api(self) -> dict[str, str]:
        try:
            async with asyncio.timeout(5):
                await self.application.bot.get_me()
        except Exception as error:  # any failure means "not ready", with its name
            return {"bot_api": type(error).__name__}
        return {}


@stream_request_body
class _UpdateHandler(RequestHandler):
    """POST <path>: one update, authenticated by the secret header, read only if authentic."""

    def initialize(self, server: WebhookServer) -> None:
        self._server = server
        self._chunks: list[bytes] = []

    def prepare(self) -> None:
        if self.request.method != "POST":
            self._refuse(405)
            return
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._server.config.secret.encode()):
            self._refuse(403)
            return
        declared = self.request.headers.get("Content-Length")
        if declared is not None and (
            not declared.isdigit() or int(declared) > self._server.config.max_body_bytes
        ):
            self._refuse(413)

    def _refuse(self, status: int) -> None:
        # Finishing in prepare() answers at once; tornado then closes the connection
        # without reading the body.
        self._server.refused += 1
        self.set_status(status)
        self.finish()

    def data_received(self, chunk: bytes) -> None:
        self._chunks.append(chunk)  # tornado stops at max_body_size, see WebhookServer

    async def post(self) -> None:
        body = b"".join(self._chunks)
        try:
            raw = json.loads(body)
        except ValueError:
            self.set_status(400)
            return
        update = parse_update(raw, self._server.application.bot)
        # An unreadable update is skipped (logged): Telegram retrying it would not help.
        if update is not None:
            chat = update.effective_chat
            async with self._server.arrivals.turn(chat.id if chat else None):
                if self._server.receive is not None:
                    await self._server.receive([(update.update_id, body.decode())])
                await self._server.application.update_queue.put(update)
        self.set_status(200)


class _HealthHandler(RequestHandler):
    def get(self) -> None:
        self.write("ok\n")


class _ReadyHandler(RequestHandler):
    def initialize(self, server: WebhookServer) -> None:
        self._server = server

    async def get(self) -> None:
        problems = await self._server.readiness.problems()
        self.set_status(503 if problems else 200)
        self.write({"ready": not problems, **problems})


def _log_request(handler: RequestHandler) -> None:
    # DEBUG only: refused posts from strangers must not be able to fill the log.
    request = handler.request
    status = handler.get_status()
    level = logging.ERROR if status >= 500 else logging.DEBUG
    log.log(
        level,
        "%s %s %d %.1fms",
        request.method,
        request.path,
        status,
        1000 * request.request_time(),
    )


class WebhookServer:
    """The HTTP side of webhook mode, on the application's event loop."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        config: WebhookConfig,
        readiness: Readiness,
        receive: Receiver | None = None,
    ) -> None:
        self.application = application
        self.config = config
        self.readiness = readiness
        self.receive = receive
        self.arrivals = ArrivalOrder()
        self.refused = 0
        routes: list[Any] = [
            (config.path, _UpdateHandler, {"server": self}),
            ("/healthz", _HealthHandler),
            ("/readyz", _ReadyHandler, {"server": self}),
            ("/metrics", MetricsHandler),
        ]
        self._http = HTTPServer(
            TornadoApplication(routes, log_function=_log_request),
            max_body_size=config.max_body_bytes,
            max_buffer_size=config.max_body_bytes + _MAX_HEADER_BYTES,
            body_timeout=config.body_timeout_seconds,
            idle_connection_timeout=config.idle_timeout_seconds,
            max_header_size=_MAX_HEADER_BYTES,
        )

    def start(self) -> None:
        listen(self._http, self.config.listen, self.config.port, "the webhook")
        log.info("webhook server listening on %s:%d", self.config.listen, self.config.port)

    async def stop(self) -> None:
        self._http.stop()
        await self._http.close_all_connections()


async def serve_webhook(
    application: Application[Any, Any, Any, Any, Any, Any],
    settings: Settings,
    *,
    until: Callable[[], Awaitable[object]] | None = None,
    receive: Receiver | None = None,
) -> None:
    """Run the application in webhook mode until SIGINT/SIGTERM (or `until` returns).

    `receive` records each update before it is acknowledged; by default the application's
    own `receive_updates` (bot.app.RingkasApplication), if it has one.
    """
    assert settings.webhook_url, "webhook mode needs WEBHOOK_URL"
    if receive is None:
        receive = getattr(application, "receive_updates", None)
    config = WebhookConfig.from_settings(settings)
    server: WebhookServer | None = None
    try:
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        readiness = Readiness(application, settings.readiness_cache_seconds)
        server = WebhookServer(application, config, readiness, receive)
        server.start()  # listening before Telegram is told where to post
        await register_webhook(application.bot, settings.webhook_url, config.secret)
        await (until() if until is not None else _stop_signal())
    finally:
        if server is not None:
            await server.stop()
        if application.running:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


async def _stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    try:
        await stop.wait()
    finally:
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(number)
