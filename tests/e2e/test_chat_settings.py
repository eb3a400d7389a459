"""A chat's settings in a polling bot, the only process that changes them: read from the
database once, then remembered with every change the chat makes."""

from __future__ import annotations

import pytest

from bot import texts
from storage import ChatSettings, DatabaseLocation
from testkit.fake_bot_api import FakeBotApi, JsonDict
from testkit.harness import answers_to, is_reply_to, running_bot, services_of
from tests.e2e.articles import BANJIR

USER = 3001


async def first_reply(api: FakeBotApi, sent: JsonDict) -> str:
    await api.wait_for(is_reply_to(sent), timeout=30)
    return str(answers_to(api, sent)[0]["text"])


async def test_a_polling_bot_reads_a_chats_settings_once_and_keeps_its_changes(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with running_bot(api, bot_database) as application:
        storage = services_of(application).storage
        reads: list[int] = []
        read = storage.read_chat_settings

        async def counted_read(chat_id: int) -> ChatSettings | None:
            reads.append(chat_id)
            return await read(chat_id)

        monkeypatch.setattr(storage, "read_chat_settings", counted_read)
        first = await first_reply(api, api.private_text(sample_article, user_id=USER))
        await first_reply(api, api.command("/bahasa en", user_id=USER))
        second = await first_reply(api, api.private_text(BANJIR, user_id=USER))
        saved = await read(USER)

    assert reads == [USER]
    assert first.startswith(texts.text("id", "summary_title"))
    assert second.startswith(texts.text("en", "summary_title"))
    assert saved is not None and saved.language == "en"
