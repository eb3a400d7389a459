"""What tests observe: the calls the bot made, the messages it sent (as they are now, after
edits), and waiting for either with a timeout that says what the bot did instead."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from .core import Core
from .models import RecordedCall
from .wire import JsonDict, json_copy, short

CallPredicate = Callable[[RecordedCall], bool]


class ObserveMixin(Core):
    def sent_messages(self, chat_id: int | None = None) -> list[JsonDict]:
        """Messages the bot sent (current state after edits; deleted ones are left out).

        Each is the Message JSON the API returned, plus ``parse_mode`` and ``raw_text`` (the
        ``text`` parameter as sent, markup included) and ``reply_parameters`` as sent.
        """
        result = []
        for key in self._sent:
            stored = self._messages.get(key)
            if stored is None or (chat_id is not None and key[0] != chat_id):
                continue
            view = json_copy(stored.message)
            view["parse_mode"] = stored.parse_mode
            view["raw_text"] = stored.raw_text
            view["reply_parameters"] = json_copy(stored.reply_parameters)
            result.append(view)
        return result

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    async def wait_for(
        self, predicate: CallPredicate | str, timeout: float = 10.0, *, start: int = 0
    ) -> RecordedCall:
        """The first call from index ``start`` on that matches (a predicate or a method name).

        Already recorded calls count; otherwise waits for new ones. Raises TimeoutError listing
        the calls seen so that a failing test says what the bot did instead.
        """
        matches = _as_predicate(predicate)
        index = start
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            activity = self._activity
            while index < len(self.calls):
                call = self.calls[index]
                index += 1
                if matches(call):
                    return call
            if not await self._wait_activity(activity, deadline):
                raise TimeoutError(
                    f"no matching Bot API call within {timeout}s; calls: {self._summary()}"
                )

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[JsonDict]:
        """Waits until the bot has sent at least ``count`` messages to ``chat_id``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            activity = self._activity
            messages = self.sent_messages(chat_id)
            if len(messages) >= count:
                return messages
            if not await self._wait_activity(activity, deadline):
                texts = [message["text"] for message in messages]
                raise TimeoutError(
                    f"expected {count} messages to chat {chat_id} within {timeout}s, "
                    f"got {len(messages)}: {texts}; calls: {self._summary()}"
                )

    async def _wait_activity(self, activity: asyncio.Event, deadline: float) -> bool:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(activity.wait(), remaining)
        return True

    def _summary(self, last: int = 15) -> str:
        interesting = [c for c in self.calls if c.method != "getUpdates" or c.result]
        shown = [f"{c.method}({short(c.params)}) -> {c.status}" for c in interesting[-last:]]
        return "; ".join(shown) or "none"


def _as_predicate(predicate: CallPredicate | str) -> CallPredicate:
    if isinstance(predicate, str):
        method = predicate.lower()
        return lambda call: call.method.lower() == method
    return predicate
