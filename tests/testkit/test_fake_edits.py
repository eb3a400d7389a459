"""Users edit messages (Telegram sends edited_message) and paste texts longer than one message
(the client sends consecutive parts)."""

from __future__ import annotations

import pytest
from telegram import Bot

from testkit.fake_bot_api import FakeBotApi, split_like_client

PARAGRAPH = (
    "Pemerintah Kota Bandung mulai menguji coba bus listrik di jalur Dago pada Senin pagi, "
    "dengan sepuluh armada yang melayani penumpang dari terminal hingga kawasan kampus. "
    "Wali kota mengatakan uji coba berlangsung selama tiga bulan sebelum diputuskan apakah "
    "layanan ini akan diperluas ke jalur lain di kota tersebut."
)


async def test_an_edit_delivers_the_whole_message_with_its_new_text(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    sent = fake_bot_api.private_text("tolong ringkas ini")
    fake_bot_api.edit_text(sent, "tolong ringkas ini https://www.kompas.com/read/2024/a.html")

    original, edit = await bot.get_updates()

    assert edit.message is None
    edited = edit.edited_message
    assert edited.message_id == original.message.message_id
    assert edited.edit_date is not None and edited.edit_date >= edited.date
    assert list(edited.parse_entities().values()) == ["https://www.kompas.com/read/2024/a.html"]


async def test_an_edited_caption_replaces_the_caption(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    sent = fake_bot_api.caption_message("lihat ini", media="document")
    fake_bot_api.edit_text(sent, "lihat ini detik.com")

    _, edit = await bot.get_updates()

    assert edit.edited_message.caption == "lihat ini detik.com"
    assert edit.edited_message.text is None


async def test_a_reply_to_an_edited_message_shows_it_as_edited(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    sent = fake_bot_api.group_text("versi pertama", chat_id=-1007)
    fake_bot_api.edit_text(sent, "versi kedua")
    fake_bot_api.command("/ringkas", chat_id=-1007, reply_to=sent)

    *_, command = await bot.get_updates()

    assert command.message.reply_to_message.text == "versi kedua"


def test_users_cannot_edit_messages_the_bot_sent(fake_bot_api: FakeBotApi) -> None:
    with pytest.raises(ValueError, match="only messages they sent"):
        fake_bot_api.edit_text({"chat": {"id": 1001}, "message_id": 999}, "diubah")


def test_a_long_paste_is_cut_at_line_breaks_into_parts_within_the_limit() -> None:
    text = "\n\n".join(f"{n}. {PARAGRAPH}" for n in range(40))

    parts = split_like_client(text)

    assert len(text) == 12_748
    assert [len(part) for part in parts] == [3_816, 3_826, 3_826, 1_274]
    assert all(part.endswith("tersebut.") for part in parts)
    assert "\n\n".join(parts) == text


def test_a_paste_without_line_breaks_is_cut_after_a_sentence() -> None:
    text = " ".join([PARAGRAPH] * 30)

    parts = split_like_client(text)

    assert [len(part) <= 4096 for part in parts] == [True] * len(parts)
    assert all(part.endswith(".") for part in parts)
    assert " ".join(parts) == text


def test_text_within_the_limit_is_one_part() -> None:
    assert split_like_client(PARAGRAPH) == [PARAGRAPH]


async def test_paste_long_text_sends_the_parts_in_order_from_one_user(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    text = "\n\n".join(f"{n}. {PARAGRAPH}" for n in range(30))

    sent = await fake_bot_api.paste_long_text(text, gap=0.01, user_id=2024)
    updates = await bot.get_updates()

    assert [u.message.text for u in updates] == split_like_client(text)
    assert len(sent) == len(updates) >= 2
    assert {u.message.from_user.id for u in updates} == {2024}
    ids = [u.message.message_id for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
