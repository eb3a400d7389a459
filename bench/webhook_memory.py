"""The webhook server's memory under unauthenticated 95 MB posts (issue 11, item 2).

Starts the fake Bot API and `python -m bot run` in webhook mode from --project (this checkout
by default; point it at an older checkout to compare), then sends N concurrent posts of 95 MB
without the secret header, each trying to send its whole body, and reports the bot's RSS
before, its peak during the posts (sampled every 20 ms, and the kernel's VmHWM), and what
each client saw.

    python bench/webhook_memory.py [--project DIR] [--posts 6] [--megabytes 95]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from testkit.fake_bot_api import FakeBotApi  # noqa: E402

TOKEN = "123456789:AAH-ringkas-bench-token-0123456789"
CHUNK = 1024 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def memory_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


async def wait_listening(port: int) -> None:
    for _ in range(600):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise TimeoutError("the bot never listened")


async def hostile_post(port: int, size: int) -> str:
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST /telegram/hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    sent = 0
    outcome = "sent all"
    try:
        writer.write(head)
        block = b"[" * CHUNK
        while sent < size:
            writer.write(block[: min(CHUNK, size - sent)])
            await writer.drain()
            sent += min(CHUNK, size - sent)
    except OSError as error:
        outcome = f"cut off ({type(error).__name__})"
    try:
        status = (await asyncio.wait_for(reader.readline(), 120)).decode().strip() or "no answer"
    except (OSError, TimeoutError) as error:
        status = f"no answer ({type(error).__name__})"
    writer.close()
    took = time.monotonic() - started
    return f"{status}; body {outcome} after {sent / CHUNK:.0f} MB; {took:.1f}s"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=HERE)
    parser.add_argument("--posts", type=int, default=6)
    parser.add_argument("--megabytes", type=int, default=95)
    args = parser.parse_args()
    port = free_port()
    async with FakeBotApi(TOKEN) as api:
        with tempfile.TemporaryDirectory() as work:
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "PYTHONPATH": str(args.project.resolve()),
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_BASE_URL": api.base_url,
                "DATABASE_URL": f"sqlite:///{work}/ringkas.db",
                "WEBHOOK_URL": "https://ringkas.example/telegram/hook",
                "LISTEN_ADDRESS": "127.0.0.1",
                "PORT": str(port),
            }
            bot = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=work, env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            try:
                await wait_listening(port)
                await asyncio.sleep(2)  # let start-up settle
                before = memory_kib(bot.pid)["VmRSS"]
                peak = before
                posts = [
                    asyncio.create_task(hostile_post(port, args.megabytes * 1024 * 1024))
                    for _ in range(args.posts)
                ]
                while not all(post.done() for post in posts):
                    peak = max(peak, memory_kib(bot.pid)["VmRSS"])
                    await asyncio.sleep(0.02)
                outcomes = [post.result() for post in posts]
                hwm = memory_kib(bot.pid)["VmHWM"]
            finally:
                bot.terminate()
                await bot.wait()
    print(f"project: {args.project.resolve()}")
    print(f"{args.posts} posts of {args.megabytes} MB without the secret header")
    print(
        f"RSS before: {before / 1024:.0f} MB; peak sampled: {peak / 1024:.0f} MB; "
        f"VmHWM: {hwm / 1024:.0f} MB"
    )
    for number, outcome in enumerate(outcomes, 1):
        print(f"  post {number}: {outcome}")


if __name__ == "__main__":
    asyncio.run(main())
