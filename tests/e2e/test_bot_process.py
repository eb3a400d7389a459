"""`ringkasbot run` as a real process: configuration errors, serving, and a clean SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from asyncio.subprocess import Process
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from testkit.fake_bot_api import FakeBotApi
from testkit.harness import TOKEN
from testkit.load.procfs import process_tree
from tests.conftest import StorageTarget
from tests.documents import encrypted_pdf
from tests.e2e.articles import RATES

PROJECT = Path(__file__).resolve().parents[2]


async def post_when_listening(url: str, update: dict, headers: dict[str, str]) -> int:
    """POST an update to the bot's webhook server, which may still be starting up."""
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.post(url, json=update, headers=headers) as response:
                    return response.status
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.1)
    raise TimeoutError(f"nothing listens at {url}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bot_environment(**values: str) -> dict[str, str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK"))
    }
    environment.update(values)
    return environment


async def run_cli(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        cwd=cwd, env=env | {"PYTHONPATH": str(PROJECT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, stdout.decode(), stderr.decode()


@pytest.mark.parametrize("token", ["", "not-a-token", "123:short"])
async def test_run_without_a_valid_token_is_one_line_and_status_2(
    tmp_path: Path, token: str
) -> None:
    code, _, stderr = await run_cli(
        "run", env=bot_environment(TELEGRAM_BOT_TOKEN=token), cwd=tmp_path
    )
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1
    assert "TELEGRAM_BOT_TOKEN" in stderr


async def test_run_reads_its_settings_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=123456:x\n", encoding="utf-8")
    code, _, stderr = await run_cli("run", env=bot_environment(), cwd=tmp_path)
    assert code == 2
    assert "does not look like a bot token" in stderr


@contextlib.asynccontextmanager
async def serving_bot(api: FakeBotApi, database_url: str, cwd: Path) -> AsyncIterator[Process]:
    """`ringkasbot run` against the fake Bot API; killed if the test leaves it running."""
    env = bot_environment(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=api.base_url,
        DATABASE_URL=database_url,
        PYTHONPATH=str(PROJECT),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def stopped(process: Process) -> bytes:
    """SIGTERM, then what the process wrote to stderr until it exited."""
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    return stderr


async def test_sigterm_stops_the_bot_cleanly_and_keeps_the_database(
    api: FakeBotApi, tmp_path: Path, storage_target: StorageTarget, sample_article: str
) -> None:
    async with serving_bot(api, storage_target.url, tmp_path) as process:
        sent = api.private_text(sample_article)
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1, timeout=30)
        stderr = await stopped(process)
    assert "Ringkasan" in reply["text"]
    assert process.returncode == 0
    assert b"Traceback" not in stderr
    [(cached,)] = await storage_target.query("SELECT count(*) FROM cache_entries")
    assert cached >= 1
    if storage_target.kind == "sqlite":
        assert await storage_target.query("PRAGMA integrity_check") == [("ok",)]


async def test_a_polling_bot_leaves_passport_crypto_and_tornado_out_and_opens_aes_pdfs(
    api: FakeBotApi, tmp_path: Path, storage_target: StorageTarget
) -> None:
    async with serving_bot(api, storage_target.url, tmp_path) as process:
        sent = api.document_message(encrypted_pdf(RATES, "", aes=True), file_name="rates.pdf")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1, timeout=30)
        mapped = Path(f"/proc/{process.pid}/maps").read_text()
        await stopped(process)
    assert reply["text"].startswith("Ringkasan")
    assert "/cryptography/" not in mapped
    assert "/tornado/" not in mapped  # no webhook, no METRICS_PORT: no HTTP server to load


async def environments_of_a_serving_bot(
    api: FakeBotApi, database_url: str, cwd: Path, article: str
) -> tuple[bytes, list[bytes]]:
    """/proc/PID/environ of `ringkasbot run` and of each of its worker processes, read once it
    answered `article`."""
    async with serving_bot(api, database_url, cwd) as process:
        sent = api.private_text(article)
        await api.wait_for_messages(sent["chat"]["id"], 1, timeout=30)
        workers = [pid for pid in process_tree(process.pid) if pid != process.pid]
        environments = [Path(f"/proc/{pid}/environ").read_bytes() for pid in workers]
        bots = Path(f"/proc/{process.pid}/environ").read_bytes()
        await stopped(process)
    assert len(workers) >= 3  # the template, an engine worker and the light worker
    return bots, environments


async def test_the_worker_processes_run_without_the_bots_secrets(
    api: FakeBotApi, tmp_path: Path, storage_target: StorageTarget, sample_article: str
) -> None:
    bots, environments = await environments_of_a_serving_bot(
        api, storage_target.url, tmp_path, sample_article
    )
    assert TOKEN.encode() in bots
    for environment in environments:
        assert TOKEN.encode() not in environment
        assert b"DATABASE_URL=" not in environment
        assert b"TELEGRAM_BASE_URL=" in environment  # the rest is theirs


async def test_the_worker_processes_of_a_running_bot_keep_numpy_to_one_thread(
    api: FakeBotApi, tmp_path: Path, storage_target: StorageTarget, sample_article: str
) -> None:
    _, environments = await environments_of_a_serving_bot(
        api, storage_target.url, tmp_path, sample_article
    )
    for environment in environments:
        assert b"\0OPENBLAS_NUM_THREADS=1\0" in b"\0" + environment


async def test_stats_reports_the_cache_and_the_chats_served(
    api: FakeBotApi, tmp_path: Path, storage_target: StorageTarget, sample_article: str
) -> None:
    from testkit.harness import running_bot

    async with running_bot(api, storage_target.location):
        for _ in range(2):
            sent = api.private_text(sample_article)
            await api.wait_for_messages(sent["chat"]["id"], len(api.sent_messages()) + 1)
    code, stdout, _ = await run_cli(
        "stats", env=bot_environment(DATABASE_URL=storage_target.url), cwd=tmp_path
    )
    assert code == 0
    assert "Chats served" in stdout and " 1\n" in stdout
    assert "Hit rate" in stdout


async def test_stats_without_a_database_says_so(tmp_path: Path) -> None:
    code, _, stderr = await run_cli(
        "stats", env=bot_environment(DATABASE_URL="sqlite:///missing.db"), cwd=tmp_path
    )
    assert code == 2
    assert "no database" in stderr


async def test_an_unreachable_bot_api_is_one_clear_line_not_a_traceback(tmp_path: Path) -> None:
    env = bot_environment(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL="http://127.0.0.1:9/bot",
        DATABASE_URL=f"sqlite:///{tmp_path / 'ringkas.db'}",
    )
    code, _, stderr = await run_cli("run", env=env, cwd=tmp_path)
    assert code == 1
    assert "Traceback" not in stderr
    assert (
        stderr.strip().splitlines()[-1].startswith("ringkasbot: cannot reach the Telegram Bot API")
    )


async def test_a_plain_http_webhook_url_is_refused(tmp_path: Path) -> None:
    env = bot_environment(TELEGRAM_BOT_TOKEN=TOKEN, WEBHOOK_URL="http://example.org/hook")
    code, _, stderr = await run_cli("run", env=env, cwd=tmp_path)
    assert code == 2
    assert "WEBHOOK_URL must be an https URL" in stderr


async def test_webhook_mode_registers_its_url_and_answers_posted_updates(
    api: FakeBotApi, tmp_path: Path, sample_article: str
) -> None:
    port = free_port()
    env = bot_environment(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=api.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'ringkas.db'}",
        WEBHOOK_URL="https://ringkas.example/telegram/hook",
        PORT=str(port),
        PYTHONPATH=str(PROJECT),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        registered = await api.wait_for("setWebhook", timeout=30)
        message = api.private_text(sample_article)  # known to the fake API, posted by us
        update = {"update_id": 1, "message": message}
        headers = {"X-Telegram-Bot-Api-Secret-Token": registered.params["secret_token"]}
        url = f"http://127.0.0.1:{port}/telegram/hook"
        refused_status = await post_when_listening(url, update | {"update_id": 2}, {})
        accepted_status = await post_when_listening(url, update, headers)
        [reply] = await api.wait_for_messages(message["chat"]["id"], 1, timeout=30)
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert registered.params["url"].startswith("https://ringkas.example/telegram/hook?")
    assert refused_status == 403  # without the secret token
    assert accepted_status == 200
    assert "Ringkasan" in reply["text"]
    assert process.returncode == 0
