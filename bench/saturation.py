"""Saturation benchmark: does the bot use every core, and stay quick when its engine is full?

The scenario of issue 14. The real bot (`python -m bot run`) talks to the fake Bot API served
by this process on 127.0.0.1. For `--seconds`, new IndoSum articles arrive at `--rate` a
second, each from its own user (so no per-user limit applies); meanwhile one user re-sends an
already cached article every second, and another sends /help every second.

It reports:
- the engine's single-process batch rate on the same texts (clean + summarize, one after the
  other in a fresh interpreter): the peer the bot's fresh answers per second are compared
  with, measured before the bot runs and again after it stopped, and their mean taken (this
  host's speed drifts by a tenth or more within a minute: one measure before read the ratio
  of the same code anywhere between 0.83 and 1.05 in one session);
- fresh answers per second (summaries of new articles, from the first message to the last such
  answer), fresh p50/p95, and how many were answered otherwise (busy);
- cached p50 and /help p95 under that load;
- messages answered more than once, or never (after `--drain` seconds);
- the bot's process tree (the bot and every descendant: its worker processes): peak summed
  RSS (twice a second), peak summed PSS (PSS splits the pages the processes share) and the
  peak of its resident pages counted once each, as the tree holds them (every two seconds;
  root only), and the CPU it used, split between its main process and the rest. The memory
  target is judged on the pages counted once (without root, on the PSS): the workers share
  the engine their template loaded, as the issue asks, and summed RSS would count it once
  per worker.
- with `--every-core`, the engine's rate with one process per core at once (bench/engine_rate.py),
  also before and after the bot: what each core gives the engine while all of them are busy, as
  they are under saturation, and the bot's fresh answers against that rate times the cores.
  These processes run numpy on one thread each, as the bot's workers do; the single process
  of the issue's measure runs as any program would (numpy's default: a thread per core, which
  a lone process is not slowed by).

The bot keeps under Telegram's 30 messages a second (MESSAGES_PER_SECOND); the fake API has no
such limit, and `--unlimited-sends` lifts it to measure the bot itself. `--set NAME=VALUE`
changes a field of bot.settings.Settings, `--project DIR` runs another checkout (to compare
before and after), `--profile FILE` runs the bot's main process under cProfile (CPU time),
`--api-delay S` makes the fake API take S seconds to answer (a Bot API far away: more requests
in flight).

Articles are read from ../shared/data/indosum/dev.jsonl (or `--data`); past its 750, the same
articles with their paragraphs rotated. `--min-chars N` takes only the articles of at least N
characters, from dev.jsonl and train.jsonl both (IndoSum's are short: half under 2,000
characters, a tenth over 3,000). Nothing leaves 127.0.0.1.

Usage (from the project root):
    python bench/saturation.py --unlimited-sends               # 40 msg/s for 15 s
    python bench/saturation.py --unlimited-sends --rate 80 --wait-quiet 600
    python bench/saturation.py --unlimited-sends --set engine_workers=1
    python bench/saturation.py --unlimited-sends --rate 140 --min-chars 3000 --every-core
Exit status: 0 when the issue's targets hold, 1 when one fails, 2 when the run failed."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import DEFAULT_DATA, detokenize, load_articles, load_corpus  # noqa: E402
from bench.engine_rate import (  # noqa: E402
    EngineRates,
    engine_rate_in_a_fresh_process,
    engine_rate_on_every_core,
)
from bench.proctree import TreeSampler, busy_cores, machine_busy_seconds  # noqa: E402
from service.zygote import ENGINE_THREAD_LIMITS  # noqa: E402
from testkit.fake_bot_api import FakeBotApi  # noqa: E402

TOKEN = "987654321:AAH-ringkas-saturation-token-01"
FRESH_USERS = 8_000_000
# The cached article comes from a new user each second: one user sending it every second
# would pass the per-user limit (10 a minute) after ten seconds, and the request over it gets
# the limit's notice and, later, its answer (two replies by design, not a double answer).
CACHED_USERS = 7_000_000
HELP_USER = 7_999_002
CACHED_P50_TARGET_MS = 100.0
HELP_P95_TARGET_MS = 300.0
TREE_RSS_TARGET_MB = 300.0
QUIET_CORES = 0.3  # other processes' use under which the machine counts as quiet


@dataclass
class Sent:
    kind: str  # "fresh", "cached" or "help"
    message: dict
    at: float
    replies: list = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def fresh_texts(articles: list[str], count: int) -> list[str]:
    """`count` distinct texts: the articles, then their paragraphs rotated by 1, 2, ..."""
    texts: list[str] = []
    paragraphs = [text.split("\n\n") for text in articles]
    for shift in range(max(len(parts) for parts in paragraphs)):
        for parts in paragraphs:
            if (shift == 0 or shift < len(parts)) and len(texts) < count:
                texts.append("\n\n".join(parts[shift:] + parts[:shift]))
    return texts


# The bot as `ringkasbot run` starts it, with Settings fields replaced (--set NAME=VALUE) and,
# with --profile, its main process under cProfile.
LAUNCHER = """
import json, sys
from dataclasses import fields, replace
from bot.cli import configure_logging, serve
from bot.settings import load_settings, read_environment
changes = json.loads(sys.argv[1])
settings = load_settings(read_environment())
types = {f.name: type(getattr(settings, f.name)) for f in fields(settings)}
settings = replace(settings, **{k: types[k](v) for k, v in changes.items()})
configure_logging(settings)
if sys.argv[2]:
    import cProfile
    import time
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(serve, settings)
    profiler.dump_stats(sys.argv[2])
else:
    serve(settings)
"""


def start_bot(api: FakeBotApi, workdir: Path, args: argparse.Namespace) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK"))}
    env.update(
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_BASE_URL=api.base_url,
        DATABASE_URL=f"sqlite:///{workdir / 'ringkas.db'}",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(args.project),
        PYTHONUNBUFFERED="1",
    )
    if args.unlimited_sends:
        env["MESSAGES_PER_SECOND"] = "10000"  # the fake API has no Telegram limit to keep
    env.update(item.split("=", 1) for item in args.env)
    changes = dict(item.split("=", 1) for item in args.set)
    command = [sys.executable, "-m", "bot", "run"]
    if changes or args.profile:
        profile = str(args.profile.resolve()) if args.profile else ""
        command = [sys.executable, "-c", LAUNCHER, json.dumps(changes), profile]
    log = (workdir / "bot.log").open("wb")
    return subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=log)


async def run(args: argparse.Namespace) -> int:
    if args.min_chars:
        texts = (detokenize(article).text for article in load_corpus())
        articles = [text for text in texts if len(text) >= args.min_chars]
    else:
        articles = [detokenize(article).text for article in load_articles(args.data)]
    count = int(args.rate * args.seconds)
    cached_text, fresh = articles[0], fresh_texts(articles[1:], count)
    if len(fresh) < count:
        print(f"only {len(fresh)} distinct texts: lower --rate or --seconds", file=sys.stderr)
        return 2
    engine_rates = [engine_rate_in_a_fresh_process(fresh)] if not args.skip_engine_rate else []
    cores = len(os.sched_getaffinity(0))
    busy_rates = (
        [engine_rate_on_every_core(fresh, cores, ENGINE_THREAD_LIMITS)] if args.every_core else []
    )

    if args.wait_quiet:
        busy = await busy_cores()
        deadline = time.monotonic() + args.wait_quiet
        while busy > QUIET_CORES and time.monotonic() < deadline:
            print(f"machine busy ({busy:.2f} cores); waiting ...", file=sys.stderr)
            busy = await busy_cores(5.0)

    api = FakeBotApi(TOKEN)
    api.answer_delay = args.api_delay
    await api.start()
    workdir = Path(tempfile.mkdtemp(prefix="ringkas-saturation-"))
    bot = start_bot(api, workdir, args)
    memory = TreeSampler()
    sent: list[Sent] = []
    started = time.time()
    cpu = (float("nan"),) * 4
    cpu_ms = (float("nan"),) * 2
    try:
        while not api.polling:
            if bot.poll() is not None:
                print(f"the bot exited at start; see {workdir / 'bot.log'}", file=sys.stderr)
                return 2
            await asyncio.sleep(0.05)
        warm = api.private_text(cached_text, user_id=CACHED_USERS - 1)
        await api.wait_for_messages(warm["chat"]["id"], 1, timeout=60)
        memory.sample(bot.pid)
        tree_before = sum(memory.cpu.values())
        main_before = memory.cpu[bot.pid]
        machine_before, own_before = machine_busy_seconds(), time.process_time()
        sampler = asyncio.create_task(sample_memory(memory, bot.pid))
        started = time.time()
        await offer(api, args.rate, fresh, cached_text, sent)
        deadline = time.time() + args.drain
        while time.time() < deadline and not all_answered(api, sent):
            await asyncio.sleep(0.2)
        sampler.cancel()
        memory.sample(bot.pid)
        elapsed = time.time() - started
        tree_cores = (sum(memory.cpu.values()) - tree_before) / elapsed
        main_cores = (memory.cpu[bot.pid] - main_before) / elapsed
        bench_cores = (time.process_time() - own_before) / elapsed
        machine_cores = (machine_busy_seconds() - machine_before) / elapsed
        cpu = (tree_cores, main_cores, bench_cores, machine_cores - tree_cores - bench_cores)
        cpu_ms = (
            (memory.cpu[bot.pid] - main_before) * 1000 / len(sent),
            (sum(memory.cpu.values()) - tree_before) * 1000 / len(sent),
        )
        await asyncio.sleep(1.0)  # late duplicates, if any
    finally:
        stop_seconds = await stop_bot(bot)
        await api.stop()
    if engine_rates:  # again after: the host's speed drifts within a run (see the docstring)
        engine_rates.append(engine_rate_in_a_fresh_process(fresh))
    if busy_rates:
        busy_rates.append(engine_rate_on_every_core(fresh, cores, ENGINE_THREAD_LIMITS))
    rates = EngineRates(engine_rates, busy_rates, cores)
    return report(args, sent, api, memory, rates, stop_seconds, started, cpu, cpu_ms)


async def sample_memory(memory: TreeSampler, pid: int) -> None:
    """RSS twice a second, PSS and the tree's members every two seconds (the memory of the
    tree moves over seconds, with its queue; the sampler's CPU is taken from the bot)."""
    for count in itertools.count():
        # In a thread: the full sample reads /proc for some 25 ms, which the fake API's event
        # loop would otherwise wait out.
        await asyncio.to_thread(memory.sample, pid, full=count % 4 == 0)
        await asyncio.sleep(0.5)


async def offer(
    api: FakeBotApi, rate: float, fresh: list[str], cached_text: str, sent: list[Sent]
) -> None:
    """Fresh articles at `rate` (open loop), a cached article and /help every second."""
    started = time.time()
    next_probe = 0
    for number, text in enumerate(fresh):
        await asyncio.sleep(max(0.0, started + number / rate - time.time()))
        message = api.private_text(text, user_id=FRESH_USERS + number)
        sent.append(Sent("fresh", message, time.time()))
        if time.time() - started >= next_probe:
            next_probe += 1
            cached = api.private_text(cached_text, user_id=CACHED_USERS + next_probe)
            sent.append(Sent("cached", cached, time.time()))
            helped = api.command("/help", user_id=HELP_USER)
            sent.append(Sent("help", helped, time.time()))


async def stop_bot(bot: subprocess.Popen) -> float:
    """SIGTERM; seconds until it exited (killed after 30 s)."""
    bot.send_signal(signal.SIGTERM)
    stop_started = time.monotonic()
    while bot.poll() is None and time.monotonic() - stop_started < 30:
        await asyncio.sleep(0.05)
    if bot.poll() is None:
        bot.kill()
    return time.monotonic() - stop_started


def all_answered(api: FakeBotApi, sent: list[Sent]) -> bool:
    """Every message has a reply. Matching replies to messages is only worth its CPU (taken
    from the bot it measures) once there are as many replies as messages."""
    replies = sum(1 for call in api.calls if call.method == "sendMessage" and call.ok)
    return replies >= len(sent) and len(answered(api, sent)) == len(sent)


def answered(api: FakeBotApi, sent: list[Sent]) -> set[int]:
    """Indexes of the messages with at least one reply (filling in every `Sent.replies`)."""
    by_key = {(s.message["chat"]["id"], s.message["message_id"]): s for s in sent}
    for s in sent:
        s.replies = []
    for call in api.calls_to("sendMessage"):
        if not call.ok:
            continue
        result = call.result
        replied = result.get("reply_to_message", {}).get("message_id")
        target = by_key.get((result["chat"]["id"], replied))
        if target is not None:
            target.replies.append((call.time, result))
    return {index for index, s in enumerate(sent) if s.replies}


def first_reply_ms(s: Sent) -> float:
    return (min(at for at, _ in s.replies) - s.at) * 1000


def report(  # type: ignore[no-untyped-def]
    args, sent, api, memory, rates, stop_seconds, started, cpu, cpu_ms
) -> int:
    answered(api, sent)
    engine_rates = rates.alone
    batch_rate = rates.mean(rates.alone)
    fresh = [s for s in sent if s.kind == "fresh"]
    summaries = [s for s in fresh if any("reply_markup" in r for _, r in s.replies)]
    last_summary = max((s.at + first_reply_ms(s) / 1000 for s in summaries), default=started)
    fresh_rate = len(summaries) / max(1e-9, last_summary - started)
    others = sum(1 for s in fresh if s.replies) - len(summaries)
    twice = sum(1 for s in sent if len(s.replies) > 1)
    lost = sum(1 for s in sent if not s.replies)
    fresh_ms = [first_reply_ms(s) for s in summaries]
    cached_ms = [first_reply_ms(s) for s in sent if s.kind == "cached" and s.replies]
    help_ms = [first_reply_ms(s) for s in sent if s.kind == "help" and s.replies]
    cached_p50, help_p95 = percentile(cached_ms, 0.5), percentile(help_ms, 0.95)
    rss_mb, pss_mb = memory.peak_rss_kib / 1024, memory.peak_pss_kib / 1024
    settings = " ".join(args.env + args.set) or "defaults"
    if args.unlimited_sends:
        settings += ", sends unlimited"
    if args.api_delay:
        settings += f", Bot API answers after {args.api_delay:g} s"
    print(
        f"offered: {len(fresh)} fresh articles at {args.rate:g}/s for {args.seconds:g} s, "
        f"1 cached + 1 /help a second; bot: {settings}"
    )
    print(
        f"engine alone, one process, same texts: {batch_rate:.1f} articles/s"
        + (
            f" ({engine_rates[0]:.1f} before the bot ran, {engine_rates[1]:.1f} after)"
            if len(engine_rates) == 2
            else ""
        )
    )
    print(
        f"fresh summaries: {len(summaries)} ({fresh_rate:.1f}/s), p50 "
        f"{percentile(fresh_ms, 0.5):.0f} ms, p95 {percentile(fresh_ms, 0.95):.0f} ms; "
        f"answered otherwise (busy): {others}"
    )
    print(
        f"cached p50: {cached_p50:.0f} ms ({len(cached_ms)}), "
        f"/help p95: {help_p95:.0f} ms ({len(help_ms)})"
    )
    print(f"answered twice: {twice}, unanswered: {lost}")
    if batch_rate == batch_rate:
        print(f"fresh answered / engine alone: {fresh_rate / batch_rate:.2f}")
    if rates.busy:
        busy_rate = rates.mean(rates.busy)
        print(
            f"engine on every core at once ({rates.cores} processes): {busy_rate:.1f} "
            f"articles/s each ({rates.busy[0]:.1f} before, {rates.busy[-1]:.1f} after); fresh "
            f"answered / {rates.cores} of them: {fresh_rate / (busy_rate * rates.cores):.2f}"
        )
    methods = Counter(call.method for call in api.calls)
    per_message = ", ".join(f"{name} {n / len(sent):.2f}" for name, n in methods.most_common(4))
    print(f"Bot API calls per message: {per_message}")
    distinct_mb = None if memory.peak_distinct_kib is None else memory.peak_distinct_kib / 1024
    print(
        f"process tree ({memory.processes} processes): peak RSS {rss_mb:.0f} MB summed, "
        f"peak PSS {pss_mb:.0f} MB summed, peak resident "
        + ("unknown (not root)" if distinct_mb is None else f"{distinct_mb:.0f} MB")
        + " (each page once)"
    )
    each = ", ".join(f"{r // 1024}/{p // 1024}/{u // 1024}" for r, p, u in memory.last)
    print(f"at the end, each process RSS/PSS/USS MB (the bot first): {each}")
    print(f"SIGTERM to exit: {stop_seconds:.1f} s")
    print(
        f"CPU cores used meanwhile: bot tree {cpu[0]:.2f} (its main process {cpu[1]:.2f}), "
        f"this bench (fake API) {cpu[2]:.2f}, other processes {cpu[3]:.2f}"
    )
    print(
        f"CPU per message: {cpu_ms[0]:.1f} ms in the bot's main process, {cpu_ms[1]:.1f} ms "
        "in its whole tree"
    )
    passed = (
        not fresh_rate < batch_rate * rates.cores / 2
        and cached_p50 < CACHED_P50_TARGET_MS
        and help_p95 < HELP_P95_TARGET_MS
        and twice == 0
        and lost == 0
        and (pss_mb if distinct_mb is None else distinct_mb) < TREE_RSS_TARGET_MB
    )
    judged = "" if batch_rate == batch_rate else " (throughput not judged: no engine rate)"
    print("targets: " + ("PASS" if passed else "FAIL") + judged)
    return 0 if passed else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=40.0, help="fresh articles per second")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--drain", type=float, default=60.0, help="wait for answers after")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the bot")
    parser.add_argument(
        "--set", action="append", default=[], help="Settings field=value (bot.settings)"
    )
    parser.add_argument(
        "--unlimited-sends", action="store_true", help="lift the 30 messages/s client cap"
    )
    parser.add_argument(
        "--project", type=Path, default=PROJECT_ROOT, help="checkout of the bot to run"
    )
    parser.add_argument("--skip-engine-rate", action="store_true")
    parser.add_argument(
        "--every-core",
        action="store_true",
        help="also measure the engine with one process per core at once",
    )
    parser.add_argument(
        "--api-delay", type=float, default=0.0, help="seconds the fake API takes to answer"
    )
    parser.add_argument("--profile", type=Path, help="cProfile the bot's main process to FILE")
    parser.add_argument(
        "--wait-quiet", type=float, default=0.0, help="wait up to this long for a calm machine"
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="IndoSum jsonl")
    parser.add_argument(
        "--min-chars", type=int, default=0, help="only articles this long (dev and train)"
    )
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
