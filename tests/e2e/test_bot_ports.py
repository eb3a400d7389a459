"""A port the bot cannot open (taken by another program) stops `ringkasbot run` with one
clear line."""

from __future__ import annotations

import socket
from pathlib import Path

from testkit.fake_bot_api import FakeBotApi
from testkit.harness import TOKEN
from tests.e2e.test_bot_process import bot_environment, run_cli


def taken_port(holder: socket.socket) -> int:
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return int(holder.getsockname()[1])


async def test_a_metrics_port_in_use_is_one_clear_line(api: FakeBotApi, tmp_path: Path) -> None:
    with socket.socket() as holder:
        env = bot_environment(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BASE_URL=api.base_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'ringkas.db'}",
            METRICS_PORT=str(taken_port(holder)),
        )
        code, _, stderr = await run_cli("run", env=env, cwd=tmp_path)
    assert code == 1
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("ringkasbot: cannot serve metrics on")


async def test_a_webhook_port_in_use_is_one_clear_line(api: FakeBotApi, tmp_path: Path) -> None:
    with socket.socket() as holder:
        env = bot_environment(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BASE_URL=api.base_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'ringkas.db'}",
            WEBHOOK_URL="https://ringkas.example/telegram/hook",
            PORT=str(taken_port(holder)),
        )
        code, _, stderr = await run_cli("run", env=env, cwd=tmp_path)
    assert code == 1
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("ringkasbot: cannot serve the webhook on")
