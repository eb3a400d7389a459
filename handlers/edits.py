"""Edited messages: what the bot answered, so that an edit can update that reply in place.

The bot remembers, for the messages it answered lately, what it summarized (a signature of
the plan) and which messages it sent. An edited message is planned again: if the plan is
the same, nothing happens; otherwise it is answered, editing the earlier replies in place.
The database keeps the same for a while (`edit_memory_seconds`), but for long pastes, so an
edit that lands on another replica, or comes after a restart, is answered in place too
(handlers.commands.remember_answer).

A message and its edits are answered in turns: an edit that arrives while the first answer
is still under way (a slow page, a long engine queue) waits for it, then updates it, instead
of sending a second reply that the first would then follow.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from .pastes import Paste

MAX_REMEMBERED = 5_000


@dataclass
class Answered:
    signature: str | None  # None: a paste not answered yet
    replies: list[int] = field(default_factory=list)
    paste: Paste | None = None  # a part of a paste of several (only this process has them)


@dataclass
class _Turn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    holders: int = 0  # answers of the message holding or waiting for the lock


class ReplyLog:
    def __init__(self, size: int = MAX_REMEMBERED) -> None:
        self._size = size
        self._answered: OrderedDict[tuple[int, int], Answered] = OrderedDict()
        self._turns: dict[tuple[int, int], _Turn] = {}

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int, message_id: int) -> AsyncIterator[None]:
        """Answering the message (or an edit of it), after its answers under way. The first
        takes its turn without waiting, so a handler that enters this before its first await
        goes before the edits delivered after its message."""
        key = (chat_id, message_id)
        turn = self._turns.get(key)
        if turn is None:
            turn = self._turns[key] = _Turn()
        turn.holders += 1
        try:
            async with turn.lock:
                yield
        finally:
            turn.holders -= 1
            if not turn.holders:
                del self._turns[key]

    def get(self, chat_id: int, message_id: int) -> Answered | None:
        return self._answered.get((chat_id, message_id))

    def put(self, chat_id: int, message_id: int, answered: Answered) -> None:
        key = (chat_id, message_id)
        self._answered[key] = answered
        self._answered.move_to_end(key)
        while len(self._answered) > self._size:
            self._answered.popitem(last=False)
