"""How the bot talks HTTP to the Bot API: updates are read one at a time, and Telegram's
answers are sorted into "retry later" and "never retry".

PTB parses a whole getUpdates batch at once: one update it cannot read (a `message` without
`date`) fails the batch, the offset never moves past it, and polling retries forever while
logging the raw batch (message text included) at CRITICAL. Here each update is parsed on its
own; one that cannot be read becomes a bare `{"update_id": N}`, which no handler matches, so
PTB confirms it with the next offset and moves on.

The batch is also handed to `UpdatesRequest.receive` (bot/updates.py records it in the
database) before getUpdates returns: the next getUpdates confirms it to Telegram.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import httpx
from telegram import Bot, Update
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]
# Takes (update id, the update's JSON) for each update of a batch.
Receiver = Callable[[list[tuple[int, str]]], Awaitable[None]]

# Client errors that PTB maps to their own exception types; any other 4xx is reported as a
# 400 so that it is never retried (PTB would raise a plain, retryable NetworkError).
_KNOWN_CLIENT_ERRORS = frozenset(
    {
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.UNAUTHORIZED,
        HTTPStatus.FORBIDDEN,
        HTTPStatus.NOT_FOUND,
        HTTPStatus.CONFLICT,
        HTTPStatus.TOO_MANY_REQUESTS,
    }
)


def parse_update(raw: object, bot: Bot | None) -> Update | None:
    """The update in `raw`, or None (logged by update id only) when it cannot be read."""
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    try:
        update = Update.de_json(raw, bot) if isinstance(raw, dict) else None
    except Exception as error:  # anything a malformed payload makes PTB raise
        log.warning(
            "update %s could not be read (%s); skipped", _shown_id(update_id), type(error).__name__
        )
        return None
    if update is None:
        log.warning("update %s could not be read; skipped", _shown_id(update_id))
    return update


def _shown_id(update_id: object) -> str:
    return str(update_id) if isinstance(update_id, int) else "without an id"


def readable_updates(batch: list[Any]) -> list[JsonDict]:
    """The batch with every unreadable update replaced by its bare id (or left out, if it has
    no id: then there is nothing to confirm it with)."""
    readable: list[JsonDict] = []
    for raw in batch:
        if parse_update(raw, None) is not None:
            readable.append(raw)
        elif isinstance(raw, dict) and isinstance(raw.get("update_id"), int):
            readable.append({"update_id": raw["update_id"]})
    return readable


class BotApiRequest(HTTPXRequest):
    """PTB's HTTPX request, with unknown 4xx answers reported as 400 (never retried), and
    at most `idle_connections` of its connections kept open between calls (PTB keeps every
    one: see bot_api_idle_connections in bot/settings.py for what that costs)."""

    def __init__(
        self, connection_pool_size: int = 1, idle_connections: int | None = None, **kwargs: Any
    ) -> None:
        limits = httpx.Limits(
            max_connections=connection_pool_size,
            max_keepalive_connections=(
                connection_pool_size if idle_connections is None else idle_connections
            ),
        )
        super().__init__(
            connection_pool_size=connection_pool_size, httpx_kwargs={"limits": limits}, **kwargs
        )

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        if 400 <= code < 500 and code not in _KNOWN_CLIENT_ERRORS:
            return HTTPStatus.BAD_REQUEST, payload
        return code, payload


class UpdatesRequest(BotApiRequest):
    """The getUpdates connection: hands PTB only updates it can parse, after `receive`.

    The batch is filtered in `do_request`, on the raw answer (`post`, which PTB parses it
    in, is final).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.receive: Receiver | None = None

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(url, *args, **kwargs)
        if code == HTTPStatus.OK and url.endswith("/getUpdates"):
            payload = await self._readable_answer(payload)
        return code, payload

    async def _readable_answer(self, payload: bytes) -> bytes:
        try:
            answer = json.loads(payload)
        except ValueError:
            return payload  # PTB reports an unreadable answer itself
        if not isinstance(answer, dict) or not isinstance(answer.get("result"), list):
            return payload
        readable = readable_updates(answer["result"])
        if readable and self.receive is not None:
            await self.receive(
                [
                    (raw["update_id"], json.dumps(raw, ensure_ascii=False))
                    for raw in readable
                    if isinstance(raw.get("update_id"), int)
                ]
            )
        if readable == answer["result"]:
            return payload
        return json.dumps({**answer, "result": readable}).encode()
