"""`GET /metrics` over HTTP (tornado): on the webhook port (bot/webhook.py), or on a port of
its own in polling mode (METRICS_PORT). Loaded only when something is served: a bot polling
without metrics never loads tornado."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from .listening import listen
from .metrics import exposition

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger(__name__)


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
