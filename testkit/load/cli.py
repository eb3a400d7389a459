"""The load driver's command line (bench/load.py hands it the corpus)."""

from __future__ import annotations

import argparse
import asyncio
import shlex
import shutil
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .driver import Kill
from .report import report
from .run import QUIET_CORES, Options, RunResult, run
from .workload import Mix


def share_argument(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError("a share from 0 to 1")
    return number


def rates_argument(value: str) -> tuple[float, ...]:
    try:
        rates = tuple(float(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("rates are numbers separated by commas") from None
    if not rates or min(rates) <= 0:
        raise argparse.ArgumentTypeError("at least one positive rate")
    return rates


def build_parser(description: str, default_data: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    add = parser.add_argument
    add("--messages", type=int, default=2000, help="requests per run (per step with --rates)")
    add("--rate", type=float, default=20.0, help="requests per second")
    add("--rates", type=rates_argument, help="step the offered rate, e.g. 10,20,30,40,60")
    add("--chats", type=int, default=200, help="private chats, one user each (at least)")
    add("--quick", action="store_true", help="smoke run: 200 requests")
    mix = parser.add_argument_group("the mix (shares of requests)")
    mix.add_argument("--new", type=share_argument, default=0.45)
    mix.add_argument("--repeat", type=share_argument, default=0.3)
    mix.add_argument("--long", type=share_argument, default=0.05, help="one long message")
    mix.add_argument("--link", type=share_argument, default=0.1)
    mix.add_argument("--split", type=share_argument, default=0.05, help="split long paste")
    mix.add_argument(
        "--document", type=share_argument, default=0.05, help="document (.txt, .pdf, .html in turn)"
    )
    mix.add_argument("--link-repeat", type=share_argument, default=0.3)
    mix.add_argument("--repeat-gap", type=float, default=5.0,
                     help="repeats pick contents first sent this long ago")  # fmt: skip
    mix.add_argument("--long-min", type=int, default=30_000)
    mix.add_argument("--long-max", type=int, default=60_000)
    mix.add_argument("--split-min", type=int, default=6_000)
    mix.add_argument("--split-max", type=int, default=12_000)
    mix.add_argument("--split-gap", type=float, default=0.3, help="seconds between parts")
    add("--probe-every", type=float, help="seconds between probes (a cached article and "
        "/help); default 1 with --rates, none otherwise")  # fmt: skip
    fleet = parser.add_argument_group("the bot")
    fleet.add_argument("--replicas", type=int, help="N bot processes in webhook mode behind "
                       "round-robin delivery (default: one process polling)")  # fmt: skip
    fleet.add_argument("--database", help="DATABASE_URL (default: a fresh SQLite file)")
    fleet.add_argument("--webhook-secret", help="secret header (default: derived from the token "
                       "as bot.app does)")  # fmt: skip
    fleet.add_argument(
        "--kill-at",
        type=float,
        metavar="SECONDS",
        help="SIGKILL a replica this long into the load, then restart it",
    )
    fleet.add_argument("--kill-replica", type=int, default=0)
    fleet.add_argument("--restart-after", type=float, default=2.0, metavar="SECONDS")
    fleet.add_argument("--bot-command", type=shlex.split,
                       default=[sys.executable, "-m", "bot", "run"],
                       help="how to start the bot (default: python -m bot run)")  # fmt: skip
    add("--seed", type=int, default=20240501)
    add("--window", type=float, default=10.0, help="timeline step, seconds")
    add("--startup-timeout", type=float, default=90.0)
    add("--drain-timeout", type=float, default=120.0, help="wait this long for late replies")
    add("--settle", type=float, default=2.0, help="then this long for extra (duplicate) replies")
    add("--profile", type=Path, metavar="FILE", help="py-spy the (first) bot into FILE")
    add("--bot-log", type=Path, metavar="FILE", help="write the bots' whole log into FILE")
    add(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help=f"wait up to this long for the machine to use under {QUIET_CORES} cores first",
    )
    add("--data", type=Path, default=default_data, help="the corpus (IndoSum jsonl)")
    return parser  # fmt: skip


def options_from(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Options:
    if args.quick:
        args.messages = 200
    if args.messages < 2 or args.rate <= 0 or args.chats < 1:
        parser.error("--messages must be at least 2, --rate and --chats positive")
    mix = Mix(
        args.new, args.repeat, args.long, args.link, args.split, args.document, args.link_repeat,
        args.repeat_gap, (args.long_min, args.long_max), (args.split_min, args.split_max),
        args.split_gap,
    )  # fmt: skip
    if sum(mix.weights()) <= 0:
        parser.error("the mix shares add up to nothing")
    if not (0 < args.long_min <= args.long_max and 4096 < args.split_min <= args.split_max):
        parser.error("--long-min <= --long-max, and 4096 < --split-min <= --split-max")
    if args.replicas is not None and args.replicas < 1:
        parser.error("--replicas must be at least 1")
    replicas = args.replicas or 1
    if args.kill_at is not None and not 0 <= args.kill_replica < replicas:
        parser.error("--kill-replica must name one of the replicas (from 0)")
    if args.profile is not None and shutil.which("py-spy") is None:
        parser.error("--profile needs py-spy (pip install py-spy)")
    if not args.data.exists():
        parser.error(f"no corpus at {args.data} (see --data)")
    stepped = args.rates is not None
    probe_every = args.probe_every if args.probe_every is not None else (1.0 if stepped else 0)
    kill = None
    if args.kill_at is not None:
        kill = Kill(args.kill_replica, args.kill_at, args.restart_after)
    return Options(
        messages=args.messages, rates=args.rates or (args.rate,), stepped=stepped,
        chats=args.chats, mix=mix, probe_every=probe_every, seed=args.seed,
        window=args.window, startup_timeout=args.startup_timeout,
        drain_timeout=args.drain_timeout, settle=args.settle,
        command=tuple(args.bot_command), replicas=args.replicas, database=args.database,
        webhook_secret=args.webhook_secret, kill=kill, profile=args.profile,
        wait_quiet=args.wait_quiet,
    )  # fmt: skip


async def run_until_terminated(options: Options, articles: Sequence[str]) -> RunResult:
    """SIGTERM cancels the run, so that its clean-up stops the bot instead of orphaning it."""
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return await run(options, articles)


def main(
    argv: Sequence[str] | None,
    *,
    description: str,
    default_data: Path,
    load_texts: Callable[[Path], list[str]],
) -> int:
    """Exit status: 0 when it passed (see report.report), 1 when not, 2 when no run was made."""
    parser = build_parser(description, default_data)
    args = parser.parse_args(argv)
    options = options_from(parser, args)
    try:
        result = asyncio.run(run_until_terminated(options, load_texts(args.data)))
    except (RuntimeError, OSError) as error:
        print(f"load bench: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except asyncio.CancelledError:
        print("load bench: terminated; the bot was stopped", file=sys.stderr)
        return 143
    if args.bot_log is not None:
        args.bot_log.write_text("\n".join(result.bot_log) + "\n", encoding="utf-8")
    text, passed = report(result)
    print(text)
    return 0 if passed else 1
