"""Joining a long paste that Telegram's clients split into several messages.

A message longer than 4,096 characters cannot be sent: the client cuts it and sends the
parts back to back. Telegram Desktop cuts at the best break (paragraph, line, sentence,
word) after half of the limit, so every part but the last is at least NEAR_LIMIT_CHARS long
(bench/pastes.py replays that cut on 923 news articles, IndoSum and the extraction
benchmark: of the 128 non-final parts the shortest was 2,414 characters, 1% were under 2,724,
the median 3,912). So:

- a text of at least NEAR_LIMIT_CHARS from a user opens a paste;
- the next message from the same user in the same private chat is its next part when it
  directly follows it (the next message id; or, after a part of at least WAIT_CHARS, the
  next after the bot's answer to the paste: a part slow to upload is numbered after that
  answer; nothing else came in between) and Telegram stamped it (`date`, whole seconds) at
  most SENT_TOGETHER_SECONDS after the part before (parts are sent back to back; a person
  cannot paste a second article that fast); when forwarded, it comes from the same
  origin, with original stamps as close;
- after a part of at least WAIT_CHARS (where 91% of the measured non-final parts lie, and
  only 3.7% of whole articles) the bot waits `window` seconds for the next part to arrive
  before it answers; a shorter part ends the paste at once. After a near-limit part below
  WAIT_CHARS it answers at once (most such messages are whole articles, which should not
  wait); a next part then updates that reply. So does a part that arrives after the answer
  (up to `late_window`) but was sent with the others.

Registration is synchronous: the handlers call `offer` before their first `await`, so parts
are taken in the order Telegram delivered them even with concurrent update processing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from telegram import Message, MessageOriginChannel, MessageOriginChat, MessageOriginUser

NEAR_LIMIT_CHARS = 2048  # half of Telegram's 4,096-character message limit
WAIT_CHARS = 3500
SENT_TOGETHER_SECONDS = 3
_SENTENCE_END = tuple(".!?…\"'”’)")
MAX_PASTES = 1_000  # older ones are forgotten past this (a paste holds up to ~40 KB)


class Role(Enum):
    ALONE = "alone"  # not part of a paste: answer it by itself
    OWNER = "owner"  # the first part: wait for the rest, then answer the whole
    JOINED = "joined"  # a later part, taken by the owner: nothing more to do
    LATE = "late"  # a part after the answer: update the paste's reply


class Latch:
    """A flag that, once set, stays set; `wait` returns when it is. As `asyncio.Event`, but
    its event is made only while someone waits (hand-written for the joiner, which remembers
    up to MAX_PASTES pastes, most long after anyone waits on them: an Event and its waiter
    deque take some 0.7 KB)."""

    __slots__ = ("_event", "_is_set")

    def __init__(self) -> None:
        self._is_set = False
        self._event: asyncio.Event | None = None

    def is_set(self) -> bool:
        return self._is_set

    def set(self) -> None:
        self._is_set = True
        if self._event is not None:
            self._event.set()  # wakes every waiter; later ones return at once
            self._event = None

    async def wait(self) -> None:
        if self._is_set:
            return
        if self._event is None:
            self._event = asyncio.Event()
        await self._event.wait()


@dataclass(eq=False)
class Paste:
    first: Message
    parts: dict[int, str]  # message id -> text
    last_at: float  # when the last part arrived (the bot's clock)
    last_sent: tuple[float, float | None]  # Telegram's stamps of the last part (and origin)
    first_sent: tuple[float, float | None]  # ... and of the first part
    expecting: bool = True  # the last part was near the limit: more may follow
    closed: bool = False  # the owner stopped waiting
    final: Latch = field(default_factory=Latch)  # no more parts are expected
    answered: Latch = field(default_factory=Latch)  # the owner's first answer went out
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    replies: list[int] = field(default_factory=list)
    signature: str | None = None

    @property
    def text(self) -> str:
        """The parts in message order, joined as they were cut."""
        joined = ""
        for _, part in sorted(self.parts.items()):
            if not joined:
                joined = part
            elif joined.rstrip().endswith(_SENTENCE_END):
                joined = joined.rstrip() + "\n\n" + part.lstrip()
            else:
                joined = joined.rstrip() + " " + part.lstrip()
        return joined

    @property
    def message_ids(self) -> list[int]:
        return sorted(self.parts)


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _origin(message: Message) -> object:
    origin = message.forward_origin
    if origin is None:
        return None
    if isinstance(origin, MessageOriginChannel):
        return ("channel", origin.chat.id)
    if isinstance(origin, MessageOriginChat):
        return ("chat", origin.sender_chat.id)
    if isinstance(origin, MessageOriginUser):
        return ("user", origin.sender_user.id)
    return ("hidden", getattr(origin, "sender_user_name", None))


def _sender(message: Message) -> tuple[int, int, object]:
    """Whose pastes a message may join: the chat, the user and the forward's origin."""
    user = message.from_user.id if message.from_user else 0
    return message.chat_id, user, _origin(message)


def _stamps(message: Message) -> tuple[float, float | None]:
    origin = message.forward_origin
    return message.date.timestamp(), origin.date.timestamp() if origin is not None else None


def _sent_together(before: tuple[float, float | None], after: tuple[float, float | None]) -> bool:
    return all(
        first is None or second is None or 0 <= second - first <= SENT_TOGETHER_SECONDS
        for first, second in zip(before, after, strict=True)
    )


class PasteJoiner:
    def __init__(
        self,
        window: float,
        late_window: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.late_window = late_window
        self._clock = clock
        self._pastes: dict[tuple[int, int, object], Paste] = {}

    def __len__(self) -> int:
        """Pastes remembered, for later parts to join."""
        return len(self._pastes)

    def holding(self, message: Message) -> Paste | None:
        """The remembered paste that has `message` (say, an edited one) as a part."""
        paste = self._pastes.get(_sender(message))
        return paste if paste is not None and message.message_id in paste.parts else None

    def offer(self, message: Message, text: str) -> tuple[Role, Paste | None]:
        """Place a text message: alone, the first part of a paste, or a later part."""
        key = _sender(message)
        now = self._clock()
        near_limit = utf16_length(text) >= NEAR_LIMIT_CHARS
        paste = self._pastes.get(key)
        stamps = _stamps(message)
        if paste is not None and text not in paste.parts.values():  # the same text: a new message
            role = self._role_of_next(paste, now)
            if role is not None and self._follows(paste, message.message_id, stamps):
                paste.parts[message.message_id] = text
                paste.last_at = now
                self._pastes[key] = self._pastes.pop(key)  # kept in the order of last parts
                paste.last_sent = stamps
                paste.expecting = near_limit
                if not near_limit:
                    paste.final.set()
                return role, paste
            earlier = near_limit and self._precedes(paste, message.message_id, stamps)
            if role is not None and earlier:
                paste.parts[message.message_id] = text
                paste.first_sent = stamps
                return role, paste
        if not near_limit:
            return Role.ALONE, None
        self._forget_old(now)
        paste = Paste(
            message, {message.message_id: text}, last_at=now, last_sent=stamps, first_sent=stamps
        )
        self._pastes.pop(key, None)  # a new paste from the same sender goes last
        self._pastes[key] = paste
        return Role.OWNER, paste

    @staticmethod
    def _follows(paste: Paste, message_id: int, stamps: tuple[float, float | None]) -> bool:
        """The next part after the paste's last one. Nothing came in between, except the
        bot's answer to the paste after a part the bot waited for: a part slow to upload
        (past the wait) is numbered after that answer."""
        last = max(paste.parts)
        between = range(last + 1, message_id)
        answered_between = utf16_length(paste.parts[last]) >= WAIT_CHARS and all(
            message in paste.replies for message in between
        )
        return (
            paste.expecting
            and message_id > last
            and (not between or answered_between)
            and _sent_together(paste.last_sent, stamps)
        )

    @staticmethod
    def _precedes(paste: Paste, message_id: int, stamps: tuple[float, float | None]) -> bool:
        """A part before the paste's first one, delivered after it: webhook deliveries run
        in parallel, and the one recorded first (not always the earlier) is handled first."""
        return message_id == min(paste.parts) - 1 and _sent_together(stamps, paste.first_sent)

    def _role_of_next(self, paste: Paste, now: float) -> Role | None:
        if not paste.closed:
            return Role.JOINED  # the owner is still waiting and takes it
        return Role.LATE if now - paste.last_at <= self.late_window else None

    async def gather(self, paste: Paste) -> None:
        """Wait (as the owner) until the paste is complete or the window has passed."""
        if utf16_length(paste.parts[min(paste.parts)]) < WAIT_CHARS:
            paste.closed = True  # most likely a whole article: answer now, update if more comes
            return
        while not paste.final.is_set():
            remaining = paste.last_at + self.window - self._clock()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(paste.final.wait(), remaining)
            except TimeoutError:
                continue
        paste.closed = True

    def _forget_old(self, now: float) -> None:
        """Forget the pastes whose last part is older than the late window, and the oldest
        past MAX_PASTES. They are kept in the order of their last part, so this stops at the
        first one to keep instead of reading them all for every new paste."""
        while self._pastes:
            key, oldest = next(iter(self._pastes.items()))
            if len(self._pastes) < MAX_PASTES and now - oldest.last_at <= self.late_window:
                return
            del self._pastes[key]
