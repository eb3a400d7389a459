"""``python -m testkit.fake_bot_api``: serve the fake Bot API until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal

from .core import DEFAULT_TOKEN
from .server import FakeBotApi


async def serve(host: str, port: int, token: str, bot_username: str) -> None:
    server = FakeBotApi(token, bot_username=bot_username)
    await server.start(host, port)
    print(f"fake Telegram Bot API at {server.base_url} (control: {server.control_url})", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a fake Telegram Bot API until killed.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default="ringkas_test_bot")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port, args.token, args.bot_username))
