"""Chat members and the bot's own profile, as Telegram answers them."""

from __future__ import annotations

import pytest
from telegram import Bot, ChatMember
from telegram.error import BadRequest, Forbidden

from testkit.fake_bot_api import FakeBotApi

GROUP = -1001234567890


async def test_statuses_set_by_the_test_are_what_get_chat_member_answers(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    fake_bot_api.set_chat_member(GROUP, 1001, "creator")
    fake_bot_api.set_chat_member(GROUP, 1002, "administrator")
    fake_bot_api.group_text("halo semua", chat_id=GROUP, user_id=1003)
    fake_bot_api.private_text("halo bot", user_id=1004)  # known to the bot, not in the group

    owner, admin, writer, stranger = [
        await bot.get_chat_member(GROUP, user_id) for user_id in (1001, 1002, 1003, 1004)
    ]

    assert owner.status == ChatMember.OWNER
    assert admin.status == ChatMember.ADMINISTRATOR and admin.can_change_info
    assert writer.status == ChatMember.MEMBER
    assert writer.user.first_name == "Dewi"
    assert stranger.status == ChatMember.LEFT


async def test_a_user_the_bot_never_saw_is_not_found(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    fake_bot_api.set_chat_member(GROUP, 1001, "creator")

    with pytest.raises(BadRequest, match="User not found"):
        await bot.get_chat_member(GROUP, 4242)


async def test_administrators_lists_creator_and_administrators_only(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    fake_bot_api.set_chat_member(GROUP, 1001, "creator")
    fake_bot_api.set_chat_member(GROUP, 1002, "administrator")
    fake_bot_api.set_chat_member(GROUP, 1003, "member")

    admins = await bot.get_chat_administrators(GROUP)

    assert sorted(member.user.id for member in admins) == [1001, 1002]


async def test_in_a_private_chat_the_user_is_a_member(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    fake_bot_api.private_text("halo", user_id=1005)

    member = await bot.get_chat_member(1005, 1005)

    assert member.status == ChatMember.MEMBER
    with pytest.raises(BadRequest, match="no administrators in the private chat"):
        await bot.get_chat_administrators(1005)


async def test_an_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat_member(-100999, 1001)


async def test_adding_the_bot_sends_my_chat_member_and_the_service_message(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    fake_bot_api.bot_added_to_group(GROUP, by_user_id=1001, title="Warga Dago")

    change, service = await bot.get_updates()
    me = await bot.get_chat_member(GROUP, bot.id)

    assert change.my_chat_member.old_chat_member.status == ChatMember.LEFT
    assert change.my_chat_member.new_chat_member.status == ChatMember.MEMBER
    assert change.my_chat_member.chat.title == "Warga Dago"
    assert change.my_chat_member.from_user.id == 1001
    assert [user.id for user in service.message.new_chat_members] == [bot.id]
    assert me.status == ChatMember.MEMBER


async def test_a_removed_bot_may_not_write_to_the_group(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    fake_bot_api.bot_added_to_group(GROUP)
    await bot.send_message(GROUP, "Halo, saya Ringkas.")
    fake_bot_api.bot_removed_from_group(GROUP)

    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(GROUP, "Masih di sini?")
    *_, removal = await bot.get_updates()
    assert removal.my_chat_member.new_chat_member.status == ChatMember.BANNED


async def test_descriptions_are_kept_per_language_with_the_default_as_fallback(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    await bot.set_my_description("Ringkas meringkas berita.")
    await bot.set_my_description("Ringkas summarizes news.", language_code="en")
    await bot.set_my_short_description("Ringkasan berita", language_code="id")

    english = await bot.get_my_description(language_code="en")
    french = await bot.get_my_description(language_code="fr")
    short = await bot.get_my_short_description(language_code="id")

    assert english.description == "Ringkas summarizes news."
    assert french.description == "Ringkas meringkas berita."
    assert short.short_description == "Ringkasan berita"
    assert fake_bot_api.description("en") == "Ringkas summarizes news."


async def test_descriptions_over_telegrams_limits_are_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Description is too long"):
        await bot.set_my_description("x" * 513)
    with pytest.raises(BadRequest, match="Short description is too long"):
        await bot.set_my_short_description("x" * 121)


async def test_an_empty_description_removes_it(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_description("Ringkas meringkas berita.", language_code="id")
    await bot.set_my_description("", language_code="id")

    assert fake_bot_api.description("id") == ""
