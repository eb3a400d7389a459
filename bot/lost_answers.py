"""A message Telegram delivered although its answer never came back: found, not sent twice.

When the connection dies after a sendMessage request was written (a read timeout, the server
hanging up), Telegram may or may not have delivered the message; the Bot API has no
idempotency key, so the retry (bot/flood.py) can leave the user with two copies. Failures are
sorted first: a refused connection, a connect or pool timeout (the request never left) and any
HTTP answer (5xx included) say nothing was delivered; everything else is *unsure*.

After an unsure attempt, once the retry has delivered message M, the delivered copy, if any,
has an id between a lower bound L and M: L is the highest of the message being replied to,
the update's own message and the last id this process saw delivered in the chat. Every id in
(L, M) that this process did not itself send is probed with editMessageText carrying exactly
the text, entities, link preview and keyboard of the lost request: Telegram answers "message
is not modified" only for a message of ours with that very content, and refuses a user's
message ("can't be edited") or a missing one without changing anything. A copy found is kept
(it was first) and M deleted, so the user sees one message.

An edit changes a message of ours whose content differs, so a probe is only sent where no such
message can be in (L, M). Ours sent by this process are known (`ChatTrail.ours`); before
probing, the recovery waits for this process's other sends to the chat that were under way
(`settle_seconds`), and skips ids where another unsure send's copy may lie. It does not probe:
- without a lower bound made after this process started (a delivered id of ours, or the
  update's message dated after the start), since a previous run may have replied after L;
- while other replicas run (their replies in the chat are unknown here);
- when (L, M) holds more than `probe_span` ids (3 in groups, whose 20 messages a minute the
  probes spend), or the request has fields an edit cannot repeat (a business connection, a
  reply keyboard);
- trusting the update's message as a bound when chats' trails were forgotten (memory bound)
  after it came: replies of ours to it may be unknown.
Then, and when a probe fails, the window is written off (`ChatTrail.floor`: no later probe
looks at or below M) and the user may see two copies; a warning says so.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import httpx
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from handlers.services import handled_message

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]
Result = bool | JsonDict | list[JsonDict]
Pause = Callable[[float], Awaitable[None]]

# httpx errors raised before a byte of the request was sent.
_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)
# sendMessage fields an editMessageText repeats, or that do not change what the user sees.
_REPEATABLE = frozenset(
    {
        "chat_id",
        "text",
        "parse_mode",
        "entities",
        "link_preview_options",
        "reply_markup",
        "reply_parameters",
        "reply_to_message_id",
        "allow_sending_without_reply",
        "disable_notification",
        "protect_content",
        "message_thread_id",
    }
)
_EDITED_FIELDS = ("chat_id", "text", "parse_mode", "entities", "link_preview_options")
_MAX_OURS = 128  # ids remembered per chat; windows are far narrower (probe_span)
_MAX_TRAILS = 4096
_GROUP_PROBE_SPAN = 3


def is_unsure(error: TelegramError) -> bool:
    """Whether the failed request may have reached Telegram and taken effect."""
    if isinstance(error, BadRequest) or not isinstance(error, NetworkError):
        return False
    cause = error.__cause__
    if isinstance(cause, _NEVER_SENT):
        return False
    if cause is None or isinstance(cause, TelegramError):
        # PTB read an HTTP answer (5xx), unless it is a bare timeout (always from httpx).
        return isinstance(error, TimedOut)
    return True  # read timeouts, dropped connections, anything unknown


def creates_messages(endpoint: str) -> bool:
    return endpoint.startswith(("send", "copyMessage", "forwardMessage")) and (
        endpoint != "sendChatAction"
    )


@dataclass(eq=False)
class Send:
    """One message-creating request to a chat, while the pacer handles it."""

    seq: int
    endpoint: str
    on_wire_since: float | None = None  # loop time the current attempt was written
    last_written: float = 0.0  # loop time the last attempt was written
    bound: tuple[int, bool] = (0, False)  # the lower bound before that attempt, and its trust
    unsure_above: int | None = None  # an unsure attempt's copy, if any, has an id above this
    unsure_attempts: int = 0
    trusted: bool = True  # unsure_above was made after this process started


@dataclass(eq=False, slots=True)
class ChatTrail:
    """What this process knows of the messages in one chat. The bot keeps thousands (one
    per chat heard from lately), so each is kept small: its ids in a list rather than a
    deque (which allocates room for 64 up front), and no Event unless a recovery waits."""

    highest: int = 0  # the highest id this process saw delivered
    floor: int = 0  # ids at or below are never probed: a copy not accounted for may be there
    # When an unsure send was given up: its copy may have any id up to the first one
    # delivered for an attempt written later. No probing until then.
    blind_since: float | None = None
    ours: list[int] = field(default_factory=list)  # the last _MAX_OURS ids we sent
    active: set[Send] = field(default_factory=set)
    _changed: asyncio.Event | None = None  # set at the next change; made when one waits

    def add_ours(self, *message_ids: int) -> None:
        self.ours.extend(message_ids)
        del self.ours[:-_MAX_OURS]

    def next_change(self) -> asyncio.Event:
        """An event set at the trail's next change."""
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def note_change(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None


class LostAnswers:
    """The pacer's bookkeeping of delivered message ids, and the search for lost answers."""

    def __init__(self, *, probe_span: int, settle_seconds: float) -> None:
        self.probe_span = probe_span
        self.settle_seconds = settle_seconds
        self.replicas = 1
        self.started = time.time()
        # When chats' trails were last forgotten (to bound memory): a message older than that
        # may have replies of ours that the chat's new trail does not know.
        self._forgotten_at = 0.0
        self._trails: dict[int | str, ChatTrail] = {}
        self._numbers = count()

    def begin(self, chat: int | str | None, endpoint: str) -> Send | None:
        if chat is None or not creates_messages(endpoint):
            return None
        send = Send(next(self._numbers), endpoint)
        self.trail(chat).active.add(send)
        return send

    def end(self, chat: int | str | None, send: Send | None, delivered: bool) -> None:
        if send is None or chat is None:
            return
        trail = self.trail(chat)
        trail.active.discard(send)
        if not delivered and send.unsure_attempts:
            trail.blind_since = asyncio.get_running_loop().time()
        trail.note_change()

    def trail(self, chat: int | str) -> ChatTrail:
        trail = self._trails.get(chat)
        if trail is None:
            if len(self._trails) >= _MAX_TRAILS:
                self._forget_idle()
            trail = self._trails[chat] = ChatTrail()
        return trail

    def _forget_idle(self) -> None:
        # Chats with nothing under way, plainest first (written-off windows are kept longest).
        idle = [(key, t) for key, t in self._trails.items() if not t.active]
        idle.sort(key=lambda item: item[1].floor > 0 or item[1].blind_since is not None)
        for key, _ in idle[: max(1, len(idle) // 2)]:
            del self._trails[key]
        self._forgotten_at = time.time()

    def attempt_starts(self, chat: int | str, send: Send, data: JsonDict, now: float) -> None:
        send.on_wire_since = send.last_written = now
        send.bound = self._lower_bound(chat, data)

    def attempt_ends(self, chat: int | str, send: Send, unsure: bool) -> None:
        send.on_wire_since = None
        if unsure:
            bound, trusted = send.bound
            if send.unsure_above is None or bound < send.unsure_above:
                send.unsure_above, send.trusted = bound, trusted
            send.unsure_attempts += 1
        self.trail(chat).note_change()

    def delivered(self, chat: int | str, send: Send, result: Result) -> None:
        ids = _message_ids(result)
        trail = self.trail(chat)
        trail.add_ours(*ids)
        trail.highest = max([trail.highest, *ids])
        if ids and trail.blind_since is not None and send.last_written > trail.blind_since:
            trail.floor, trail.blind_since = max(trail.floor, *ids), None
        trail.note_change()

    def _lower_bound(self, chat: int | str, data: JsonDict) -> tuple[int, bool]:
        """An id below any message created from now on in `chat`, and whether it was made
        after this process started (so that no earlier run's reply can lie above it)."""
        trail = self.trail(chat)
        bound, trusted = trail.highest, trail.highest > 0
        handled = handled_message()
        if handled is not None and handled.chat_id == chat:
            bound = max(bound, handled.message_id)
            # Telegram's dates are whole seconds: a message of the start's second counts as
            # after it. A previous run ended more than a second before (start-up takes longer).
            # Trails forgotten since the message came may have held replies to it: then the
            # message proves nothing (strictly later: the same second is not after).
            if handled.created >= int(self.started) and handled.created > int(self._forgotten_at):
                trusted = True
        return max(bound, _replied_to(chat, data)), trusted

    # ---- after the retry delivered -----------------------------------------------------------

    async def settle(
        self,
        chat: int | str,
        send: Send,
        data: JsonDict,
        result: Result,
        probe: Callable[[str, JsonDict], Awaitable[Result]],
        pause: Pause,
    ) -> Result:
        """`result` of a request delivered after unsure attempts, with the earlier copy kept
        and the new one deleted when there was one."""
        delivered = _message_ids(result)
        if send.unsure_above is None or len(delivered) != 1 or not isinstance(result, dict):
            return result
        newest = delivered[0]
        trail = self.trail(chat)
        window = await self._window(trail, send, newest, data, pause)
        if window is None:
            self._write_off(chat, trail, newest)
            return result
        copies: list[int] = []
        for candidate in window:
            verdict = await self._probe(probe, data, candidate)
            if verdict is None:
                self._write_off(chat, trail, newest)
                return result
            if verdict:
                copies.append(candidate)
                if len(copies) == send.unsure_attempts:
                    break
        if not copies:
            return result  # nothing delivered before: every id in the window is accounted for
        kept, extra = copies[0], [*copies[1:], newest]
        for message_id in extra:
            if not await _delete(probe, chat, message_id, pause):
                log.warning(
                    "%s to chat %s: a second copy could not be deleted", send.endpoint, chat
                )
                trail.add_ours(*copies)
                return result
        trail.add_ours(kept)
        log.info(
            "%s to chat %s: delivered although its answer was lost (message %d); "
            "the retry's copy is deleted",
            send.endpoint,
            chat,
            kept,
        )
        return {**result, "message_id": kept}

    async def _window(
        self, trail: ChatTrail, send: Send, newest: int, data: JsonDict, pause: Pause
    ) -> list[int] | None:
        """The ids to probe, lowest first, or None when probing is not safe."""
        assert send.unsure_above is not None
        if send.endpoint != "sendMessage" or self.replicas > 1:
            return None
        if not set(data) <= _REPEATABLE or not _inline_or_none(data.get("reply_markup")):
            return None
        answered = asyncio.get_running_loop().time()
        if not await self._settled(trail, send, answered, pause):
            return None
        # A written-off window's end is a delivered id of ours: a bound made after the start.
        if not (send.trusted or trail.floor > 0) or trail.blind_since is not None:
            return None
        ceiling = min(
            (o.unsure_above for o in trail.active if o is not send and o.unsure_above is not None),
            default=newest,
        )
        low = max(send.unsure_above, trail.floor)
        # Groups: every probe spends the group's 20 messages a minute, which its other replies
        # wait for; a narrow window only.
        span = self.probe_span if _is_private(data) else min(self.probe_span, _GROUP_PROBE_SPAN)
        if newest - low - 1 > span:
            return None
        ours = set(trail.ours)
        window = [i for i in range(low + 1, min(newest, ceiling + 1)) if i not in ours]
        if ceiling < newest - 1:
            # Another unsure send's copy may lie above `ceiling`: ids there stay unprobed.
            trail.floor = max(trail.floor, newest)
        return window

    async def _settled(self, trail: ChatTrail, send: Send, answered: float, pause: Pause) -> bool:
        """Wait until this process's other sends to the chat that could have a message below
        the retry's are accounted for: none on the wire since before the retry's answer, no
        earlier unsure one (a later one's copy is kept out of the window instead)."""
        deadline = answered + self.settle_seconds
        loop = asyncio.get_running_loop()
        while True:
            waiting = [
                other
                for other in trail.active
                if other is not send
                and (
                    (other.on_wire_since is not None and other.on_wire_since < answered)
                    or (other.unsure_above is not None and other.seq < send.seq)
                )
            ]
            if not waiting:
                return True
            left = deadline - loop.time()
            if left <= 0:
                return False
            changed = trail.next_change()
            try:
                await asyncio.wait_for(changed.wait(), min(left, 0.5))
            except TimeoutError:
                await pause(0)  # gives up at once when the bot stops

    async def _probe(
        self, probe: Callable[[str, JsonDict], Awaitable[Result]], data: JsonDict, message_id: int
    ) -> bool | None:
        """True: `message_id` is ours with the lost request's content; False: it is not ours
        or does not exist; None: the probe failed, or (never meant to happen) it changed a
        message."""
        edit = {key: data[key] for key in _EDITED_FIELDS if key in data}
        if "reply_markup" in data:
            edit["reply_markup"] = data["reply_markup"]
        edit["message_id"] = message_id
        try:
            await probe("editMessageText", edit)
        except BadRequest as error:
            return "not modified" in str(error).lower()
        except TelegramError as error:
            log.warning("looking for a lost answer failed (%s)", error)
            return None
        log.error("chat %s: probing message %d changed it", data.get("chat_id"), message_id)
        return None

    def _write_off(self, chat: int | str, trail: ChatTrail, newest: int) -> None:
        trail.floor = max(trail.floor, newest)
        log.warning(
            "sendMessage to chat %s: its answer was lost and its copy could not be looked "
            "for; the user may see it twice",
            chat,
        )


async def _delete(
    call: Callable[[str, JsonDict], Awaitable[Result]],
    chat: int | str,
    message_id: int,
    pause: Pause,
) -> bool:
    for attempt in range(3):
        try:
            await call("deleteMessage", {"chat_id": chat, "message_id": message_id})
            return True
        except BadRequest as error:
            return "not found" in str(error).lower()  # an earlier attempt did it
        except TelegramError:
            await pause(0.5 * 2**attempt)
    return False


def _message_ids(result: Result) -> list[int]:
    messages = result if isinstance(result, list) else [result]
    return [
        m["message_id"]
        for m in messages
        if isinstance(m, dict) and isinstance(m.get("message_id"), int)
    ]


def _is_private(data: JsonDict) -> bool:
    chat = data.get("chat_id")
    return isinstance(chat, int) and chat > 0


def _replied_to(chat: int | str, data: JsonDict) -> int:
    reply = data.get("reply_parameters")
    if isinstance(reply, dict):
        target, in_chat = reply.get("message_id"), reply.get("chat_id", chat)
    elif reply is not None:
        target, in_chat = getattr(reply, "message_id", None), getattr(reply, "chat_id", None)
        in_chat = chat if in_chat is None else in_chat
    else:
        target, in_chat = data.get("reply_to_message_id"), chat
    return target if isinstance(target, int) and in_chat == chat else 0


def _inline_or_none(markup: object) -> bool:
    if markup is None or isinstance(markup, InlineKeyboardMarkup):
        return True
    return isinstance(markup, dict) and "inline_keyboard" in markup
