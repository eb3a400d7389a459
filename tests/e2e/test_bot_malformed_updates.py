"""A malformed update from Telegram is skipped, confirmed and logged by its id alone; the
updates after it are answered as usual."""

from __future__ import annotations

import logging

import pytest

from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi, make_private_chat, make_user
from testkit.harness import answers_to, is_reply_to, running_bot
from tests.conftest import SQLITE_ONLY

# Storage is incidental to updates PTB cannot read: SQLite only (tests/conftest.py).
pytestmark = SQLITE_ONLY

SECRET_LINE = "Kata sandi brankas kantor redaksi adalah kenari-biru-77."


async def test_a_message_without_date_is_skipped_and_later_updates_are_answered(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    user = make_user(1001)
    undated = {"message_id": 7, "from": user, "chat": make_private_chat(user)}
    undated["text"] = SECRET_LINE
    async with running_bot(api, bot_database):
        bad = api.inject_update({"message": undated})
        assert bad is not None
        sent = api.private_text(sample_article)
        await api.wait_for(is_reply_to(sent), timeout=10)
        # A poll that ends after the answer was asked for with an offset past both updates.
        await api.wait_for("getUpdates", start=len(api.calls), timeout=5)
        pending = api.pending_update_count
    assert "Ringkasan" in answers_to(api, sent)[0]["text"]
    assert pending == 0, "the malformed update was confirmed, not fetched again"
    about_it = [r.getMessage() for r in caplog.records if str(bad["update_id"]) in r.getMessage()]
    assert len(about_it) == 1
    assert all(SECRET_LINE not in record.getMessage() for record in caplog.records)
    assert all(SECRET_LINE not in (record.exc_text or "") for record in caplog.records)
