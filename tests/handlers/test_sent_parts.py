"""Parts of an answer are remembered per update, so a re-run never sends one twice."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator

import pytest_asyncio
from telegram import Chat, Message
from telegram.error import NetworkError

from handlers.services import ReplyLedger, begin_answer, end_answer, send_part
from storage import Storage
from tests.conftest import StorageTarget

CHAT = Chat(42, Chat.PRIVATE)


class Telegram:
    """Stands in for a Bot API method: numbers the messages it sends, or fails."""

    def __init__(self, failing: bool = False) -> None:
        self.sent: list[str] = []
        self.failing = failing

    async def send(self, text: str) -> Message:
        if self.failing:
            raise NetworkError("the bot is stopping; the request is given up")
        self.sent.append(text)
        return Message(900 + len(self.sent), datetime.datetime.now(datetime.UTC), CHAT)


@pytest_asyncio.fixture
async def storage(storage_target: StorageTarget) -> AsyncIterator[Storage]:
    opened = await storage_target.open()
    yield opened
    await opened.close()


async def answer(ledger: ReplyLedger, telegram: Telegram, parts: list[str]) -> list[int | None]:
    """One run of an update whose answer has `parts`."""
    token = begin_answer(ledger)
    try:
        return [await send_part(n, "sendMessage", telegram.send, text)
                for n, text in enumerate(parts)]  # fmt: skip
    finally:
        end_answer(token)


async def test_a_re_run_sends_only_the_parts_the_first_run_did_not(storage: Storage) -> None:
    parts = ["Ringkasan: banjir di Jakarta", "Ringkasan: suku bunga BI tetap"]
    first_run = Telegram()
    token = begin_answer(ReplyLedger(77, storage, look_up=False))
    try:
        first = await send_part(0, "sendMessage", first_run.send, parts[0])
    finally:
        end_answer(token)  # and then the process dies
    second_run = Telegram()
    ids = await answer(ReplyLedger(77, storage, look_up=True), second_run, parts)
    assert first_run.sent == parts[:1]
    assert second_run.sent == parts[1:]
    assert ids == [first, 901]
    assert await storage.sent_replies(77) == {0: first, 1: 901}


async def test_parts_of_another_update_do_not_count(storage: Storage) -> None:
    await answer(ReplyLedger(78, storage, look_up=False), Telegram(), ["Ringkasan: gempa"])
    telegram = Telegram()
    await answer(ReplyLedger(79, storage, look_up=True), telegram, ["Ringkasan: gempa"])
    assert telegram.sent == ["Ringkasan: gempa"]


async def test_a_part_that_could_not_go_out_is_counted_as_lost_and_not_noted(
    storage: Storage,
) -> None:
    ledger = ReplyLedger(80, storage, look_up=False)
    ids = await answer(ledger, Telegram(failing=True), ["Ringkasan: kebakaran hutan"])
    assert ids == [None]
    assert ledger.lost == 1
    assert await storage.sent_replies(80) == {}


async def test_a_fresh_update_does_not_look_for_earlier_parts(storage: Storage) -> None:
    await storage.note_reply_sent(81, 0, 555)  # cannot happen for a fresh update
    telegram = Telegram()
    await answer(ReplyLedger(81, storage, look_up=False), telegram, ["Ringkasan: pemilu"])
    assert telegram.sent == ["Ringkasan: pemilu"]
