"""The "typing..." indicator: none for a quick answer, shown and renewed for a slow one."""

from __future__ import annotations

import asyncio

import pytest

import handlers.typing
from handlers.typing import Typing

CHAT_ID = 1001


class RecordingBot:
    def __init__(self) -> None:
        self.actions: list[tuple[int, str]] = []

    async def send_chat_action(self, chat_id: int, action: str) -> bool:
        self.actions.append((chat_id, action))
        return True


class SpentTypingBudget:
    def has_room_for_typing(self) -> bool:
        return False


class CappedBot(RecordingBot):
    """A bot whose rate limiter has no room for another typing action."""

    rate_limiter = SpentTypingBudget()


@pytest.fixture(autouse=True)
def quick_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers.typing, "TYPING_DELAY_SECONDS", 0.1)
    monkeypatch.setattr(handlers.typing, "TYPING_REFRESH_SECONDS", 0.1)


async def test_an_answer_quicker_than_the_delay_shows_no_indicator() -> None:
    bot = RecordingBot()
    typing = Typing(bot, CHAT_ID)
    async with typing.working():
        pass  # answered at once
    await typing.close()
    await asyncio.sleep(0.2)  # past the delay: the timer was cancelled
    assert bot.actions == []


async def test_work_past_the_delay_shows_the_indicator_and_renews_it() -> None:
    bot = RecordingBot()
    typing = Typing(bot, CHAT_ID)
    async with typing.working():
        await asyncio.sleep(0.45)
    await typing.close()
    assert len(bot.actions) >= 2  # at 0.1 s, then every 0.1 s
    assert set(bot.actions) == {(CHAT_ID, "typing")}


async def test_work_that_ended_before_the_delay_leaves_the_next_work_its_own_delay() -> None:
    bot = RecordingBot()
    typing = Typing(bot, CHAT_ID)
    async with typing.working():
        pass
    await asyncio.sleep(0.2)  # the timer fires with nothing under way: no indicator
    assert bot.actions == []
    async with typing.working():
        await asyncio.sleep(0.3)
    await typing.close()
    assert bot.actions[0] == (CHAT_ID, "typing")


async def test_no_action_is_even_requested_while_the_bots_typing_budget_is_spent() -> None:
    bot = CappedBot()
    typing = Typing(bot, CHAT_ID)
    async with typing.working():
        await asyncio.sleep(0.35)
    await typing.close()
    assert bot.actions == []
