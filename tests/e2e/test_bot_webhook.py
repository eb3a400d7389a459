"""Webhook mode: posts without the secret, or too large, are refused before their body is
read; the webhook is registered once for all replicas; health and readiness are served on
the same port."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import build_application
from bot.settings import Settings
from bot.webhook import SECRET_HEADER, register_webhook, registered_url, serve_webhook
from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi, JsonDict
from testkit.harness import TOKEN, make_settings, worker_template
from tests.conftest import SQLITE_ONLY

PROJECT = Path(__file__).resolve().parents[2]
WEBHOOK_URL = "https://ringkas.example/telegram/hook"
HOOK_PATH = "/telegram/hook"
NINETY_FIVE_MB = 95 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_listening(port: int, timeout: float = 30) -> None:
    async with asyncio.timeout(timeout):
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            return


async def first_response_line(port: int, head: bytes, body_part: bytes) -> bytes:
    """Send a request's headers and the start of its body; return the status line Telegram
    would see. The rest of the declared body is never sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head + body_part)
        await writer.drain()
        return await asyncio.wait_for(reader.readline(), 5)
    finally:
        writer.close()


def post_head(length: int, headers: dict[str, str] | None = None) -> bytes:
    lines = [
        f"POST {HOOK_PATH} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {length}",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@asynccontextmanager
async def webhook_bot(
    api: FakeBotApi, database: DatabaseLocation, **changes: Any
) -> AsyncIterator[Settings]:
    """The real application serving webhook mode in this event loop."""
    settings = replace(
        make_settings(api, database),
        webhook_url=WEBHOOK_URL,
        listen_address="127.0.0.1",
        port=free_port(),
        **changes,
    )
    stop = asyncio.Event()
    serving = asyncio.create_task(
        serve_webhook(
            build_application(settings, zygote=worker_template()), settings, until=stop.wait
        )
    )
    try:
        await wait_listening(settings.port)
        yield settings
    finally:
        stop.set()
        await serving


async def post_update(settings: Settings, update: JsonDict | bytes, secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    url = f"http://127.0.0.1:{settings.port}{HOOK_PATH}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status


async def get(settings: Settings, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{settings.port}{path}") as response,
    ):
        return response.status, await response.text()


# ---- the process: refused before reading, registered once ------------------------------------


def bot_environment(api: FakeBotApi, tmp_path: Path, port: int) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": api.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'ringkas.db'}",
        "WEBHOOK_URL": WEBHOOK_URL,
        "PORT": str(port),
        "PYTHONPATH": str(PROJECT),
    }


@asynccontextmanager
async def bot_process(api: FakeBotApi, tmp_path: Path, port: int) -> AsyncIterator[None]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=bot_environment(api, tmp_path, port),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await wait_listening(port)
        yield
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


async def test_a_huge_post_without_the_secret_is_refused_before_its_body_is_read(
    api: FakeBotApi, tmp_path: Path
) -> None:
    port = free_port()
    async with bot_process(api, tmp_path, port):
        status = await first_response_line(port, post_head(NINETY_FIVE_MB), b"{" * 65536)
    assert status.startswith(b"HTTP/1.1 403")


async def test_a_second_replica_does_not_register_the_webhook_again(
    api: FakeBotApi, tmp_path: Path
) -> None:
    first, second = free_port(), free_port()
    async with bot_process(api, tmp_path, first):
        await api.wait_for("setWebhook", timeout=30)
        started = len(api.calls)
        async with bot_process(api, tmp_path, second):
            checked = {"getWebhookInfo", "setWebhook"}  # whichever it does first
            await api.wait_for(lambda call: call.method in checked, timeout=30, start=started)
    assert len(api.calls_to("setWebhook")) == 1
    assert all(not call.params.get("drop_pending_updates") for call in api.calls_to("setWebhook"))
    assert not api.calls_to("deleteWebhook")


# ---- the server ------------------------------------------------------------------------------


@SQLITE_ONLY  # storage is incidental here
async def test_a_post_with_the_secret_but_too_large_is_refused_before_its_body_is_read(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with webhook_bot(api, bot_database) as settings:
        secret = {SECRET_HEADER: settings.webhook_secret_token}
        too_large = post_head(settings.webhook_max_body_bytes + 1, secret)
        status = await first_response_line(settings.port, too_large, b"{")
    assert status.startswith(b"HTTP/1.1 413")


@SQLITE_ONLY  # storage is incidental here
@pytest.mark.parametrize("secret", [None, "", "salah-" * 8])
async def test_a_post_without_the_right_secret_is_refused(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str, secret: str | None
) -> None:
    async with webhook_bot(api, bot_database) as settings:
        message = api.private_text(sample_article)
        status = await post_update(settings, {"update_id": 1, "message": message}, secret)
    assert status == 403
    assert not api.sent_messages(message["chat"]["id"])


async def test_a_configured_webhook_secret_is_registered_and_required(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    secret = "rahasia-operator-2024-rotasi-1"
    async with webhook_bot(api, bot_database, webhook_secret=secret) as settings:
        message = api.private_text(sample_article)
        derived = await post_update(
            settings,
            {"update_id": 1, "message": message},
            make_settings(api, None).webhook_secret_token,
        )
        accepted = await post_update(settings, {"update_id": 2, "message": message}, secret)
        [reply] = await api.wait_for_messages(message["chat"]["id"], 1, timeout=15)
    [registered] = api.calls_to("setWebhook")
    assert registered.params["secret_token"] == secret
    assert (derived, accepted) == (403, 200)
    assert "Ringkasan" in reply["text"]


async def test_an_unreadable_update_is_acknowledged_and_skipped(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with webhook_bot(api, bot_database) as settings:
        secret = settings.webhook_secret_token
        message = api.private_text(sample_article)
        undated = {key: value for key, value in message.items() if key != "date"}
        skipped = await post_update(settings, {"update_id": 1, "message": undated}, secret)
        not_json = await post_update(settings, b"{bukan json", secret)
        accepted = await post_update(settings, {"update_id": 2, "message": message}, secret)
        replies = await api.wait_for_messages(message["chat"]["id"], 1, timeout=15)
    assert (skipped, not_json, accepted) == (200, 400, 200)
    assert len(replies) == 1


async def test_health_and_readiness_are_served_on_the_webhook_port(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with webhook_bot(api, bot_database, readiness_cache_seconds=0.0) as settings:
        health = await get(settings, "/healthz")
        ready = await get(settings, "/readyz")
        await api.stop()  # the Bot API goes away
        api_gone = await get(settings, "/readyz")
    assert health == (200, "ok\n")
    assert ready[0] == 200 and json.loads(ready[1]) == {"ready": True}
    assert api_gone[0] == 503
    assert "bot_api" in json.loads(api_gone[1])


async def test_registration_is_skipped_when_telegram_already_posts_with_this_secret(
    api: FakeBotApi,
) -> None:
    from telegram import Bot

    async with Bot(TOKEN, base_url=api.base_url) as bot:
        first = await register_webhook(bot, WEBHOOK_URL, "rahasia-pertama-0001")
        again = await register_webhook(bot, WEBHOOK_URL, "rahasia-pertama-0001")
        rotated = await register_webhook(bot, WEBHOOK_URL, "rahasia-kedua-000002")
    assert (first, again, rotated) == (True, False, True)
    assert api.webhook_url == registered_url(WEBHOOK_URL, "rahasia-kedua-000002")


async def test_a_refused_webhook_registration_is_one_clear_line(
    api: FakeBotApi, tmp_path: Path
) -> None:
    api.fail_next("setWebhook", status=400, description="Bad Request: bad webhook: IP is banned")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path,
        env=bot_environment(api, tmp_path, free_port()),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    last_line = stderr.decode().strip().splitlines()[-1]
    assert last_line.startswith("ringkasbot: Telegram refused a request at start: ")
    assert "bad webhook: ip is banned" in last_line.lower()
