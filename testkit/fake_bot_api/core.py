"""The server's core: lifecycle, HTTP dispatch of Bot API calls, the update queue, the stored
chats and messages, and what tests observe (calls, sent messages, waiting for them).

The concerns built on it (injecting updates, the methods, polling, webhooks, files, members,
the control API) are mixins in their own modules; server.py puts them together.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .faults import FaultQueue
from .incoming import make_group_chat, make_private_chat
from .models import RecordedCall, StoredMessage
from .validation import ALL_UPDATE_TYPES, DEFAULT_UPDATE_TYPES
from .wire import (
    DEFAULT_ERROR_DESCRIPTIONS,
    TOKEN_SHAPE,
    ApiError,
    JsonDict,
    bad_request,
    decode_params,
    json_copy,
    json_response,
    read_wire_params,
)

DEFAULT_TOKEN = "123456:TEST-token"

MethodHandler = Callable[[JsonDict], Awaitable[Any]]


class Core:
    """State and plumbing shared by every concern of the fake Bot API."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "ringkas_test_bot",
        bot_first_name: str = "Ringkas Test",
    ) -> None:
        if not TOKEN_SHAPE.fullmatch(token):
            raise ValueError(f"token must look like '123456:ABC-def', got {token!r}")
        self.token = token
        self.bot_user: JsonDict = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.calls: list[RecordedCall] = []
        self.faults = FaultQueue()
        # Seconds every method but getUpdates waits before it answers: a Bot API far away, or
        # having a slow minute (the bot then has that many more requests in flight).
        self.answer_delay = 0.0
        self._methods: dict[str, tuple[str, MethodHandler]] = {
            name.lower(): (name, handler) for name, handler in self._method_table().items()
        }
        self._update_ids = itertools.count(100_000_001)
        self._callback_ids = itertools.count(4_242_000_000_000_000_001)
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0
        self._closing = False
        self._activity = asyncio.Event()
        self._clear_state()

    def _clear_state(self) -> None:
        """Forget chats, messages and queued updates; each mixin extends this for its own."""
        self._queue: list[JsonDict] = []
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._chats: dict[int, JsonDict] = {}
        self._users: dict[int, JsonDict] = {}
        self._messages: dict[tuple[int, int], StoredMessage] = {}
        self._sent: list[tuple[int, int]] = []
        self._last_message_id: dict[int, int] = {}
        self._open_callback_queries: set[str] = set()
        self.faults.clear()

    def _method_table(self) -> dict[str, MethodHandler]:
        raise NotImplementedError

    def _add_routes(self, app: web.Application) -> None:
        """Routes besides ``/bot<token>/<method>``; mixins extend this."""

    def _update_queued(self) -> None:
        """Called when an update joins the queue; mixins that deliver updates extend this."""

    async def _stopping(self) -> None:
        """Called first in :meth:`stop`; mixins with background work extend this."""

    # ---- lifecycle ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self._add_routes(app)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        # handler_cancellation: a long poll whose client went away stops waiting at once.
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        self._host = host
        self._port = runner.addresses[0][1]
        self._closing = False

    async def stop(self) -> None:
        self._closing = True
        await self._stopping()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)`` / TELEGRAM_BASE_URL; PTB appends ``{token}/{method}``."""
        if not self._port:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://{self._host}:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``Bot(base_file_url=...)``: files are at ``<this><token>/<file_path>``."""
        return f"http://{self._host}:{self._port}/file/bot"

    @property
    def control_url(self) -> str:
        return f"http://{self._host}:{self._port}/_control"

    @property
    def pending_update_count(self) -> int:
        """Updates queued and not yet confirmed (getUpdates offset) or delivered (webhook)."""
        return len(self._queue)

    def reset(self) -> None:
        """Forgets calls, messages, queued updates and faults (update ids keep increasing)."""
        self.calls.clear()
        self._clear_state()

    # ---- the update queue and the stored chats -----------------------------------------------

    def inject_update(self, update: JsonDict) -> JsonDict | None:
        """Queues a raw update (a fresh ``update_id`` is assigned) for delivery.

        Returns the queued update, or None when the bot's ``allowed_updates`` excludes its type
        (Telegram does not even queue those).
        """
        kinds = [key for key in update if key != "update_id"]
        if len(kinds) != 1 or kinds[0] not in ALL_UPDATE_TYPES:
            raise ValueError(f"an update holds exactly one known update type, got {kinds}")
        kind = kinds[0]
        if not isinstance(update[kind], dict):
            raise ValueError(f"the {kind} of an update is a JSON object")
        queued = {"update_id": next(self._update_ids), kind: json_copy(update[kind])}
        self._remember(queued[kind])
        if kind not in self._allowed_updates:
            return None
        self._queue.append(queued)
        self._update_queued()
        self._pulse()
        return json_copy(queued)

    def take_queued(self) -> list[JsonDict]:
        """Removes and returns the queued updates, for a test that delivers them itself (to
        one webhook replica or another, or twice)."""
        taken, self._queue = self._queue, []
        return json_copy(taken)

    def deliver_again(self, update: JsonDict) -> None:
        """Queues an update delivered before once more, with its own ``update_id``: Telegram
        does so when it never learned that the first delivery arrived (a lost confirmation,
        a webhook answer that timed out)."""
        self._queue.append(json_copy(update))
        self._update_queued()
        self._pulse()

    def _remember(self, payload: JsonDict) -> None:
        sender = payload.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            self._users[sender["id"]] = json_copy(sender)
        if "chat" in payload and "message_id" in payload:
            self._store_incoming(payload)
        elif isinstance(payload.get("chat"), dict):
            self._chats[payload["chat"]["id"]] = json_copy(payload["chat"])

    def _store_incoming(self, message: JsonDict) -> None:
        chat = message["chat"]
        self._chats[chat["id"]] = json_copy(chat)
        key = (chat["id"], message["message_id"])
        self._last_message_id[chat["id"]] = max(
            self._last_message_id.get(chat["id"], 0), message["message_id"]
        )
        self._messages[key] = StoredMessage(json_copy(message), from_bot=False)

    def _next_message_id(self, chat_id: int) -> int:
        next_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = next_id
        return next_id

    def _chat_for(self, chat_id: int | None, user: JsonDict) -> JsonDict:
        """The private chat with ``user``, or the group ``chat_id`` (negative)."""
        if chat_id is None or chat_id == user["id"]:
            return make_private_chat(user)
        if chat_id > 0:
            raise ValueError("a positive chat_id is a private chat and must equal user_id")
        return self._chats.get(chat_id) or make_group_chat(chat_id)

    def _channel_origin(self, title: str) -> JsonDict:
        """``forward_origin`` of a post forwarded from the channel called ``title``."""
        channel_id = -1_000_000_000_000 - (sum(map(ord, title)) % 1_000_000_000)
        return {
            "type": "channel",
            "chat": {"id": channel_id, "title": title, "type": "channel"},
            "message_id": 1000 + len(self._messages),
            "date": int(time.time()) - 60,
        }

    def _require_chat(self, params: JsonDict) -> JsonDict:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            username = chat_id.removeprefix("@").lower()
            for chat in self._chats.values():
                if str(chat.get("username", "")).lower() == username:
                    return chat
            raise bad_request("chat not found")
        known = self._chats.get(chat_id)
        if known is None:
            raise bad_request("chat not found")
        return known

    def _check_bot_may_write(self, chat: JsonDict) -> None:
        """Raises the API's 403 when the bot may not write to ``chat``; see members.py."""

    def _base_message(self, chat: JsonDict, user: JsonDict) -> JsonDict:
        return {
            "message_id": self._next_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
        }

    # ---- faults ------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        description: str | None = None,
        after: int = 0,
    ) -> None:
        """The next ``times`` calls of ``method`` get an error answer without side effects
        (once ``after`` calls went through).

        ``retry_after`` is sent (as ``parameters.retry_after``) only with status 429.
        """
        self.faults.fail_next(
            method,
            status=status,
            retry_after=retry_after,
            times=times,
            description=description,
            after=after,
        )

    def drop_next(self, method: str, times: int = 1, *, after_processing: bool = False) -> None:
        """The next ``times`` calls of ``method`` lose their connection without an answer.

        With ``after_processing`` the call takes effect first (a message is sent) and only the
        answer is lost, as when a network dies on the way back.
        """
        self.faults.drop_next(method, times, after_processing=after_processing)

    # ---- HTTP: the Bot API -------------------------------------------------------------------

    def _token_error(self, token: str) -> web.Response | None:
        if token == self.token:
            return None
        # Telegram: 401 for a well-formed but wrong token, 404 for a malformed one.
        status = 401 if TOKEN_SHAPE.fullmatch(token) else 404
        return json_response(ApiError(status, DEFAULT_ERROR_DESCRIPTIONS[status]).to_json())

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        arrived = time.time()
        token, method_name = request.match_info["token"], request.match_info["method"]
        refused = self._token_error(token)
        if refused is not None:
            return refused
        entry = self._methods.get(method_name.lower())
        method = entry[0] if entry else method_name
        wire: dict[str, str] = {}
        try:
            wire = await read_wire_params(request)
            params = decode_params(wire)
        except ApiError as error:
            # Recorded with the undecoded values, so a test can see what the bot got wrong.
            return self._answer(method, dict(wire), arrived, error.to_json())
        if entry is None:
            return self._answer(method, params, arrived, ApiError(404, "Not Found").to_json())
        fault = self.faults.take(method)
        if fault is not None and fault.kind == "drop" and not fault.after_processing:
            return self._drop(request, method, params, arrived)
        if fault is not None and fault.kind == "fail":
            failure = ApiError(fault.status, fault.description, fault.retry_after)
            return self._answer(method, params, arrived, failure.to_json(), fault="failed")
        if self.answer_delay > 0 and method != "getUpdates":
            await asyncio.sleep(self.answer_delay)
        try:
            body: JsonDict = {"ok": True, "result": await entry[1](params)}
        except ApiError as error:
            body = error.to_json()
        if fault is not None:
            return self._drop(request, method, params, arrived)
        return self._answer(method, params, arrived, body)

    def _answer(
        self,
        method: str,
        params: JsonDict,
        arrived: float,
        body: JsonDict,
        *,
        fault: str | None = None,
    ) -> web.Response:
        status = 200 if body["ok"] else body["error_code"]
        self._record(RecordedCall(method, params, arrived, status, body, fault))
        return json_response(body)

    def _drop(
        self, request: web.Request, method: str, params: JsonDict, arrived: float
    ) -> web.Response:
        self._record(RecordedCall(method, params, arrived, 0, None, "dropped"))
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=500)  # never reaches the client: the socket is gone

    def _pulse(self) -> None:
        """Wakes whoever waits for activity (see observe.py)."""
        self._activity.set()
        self._activity = asyncio.Event()

    def _record(self, call: RecordedCall) -> None:
        self.calls.append(call)
        self._pulse()

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        return json_response(ApiError(404, "Not Found").to_json())
