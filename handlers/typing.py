"""The "typing..." indicator, kept alive while the bot works (Telegram drops it after 5 s)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, Protocol

from telegram import Bot
from telegram.constants import ChatAction

from .services import with_retries

# Fixed constants, not tunables: they follow how Telegram shows the indicator, not how the
# bot is deployed (its rate across chats is a setting: typing_actions_per_second).
TYPING_DELAY_SECONDS = 0.3  # quick answers need no indicator
TYPING_REFRESH_SECONDS = 4.0  # before Telegram's 5 s run out


class TypingBudget(Protocol):
    """The bot's rate limiter, when it caps "typing..." actions (bot.flood.ReplyPacer)."""

    def has_room_for_typing(self) -> bool: ...


class Typing:
    """Shows "typing..." in a chat while at least one piece of work is under way.

    The first indicator waits TYPING_DELAY_SECONDS on a timer, and only then does a task
    start to send and refresh it: most answers come sooner, and a task (with its coroutine
    and its own timer) for each of them cost the busy event loop more than the timer.

    When the bot's rate limiter has no room for one more action (its cap across chats), the
    limiter would skip it: it is not even built (under load, every answer waiting for the
    engine would otherwise make a request every few seconds only for it to be dropped)."""

    def __init__(self, bot: Bot | Any, chat_id: int) -> None:
        self._bot = bot
        limiter = getattr(bot, "rate_limiter", None)
        self._budget: TypingBudget | None = (
            limiter if hasattr(limiter, "has_room_for_typing") else None
        )
        self._chat_id = chat_id
        self._working = 0
        self._changed: asyncio.Event | None = None  # while the task waits for new work
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None

    @contextlib.asynccontextmanager
    async def working(self) -> AsyncIterator[None]:
        self._working += 1
        self._note_change()
        if self._task is None and self._timer is None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(TYPING_DELAY_SECONDS, self._start)
        try:
            yield
        finally:
            self._working -= 1
            self._note_change()

    def _note_change(self) -> None:
        if self._changed is not None:
            self._changed.set()

    def _start(self) -> None:
        self._timer = None
        if self._working > 0 and self._task is None:
            # A plain task, not Application.create_task: it lives only while one update is
            # answered, and its owner (answering.answer_plan) cancels and awaits it in close(),
            # so there is nothing left for the application to track or await when it stops.
            self._task = asyncio.create_task(self._run(), name=f"typing-{self._chat_id}")

    async def _pause(self, seconds: float) -> None:
        # The event exists only while the task waits: most answers never start the task,
        # and under load thousands are under way at once.
        self._changed = asyncio.Event()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), seconds)
        finally:
            self._changed = None

    async def _run(self) -> None:
        # Started by the timer: the work under way has outlasted the first delay.
        while True:
            while self._working > 0:
                if self._budget is None or self._budget.has_room_for_typing():
                    await with_retries(
                        "sendChatAction",
                        self._bot.send_chat_action,
                        self._chat_id,
                        ChatAction.TYPING,
                    )
                await asyncio.sleep(TYPING_REFRESH_SECONDS)
            while self._working == 0:
                await self._pause(3600)
            await asyncio.sleep(TYPING_DELAY_SECONDS)  # new work: quick answers need none

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
