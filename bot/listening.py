"""Opening the bot's HTTP ports (the webhook, metrics): a port that cannot be opened stops
the start with one clear line, not a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tornado.httpserver import HTTPServer


class PortUnavailable(RuntimeError):
    """A server could not listen: the port is taken, or not ours to open."""


def listen(http: HTTPServer, address: str, port: int, serving: str) -> None:
    try:
        http.listen(port, address=address)
    except OSError as error:
        reason = error.strerror or str(error)
        raise PortUnavailable(f"cannot serve {serving} on {address}:{port}: {reason}") from None
