"""Chat settings and the served counter, on SQLite and on PostgreSQL (`storage_target`)."""

import asyncio

import pytest

from storage import ChatSettings


@pytest.fixture
async def storage(storage_target):
    opened = await storage_target.open()
    yield opened
    await opened.close()


async def test_unknown_chat_gets_default_settings(storage):
    assert await storage.get_chat_settings(42) == ChatSettings(42, None, None)


async def test_updating_one_setting_keeps_the_other(storage):
    await storage.update_chat_settings(42, language="id")
    updated = await storage.update_chat_settings(42, summary_sentences=5)
    assert updated == ChatSettings(42, summary_sentences=5, language="id")
    assert await storage.get_chat_settings(42) == updated


async def test_none_resets_a_setting_to_the_default(storage):
    await storage.update_chat_settings(42, summary_sentences=5, language="en")
    updated = await storage.update_chat_settings(42, language=None)
    assert updated == ChatSettings(42, summary_sentences=5, language=None)


async def test_settings_are_kept_per_chat(storage):
    await storage.update_chat_settings(1, summary_sentences=2)
    await storage.update_chat_settings(-100123, summary_sentences=7)
    assert (await storage.get_chat_settings(1)).summary_sentences == 2
    assert (await storage.get_chat_settings(-100123)).summary_sentences == 7


async def test_settings_survive_a_restart(storage_target):
    first_run = await storage_target.open()
    await first_run.update_chat_settings(42, summary_sentences=4, language="en")
    await first_run.close()
    second_run = await storage_target.open()
    assert await second_run.get_chat_settings(42) == ChatSettings(42, 4, "en")
    await second_run.close()


@pytest.mark.parametrize(
    "changes",
    [
        {"summary_sentences": 0},
        {"summary_sentences": -1},
        {"summary_sentences": True},
        {"summary_sentences": "3"},
        {"language": ""},
        {"language": 5},
    ],
)
async def test_invalid_setting_values_are_rejected(storage, changes):
    with pytest.raises(ValueError):
        await storage.update_chat_settings(42, **changes)
    assert await storage.get_chat_settings(42) == ChatSettings(42)


async def test_chats_served_counts_distinct_chats(storage):
    await storage.note_chat_served(1)
    await storage.note_chat_served(1)
    await storage.note_chat_served(2)
    assert (await storage.stats()).chats_served == 2


async def test_chats_served_at_the_same_time_are_all_counted(storage):
    await asyncio.gather(*(storage.note_chat_served(chat) for chat in (1, 1, 2, 3)))
    assert (await storage.stats()).chats_served == 3


async def test_changing_settings_alone_does_not_count_as_served(storage):
    await storage.update_chat_settings(9, language="id")
    assert (await storage.stats()).chats_served == 0


async def test_served_count_and_first_seen_time_are_recorded(storage_target):
    now = [1000.5]
    storage = await storage_target.open(clock=lambda: now[0])
    await storage.note_chat_served(42)
    now[0] = 2000.0
    await storage.note_chat_served(42)
    await storage.close()
    rows = await storage_target.query(
        "SELECT first_seen_ms, served_count FROM chats WHERE chat_id = 42"
    )
    assert rows == [(1_000_500, 2)]


async def test_supergroup_chat_ids_beyond_32_bits_are_kept(storage):
    await storage.update_chat_settings(-1001234567890, language="en")
    assert await storage.get_chat_settings(-1001234567890) == ChatSettings(
        -1001234567890, None, "en"
    )
