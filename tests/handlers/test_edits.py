"""The reply log: a message's answers take turns, and the log forgets what it no longer needs."""

from __future__ import annotations

import asyncio

from handlers.edits import Answered, ReplyLog


async def test_an_edit_waits_for_the_answer_under_way_and_then_finds_it() -> None:
    log = ReplyLog()
    seen: list[Answered | None] = []

    async def first_answer() -> None:
        async with log.turn(1, 10):
            await asyncio.sleep(0.05)  # fetching, summarizing
            log.put(1, 10, Answered("banjir", [11]))

    async def edit() -> None:
        async with log.turn(1, 10):
            seen.append(log.get(1, 10))

    answering = asyncio.create_task(first_answer())
    await asyncio.sleep(0)  # the message's handler started first
    await edit()
    await answering
    assert seen == [Answered("banjir", [11])]


async def test_answers_of_other_messages_do_not_wait() -> None:
    log = ReplyLog()
    async with log.turn(1, 10):
        await asyncio.wait_for(_enter_and_leave(log, 1, 11), timeout=1)
        await asyncio.wait_for(_enter_and_leave(log, 2, 10), timeout=1)


async def test_a_turn_is_forgotten_once_nobody_holds_or_waits_for_it() -> None:
    log = ReplyLog()
    async with log.turn(1, 10):
        waiting = asyncio.create_task(_enter_and_leave(log, 1, 10))
        await asyncio.sleep(0)
    await waiting
    assert log._turns == {}


def test_past_its_size_the_oldest_answer_is_forgotten() -> None:
    log = ReplyLog(size=2)
    for message_id in (10, 11, 12):
        log.put(1, message_id, Answered(message_id, [message_id + 100]))
    assert log.get(1, 10) is None
    assert log.get(1, 12) == Answered(12, [112])


async def _enter_and_leave(log: ReplyLog, chat_id: int, message_id: int) -> None:
    async with log.turn(chat_id, message_id):
        pass
