"""The bot under load, driven only through its process interface: environment variables in,
HTTP out. One process polling, or N replicas in webhook mode behind the fake's round-robin
delivery (the load balancer); any of them can be killed with SIGKILL and started again."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from testkit.fake_bot_api import FakeBotApi

from .procfs import read_proc_kib

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WEBHOOK_URL = "https://ringkas.example/telegram/hook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Launch:
    """How every replica starts: the command line and the settings they share."""

    command: Sequence[str]
    database_url: str
    webhook_url: str | None  # None: polling
    log_level: str = "WARNING"


def bot_environment(api: FakeBotApi, launch: Launch, port: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK"))}
    env.update(
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_BASE_URL=api.base_url,
        DATABASE_URL=launch.database_url,
        FETCH_ALLOWED_NETWORKS="127.0.0.0/8",
        LOG_LEVEL=launch.log_level,
        WEBHOOK_URL=launch.webhook_url or "",
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    if port is not None:
        env.update(PORT=str(port), LISTEN_ADDRESS="127.0.0.1")
    return env


class BotProcess:
    """One replica: its own port (webhook mode), working directory and log file."""

    def __init__(self, api: FakeBotApi, launch: Launch, workdir: Path, number: int) -> None:
        self.api = api
        self.launch = launch
        self.number = number
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "bot.log"
        self.port = free_port() if launch.webhook_url else None
        self.env = bot_environment(api, launch, self.port)
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.kills = 0
        self.peak_kib = 0  # highest VmHWM of the processes this replica has been

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                list(self.launch.command),
                cwd=self.workdir,  # no stray .env from the project root
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def note_peak(self) -> None:
        if self.alive():
            self.peak_kib = max(self.peak_kib, read_proc_kib(self.pid, "VmHWM") or 0)

    async def ready(self, timeout: float) -> None:
        """Polling: the first long poll arrived. Webhook: the port accepts connections."""
        deadline = time.monotonic() + timeout
        while not await self._answering():
            if not self.alive():
                code = None if self.process is None else self.process.returncode
                raise RuntimeError(f"bot {self.number} exited with status {code} at start")
            if time.monotonic() > deadline:
                raise RuntimeError(f"bot {self.number} was not ready within {timeout:g} s")
            await asyncio.sleep(0.05)

    async def _answering(self) -> bool:
        if self.port is None:
            return self.api.polling
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return False
        writer.close()
        return True

    def kill(self) -> None:
        """SIGKILL: no clean-up, as when a machine or container dies."""
        if self.alive():
            self.note_peak()
            assert self.process is not None
            self.process.kill()
            self.process.wait()
            self.kills += 1

    async def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, wait, then SIGKILL if it will not go; returns the exit status.

        Waits without blocking the event loop: the bot's last calls on its way out (the final
        getUpdates that confirms the offset) go to the fake API served by this same loop.
        """
        if self.process is None:
            return None
        if self.alive():
            self.note_peak()
            self.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while self.alive() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if self.alive():
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log_lines(self) -> list[str]:
        if not self.log_path.exists():
            return []
        return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()


class Fleet:
    """The replicas of one run. In webhook mode the fake delivers to them round-robin."""

    def __init__(self, api: FakeBotApi, launch: Launch, workdir: Path, replicas: int) -> None:
        self.api = api
        self.launch = launch
        self.bots = [BotProcess(api, launch, workdir / f"replica-{n}", n) for n in range(replicas)]
        if launch.webhook_url:
            api.deliver_webhooks_to(*(bot.origin for bot in self.bots))

    @property
    def pids(self) -> list[int]:
        return [bot.pid for bot in self.bots if bot.alive()]

    async def start(self, timeout: float) -> float:
        """Starts every replica; returns the seconds until all were ready."""
        started = time.monotonic()
        for bot in self.bots:
            bot.start()
        await asyncio.gather(*(bot.ready(timeout) for bot in self.bots))
        return time.monotonic() - started

    async def restart(self, number: int, timeout: float) -> None:
        bot = self.bots[number]
        bot.start()
        await bot.ready(timeout)

    def note_peaks(self) -> None:
        for bot in self.bots:
            bot.note_peak()

    async def stop(self) -> list[int | None]:
        return list(await asyncio.gather(*(bot.stop() for bot in self.bots)))

    def log_lines(self) -> list[str]:
        lines: list[str] = []
        for bot in self.bots:
            prefix = f"[{bot.number}] " if len(self.bots) > 1 else ""
            lines += [prefix + line for line in bot.log_lines()]
        return lines


def cache_stats(env: dict[str, str], workdir: Path) -> dict[str, str]:
    """`ringkasbot stats` for the bot's database, as label -> value."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "stats"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip() or f"exit status {done.returncode}"}
    rows = {}
    for line in done.stdout.splitlines():
        label, _, value = line.partition("  ")
        rows[label.strip()] = value.strip()
    return rows


def start_profiler(pid: int, output: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling the bot (collapsed stacks, one line per stack, per thread)."""
    command = ["py-spy", "record", "--pid", str(pid), "--rate", "100", "--format", "raw"]
    command += ["--threads", "--gil", "--nonblocking", "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def stop_profiler(profiler: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """SIGINT makes py-spy write its output; wait for it without blocking the loop."""
    if profiler.poll() is None:
        profiler.send_signal(signal.SIGINT)
    deadline = time.monotonic() + timeout
    while profiler.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    if profiler.poll() is None:
        profiler.kill()
        profiler.wait()
