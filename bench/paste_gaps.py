"""How far apart the parts of a split paste arrive over slow links, and what the bot makes of it.

A Telegram client sends a text over 4,096 characters as several messages: Telegram Desktop
queues one messages.sendMessage per part in one loop, each invoked after the one before
(MainWidget::sendMessage, `MTP::send(..., history->sendRequestId)`); the Android app calls
SendMessagesHelper.sendMessage once per part in a loop (ChatActivityEnterView.
processSendingText). Nothing waits for the user: the parts go back to back, and Telegram
stamps each (`date`, whole seconds) when it has received it. So the gap between two parts is
about the time the link takes to carry the second one: its bytes at the link's upload rate
("queued", as the apps do), plus one round trip for a client that waits for each answer
before it sends the next ("one by one", the worst case).

For each link below, the real application (testkit.harness, PTB's HTTP stack against the fake
Bot API on 127.0.0.1) gets a 9,000-character article cut as the clients cut it, the parts
injected with the modelled gaps. Reported: the gap, the stamps' spread, and how the bot
answered: once after joining every part ("joined"), once and then updated in place by a part
that came after the 1 s wait ("updated"), or more than once ("split"); and how long after the
last part the first reply came.

    python bench/paste_gaps.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import DEFAULT_DATA, detokenize, load_articles  # noqa: E402
from testkit.fake_bot_api import FakeBotApi, JsonDict, split_like_client  # noqa: E402
from testkit.harness import TOKEN, running_bot  # noqa: E402
from testkit.load.driver import reply_target  # noqa: E402

ARTICLE_CHARS = 9_000
# An MTProto request carries the text plus the message's fields, its envelope and padding.
REQUEST_OVERHEAD_BYTES = 200
FIRST_USER = 9_300_001


@dataclass(frozen=True)
class Link:
    name: str
    kbit_per_second: float
    round_trip_ms: float


LINKS = (
    Link("4G / Wi-Fi", 10_000, 50),
    Link("3G", 1_000, 150),
    Link("EDGE", 200, 400),
    Link("GPRS", 50, 700),
    Link("poor GPRS", 20, 1000),
)


@dataclass(frozen=True)
class Result:
    link: Link
    mode: str
    gaps: list[float]
    stamp_spread: int
    outcome: str
    first_reply_ms: float | None


def part_gaps(parts: Sequence[str], link: Link, one_by_one: bool) -> list[float]:
    """Seconds between one part reaching Telegram and the next."""
    gaps = []
    for part in parts[1:]:
        upload = (
            (len(part.encode("utf-8")) + REQUEST_OVERHEAD_BYTES) * 8 / (link.kbit_per_second * 1000)
        )
        gaps.append(upload + (link.round_trip_ms / 1000 if one_by_one else 0.0))
    return gaps


async def send_split(
    api: FakeBotApi, parts: Sequence[str], gaps: Sequence[float], user: int
) -> tuple[list[JsonDict], float]:
    """The parts as the client sends them; returns them and when the last one went."""
    sent = [api.private_text(parts[0], user_id=user)]
    for part, gap in zip(parts[1:], gaps, strict=True):
        await asyncio.sleep(gap)
        sent.append(api.private_text(part, user_id=user))
    return sent, time.time()


async def one_link(
    api: FakeBotApi, article: str, link: Link, one_by_one: bool, user: int
) -> Result:
    parts = split_like_client(article)
    gaps = part_gaps(parts, link, one_by_one)
    start = len(api.calls)
    sent, last_at = await send_split(api, parts, gaps, user)
    await asyncio.sleep(max(3.0, 1.5 + sum(gaps)))  # the 1 s wait, a late part, the engine
    ids = {message["message_id"] for message in sent}
    replies = [
        call
        for call in api.calls[start:]
        if (target := reply_target(call)) is not None and target[0] == user and target[1] in ids
    ]
    edits = [
        call
        for call in api.calls[start:]
        if call.method == "editMessageText" and call.params.get("chat_id") == user
    ]
    summaries = [call for call in replies if call.params.get("reply_markup")]
    outcome = "joined" if len(summaries) == 1 and not edits else "updated"
    if len(summaries) != 1:
        outcome = f"split ({len(summaries)} answers)"
    first = min((call.time for call in replies), default=None)
    stamps = [int(message["date"]) for message in sent]
    return Result(
        link,
        "one by one" if one_by_one else "queued",
        gaps,
        max(stamps) - min(stamps),
        outcome,
        None if first is None else (first - last_at) * 1000,
    )


def long_article(path: Path) -> str:
    texts = [detokenize(article).text for article in load_articles(path)]
    joined = ""
    for text in texts:
        joined = f"{joined}\n\n{text}" if joined else text
        if len(joined) >= ARTICLE_CHARS:
            return joined[: ARTICLE_CHARS + 200]
    raise SystemExit("the corpus is too short")


async def run() -> list[Result]:
    article = long_article(DEFAULT_DATA)
    results = []
    api = FakeBotApi(TOKEN)
    await api.start()
    database = Path(tempfile.mkdtemp(prefix="ringkas-gaps-")) / "bot.db"
    try:
        async with running_bot(api, database, rate_limit_requests=1000):
            user = FIRST_USER
            for link in LINKS:
                for one_by_one in (False, True):
                    results.append(await one_link(api, article, link, one_by_one, user))
                    user += 1
    finally:
        await api.stop()
    return results


def table(results: Sequence[Result], parts: Sequence[str]) -> str:
    sizes = " + ".join(f"{len(part):,}" for part in parts)
    lines = [
        f"Article of {sum(len(p) for p in parts):,} characters, cut into {sizes}.",
        "",
        "| Link (upload, round trip) | Client | Gaps between parts, s | Stamps spread, s "
        "| Bot answered | First reply after the last part, ms |",
        "|---|---|---:|---:|---|---:|",
    ]
    for r in results:
        gaps = ", ".join(f"{gap:.2f}" for gap in r.gaps)
        reply = "-" if r.first_reply_ms is None else f"{r.first_reply_ms:,.0f}"
        lines.append(
            f"| {r.link.name} ({r.link.kbit_per_second:g} kbit/s, {r.link.round_trip_ms:g} ms) "
            f"| {r.mode} | {gaps} | {r.stamp_spread} | {r.outcome} | {reply} |"
        )
    return "\n".join(lines)


def main() -> int:
    results = asyncio.run(run())
    print(table(results, split_like_client(long_article(DEFAULT_DATA))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
