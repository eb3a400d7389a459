import sqlite3

import pytest

from storage import ChatSettings, Storage


@pytest.fixture
async def storage(tmp_path):
    opened = await Storage.open(tmp_path / "ringkas.db", busy_timeout_ms=1000)
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


async def test_settings_survive_a_restart(tmp_path):
    path = tmp_path / "ringkas.db"
    first_run = await Storage.open(path, busy_timeout_ms=1000)
    await first_run.update_chat_settings(42, summary_sentences=4, language="en")
    await first_run.close()
    second_run = await Storage.open(path, busy_timeout_ms=1000)
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


async def test_changing_settings_alone_does_not_count_as_served(storage):
    await storage.update_chat_settings(9, language="id")
    assert (await storage.stats()).chats_served == 0


async def test_served_count_and_first_seen_time_are_recorded(tmp_path):
    path = tmp_path / "ringkas.db"
    now = [1000.0]
    storage = await Storage.open(path, clock=lambda: now[0], busy_timeout_ms=1000)
    await storage.note_chat_served(42)
    now[0] = 2000.0
    await storage.note_chat_served(42)
    await storage.close()
    with sqlite3.connect(path) as connection:
        row = connection.execute(
            "SELECT first_seen_at, served_count FROM chats WHERE chat_id = 42"
        ).fetchone()
    assert row == (1000.0, 2)
