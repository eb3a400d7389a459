"""Edited messages: what the bot answered, so that an edit can update that reply in place.

The bot remembers, for the messages it answered lately, what it summarized (a signature of
the plan) and which messages it sent. An edited message is planned again: if the plan is
the same, nothing happens; otherwise it is answered, editing the earlier replies in place.
In memory only: after a restart an edited message gets a new reply.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from .pastes import Paste

MAX_REMEMBERED = 5_000


@dataclass
class Answered:
    signature: object
    replies: list[int] = field(default_factory=list)
    paste: Paste | None = None  # the message was one part of a joined paste


class ReplyLog:
    def __init__(self, size: int = MAX_REMEMBERED) -> None:
        self._size = size
        self._answered: OrderedDict[tuple[int, int], Answered] = OrderedDict()

    def get(self, chat_id: int, message_id: int) -> Answered | None:
        return self._answered.get((chat_id, message_id))

    def put(self, chat_id: int, message_id: int, answered: Answered) -> None:
        key = (chat_id, message_id)
        self._answered[key] = answered
        self._answered.move_to_end(key)
        while len(self._answered) > self._size:
            self._answered.popitem(last=False)
