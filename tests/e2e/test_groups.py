"""Group manners: settings only for admins, the chat's language kept, group usage, one hello."""

from __future__ import annotations

import asyncio

from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi
from testkit.fake_bot_api.incoming import make_user
from testkit.harness import running_bot

GROUP = -1001234567890
EXTRA_VIEW_KEYS = ("parse_mode", "raw_text", "reply_parameters")


async def test_a_member_cannot_change_the_groups_length(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        api.set_chat_member(GROUP, 1001, "member")
        api.command("/panjang 10", chat_id=GROUP)
        [reply] = await api.wait_for_messages(GROUP, 1)
    assert "hanya bisa diubah oleh admin" in reply["text"]


async def test_a_member_cannot_switch_the_group_to_english_and_is_told_in_english(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        api.set_chat_member(GROUP, 1002, "member")
        api.command("/bahasa en", chat_id=GROUP, user_id=1002, language_code="en")
        [reply] = await api.wait_for_messages(GROUP, 1)
    assert "only the group's admins" in reply["text"]


async def test_an_admin_changes_settings_and_telegram_is_asked_once(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        api.set_chat_member(GROUP, 1001, "administrator")
        api.command("/panjang 5", chat_id=GROUP)
        await api.wait_for_messages(GROUP, 1)
        api.command("/bahasa en", chat_id=GROUP)
        replies = await api.wait_for_messages(GROUP, 2)
    assert "5 kalimat" in replies[0]["text"]
    assert "English" in replies[1]["text"]
    assert len(api.calls_to("getChatMember")) == 1


async def test_the_group_owner_may_change_settings(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        api.set_chat_member(GROUP, 1003, "creator")
        api.command("/panjang 4", chat_id=GROUP, user_id=1003)
        [reply] = await api.wait_for_messages(GROUP, 1)
    assert "4 kalimat" in reply["text"]


async def test_a_button_pressed_by_an_english_speaker_keeps_the_groups_language(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        article = api.group_text(sample_article, chat_id=GROUP)
        api.command("/ringkas", chat_id=GROUP, reply_to=article)
        [summary] = await api.wait_for_messages(GROUP, 1)
        longer = next(
            b["callback_data"]
            for row in summary["reply_markup"]["inline_keyboard"]
            for b in row
            if b["text"].startswith("➕")
        )
        message = {k: v for k, v in summary.items() if k not in EXTRA_VIEW_KEYS}
        presser = make_user(2002, language_code="en")
        api.inject_update(
            {
                "callback_query": {
                    "id": "4242000000000000999",
                    "from": presser,
                    "message": message,
                    "chat_instance": "7000000000000000001",
                    "data": longer,
                }
            }
        )
        await api.wait_for("editMessageText")
        [after] = api.sent_messages(GROUP)
    assert after["text"].startswith("Ringkasan")
    assert "4." in after["text"]


async def test_a_button_pressed_by_an_indonesian_speaker_keeps_an_english_group_english(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        api.set_chat_member(GROUP, 1001, "administrator")
        api.command("/bahasa en", chat_id=GROUP, language_code="en")
        await api.wait_for_messages(GROUP, 1)
        article = api.group_text(sample_article, chat_id=GROUP)
        api.command("/ringkas", chat_id=GROUP, reply_to=article, language_code="en")
        [_, summary] = await api.wait_for_messages(GROUP, 2)
        longer = next(
            b["callback_data"]
            for row in summary["reply_markup"]["inline_keyboard"]
            for b in row
            if b["text"].startswith("➕")
        )
        api.callback(summary, longer, user_id=2002, language_code="id")
        await api.wait_for("editMessageText")
        [_, after] = api.sent_messages(GROUP)
    assert summary["text"].startswith("Summary")
    assert after["text"].startswith("Summary")
    assert "4." in after["text"]


async def test_an_admins_answer_is_trusted_only_for_its_time_then_telegram_is_asked_again(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    ttl = 0.3  # five minutes in the bot (Settings.admin_cache_seconds)
    async with running_bot(api, bot_database, admin_cache_seconds=ttl):
        api.set_chat_member(GROUP, 1001, "administrator")
        api.command("/panjang 5", chat_id=GROUP)
        await api.wait_for_messages(GROUP, 1)
        api.set_chat_member(GROUP, 1001, "member")  # demoted since
        await asyncio.sleep(ttl + 0.2)
        api.command("/panjang 7", chat_id=GROUP)
        [allowed, refused] = await api.wait_for_messages(GROUP, 2)
    assert "5 kalimat" in allowed["text"]
    assert "hanya bisa diubah oleh admin" in refused["text"]
    assert len(api.calls_to("getChatMember")) == 2


async def test_start_in_a_group_explains_group_usage(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        api.command("/start", chat_id=GROUP)
        [reply] = await api.wait_for_messages(GROUP, 1)
        api.command("/start@ringkas_test_bot", chat_id=GROUP, user_id=1002, language_code="en")
        replies = await api.wait_for_messages(GROUP, 2)
    assert "balas (reply)" in reply["text"] and "/ringkas" in reply["text"]
    assert "Teruskan" not in reply["text"]
    assert "In a group I only work when asked" in replies[1]["text"]


async def test_added_to_a_group_the_bot_says_hello_once(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        api.bot_added_to_group(GROUP)
        [hello] = await api.wait_for_messages(GROUP, 1)
        await api.wait_for("getUpdates", start=len(api.calls))
        await asyncio.sleep(0.3)
        messages = api.sent_messages(GROUP)
    assert messages == [hello]
    assert "Halo semua" in hello["text"] and "/ringkas" in hello["text"]


async def test_added_by_an_english_speaker_the_hello_is_in_english(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        api.bot_added_to_group(-100777, by_user_id=1005, language_code="en")
        [hello] = await api.wait_for_messages(-100777, 1)
    assert "Hello everyone" in hello["text"]
