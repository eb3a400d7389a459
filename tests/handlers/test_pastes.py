"""Which messages are parts of one split paste."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from telegram import Chat, Message, User

from handlers.pastes import MAX_PASTES, NEAR_LIMIT_CHARS, Latch, PasteJoiner, Role
from tests.conftest import FakeClock

USER = User(1001, "Budi", is_bot=False)
CHAT = Chat(1001, Chat.PRIVATE)
START = dt.datetime(2024, 2, 4, 8, 0, tzinfo=dt.UTC)


def message(message_id: int, text: str, second: int = 0) -> Message:
    return Message(
        message_id, START + dt.timedelta(seconds=second), CHAT, from_user=USER, text=text
    )


LONG = "Kalimat panjang tentang banjir di Jakarta. " * 100  # 4,300 characters


def test_a_long_part_opens_a_paste_and_the_next_one_joins() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    assert joiner.offer(message(1, LONG[:4000]), LONG[:4000])[0] is Role.OWNER
    role, paste = joiner.offer(message(2, LONG[4000:]), LONG[4000:])
    assert role is Role.JOINED and paste is not None
    assert paste.message_ids == [1, 2]


def test_a_short_message_stands_alone() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    assert joiner.offer(message(1, "halo"), "halo")[0] is Role.ALONE
    assert len(LONG[: NEAR_LIMIT_CHARS - 1]) < NEAR_LIMIT_CHARS


def test_a_message_after_the_bots_reply_is_not_a_part() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    joiner.offer(message(1, LONG[:4000]), LONG[:4000])
    assert joiner.offer(message(3, LONG[:3000]), LONG[:3000])[0] is not Role.JOINED


def test_a_part_numbered_after_the_bots_answer_to_the_paste_still_joins() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    _, paste = joiner.offer(message(1, LONG[:4000]), LONG[:4000])
    assert paste is not None
    paste.closed, paste.replies = True, [2]  # answered at once, as message 2
    role, joined = joiner.offer(message(3, LONG[4000:], second=1), LONG[4000:])
    assert role is Role.LATE and joined is paste


def test_a_message_after_the_answer_to_a_whole_article_is_not_a_part() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    _, paste = joiner.offer(message(1, LONG[:3000]), LONG[:3000])  # answered at once
    assert paste is not None
    paste.closed, paste.replies = True, [2]
    assert joiner.offer(message(3, "Yang ini juga, ya."), "Yang ini juga, ya.")[0] is Role.ALONE


def test_a_message_sent_seconds_later_is_not_a_part() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    joiner.offer(message(1, LONG[:4000]), LONG[:4000])
    assert joiner.offer(message(2, "Terima kasih!", second=9), "Terima kasih!")[0] is Role.ALONE


def test_the_same_text_twice_is_two_messages_not_two_parts() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    joiner.offer(message(1, LONG[:4000]), LONG[:4000])
    assert joiner.offer(message(2, LONG[:4000]), LONG[:4000])[0] is Role.OWNER


def test_parts_are_joined_as_they_were_cut() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    for cut in (LONG.rfind(". ", 0, 4000) + 1, LONG.rfind(" di ", 0, 4000)):  # sentence, word
        first, second = LONG[:cut].strip(), LONG[cut:].strip()
        _, paste = joiner.offer(message(cut, first), first)
        joiner.offer(message(cut + 1, second), second)
        assert paste is not None
        assert paste.text.replace("\n\n", " ").split() == LONG.split()


def test_a_part_handled_before_the_one_it_follows_still_joins() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    first, second = LONG[:4000], LONG[:3900] + " Banjir surut."
    assert joiner.offer(message(2, second), second)[0] is Role.OWNER
    role, paste = joiner.offer(message(1, first), first)
    assert role is Role.JOINED and paste is not None
    assert paste.message_ids == [1, 2]


def test_an_earlier_short_message_is_not_a_part() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    joiner.offer(message(2, LONG[:4000]), LONG[:4000])
    assert joiner.offer(message(1, "halo"), "halo")[0] is Role.ALONE


def part_from(user_id: int, message_id: int, text: str) -> Message:
    user = User(user_id, "Siti", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    return Message(message_id, START, chat, from_user=user, text=text)


def test_pastes_past_the_late_window_are_forgotten_when_a_new_one_opens(clock: FakeClock) -> None:
    joiner = PasteJoiner(1.0, 30.0, clock)
    joiner.offer(part_from(2001, 1, LONG[:4000]), LONG[:4000])
    clock.now += 31
    joiner.offer(part_from(2002, 1, LONG[:4000]), LONG[:4000])
    assert len(joiner) == 1


def test_a_paste_that_grew_lately_outlives_one_opened_after_it(clock: FakeClock) -> None:
    joiner = PasteJoiner(1.0, 30.0, clock)
    joiner.offer(part_from(2001, 1, LONG[:4000]), LONG[:4000])
    clock.now += 10
    joiner.offer(part_from(2002, 1, LONG[:4000]), LONG[:4000])
    clock.now += 10
    assert joiner.offer(part_from(2001, 2, LONG[4000:]), LONG[4000:])[0] is Role.JOINED
    clock.now += 25  # the second paste is 35 s old, the first one's last part 25 s
    joiner.offer(part_from(2003, 1, LONG[:4000]), LONG[:4000])
    assert len(joiner) == 2


def test_a_stream_of_new_pastes_keeps_the_latest_max_pastes() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    for user_id in range(3000, 3000 + MAX_PASTES + 10):
        joiner.offer(part_from(user_id, 1, LONG[:4000]), LONG[:4000])
    assert len(joiner) == MAX_PASTES
    last = 3000 + MAX_PASTES + 9
    assert joiner.offer(part_from(last, 2, LONG[4000:]), LONG[4000:])[0] is Role.JOINED


def test_an_edited_part_is_found_in_the_paste_that_holds_it() -> None:
    joiner = PasteJoiner(1.0, 30.0)
    joiner.offer(message(1, LONG[:4000]), LONG[:4000])
    _, paste = joiner.offer(message(2, LONG[4000:]), LONG[4000:])
    edited = message(2, LONG[4000:] + " Diperbarui.")
    assert joiner.holding(edited) is paste
    assert joiner.holding(message(3, "pesan lain")) is None


async def test_a_latch_wakes_every_waiter_when_set_and_stays_set() -> None:
    latch = Latch()
    waiters = [asyncio.create_task(latch.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    assert not any(waiter.done() for waiter in waiters)
    latch.set()
    await asyncio.wait_for(asyncio.gather(*waiters), 1)
    await asyncio.wait_for(latch.wait(), 1)  # set stays set
    assert latch.is_set()


async def test_a_latch_waited_on_with_a_timeout_can_be_waited_on_again() -> None:
    latch = Latch()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(latch.wait(), 0.01)
    later = asyncio.create_task(latch.wait())
    await asyncio.sleep(0)
    latch.set()
    await asyncio.wait_for(later, 1)
