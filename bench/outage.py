"""How long a Bot API outage the bot rides out without losing a reply (issue 11, item 3).

For each outage length: the real application (harness, default settings) polls the fake Bot
API; N users send an article; as soon as the bot has fetched the updates the fake API goes
away (connections refused) for that long and then comes back on the same port. Reports how
many of the N replies were delivered, and when.

    python bench/outage.py [--users 10] [--seconds 20 45 70 85 100]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from testkit.fake_bot_api import FakeBotApi  # noqa: E402
from testkit.harness import TOKEN, answers_to, running_bot  # noqa: E402

ARTICLE = (HERE / "seeds" / "rusia-ukraina-negosiasi.txt").read_text(encoding="utf-8")


async def one_outage(users: int, outage: float) -> str:
    api = FakeBotApi(TOKEN)
    await api.start()
    port = api.port
    with tempfile.TemporaryDirectory() as work:
        async with running_bot(api, Path(work) / "ringkas.db"):
            sent = [api.private_text(ARTICLE, user_id=5000 + n) for n in range(users)]
            while api.pending_update_count:
                await asyncio.sleep(0.005)
            await api.stop()
            early = sum(1 for message in sent if answers_to(api, message))
            down_at = time.monotonic()
            await asyncio.sleep(outage)
            await api.start(port=port)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not all(answers_to(api, m) for m in sent):
                await asyncio.sleep(0.1)
            last = time.monotonic() - down_at
            delivered = sum(1 for message in sent if answers_to(api, message))
        await api.stop()
    return (
        f"outage {outage:5.0f}s: {delivered}/{users} replies delivered "
        f"({early} before the outage; the last {last:.0f}s after it began)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, nargs="+", default=[20, 45, 70, 85, 100])
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    for outage in args.seconds:
        print(await one_outage(args.users, outage), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
