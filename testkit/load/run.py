"""One load run: serve the fake Bot API and the news site, start the bot's replicas, send the
plan at each offered rate in turn (waiting for the answers between steps), then stop them."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from testkit.fake_bot_api import FakeBotApi

from .analysis import (
    CpuUse,
    Figures,
    Outcome,
    WindowRow,
    calls_by_method,
    collect_outcomes,
    expected_cache_lookups,
    figures,
    read_cpu,
    stray_sends,
    timeline,
)
from .articles import article_site, site_pages
from .botproc import (
    PROJECT_ROOT,
    WEBHOOK_URL,
    Fleet,
    Launch,
    cache_stats,
    start_profiler,
    stop_profiler,
)
from .driver import (
    Injected,
    Kill,
    KillRecord,
    Sampler,
    inject_all,
    kill_and_restart,
    wait_for_answers,
)
from .procfs import TreeUsage, tree_usage, wait_for_quiet
from .workload import (
    FIRST_PROBE_USER_ID,
    PROBE_USERS,
    Mix,
    PlannedMessage,
    Planner,
    build_plan,
    busiest_chat_minute,
    chats_for,
)

TOKEN = "987654321:AAH-ringkas-load-bench-token-0123"
USER_LIMIT_PER_MINUTE = 10  # the bot's default per-user limit
QUIET_CORES = 0.3  # other processes' CPU use under which the machine counts as quiet


@dataclass(frozen=True)
class Options:
    messages: int  # per step
    rates: tuple[float, ...]
    stepped: bool  # --rates: a table of steps rather than one detailed run
    chats: int
    mix: Mix
    probe_every: float
    seed: int
    window: float
    startup_timeout: float
    drain_timeout: float
    settle: float
    command: tuple[str, ...]
    replicas: int | None  # None: one process polling; N: N replicas in webhook mode
    database: str | None
    webhook_secret: str | None
    kill: Kill | None
    profile: Path | None
    wait_quiet: float


@dataclass(frozen=True)
class StepResult:
    rate: float
    chats: int
    busiest_chat_minute: int
    outcomes: list[Outcome]
    figures: Figures
    cpu: CpuUse
    inject_seconds: float
    max_late: float
    drained: bool
    timeline: list[WindowRow]


@dataclass(frozen=True)
class RunResult:
    options: Options
    steps: list[StepResult]
    startup_seconds: float
    rss_baseline_kib: int | None
    rss_end_kib: int | None
    vmhwm_kib: int  # the bot processes' own peaks (VmHWM), summed over the replicas
    samples: list[TreeUsage]
    stats: dict[str, str]
    expected_lookups: tuple[int, int]
    failed_sends: int
    stray_sends: int
    calls_by_method: dict[str, int]
    page_fetches: dict[str, int]
    bot_log: list[str]
    exits: list[int | None]
    kills: list[KillRecord]
    webhook_posts: tuple[int, int]  # POSTs made, of which failed (refused or not 2xx)
    busy_before: float
    code_version: str

    @property
    def mode(self) -> str:
        replicas = self.options.replicas
        if replicas is None:
            return "1 process, polling"
        return f"{replicas} replica{'s' * (replicas != 1)}, webhook"

    @property
    def database(self) -> str:
        url = self.options.database or "sqlite (a fresh file)"
        return url.split("@")[-1] if "@" in url else url  # no password in reports


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10, check=True
    )
    return done.stdout.strip()


def code_version() -> str:
    """The commit the bot ran from, and whether the working tree had uncommitted changes."""
    try:
        head = _git("rev-parse", "--short", "HEAD")
        changes = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"{head} with uncommitted changes" if changes else head


def derived_webhook_secret(token: str) -> str:
    """The secret the bot derives from its token today (bot.app.webhook_secret)."""
    from bot.app import webhook_secret

    return webhook_secret(token)


async def warm_up(api: FakeBotApi, planner: Planner, timeout: float) -> Injected:
    """An article answered before the load: the cached probe re-sends it."""
    warm = planner.warm_up(FIRST_PROBE_USER_ID + PROBE_USERS)
    injected = await inject_all(api, [warm])
    if not await wait_for_answers(api, injected, timeout, settle=0.0):
        raise RuntimeError(f"the warm-up article got no answer within {timeout:g} s")
    return injected[0]


async def run_step(
    api: FakeBotApi,
    fleet: Fleet,
    sampler: Sampler,
    options: Options,
    plan: Sequence[PlannedMessage],
    rate: float,
    chats: int,
    earlier: dict[int, float | None],
) -> StepResult:
    print(f"step {rate:g} msg/s: {len(plan)} requests from {chats} chats ...", file=sys.stderr)
    before = read_cpu(tree_usage(fleet.pids))
    started = time.monotonic()
    injected = await inject_all(api, plan)
    seconds = time.monotonic() - started
    drained = await wait_for_answers(api, injected, options.drain_timeout, options.settle)
    cpu = CpuUse.between(before, read_cpu(tree_usage(fleet.pids)))
    calls = list(api.calls)
    outcomes = collect_outcomes(calls, injected, earlier)
    earlier.update((o.injected.planned.index, o.first_reply_at) for o in outcomes)
    return StepResult(
        rate=rate,
        chats=chats,
        busiest_chat_minute=busiest_chat_minute(plan),
        outcomes=outcomes,
        figures=figures(outcomes, sampler.samples),
        cpu=cpu,
        inject_seconds=seconds,
        max_late=max(item.late for item in injected),
        drained=drained,
        timeline=timeline(outcomes, calls, sampler.samples, options.window),
    )


def step_chats(options: Options, rate: float) -> int:
    return chats_for(rate, options.chats, USER_LIMIT_PER_MINUTE - 2)


async def run(options: Options, articles: Sequence[str]) -> RunResult:
    busy_before = await wait_for_quiet(QUIET_CORES, options.wait_quiet)
    total = options.messages * len(options.rates)
    pages = site_pages(articles, total, options.seed)
    site = article_site(pages)
    api = FakeBotApi(TOKEN, bot_username="ringkas_load_bot")
    with tempfile.TemporaryDirectory(prefix="ringkas-load-") as tmp:
        await site.start()
        await api.start()
        webhook = WEBHOOK_URL if options.replicas is not None else None
        if webhook is not None:
            secret = options.webhook_secret or derived_webhook_secret(api.token)
            api.register_webhook(webhook, secret_token=secret)
        database_url = options.database or f"sqlite:///{Path(tmp) / 'ringkas.db'}"
        launch = Launch(options.command, database_url, webhook)
        fleet = Fleet(api, launch, Path(tmp), options.replicas or 1)
        sampler = Sampler(fleet)
        sampling = asyncio.create_task(sampler.run())
        profiler = None
        kill_task: asyncio.Task[KillRecord] | None = None
        try:
            startup = await fleet.start(options.startup_timeout)
            await asyncio.sleep(0.5)  # the first poll settles; the start-up burst is over
            baseline = tree_usage(fleet.pids).rss_kib
            planner = Planner(options.mix, articles, site, pages, options.seed)
            warm = None
            if options.probe_every > 0:
                warm = await warm_up(api, planner, options.startup_timeout)
            earlier: dict[int, float | None] = {}
            if options.profile is not None:
                profiler = start_profiler(fleet.bots[0].pid, options.profile)
            steps = []
            for number, rate in enumerate(options.rates):
                chats = step_chats(options, rate)
                planner.next_step()
                plan = build_plan(options.messages, rate, chats, planner,
                                  probe_every=options.probe_every,
                                  warm=None if warm is None else warm.planned)  # fmt: skip
                if number == 0 and options.kill is not None:
                    kill = kill_and_restart(fleet, options.kill, options.startup_timeout)
                    kill_task = asyncio.create_task(kill)
                step = await run_step(api, fleet, sampler, options, plan, rate, chats, earlier)
                steps.append(step)
            kills = [await kill_task] if kill_task is not None else []
            if profiler is not None:
                await stop_profiler(profiler)
            end = tree_usage(fleet.pids).rss_kib
            sampling.cancel()
            exits = await fleet.stop()
            calls = list(api.calls)
            injected = [o.injected for step in steps for o in step.outcomes]
            injected += [warm] if warm is not None else []
            posts = api.webhook_posts
            return RunResult(
                options=options,
                steps=steps,
                startup_seconds=startup,
                rss_baseline_kib=baseline,
                rss_end_kib=end,
                vmhwm_kib=sum(bot.peak_kib for bot in fleet.bots),
                samples=sampler.samples,
                stats=cache_stats(fleet.bots[0].env, fleet.bots[0].workdir),
                expected_lookups=expected_cache_lookups(
                    [o for step in steps for o in step.outcomes]
                ),
                failed_sends=sum(1 for c in calls if c.method == "sendMessage" and not c.ok),
                stray_sends=stray_sends(calls, injected),
                calls_by_method=calls_by_method(calls),
                page_fetches=dict(site.hits),
                bot_log=fleet.log_lines(),
                exits=exits,
                kills=kills,
                webhook_posts=(len(posts), sum(1 for post in posts if not post.ok)),
                busy_before=busy_before,
                code_version=code_version(),
            )
        except BaseException:
            tail = fleet.log_lines()[-20:]
            if tail:
                print("\n".join(["bot log (last lines):", *tail]), file=sys.stderr)
            raise
        finally:
            sampling.cancel()
            if kill_task is not None:
                kill_task.cancel()
            if profiler is not None:
                await stop_profiler(profiler)
            await fleet.stop()
            await api.stop()
            await site.stop()
