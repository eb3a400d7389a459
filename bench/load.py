"""Load benchmark: the real bot against the local fake Bot API, with simulated users.

The bench process serves the fake Telegram Bot API (testkit.fake_bot_api) and a small news site
on 127.0.0.1, starts the bot as its own process (`python -m bot run`) pointed at both, and sends
private messages open loop at a fixed rate: new IndoSum articles, repeats of earlier ones, long
articles, links to the local site, long pastes split by the client into consecutive messages,
and articles sent as documents (.txt, .pdf with a text layer, .html, in turn). For every
request it measures the time from its last message to the first reply, by kind (fresh,
cached, ...), and counts the answers: the target is exactly one per request. The machinery
lives in testkit/load/ (see its __init__).

Modes:
- one process polling (the default), with targets: sustained rate, fresh p95 < 500 ms, cached
  p50 < 50 ms, peak RSS < 250 MB, one answer per request, every answer a summary;
- `--rates 10,20,30,40,60`: the same bot at each offered rate in turn, one table row per rate
  (answered rate, fresh p95, cached p50, /help p95, process-tree RSS, requests without exactly
  one answer) and the highest rate keeping fresh p95 under 500 ms; probes (a cached article and
  /help, each every second, from users who stay under the per-user limit) ride along;
- `--replicas N [--database postgresql://...]`: N bot processes in webhook mode (WEBHOOK_URL,
  PORT, LISTEN_ADDRESS), the fake POSTing updates to them round-robin with the secret header as
  a load balancer in front of them would; `--kill-at S` SIGKILLs one S seconds into the load
  and `--restart-after` seconds later starts it again.

Articles are read at run time from ../shared/data/indosum/dev.jsonl (750 articles); when more
fresh ones are needed, the next are the same articles with their paragraphs rotated. Memory is
the RSS and PSS of the bot's whole process tree (workers included), read from /proc. The
machine may be shared: the report shows how much CPU other processes used meanwhile;
`--wait-quiet` waits for a calm moment first. All traffic stays on 127.0.0.1.

Usage (from the project root, after `pip install -e '.[bench]'`):
    python bench/load.py              # 2,000 requests at 20/s from 200 chats (~100 s)
    python bench/load.py --quick      # 200 requests, a smoke run
    python bench/load.py --messages 600 --rates 10,20,30,40,60
    python bench/load.py --replicas 2 --database postgresql://u:p@127.0.0.1:5433/ringkas \\
        --rates 20,40 --kill-at 10
Exit status: 0 when it passed (every target; with --rates: one answer to every request),
1 when not, 2 when the run could not be made.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import DEFAULT_DATA, detokenize, load_articles  # noqa: E402
from testkit.load.cli import main as load_main  # noqa: E402


def load_texts(path: Path) -> list[str]:
    return [detokenize(article).text for article in load_articles(path)]


def main(argv: Sequence[str] | None = None) -> int:
    return load_main(
        argv,
        description=__doc__.split("\n\n", 1)[0],
        default_data=DEFAULT_DATA,
        load_texts=load_texts,
    )


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
