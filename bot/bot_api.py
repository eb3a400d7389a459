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
import urllib.request
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import httpx
from telegram import Bot, Update
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from web.keepalive import HttpConnectionError, HttpTimeout, KeepAliveClient, Origin, Timeouts

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


# Of a message the bot sent: the message it replied to, and its own text's formatting,
# keyboard and link preview (the handlers read a sent message's id; the lost-answer search
# compares what was asked for, never what came back).
_UNREAD = ("reply_to_message", "entities", "reply_markup", "link_preview_options")


class BotApiRequest(HTTPXRequest):
    """PTB's request class, with calls and downloads over `web.keepalive` (PTB's httpx client
    cost a fifth of the bot's main process: see that module). File uploads, and every call
    when the environment names a proxy for the Bot API (HTTPS_PROXY, ALL_PROXY, ... and
    NO_PROXY, read as httpx reads them), go through PTB's httpx client as before.

    At most `connection_pool_size` calls at once, of which `idle_connections` stay open
    between calls (see bot_api_idle_connections in bot/settings.py). Unknown 4xx answers are
    reported as 400, so that they are never retried.

    A message the bot sent comes back without what the bot never reads of it (`_UNREAD`):
    Telegram echoes the whole message replied to (a user's article, with its entities) and
    the formatting of the bot's own text, which PTB would turn into objects. Reading a summary's
    answer took 0.15 ms of the busy main process with them, 0.06 ms without."""

    def __init__(
        self, connection_pool_size: int = 1, idle_connections: int | None = None, **kwargs: Any
    ) -> None:
        idle = connection_pool_size if idle_connections is None else idle_connections
        limits = httpx.Limits(max_connections=connection_pool_size, max_keepalive_connections=idle)
        super().__init__(
            connection_pool_size=connection_pool_size, httpx_kwargs={"limits": limits}, **kwargs
        )
        self._connections = connection_pool_size
        self._idle_connections = idle
        self._clients: dict[str, KeepAliveClient | None] = {}  # None: through a proxy
        timeout = self._client.timeout
        self._timeouts = Timeouts(
            connect=timeout.connect, write=timeout.write, read=timeout.read, pool=timeout.pool
        )

    @staticmethod
    def parse_json_payload(payload: bytes) -> JsonDict:
        answer = BaseRequest.parse_json_payload(payload)
        result = answer.get("result")
        if isinstance(result, dict) and "message_id" in result:
            for name in _UNREAD:
                result.pop(name, None)
        return answer

    async def shutdown(self) -> None:
        clients, self._clients = self._clients, {}
        for client in clients.values():
            if client is not None:
                await client.aclose()
        await super().shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        origin, target = _split_url(url)
        uploads = request_data is not None and request_data.contains_files
        client = None if uploads else self._client_for(origin)
        if client is None:
            code, payload = await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
        else:
            timeouts = self._timeouts_for(
                read_timeout, write_timeout, connect_timeout, pool_timeout
            )
            code, payload = await self._call(client, method, target, request_data, timeouts)
        if 400 <= code < 500 and code not in _KNOWN_CLIENT_ERRORS:
            return HTTPStatus.BAD_REQUEST, payload
        return code, payload

    async def _call(
        self,
        client: KeepAliveClient,
        method: str,
        target: str,
        request_data: RequestData | None,
        timeouts: Timeouts,
    ) -> tuple[int, bytes]:
        """One call as PTB's own would make it, with its errors mapped the same way."""
        headers = [("User-Agent", self.USER_AGENT)]
        body = b""
        if request_data is not None:
            headers.append(("Content-Type", "application/json"))
            body = request_data.json_payload
        try:
            return await client.request(
                method, target, headers=headers, body=body, timeouts=timeouts
            )
        except HttpTimeout as error:
            if error.phase == "pool":
                raise TimedOut(
                    "Pool timeout: every connection to the Bot API is busy; the request was "
                    "not sent"
                ) from error
            raise TimedOut from error
        except HttpConnectionError as error:
            raise NetworkError(f"{type(error).__name__}: {error}") from error

    def _client_for(self, origin: str) -> KeepAliveClient | None:
        if origin not in self._clients:
            where = Origin.of(origin)
            self._clients[origin] = (
                None
                if _proxied(where)
                else KeepAliveClient(
                    where, max_connections=self._connections, max_idle=self._idle_connections
                )
            )
        return self._clients[origin]

    def _timeouts_for(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
    ) -> Timeouts:
        """The call's own timeouts where PTB passed them, this request's defaults elsewhere."""
        defaults = self._timeouts
        if all(isinstance(value, DefaultValue) for value in (read, write, connect, pool)):
            return defaults
        return Timeouts(
            connect=defaults.connect if isinstance(connect, DefaultValue) else connect,
            write=defaults.write if isinstance(write, DefaultValue) else write,
            read=defaults.read if isinstance(read, DefaultValue) else read,
            pool=defaults.pool if isinstance(pool, DefaultValue) else pool,
        )


def _proxied(origin: Origin) -> bool:
    """Whether the environment sends calls to `origin` through a proxy (httpx, which PTB's
    client is, reads the same variables with the same standard-library functions)."""
    proxies = urllib.request.getproxies()
    if not (proxies.get(origin.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(origin.host)


def _split_url(url: str) -> tuple[str, str]:
    """("scheme://host[:port]", "/path?query") of an absolute URL."""
    scheme_end = url.index("://") + 3
    path_start = url.find("/", scheme_end)
    if path_start < 0:
        return url, "/"
    return url[:path_start], url[path_start:]


class UpdatesRequest(BotApiRequest):
    """The getUpdates connection: hands PTB only updates it can parse, after `receive`.

    The batch is filtered in `do_request`, on the raw answer (`post`, which PTB parses it
    in, is final); PTB's parse of it then takes the answer as read there, instead of reading
    the JSON a second time.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.receive: Receiver | None = None
        self._read: tuple[bytes, JsonDict] | None = None  # the last answer, and its reading

    def parse_json_payload(self, payload: bytes) -> JsonDict:  # type: ignore[override]
        read, self._read = self._read, None
        if read is not None and read[0] is payload:
            return read[1]
        return super().parse_json_payload(payload)

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
        if readable != answer["result"]:
            answer = {**answer, "result": readable}
            payload = json.dumps(answer).encode()
        self._read = (payload, answer)
        return payload
