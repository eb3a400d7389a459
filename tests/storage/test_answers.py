"""What each message was answered with, kept in the database for edits on any replica."""

from __future__ import annotations

import asyncio

from tests.conftest import FakeClock, StorageTarget

DAY = 24 * 3600.0


async def test_an_answer_is_found_again_with_its_replies_in_order(
    storage_target: StorageTarget,
) -> None:
    storage = await storage_target.open()
    try:
        await storage.note_answered(1001, 7, "a1b2", [12, 13], DAY)
        found = await storage.answered_message(1001, 7)
        elsewhere = await storage.answered_message(1001, 8)
    finally:
        await storage.close()
    assert found is not None
    assert (found.signature, found.replies) == ("a1b2", (12, 13))
    assert elsewhere is None


async def test_answers_noted_together_keep_the_last_one_per_message(
    storage_target: StorageTarget,
) -> None:
    storage = await storage_target.open()
    try:
        await asyncio.gather(
            storage.note_answered(1001, 7, "first", [12], DAY),
            storage.note_answered(1001, 7, "edited", [12], DAY),
            storage.note_answered(2002, 7, "other chat", [9], DAY),
        )
        found = await storage.answered_message(1001, 7)
        other = await storage.answered_message(2002, 7)
    finally:
        await storage.close()
    assert found is not None and found.signature == "edited"
    assert other is not None and other.replies == (9,)


async def test_an_answer_is_forgotten_when_its_time_is_up(
    storage_target: StorageTarget, clock: FakeClock
) -> None:
    storage = await storage_target.open(clock=clock)
    try:
        await storage.note_answered(1001, 7, "a1b2", [12], 2 * DAY)
        clock.now += 2 * DAY
        gone = await storage.answered_message(1001, 7)
        await storage.purge_expired()
    finally:
        await storage.close()
    assert gone is None
    assert await storage_target.query("SELECT COUNT(*) FROM answered_messages") == [(0,)]


async def test_a_row_not_written_by_ringkas_reads_as_unknown(
    storage_target: StorageTarget,
) -> None:
    storage = await storage_target.open()
    try:
        await storage.note_answered(1001, 7, "a1b2", [12], DAY)
        await storage_target.query("UPDATE answered_messages SET replies = 'dua belas'")
        found = await storage.answered_message(1001, 7)
    finally:
        await storage.close()
    assert found is None
