"""Reading a getUpdates batch one update at a time."""

from __future__ import annotations

import logging

import pytest

from bot.bot_api import readable_updates

USER = {"id": 1001, "is_bot": False, "first_name": "Siti"}
CHAT = {"id": 1001, "type": "private"}


def message(message_id: int, **fields: object) -> dict[str, object]:
    return {"message_id": message_id, "chat": CHAT, "from": USER, **fields}


def test_readable_updates_pass_unchanged() -> None:
    batch = [{"update_id": 5, "message": message(1, date=1_700_000_000, text="Halo")}]
    assert readable_updates(batch) == batch


def test_an_unreadable_update_is_reduced_to_its_id_and_logged_by_id_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    batch = [
        {"update_id": 6, "message": message(2, text="Rahasia dapur redaksi")},  # no date
        {"update_id": 7, "message": message(3, date=1_700_000_000, text="Halo")},
    ]
    assert readable_updates(batch) == [{"update_id": 6}, batch[1]]
    [line] = [record.getMessage() for record in caplog.records]
    assert "update 6" in line and "Rahasia" not in line


def test_an_update_without_an_id_is_left_out() -> None:
    assert readable_updates([{"message": message(4, date=1)}, "rusak"]) == []
