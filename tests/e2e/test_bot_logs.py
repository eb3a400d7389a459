"""What the logs may hold: never the bot token or the webhook secret (at any level), and at
INFO never message text or link paths. JSON logs are one object per line, without either."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.settings import derived_webhook_secret
from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import TOKEN, answers_to, is_reply_to, running_bot
from tests.conftest import SQLITE_ONLY

PROJECT = Path(__file__).resolve().parents[2]
TOKEN_SECRET = TOKEN.partition(":")[2]
ARTICLE_SENTENCE = "Ketegangan yang terjadi antara Rusia dan Ukraina makin memuncak."
SECRET_PATH = "/arsip/rahasia-narasumber-budi-santoso"


def logged_text(caplog: pytest.LogCaptureFixture, level: int = logging.DEBUG) -> str:
    """Everything the captured records would print: messages and tracebacks."""
    records = [record for record in caplog.records if record.levelno >= level]
    return "\n".join(f"{r.getMessage()}\n{r.exc_text or ''}" for r in records)


def bot_environment(**values: str) -> dict[str, str]:
    keep = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK", "LOG_"))
    }
    return keep | {"PYTHONPATH": str(PROJECT)} | values


async def run_bot_until(
    env: dict[str, str], cwd: Path, api: FakeBotApi, text: str | None = None
) -> tuple[int, str]:
    """Run `python -m bot run`; with `text`, send it and stop once it is answered."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        if text is not None:
            sent = api.private_text(text)
            await api.wait_for_messages(sent["chat"]["id"], 1, timeout=30)
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return process.returncode or 0, stderr.decode()


@SQLITE_ONLY  # storage is incidental here
async def test_the_token_never_reaches_the_logs_even_at_debug(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_bot(api, bot_database):
        sent = api.private_text(sample_article)
        await api.wait_for(is_reply_to(sent), timeout=10)
    assert "getUpdates" in logged_text(caplog), "the Bot API calls were logged"
    assert TOKEN_SECRET not in logged_text(caplog)
    assert derived_webhook_secret(TOKEN) not in logged_text(caplog)


@SQLITE_ONLY  # storage is incidental here
async def test_at_info_neither_message_text_nor_link_paths_are_logged(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with running_bot(api, bot_database, allow_loopback=True):
        article = api.private_text(sample_article)
        # Another user: a message right after a long one from the same user would be read
        # as the next part of a split paste (handlers/pastes.py).
        link = api.private_text(f"tolong ringkas http://127.0.0.1:9{SECRET_PATH}", user_id=1002)
        for sent in (article, link):
            await api.wait_for(is_reply_to(sent), timeout=10)
    assert "Ringkasan" in answers_to(api, article)[0]["text"]
    assert "not summarized" in logged_text(caplog, logging.INFO), "the failed link was logged"
    assert SECRET_PATH not in logged_text(caplog, logging.INFO)
    assert ARTICLE_SENTENCE not in logged_text(caplog, logging.INFO)


@SQLITE_ONLY  # storage is incidental here
async def test_at_info_a_documents_file_name_is_never_logged(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    read_name, unread_name = "laporan-narasumber-budi-santoso.txt", "bukti-suap-pejabat-x.pdf"
    async with running_bot(api, bot_database):
        read = api.document_message(sample_article.encode(), file_name=read_name)
        unread = api.document_message(b"%PDF-1.7 rusak" * 8, file_name=unread_name, user_id=1002)
        for sent in (read, unread):
            await api.wait_for_messages(sent["chat"]["id"], 1, timeout=10)
    assert "Ringkasan" in api.sent_messages(read["chat"]["id"])[0]["text"]
    assert "rusak" in api.sent_messages(unread["chat"]["id"])[0]["text"]
    logged = logged_text(caplog, logging.INFO)
    assert "document not read" in logged, "the unreadable document was logged"
    assert read_name not in logged and unread_name not in logged
    assert "narasumber" not in logged and "bukti-suap" not in logged


async def test_a_refused_token_is_reported_without_printing_it(tmp_path: Path) -> None:
    async with FakeBotApi("999888:another-bots-token-abcdefghijk") as other_bot:
        env = bot_environment(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BASE_URL=other_bot.base_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'ringkas.db'}",
            LOG_LEVEL="DEBUG",
        )
        code, stderr = await run_bot_until(env, tmp_path, other_bot)
    assert code == 1
    assert "refused TELEGRAM_BOT_TOKEN" in stderr
    assert "[redacted]" in stderr, "the token was in what was logged, and was redacted"
    assert TOKEN_SECRET not in stderr


async def test_json_logs_are_one_object_per_line_without_token_or_text(
    api: FakeBotApi, tmp_path: Path, sample_article: str
) -> None:
    env = bot_environment(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=api.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'ringkas.db'}",
        LOG_FORMAT="json",
        LOG_LEVEL="DEBUG",
    )
    code, stderr = await run_bot_until(env, tmp_path, api, sample_article)
    entries = [json.loads(line) for line in stderr.splitlines()]
    assert code == 0
    assert any("Ringkas is up" in entry["message"] for entry in entries)
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert TOKEN_SECRET not in stderr
    assert ARTICLE_SENTENCE not in stderr
