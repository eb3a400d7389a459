"""What the handlers remember: a reply's extras, found again by another replica's memory."""

from __future__ import annotations

import pytest

from handlers.render import Extras
from handlers.state import ChatSettingsMemory, ExtrasMemory
from service.keys import extras_key
from storage import ChatSettings, Storage
from tests.conftest import FakeClock

DAY = 24 * 3600.0
NOTE = Extras(notes=(("document_pages_read", (("pages", 50), ("total", 212))),))


SOURCE = Extras(source_url="https://www.kompas.com/tren/read/2024/02/04/banjir-jakarta")


@pytest.mark.parametrize("extras", [NOTE, SOURCE], ids=["document-note", "pasted-source"])
async def test_extras_are_found_again_from_the_cache_by_another_memory(extras: Extras) -> None:
    storage = await Storage.open(None, busy_timeout_ms=1000)
    try:
        await ExtrasMemory().remember(storage, "t1", extras, DAY)
        found = await ExtrasMemory().recall(storage, "t1")
    finally:
        await storage.close()
    assert found == extras


async def test_unreadable_cached_extras_show_nothing_extra() -> None:
    storage = await Storage.open(None, busy_timeout_ms=1000)
    try:
        await storage.put_cached(extras_key("t3"), '{"catatan": "dari versi lama"}', DAY)
        found = await ExtrasMemory().recall(storage, "t3")
    finally:
        await storage.close()
    assert found == Extras()


async def test_an_article_without_extras_writes_nothing() -> None:
    storage = await Storage.open(None, busy_timeout_ms=1000)
    try:
        await ExtrasMemory().remember(storage, "t4", Extras(), DAY)
        cached = await storage.get_cached(extras_key("t4"))
    finally:
        await storage.close()
    assert cached is None


def test_settings_read_while_no_save_came_are_kept() -> None:
    memory = ChatSettingsMemory()
    before = memory.saves
    memory.keep_read(ChatSettings(42, 4, "id"), before)
    assert memory.get(42) == ChatSettings(42, 4, "id")


def test_settings_read_while_a_save_came_are_not_kept_over_it() -> None:
    memory = ChatSettingsMemory()
    before = memory.saves  # a read starts
    memory.saved(42, ChatSettings(42, 4, "en"))  # /bahasa en lands meanwhile
    memory.keep_read(ChatSettings(42, 4, "id"), before)  # the read saw the old row
    assert memory.get(42) == ChatSettings(42, 4, "en")


def test_a_save_that_failed_leaves_the_chat_to_be_read_again() -> None:
    memory = ChatSettingsMemory()
    memory.keep_read(ChatSettings(42, 4, "id"), memory.saves)
    memory.saved(42, None)
    assert memory.get(42) is None


def test_the_chats_used_least_lately_are_forgotten_past_the_size() -> None:
    memory = ChatSettingsMemory(size=2)
    for chat_id in (1, 2):
        memory.keep_read(ChatSettings(chat_id), memory.saves)
    memory.get(1)
    memory.keep_read(ChatSettings(3), memory.saves)
    assert [memory.get(chat_id) is not None for chat_id in (1, 2, 3)] == [True, False, True]


def test_remembered_settings_are_read_again_after_a_minute(clock: FakeClock) -> None:
    memory = ChatSettingsMemory(clock=clock)
    memory.keep_read(ChatSettings(42, 4, "id"), memory.saves)
    clock.now += 59
    assert memory.get(42) == ChatSettings(42, 4, "id")
    clock.now += 2  # kept from its reading, not from its last use
    assert memory.get(42) is None
