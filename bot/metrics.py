"""Prometheus metrics of the updates, and `GET /metrics` itself.

The metrics live on the registry of service/metrics.py (its docstring says why there is
one); handlers/metrics.py has the replies'. /metrics is served on the webhook port in
webhook mode (bot/webhook.py) and, in polling mode, on METRICS_PORT if set (`MetricsServer`).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from prometheus_client import Counter
from prometheus_client.exposition import choose_encoder
from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from service.metrics import REGISTRY

from .listening import listen

if TYPE_CHECKING:  # bot.settings imports bot.updates, which counts here
    from .settings import Settings

log = logging.getLogger(__name__)

UPDATE_KINDS = ("message", "edited_message", "callback_query")

UPDATES = Counter(
    "ringkas_updates_received",
    "Updates received from Telegram (copies included), by kind: "
    + ", ".join(UPDATE_KINDS)
    + " or other.",
    ["kind"],
    registry=REGISTRY,
)
SKIPPED = Counter(
    "ringkas_updates_skipped",
    "Updates received but not answered here: copy (a duplicate delivery of one received "
    "before), elsewhere (answered or being answered by another replica).",
    ["reason"],
    registry=REGISTRY,
)

for _kind in (*UPDATE_KINDS, "other"):
    UPDATES.labels(_kind)
for _reason in ("copy", "elsewhere"):
    SKIPPED.labels(_reason)


def update_kind(payload: str) -> str:
    """What an update (its JSON as received) carries: one of UPDATE_KINDS, or "other"."""
    try:
        update = json.loads(payload)
    except ValueError:
        return "other"
    if isinstance(update, dict):
        for kind in UPDATE_KINDS:
            if kind in update:
                return kind
    return "other"


def update_received(payload: str) -> None:
    UPDATES.labels(update_kind(payload)).inc()


def exposition(accept: str) -> tuple[bytes, str]:
    """The metrics, in the format `accept` asks for (Prometheus text by default), and their
    content type."""
    encoder, content_type = choose_encoder(accept)
    return encoder(REGISTRY), content_type


class MetricsHandler(RequestHandler):
    """GET /metrics."""

    def get(self) -> None:
        body, content_type = exposition(self.request.headers.get("Accept", ""))
        self.set_header("Content-Type", content_type)
        self.write(body)


class MetricsServer:
    """/metrics on a port of its own, on the application's event loop (polling mode)."""

    def __init__(self, listen: str, port: int) -> None:
        self.listen = listen
        self.port = port
        self._http = HTTPServer(TornadoApplication([("/metrics", MetricsHandler)]))

    @classmethod
    def for_polling(cls, settings: Settings) -> MetricsServer | None:
        """The server METRICS_PORT asks for; None when unset or in webhook mode (where
        /metrics is on the webhook port)."""
        if not settings.metrics_port or settings.webhook_url:
            return None
        return cls(settings.listen_address, settings.metrics_port)

    def start(self) -> None:
        listen(self._http, self.listen, self.port, "metrics")
        log.info("metrics served on %s:%d/metrics", self.listen, self.port)

    async def stop(self) -> None:
        self._http.stop()
        await self._http.close_all_connections()
