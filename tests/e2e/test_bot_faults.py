"""Faults around the running bot: Telegram errors and lost connections, and a database that is
locked, read-only or corrupt. Users still get their answers and the bot keeps serving."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi, RecordedCall
from testkit.harness import answers_to, is_reply_to, running_bot, services_of
from tests.conftest import SQLITE_ONLY
from tests.e2e.articles import BANJIR, RATES

JsonDict = dict[str, Any]

SECOND_ARTICLE = (
    "Pemerintah Kota Bandung meresmikan jembatan layang baru di kawasan Kiaracondong pada "
    "Senin pagi. Jembatan sepanjang 1,2 kilometer itu dibangun selama dua tahun dengan biaya "
    "Rp 480 miliar dari anggaran daerah dan pusat. Wali kota mengatakan jembatan tersebut "
    "diharapkan mengurangi kemacetan di perlintasan kereta api yang selama ini dikeluhkan "
    "warga. Menurut Dinas Perhubungan, sekitar 60.000 kendaraan melintas di kawasan itu "
    "setiap hari. Warga menyambut baik peresmian jembatan, meski sebagian pedagang khawatir "
    "kehilangan pembeli karena arus kendaraan kini tidak lagi melewati pasar."
)

LOCK_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute(f"PRAGMA locking_mode = {sys.argv[2]}")
connection.execute("BEGIN EXCLUSIVE")
connection.execute("PRAGMA user_version")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""


# ---- helpers ---------------------------------------------------------------------------------


async def summary_for(api: FakeBotApi, text: str, timeout: float = 5.0) -> JsonDict:
    """Send `text` privately and return the bot's (single-part) summary of it."""
    sent = api.private_text(text)
    await api.wait_for(is_reply_to(sent), timeout=timeout)
    [reply] = answers_to(api, sent)
    assert "Ringkasan" in reply["text"], reply["text"]
    return reply


def log_lines(caplog: pytest.LogCaptureFixture, logger_prefix: str, level: int) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(logger_prefix) and record.levelno >= level
    ]


async def wait_until(condition: Callable[[], object], timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.05)


def failed_calls(api: FakeBotApi, method: str) -> list[RecordedCall]:
    return [call for call in api.calls_to(method) if call.fault is not None]


# ---- Telegram faults on sendMessage ----------------------------------------------------------


@SQLITE_ONLY  # storage is incidental here
async def test_a_flood_limit_on_send_message_delays_the_reply_until_retry_after(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        api.fail_next("sendMessage", status=429, retry_after=1)
        reply = await summary_for(api, sample_article)
    [refused] = failed_calls(api, "sendMessage")
    delivered = next(call for call in api.calls_to("sendMessage") if call.ok)
    assert refused.status == 429
    assert delivered.result["message_id"] == reply["message_id"]
    assert delivered.time - refused.time >= 1.0, "Telegram's retry_after is respected"


@SQLITE_ONLY  # storage is incidental here
@pytest.mark.parametrize("status", [500, 502])
async def test_a_server_error_on_send_message_is_retried_with_a_log_line(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    async with running_bot(api, bot_database):
        api.fail_next("sendMessage", status=status)
        await summary_for(api, sample_article)
        await summary_for(api, SECOND_ARTICLE)
    assert [call.status for call in failed_calls(api, "sendMessage")] == [status]
    assert any("sendMessage" in line for line in log_lines(caplog, "", logging.WARNING))


# An article in each interface language, and the title its summary starts with.
IN_LANGUAGE = [
    pytest.param("id", BANJIR, "Ringkasan", id="indonesian"),
    pytest.param("en", RATES, "Summary", id="english"),
]


def tries_answering(api: FakeBotApi, sent: JsonDict) -> list[RecordedCall]:
    """sendMessage calls that reply to `sent`, answered or not."""
    return [
        call
        for call in api.calls_to("sendMessage")
        if call.params.get("reply_parameters", {}).get("message_id") == sent["message_id"]
    ]


def faults_answering(api: FakeBotApi, sent: JsonDict) -> list[str | None]:
    return [call.fault for call in tries_answering(api, sent)]


@SQLITE_ONLY  # storage is incidental here
@pytest.mark.parametrize(("language", "article", "title"), IN_LANGUAGE)
async def test_a_connection_dropped_before_telegram_acts_still_gives_exactly_one_answer(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    caplog: pytest.LogCaptureFixture,
    language: str,
    article: str,
    title: str,
) -> None:
    async with running_bot(api, bot_database):
        api.drop_next("sendMessage")
        sent = api.private_text(article, language_code=language)
        await api.wait_for(is_reply_to(sent), timeout=5)
        later = api.private_text(SECOND_ARTICLE)
        await api.wait_for(is_reply_to(later), timeout=5)
        [answer] = answers_to(api, sent)
    assert answer["text"].startswith(title)
    assert faults_answering(api, sent) == ["dropped", None]
    assert any("sendMessage" in line for line in log_lines(caplog, "", logging.WARNING))


@SQLITE_ONLY  # storage is incidental here
@pytest.mark.parametrize(("language", "article", "title"), IN_LANGUAGE)
async def test_a_reply_whose_answer_is_lost_after_delivery_reaches_the_user_exactly_once(
    api: FakeBotApi, bot_database: DatabaseLocation, language: str, article: str, title: str
) -> None:
    async with running_bot(api, bot_database):
        api.drop_next("sendMessage", after_processing=True)
        sent = api.private_text(article, language_code=language)
        # The first try is delivered, its answer lost; the retry delivers a second copy.
        await wait_until(lambda: faults_answering(api, sent) == ["dropped", None], timeout=5)
        await wait_until(lambda: len(answers_to(api, sent)) == 1, timeout=5)
        later = api.private_text(SECOND_ARTICLE)
        await api.wait_for(is_reply_to(later), timeout=5)
        [answer] = answers_to(api, sent)
        [first_try, _] = tries_answering(api, sent)
    assert answer["text"].startswith(title)
    assert answer["raw_text"] == first_try.params["text"]
    assert len(answers_to(api, later)) == 1


@SQLITE_ONLY  # storage is incidental here
@pytest.mark.parametrize("delivered", [False, True], ids=["dropped-before", "answer-lost"])
async def test_looking_for_a_lost_answer_changes_neither_the_users_messages_nor_other_replies(
    api: FakeBotApi, bot_database: DatabaseLocation, delivered: bool
) -> None:
    """While the reply waits for its retry, the user writes again and gets an answer: both
    lie between the lost copy's place and the retry's, where the copy is looked for."""
    async with running_bot(api, bot_database, send_first_backoff_seconds=3.0):
        api.drop_next("sendMessage", after_processing=delivered)
        sent = api.private_text(BANJIR)
        await wait_until(lambda: faults_answering(api, sent) == ["dropped"], timeout=5)
        between = api.private_text("/help")
        await api.wait_for(is_reply_to(between), timeout=5)
        [help_before] = answers_to(api, between)
        await wait_until(lambda: faults_answering(api, sent) == ["dropped", None], timeout=5)
        await wait_until(lambda: len(answers_to(api, sent)) == 1, timeout=5)
        later = api.private_text(SECOND_ARTICLE)
        await api.wait_for(is_reply_to(later), timeout=5)
        [help_after] = answers_to(api, between)
        [answer] = answers_to(api, sent)
    assert help_after == help_before, "the other reply is untouched"
    edited = [call for call in api.calls_to("editMessageText") if call.ok]
    assert edited == [], "no probe changed a message"
    assert "Ringkasan" in answer["text"]


# ---- Telegram faults on getUpdates -----------------------------------------------------------


@SQLITE_ONLY  # storage is incidental here
@pytest.mark.parametrize(
    "inject_fault",
    [
        pytest.param(lambda api: api.fail_next("getUpdates", status=500), id="500"),
        pytest.param(lambda api: api.fail_next("getUpdates", status=502), id="502"),
        pytest.param(lambda api: api.drop_next("getUpdates"), id="dropped"),
    ],
)
async def test_polling_recovers_after_a_failed_get_updates(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
    inject_fault: Callable[[FakeBotApi], None],
) -> None:
    async with running_bot(api, bot_database):
        inject_fault(api)
        await api.wait_for(lambda call: call.method == "getUpdates" and call.fault, timeout=5)
        await summary_for(api, sample_article)
    logged = log_lines(caplog, "telegram.ext", logging.WARNING)
    assert any("polling" in line for line in logged), "the polling error is logged"


# ---- storage faults --------------------------------------------------------------------------
# SQLite only: a file locked by another process, made read-only, or corrupt.


@contextlib.asynccontextmanager
async def locked_by_another_process(path: Path, locking_mode: str) -> AsyncIterator[None]:
    """Another process holds BEGIN EXCLUSIVE on the file until the block ends.

    The event loop keeps running meanwhile: the bot may be finishing a cache write.
    """
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(path), locking_mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert (await asyncio.to_thread(holder.stdout.readline)).strip() == "locked"
        yield
    finally:
        await asyncio.to_thread(holder.communicate, "release\n", 10)


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """Make `path` read-only even for root (`chattr +i`); skip the test where that is impossible."""
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode:
        pytest.skip("cannot set the immutable attribute here")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


async def test_users_get_answers_while_another_process_holds_the_write_lock(
    api: FakeBotApi, tmp_path: Path, sample_article: str, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "ringkas.db"
    async with running_bot(api, database):
        await summary_for(api, sample_article)
        async with locked_by_another_process(database, "NORMAL"):
            await summary_for(api, SECOND_ARTICLE, timeout=15)
            await summary_for(api, sample_article, timeout=15)
    assert any("locked" in line for line in log_lines(caplog, "storage", logging.WARNING))


async def test_a_read_only_database_still_answers_from_its_cache_and_beyond(
    api: FakeBotApi, tmp_path: Path, sample_article: str, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "ringkas.db"
    async with running_bot(api, database):
        first = await summary_for(api, sample_article)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ringkas.db"]
    with immutable(database):
        async with running_bot(api, database) as application:
            cached = await summary_for(api, sample_article)
            await summary_for(api, SECOND_ARTICLE)
            computations = services_of(application).digests.computations
    assert cached["text"] == first["text"]
    assert computations == 1, "the first article came from the read-only cache"
    assert any("read-only" in line for line in log_lines(caplog, "", logging.WARNING))


async def test_a_corrupt_database_is_moved_aside_and_the_cache_works_again(
    api: FakeBotApi, tmp_path: Path, sample_article: str, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "ringkas.db"
    database.write_bytes(b"\x00\xffRINGKAS? not a database\x13\x37" * 512)
    async with running_bot(api, database) as application:
        first = await summary_for(api, sample_article)
        again = await summary_for(api, sample_article)
        computations = services_of(application).digests.computations
    assert again["text"] == first["text"]
    assert computations == 1, "the second answer came from the recreated cache"
    assert list(tmp_path.glob("ringkas.db.corrupt-*"))
    assert any("corrupt" in line for line in log_lines(caplog, "", logging.WARNING))
