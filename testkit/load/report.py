"""The run as markdown: one detailed report with targets for a single rate, or a table with one
row per offered rate (``--rates``) and the highest rate that keeps fresh p95 under target."""

from __future__ import annotations

import os
from collections.abc import Sequence

from .analysis import CACHED, FRESH, HELP_COMMAND, Figures, Outcome, WindowRow
from .run import QUIET_CORES, USER_LIMIT_PER_MINUTE, RunResult, StepResult
from .workload import DOCUMENT, LINK, LONG, NEW, REPEAT, SPLIT

FRESH_P95_TARGET_MS = 500.0
CACHED_P50_TARGET_MS = 50.0
PEAK_RSS_TARGET_MB = 250.0
MAX_DRAIN_SECONDS = 2.0  # answers still due this long after the last message = a backlog


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def fmt_mib(kib: int | None) -> str:
    return "-" if kib is None else f"{kib / 1024:.0f} MB"


def fmt_s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f} s"


def fmt_cores(cores: float | None) -> str:
    return "-" if cores is None else f"{cores:.2f}"


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def share(part: int, whole: int) -> str:
    return "-" if not whole else f"{part / whole:.1%}"


def peak_kib(result: RunResult, fig: Figures) -> int | None:
    """The bot processes' own peak, or their process trees' summed PSS when higher (workers)."""
    peaks = [kib for kib in (result.vmhwm_kib, fig.peak_pss_kib) if kib]
    return max(peaks, default=None)


def sustained(step: StepResult) -> bool:
    """Arrivals on schedule, answers keeping pace with them, and no backlog left at the end."""
    fig = step.figures
    return (
        fig.achieved_rate >= 0.98 * step.rate
        and step.max_late < 0.5
        and fig.load_throughput >= 0.95 * fig.achieved_rate
        and fig.drain is not None
        and fig.drain <= MAX_DRAIN_SECONDS
        and step.drained
    )


def target_rows(result: RunResult, step: StepResult) -> list[tuple[str, str, bool]]:
    fig = step.figures
    fresh, cached, peak = fig.latency[FRESH], fig.latency[CACHED], peak_kib(result, fig)
    return [
        (
            f"sustained {step.rate:g} msg/s (answers keep pace; backlog gone "
            f"{MAX_DRAIN_SECONDS:g} s after the last message)",
            f"{fig.achieved_rate:.2f} in / {fig.load_throughput:.2f} answered per s; "
            f"last answer {fmt_s(fig.drain)} after the last message",
            sustained(step),
        ),
        (
            f"fresh article p95 < {FRESH_P95_TARGET_MS:.0f} ms",
            "no fresh articles" if fresh.p95 is None else f"{fmt_ms(fresh.p95)} ms",
            fresh.p95 is not None and fresh.p95 < FRESH_P95_TARGET_MS,
        ),
        (
            f"cached article p50 < {CACHED_P50_TARGET_MS:.0f} ms",
            "no cached articles" if cached.p50 is None else f"{fmt_ms(cached.p50)} ms",
            cached.p50 is not None and cached.p50 < CACHED_P50_TARGET_MS,
        ),
        (
            f"peak RSS < {PEAK_RSS_TARGET_MB:.0f} MB (with workers: their PSS sum)",
            fmt_mib(peak),
            peak is not None and peak / 1024 < PEAK_RSS_TARGET_MB,
        ),
        ("updates without exactly one answer = 0", str(len(fig.not_one)), not fig.not_one),
        (
            "answers that are not a summary = 0 (the mix has no bad input)",
            str(len(fig.not_summary)),
            not fig.not_summary,
        ),
    ]


def heading_lines(result: RunResult) -> list[str]:
    options, first = result.options, result.steps[0]
    kinds = {kind: sum(s.figures.kinds[kind] for s in result.steps) for kind in first.figures.kinds}
    rates = ", ".join(f"{rate:g}" for rate in options.rates)
    probes = (
        f" Probes every {options.probe_every:g} s: a cached article and /help."
        if options.probe_every > 0
        else ""
    )
    return [
        "## Ringkas load benchmark",
        "",
        f"{result.mode}, database {result.database}. {options.messages:,} requests per step "
        f"at {rates} msg/s (open loop) from private chats, one user each (at most "
        f"{max(s.busiest_chat_minute for s in result.steps)} from one chat within a minute; "
        f"per-user limit {USER_LIMIT_PER_MINUTE}). Mix: {kinds[NEW]} new, {kinds[REPEAT]} "
        f"repeats, {kinds[LONG]} long, {kinds[LINK]} links, {kinds[SPLIT]} split long pastes, "
        f"{kinds[DOCUMENT]} documents (.txt, .pdf, .html in turn).{probes}",
    ]


def step_table(result: RunResult) -> list[str]:
    lines = [
        "",
        "| Offered msg/s | Answered msg/s | Fresh p95 ms | Cached p50 ms | /help p95 ms "
        "| Peak tree RSS, summed / each page once | Not exactly one answer "
        "| Answered twice / not at all | Drain |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for step in result.steps:
        fig = step.figures
        help_row = fig.latency.get(HELP_COMMAND)
        lines.append(
            f"| {step.rate:g} | {fig.load_throughput:.1f} | {fmt_ms(fig.latency[FRESH].p95)} | "
            f"{fmt_ms(fig.latency[CACHED].p50)} | {fmt_ms(help_row.p95 if help_row else None)} | "
            f"{fmt_mib(fig.peak_rss_kib)} / {fmt_mib(fig.peak_distinct_kib)} | "
            f"{len(fig.not_one)} | "
            f"{len(fig.twice)} / {len(fig.unanswered)} | {fmt_s(fig.drain)} |"
        )
    passing = [s.rate for s in result.steps if _fresh_ok(s)]
    ceiling = f"{max(passing):g} msg/s" if passing else "none of the rates"
    return [*lines, "", f"Highest offered rate with fresh p95 < 500 ms: **{ceiling}**."]


def _fresh_ok(step: StepResult) -> bool:
    p95 = step.figures.latency[FRESH].p95
    return p95 is not None and p95 < FRESH_P95_TARGET_MS


def measure_lines(result: RunResult, step: StepResult) -> list[str]:
    fig, stats, cpu = step.figures, result.stats, step.cpu
    hits, misses = result.expected_lookups
    api_calls = ", ".join(f"{method} {n:,}" for method, n in result.calls_by_method.items())
    refetched = sum(count - 1 for count in result.page_fetches.values() if count > 1)
    kills = "; ".join(
        f"replica {k.replica} SIGKILLed, ready again {fmt_s(k.back_at and k.back_at - k.killed_at)}"
        " later"
        for k in result.kills
    )
    rows = [
        ("Bot command / code", f"`{' '.join(result.options.command)}` / {result.code_version}"),
        ("Injection time", f"{step.inject_seconds:.1f} s (latest {step.max_late * 1000:.0f} ms "
         "behind schedule)"),
        ("Achieved arrival rate (mix)", f"{fig.achieved_rate:.2f} msg/s"),
        ("Requests answered per second while the load ran", f"{fig.load_throughput:.2f}"),
        ("Duration, first message to last reply", fmt_s(fig.span)),
        ("Requests answered (probes aside)", f"{fig.answered:,} of {fig.requests:,}"),
        ("Reply messages sent (parts included)", f"{fig.reply_messages:,}"),
        ("sendMessage calls refused by the API", str(result.failed_sends)),
        ("Messages sent that reply to no request", str(result.stray_sends)),
        ("Bot API calls", api_calls),
        ("Webhook POSTs (failed: refused or not 2xx)",
         f"{result.webhook_posts[0]:,} ({result.webhook_posts[1]:,})"),
        ("Replicas killed", kills or "none"),
        ("Answers that are not a summary (no keyboard)", str(len(fig.not_summary))),
        ("**Requests without exactly one answer**", f"**{len(fig.not_one)}**"),
        ("Requests with a reply sent twice / without any reply",
         f"{len(fig.twice)} / {len(fig.unanswered)}"),
        ("Repeats served after their first was answered", f"{fig.cached_served} of {fig.repeats}"),
        ("Cache hit rate, `ringkasbot stats`",
         f"{stats.get('Hit rate', '-')} (hits / misses {stats.get('Hits / misses', '-')}; "
         f"expected {hits:,} / {misses:,})"),
        ("Cache entries / size", f"{stats.get('Cache entries', '-')} / "
         f"{stats.get('Cache size', '-')}"),
        ("Page fetches (distinct pages / refetches)", f"{len(result.page_fetches)} / {refetched}"),
        ("Bot start-up (process start to ready)", f"{result.startup_seconds:.1f} s"),
        ("Process-tree RSS after start-up / at the end / peak sampled",
         f"{fmt_mib(result.rss_baseline_kib)} / {fmt_mib(result.rss_end_kib)} / "
         f"{fmt_mib(fig.peak_rss_kib)}"),
        ("Bot processes' peak (VmHWM, summed) / trees' peak PSS / resident, each page once",
         f"{fmt_mib(result.vmhwm_kib)} / {fmt_mib(fig.peak_pss_kib)} / "
         f"{fmt_mib(fig.peak_distinct_kib)}"),
        (f"CPU over the load ({cpu.wall:.0f} s), in cores: bot / bench (fake API + site) / "
         "other processes / steal",
         f"{cpu.bot:.2f} / {cpu.bench:.2f} / {cpu.others:.2f} / {cpu.steal:.2f} "
         f"of {os.cpu_count()}"),
        ("Machine CPU in use just before the run", f"{result.busy_before:.2f} cores"),
        ("Bot threads ready to run but waiting for a CPU (average)", f"{cpu.bot_waiting:.2f}"),
        ("Bot log lines WARNING / ERROR", f"{count_level(result.bot_log, 'WARNING')} / "
         f"{count_level(result.bot_log, 'ERROR')}"),
        ("Bot exit status after SIGTERM", ", ".join(map(str, result.exits))),
    ]  # fmt: skip
    return ["", "| Measure | Value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]


def latency_lines(fig: Figures) -> list[str]:
    lines = [
        "",
        "Time from a request's last message to the first reply (ms):",
        "",
        "| Requests | n | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    return lines + [
        f"| {row.bucket} | {row.count} | {fmt_ms(row.p50)} | {fmt_ms(row.p95)} | "
        f"{fmt_ms(row.p99)} | {fmt_ms(row.worst)} |"
        for row in fig.latency.values()
    ]


def timeline_lines(rows: Sequence[WindowRow]) -> list[str]:
    lines = [
        "",
        "Over time (latency of the requests sent in each window, ms):",
        "",
        "| From s | Sent | Reply messages | sendChatAction | p50 | p95 | max | Bot CPU "
        "| Machine CPU | Tree RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    return lines + [
        f"| {row.start:.0f} | {row.injected} | {row.replies} | {row.chat_actions} | "
        f"{fmt_ms(row.p50_ms)} | {fmt_ms(row.p95_ms)} | {fmt_ms(row.max_ms)} | "
        f"{fmt_cores(row.bot_cores)} | {fmt_cores(row.machine_cores)} | {fmt_mib(row.rss_kib)} |"
        for row in rows
    ]


def shared_machine_warning(steps: Sequence[StepResult]) -> list[str]:
    others = max(step.cpu.others for step in steps)
    if others <= QUIET_CORES:
        return []
    return [
        "",
        f"**Warning:** other processes used up to {others:.2f} cores during the run (the "
        "machine is shared); the latencies above include waiting for CPUs the bot did not get. "
        "Rerun on a quiet machine (`--wait-quiet 600`) before trusting them.",
    ]


def count_level(log: Sequence[str], level: str) -> int:
    return sum(1 for line in log if f" {level} " in line)


def first_error(log: Sequence[str], context: int = 15) -> list[str]:
    """The bot's first ERROR log record with the lines after it (its traceback)."""
    for number, line in enumerate(log):
        if " ERROR " in line:
            return ["", "The bot's first error:", "", "```", *log[number : number + context], "```"]
    return []


def problem_lines(
    not_one: Sequence[Outcome], not_summary: Sequence[Outcome], twice: Sequence[Outcome] = ()
) -> list[str]:
    lines: list[str] = []
    if twice:
        lines += ["", "Requests with a reply sent twice (first 10):", ""]
        for o in twice[:10]:
            planned, item = o.injected.planned, o.injected
            times = ", ".join(f"{call.time - item.last_at:.1f}" for call in o.replies)
            lines.append(
                f"- #{planned.index} {planned.kind} chat {item.chat_id}: replies {times} s "
                "after the request"
            )
    if not_one:
        lines += ["", "Requests without exactly one answer (first 10):", ""]
        for o in not_one[:10]:
            planned, item = o.injected.planned, o.injected
            lines.append(
                f"- #{planned.index} {planned.kind} chat {item.chat_id} messages "
                f"{item.message_ids}: {o.answers} answers in {len(o.replies)} messages"
            )
    if not_summary:
        lines += ["", "Answers that are not a summary (first 10):", ""]
        for o in not_summary[:10]:
            text = str(o.replies[0].params.get("text", ""))[:120].replace("\n", " ")
            lines.append(f"- #{o.injected.planned.index} {o.injected.planned.kind}: {text}")
    return lines


def report(result: RunResult) -> tuple[str, bool]:
    """The markdown report, and whether it passed: every target for a single rate; for
    ``--rates``, exactly one answer to every request at every step."""
    lines = heading_lines(result)
    not_one = [o for step in result.steps for o in step.figures.not_one]
    not_summary = [o for step in result.steps for o in step.figures.not_summary]
    if result.options.stepped:
        last = result.steps[-1]
        lines += step_table(result)
        lines += ["", f"The last step ({last.rate:g} msg/s) in detail:"]
        lines += measure_lines(result, last) + latency_lines(last.figures)
        passed = not not_one
    else:
        [step] = result.steps
        targets = target_rows(result, step)
        lines += measure_lines(result, step) + latency_lines(step.figures)
        lines += timeline_lines(step.timeline)
        lines += ["", "| Target | Measured | Result |", "|---|---|---|"]
        lines += [
            f"| {name} | {value} | {'PASS' if ok else 'FAIL'} |" for name, value, ok in targets
        ]
        passed = all(ok for _, _, ok in targets)
    lines += shared_machine_warning(result.steps)
    twice = [o for step in result.steps for o in step.figures.twice]
    lines += problem_lines(not_one, not_summary, twice) + first_error(result.bot_log)
    return "\n".join(lines), passed
