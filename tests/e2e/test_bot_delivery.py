"""Replies reach users through Bot API outages and flood limits: 5xx answers and lost
connections are retried with backoff, a 400 never is, a reply that outlasts the retries is
logged as lost with its update id, and one chat's flood limit holds that chat only."""

from __future__ import annotations

import asyncio
import logging

import pytest

from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi, JsonDict
from testkit.harness import answers_to, is_reply_to, running_bot
from tests.conftest import SQLITE_ONLY

# Storage is incidental to retries and flood limits are Telegram's side: SQLite only (tests/conftest.py).
pytestmark = SQLITE_ONLY

SECOND_ARTICLE = (
    "Pemerintah Kota Bandung meresmikan jembatan layang baru di kawasan Kiaracondong pada "
    "Senin pagi. Jembatan sepanjang 1,2 kilometer itu dibangun selama dua tahun dengan biaya "
    "Rp 480 miliar dari anggaran daerah dan pusat. Wali kota mengatakan jembatan tersebut "
    "diharapkan mengurangi kemacetan di perlintasan kereta api yang selama ini dikeluhkan "
    "warga. Menurut Dinas Perhubungan, sekitar 60.000 kendaraan melintas di kawasan itu "
    "setiap hari. Warga menyambut baik peresmian jembatan, meski sebagian pedagang khawatir "
    "kehilangan pembeli karena arus kendaraan kini tidak lagi melewati pasar."
)

# The production schedule (0.5 s doubling to 10 s, for 90 s) scaled down for the tests.
FAST_RETRIES = {
    "send_first_backoff_seconds": 0.01,
    "send_max_backoff_seconds": 0.05,
    "send_retry_seconds": 10.0,
}


def update_id_of(api: FakeBotApi, sent: JsonDict) -> int:
    """The update id under which the bot received the message `sent`."""
    for call in api.calls_to("getUpdates"):
        updates = call.result if call.ok else []
        for update in updates:
            if update.get("message", {}).get("message_id") == sent["message_id"]:
                return int(update["update_id"])
    raise AssertionError("the bot never received the message")


def send_attempts(api: FakeBotApi, chat_id: int) -> list[int]:
    return [
        call.status for call in api.calls_to("sendMessage") if call.params["chat_id"] == chat_id
    ]


async def test_a_reply_outlasts_a_run_of_server_errors_and_lost_connections(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database, **FAST_RETRIES):
        api.fail_next("sendMessage", status=500, times=3)
        api.fail_next("sendMessage", status=502, times=2)
        api.drop_next("sendMessage", times=3)
        sent = api.private_text(sample_article)
        await api.wait_for(is_reply_to(sent), timeout=15)
    [reply] = answers_to(api, sent)
    assert "Ringkasan" in reply["text"]
    assert send_attempts(api, sent["chat"]["id"]) == [500, 500, 500, 502, 502, 0, 0, 0, 200]


async def test_a_reply_that_outlasts_the_retries_is_logged_as_lost_with_its_update_id(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(api, bot_database, **FAST_RETRIES | {"send_retry_seconds": 0.5}):
        api.fail_next("sendMessage", status=503, times=10_000)
        lost = api.private_text(sample_article)
        async with asyncio.timeout(15):
            while not [r for r in caplog.records if r.levelno >= logging.ERROR]:
                await asyncio.sleep(0.05)
        lost_update_id = update_id_of(api, lost)
        api.reset()  # Telegram is back
        later = api.private_text(SECOND_ARTICLE)
        await api.wait_for(is_reply_to(later), timeout=15)
    [lost_line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert "sendMessage" in lost_line and "lost" in lost_line
    assert f"update {lost_update_id}" in lost_line
    assert "Ringkasan" in answers_to(api, later)[0]["text"]


@pytest.mark.parametrize("status", [400, 413])
async def test_a_refused_request_is_never_retried(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str, status: int
) -> None:
    async with running_bot(api, bot_database, **FAST_RETRIES):
        api.fail_next("sendMessage", status=status, description="Bad Request: refused")
        refused = api.private_text(sample_article)
        await api.wait_for(lambda call: call.method == "sendMessage" and call.fault, timeout=10)
        later = api.private_text(SECOND_ARTICLE, user_id=2002)
        await api.wait_for(is_reply_to(later), timeout=15)
    assert send_attempts(api, refused["chat"]["id"]) == [status]


async def test_one_chat_waiting_out_a_flood_limit_does_not_hold_other_chats(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database) as application:
        api.fail_next("sendMessage", status=429, retry_after=40)
        waiting = api.private_text(sample_article, user_id=1001)
        await api.wait_for(lambda call: call.method == "sendMessage" and call.fault, timeout=10)
        others = [api.private_text(SECOND_ARTICLE, user_id=2000 + n) for n in range(3)]
        for other in others:
            await api.wait_for(is_reply_to(other), timeout=5)
        held = application.bot.rate_limiter.held_for(waiting["chat"]["id"])
        answered_while_held = answers_to(api, waiting)
    assert answered_while_held == []
    assert held > 30, "the flood-limited chat still waits out its retry_after"
    assert all("Ringkasan" in answers_to(api, other)[0]["text"] for other in others)
