"""Fair share: one user bursts 30 articles while 10 others send one each.

The real application (testkit.harness: PTB's HTTP stack against the fake Bot API on
127.0.0.1, the engine in its worker processes) runs in this process. The heavy lane's two
functions (reading a document, summarizing) are wrapped so that each worker notes when it
ran them and for whom; the articles carry their sender in a last line ("Nomor laporan:
BURST-07.").

Scenario, each in a fresh database with articles never sent before:
- alone: the 10 others send one article each (pasted text), 0.2 s apart: the peer;
- burst: one user sends 30 articles at once, as PDFs of about 40,000 characters (the heaviest
  thing a user can send many of: a pasted message stops at 4,096 characters and takes the
  engine ~10 ms; `--burst-kind text` sends pastes); from 0.5 s on, the 10 others send theirs
  0.2 s apart. Run with the per-user limit lifted (the fair queue alone) and with the bot's
  own limit (10 a minute: the rest of the burst waits its turn, up to a minute).

It reports the others' latency (their message to the reply) p50/p95/max and its ratio to the
alone run's p95, and, while the others had work (from the first other's message to the last
other's reply), the burster's share of the engine's busy time and of its capacity (workers
times that time). Articles: IndoSum dev (../shared/data/indosum/dev.jsonl, or `--data`); the
others' and pasted bursts' are those of 1,000-2,000 characters (a longer one sent right after
another by the same user would be taken as the next part of a split paste).

    python bench/fairness.py
    python bench/fairness.py --burst-kind text --skip-limited
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import service.digests  # noqa: E402
import service.documents  # noqa: E402
import service.records  # noqa: E402
from bench.common import DEFAULT_DATA, detokenize, load_articles  # noqa: E402
from bot.settings import DEFAULTS  # noqa: E402
from service.records import warm_engine  # noqa: E402
from service.zygote import Zygote  # noqa: E402
from storage import DatabaseLocation  # noqa: E402
from summarizer import CleanText, Digest  # noqa: E402
from testkit.documents import pdf_with_text  # noqa: E402
from testkit.fake_bot_api import FakeBotApi  # noqa: E402
from testkit.harness import TOKEN, running_bot  # noqa: E402
from testkit.load.analysis import percentile  # noqa: E402
from testkit.load.driver import reply_target  # noqa: E402

BURSTER = 9_100_001
FIRST_OTHER = 9_200_001
OTHERS_START = 0.5  # seconds after the burst
OTHERS_GAP = 0.2
_MARK = re.compile(r"Nomor laporan: (BURST|OTHER)-(\d+)\.")
BURST_PDF_CHARS = 40_000
real_compute_digest = service.records.compute_digest  # service.digests calls it by this name
real_read_document = service.documents.read_document
TIMINGS = "RINGKAS_BENCH_TIMINGS"  # the file the workers note their jobs in


def warm_up_template() -> None:
    """The engine warmed up in the workers' template, and this module (their jobs) loaded
    there too: it is imported to find this function."""
    warm_engine()


def _note(start: float, text: str) -> None:
    found = _MARK.search(text)
    who = found.group(1) if found else "?"
    with open(os.environ[TIMINGS], "a", encoding="utf-8") as out:
        out.write(f"{start:.6f} {time.time():.6f} {who}\n")


def timed_digest(article: CleanText, sentences: int, language: str | None) -> Digest:
    """The engine, noting (in the worker) when it ran and for whom."""
    start = time.time()
    digest = real_compute_digest(article, sentences, language)
    _note(start, article.text[-200:])
    return digest


def timed_reading(
    data: bytes,
    file_name: str | None,
    mime_type: str | None,
    limits: service.documents.DocumentLimits,
) -> service.documents.DocumentText:
    """Reading a document, noted likewise (the PDF's text is in its bytes, uncompressed)."""
    start = time.time()
    document = real_read_document(data, file_name, mime_type, limits)
    _note(start, data.decode("latin-1"))
    return document


@dataclass(frozen=True)
class Job:
    start: float
    end: float
    who: str


@dataclass(frozen=True)
class Outcome:
    name: str
    others_ms: list[float]
    others_answered: int
    burst_summaries: int
    burst_skipped: int  # named in the note of skipped articles
    burst_other_replies: int  # busy or too slow (the notices aside)
    burst_last_s: float | None
    burst_share: float | None  # of the engine's busy time while the others had work
    burst_capacity: float | None  # of the engine's capacity (workers x time) then
    engine_seconds: dict[str, float]


def read_jobs(path: Path) -> list[Job]:
    if not path.exists():
        return []
    jobs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        start, end, who = line.split()
        jobs.append(Job(float(start), float(end), who))
    return jobs


def overlap(job: Job, start: float, end: float) -> float:
    return max(0.0, min(job.end, end) - max(job.start, start))


def marked(text: str, who: str, number: int) -> str:
    return f"{text}\n\nNomor laporan: {who}-{number:02d}."


def send_burst(api: FakeBotApi, text: str, number: int, as_pdf: bool) -> None:
    if as_pdf:
        data = pdf_with_text(text, pages=12)
        api.document_message(data, file_name=f"laporan-{number:02d}.pdf", user_id=BURSTER)
    else:
        api.private_text(text, user_id=BURSTER)


async def scenario(
    name: str,
    burst: Sequence[str],
    others: Sequence[str],
    database: DatabaseLocation,
    changes: Mapping[str, Any],
    timeout: float,
    as_pdf: bool = False,
) -> Outcome:
    timings_file = Path(tempfile.mkstemp(prefix="ringkas-fairness-", suffix=".txt")[1])
    setattr(service.digests, "compute_digest", timed_digest)  # noqa: B010 (not exported)
    service.documents.read_document = timed_reading
    os.environ[TIMINGS] = str(timings_file)
    template = Zygote(warm_up_template)  # after the line above: its workers inherit it
    api = FakeBotApi(TOKEN)
    await api.start()
    try:
        async with running_bot(api, database, zygote=template, **changes):
            began = time.time()
            for n, text in enumerate(burst):
                send_burst(api, marked(text, "BURST", n), n, as_pdf)
            sent_at: dict[int, float] = {}
            if burst:
                await asyncio.sleep(OTHERS_START)
            for n, text in enumerate(others):
                user = FIRST_OTHER + n
                sent_at[user] = time.time()
                api.private_text(marked(text, "OTHER", n), user_id=user)
                await asyncio.sleep(OTHERS_GAP)
            await wait_all(api, [*sent_at], BURSTER if burst else None, len(burst), timeout)
        calls = api.calls_to("sendMessage")
    finally:
        await api.stop()
        template.close()
        setattr(service.digests, "compute_digest", real_compute_digest)  # noqa: B010
        service.documents.read_document = real_read_document
    jobs = read_jobs(timings_file)
    timings_file.unlink(missing_ok=True)
    first_reply: dict[int, float] = {}
    burst_replies = []
    for call in calls:
        target = reply_target(call)
        if target is None:
            continue
        chat, _ = target
        if chat == BURSTER:
            burst_replies.append(call)
        elif chat not in first_reply:
            first_reply[chat] = call.time
    others_ms = [(first_reply[u] - at) * 1000 for u, at in sent_at.items() if u in first_reply]
    summaries = [c for c in burst_replies if c.params.get("reply_markup")]
    notes = [
        c for c in burst_replies if "•" in c.params["text"] or "sekaligus 🙂" in c.params["text"]
    ]
    skipped = sum(c.params["text"].count("•") for c in notes)
    share = capacity = None
    if burst and first_reply:
        window = (min(sent_at.values()), max(first_reply.values()))
        burst_time = sum(overlap(j, *window) for j in jobs if j.who == "BURST")
        busy = sum(overlap(j, *window) for j in jobs)
        share = burst_time / busy if busy else None
        capacity = burst_time / ((window[1] - window[0]) * DEFAULTS.engine_workers)
    seconds: dict[str, float] = {}
    for job in jobs:
        seconds[job.who] = seconds.get(job.who, 0.0) + job.end - job.start
    return Outcome(
        name,
        others_ms,
        len(first_reply),
        len(summaries),
        skipped,
        len(burst_replies) - len(summaries) - len(notes),
        max((c.time for c in summaries), default=began) - began if summaries else None,
        share,
        capacity,
        seconds,
    )


async def wait_all(
    api: FakeBotApi, others: list[int], burster: int | None, burst: int, timeout: float
) -> None:
    """Until every other user has a reply and every article of the burst has an answer: a
    summary, another reply (busy, too slow), or its name in the note of skipped ones."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answered = all(api.sent_messages(user) for user in others)
        replies = api.sent_messages(burster) if burster is not None else []
        skipped = sum(r["text"].count("•") for r in replies)
        notes = sum(1 for r in replies if "•" in r["text"] or "sekaligus 🙂" in r["text"])
        if answered and len(replies) - notes + skipped >= burst:
            return
        await asyncio.sleep(0.2)


def pick_articles(texts: Sequence[str], count: int) -> list[str]:
    fitting = [text for text in texts if 1000 <= len(text) <= 2000]
    if len(fitting) < count:
        raise SystemExit(f"only {len(fitting)} articles of 1,000-2,000 characters")
    return fitting[:count]


def long_articles(texts: Sequence[str], count: int) -> list[str]:
    """`count` texts of about BURST_PDF_CHARS, each several articles joined (going round the
    corpus again when needed: each text is still new, with its own sender line)."""
    found: list[str] = []
    current, position = "", 0
    while len(found) < count:
        text = texts[-1 - position % len(texts)]  # from the end: the short ones come first
        position += 1
        current = f"{current}\n\n{text}" if current else text
        if len(current) >= BURST_PDF_CHARS:
            found.append(current)
            current = ""
    return found


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def table(outcomes: Sequence[Outcome], alone_p95: float | None) -> str:
    lines = [
        "| Run | Others answered | Others p50 / p95 / max ms | p95 vs alone | Burst: summaries "
        "/ skipped / busy | Burst's last summary, s | While others waited, burst's share of: "
        "engine busy time / engine capacity | Engine s: burst / others |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for o in outcomes:
        p50, p95 = percentile(o.others_ms, 0.5), percentile(o.others_ms, 0.95)
        ratio = f"{p95 / alone_p95:.2f}x" if p95 and alone_p95 else "-"
        share = "-" if o.burst_share is None else f"{o.burst_share:.0%}"
        capacity = "-" if o.burst_capacity is None else f"{o.burst_capacity:.0%}"
        last = "-" if o.burst_last_s is None else f"{o.burst_last_s:.1f}"
        burst = o.engine_seconds.get("BURST", 0.0)
        lines.append(
            f"| {o.name} | {o.others_answered} | {ms(p50)} / {ms(p95)} / "
            f"{ms(max(o.others_ms, default=None))} | {ratio} | {o.burst_summaries} / "
            f"{o.burst_skipped} / {o.burst_other_replies} | {last} | {share} / {capacity} | "
            f"{burst:.1f} / {o.engine_seconds.get('OTHER', 0.0):.1f} |"
        )
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> str:
    texts = [detokenize(article).text for article in load_articles(args.data)]
    as_pdf = args.burst_kind == "pdf"
    short = iter(pick_articles(texts, args.others * 3 + (0 if as_pdf else args.burst * 2)))
    heavy = iter(long_articles(texts, args.burst * 2) if as_pdf else [])

    def batch(count: int) -> list[str]:
        return [next(short) for _ in range(count)]

    def bursts(count: int) -> list[str]:
        return [next(heavy) for _ in range(count)] if as_pdf else batch(count)

    directory = Path(tempfile.mkdtemp(prefix="ringkas-fairness-"))
    lifted = {"rate_limit_requests": 1000}
    outcomes = [
        await scenario("others alone", [], batch(args.others), directory / "a.db", {}, 120.0),
        await scenario(
            f"burst of {args.burst} {args.burst_kind}, per-user limit lifted",
            bursts(args.burst),
            batch(args.others),
            directory / "b.db",
            lifted,
            180.0,
            as_pdf,
        ),
    ]
    if not args.skip_limited:
        outcomes.append(
            await scenario(
                f"burst of {args.burst} {args.burst_kind}, limit "
                f"{DEFAULTS.rate_limit_requests} a minute",
                bursts(args.burst),
                batch(args.others),
                directory / "c.db",
                {},
                180.0,
                as_pdf,
            )
        )
    alone_p95 = percentile(outcomes[0].others_ms, 0.95)
    workers = DEFAULTS.engine_workers
    return (
        f"{workers} engine workers (one user runs at most {max(1, workers - 1)} at once); "
        f"{args.others} others, 1 article each, {OTHERS_GAP:g} s apart from "
        f"{OTHERS_START:g} s after the burst.\n\n" + table(outcomes, alone_p95)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--burst", type=int, default=30, help="articles the burster sends")
    parser.add_argument("--others", type=int, default=10, help="users sending one each")
    parser.add_argument("--burst-kind", choices=("pdf", "text"), default="pdf")
    parser.add_argument("--skip-limited", action="store_true", help="no run with the limit")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    print(asyncio.run(run(args)))
    return 0


if __name__ == "__main__":
    # The workers import their jobs (`timed_digest`) by module name; their __main__ is not
    # this script.
    import fairness

    sys.exit(fairness.main())
