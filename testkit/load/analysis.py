"""From recorded calls to figures: the replies to each request, answers counted, latencies by
kind of request, throughput, memory and CPU over a stretch of the run.

A request's latency runs from its last message (the user is done) to the first sendMessage
replying to any of its messages. Answers are counted per request: a reply with an inline
keyboard closes an answer (a long summary split into several messages replying to the same
message is one answer, its keyboard on the last part); a reply without a keyboard after the
last keyboard reply is an answer of its own (an explanation or an error). The target is
exactly one answer per request, a split paste included.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from handlers.pastes import WAIT_CHARS, utf16_length
from testkit.fake_bot_api import RecordedCall

from .driver import Injected, reply_target
from .procfs import TreeUsage, machine_cpu_seconds
from .workload import CACHED_PROBE, DOCUMENT, HELP, LINK, LONG, MIX_KINDS, SPLIT

FRESH = "fresh article"
# A whole article of 3,500-4,096 characters looks like the first part of a long paste that
# the client split: the bot waits a second for a next part before it answers
# (handlers/pastes.py). Counted apart, so that this deliberate wait does not pass for load.
FRESH_NEAR_LIMIT = "fresh article, 3,500+ chars (1 s paste wait)"
FRESH_LONG = "fresh long article"
SPLIT_PASTE = "split long paste"
DOCUMENT_BUCKETS = {
    "txt": "document (.txt)",
    "pdf": "document (.pdf)",
    "html": "document (.html)",
}
CACHED = "cached article"
REPEAT_IN_FLIGHT = "repeat, first still in flight"
LINK_FRESH = "fresh link"
LINK_CACHED = "cached link"
LINK_IN_FLIGHT = "link repeat, first in flight"
HELP_COMMAND = "/help"
BUCKET_ORDER = (
    FRESH, FRESH_NEAR_LIMIT, FRESH_LONG, SPLIT_PASTE, *DOCUMENT_BUCKETS.values(), CACHED,
    REPEAT_IN_FLIGHT,
    LINK_FRESH, LINK_CACHED, LINK_IN_FLIGHT, HELP_COMMAND,
)  # fmt: skip
ALWAYS_SHOWN = (FRESH, CACHED, LINK_FRESH, LINK_CACHED)


@dataclass
class Outcome:
    injected: Injected
    replies: list[RecordedCall]
    bucket: str = ""

    @property
    def answers(self) -> int:
        """Replies grouped into answers: a keyboard reply closes the parts before it."""
        count, open_parts = 0, 0
        for reply in self.replies:
            open_parts += 1
            if reply.params.get("reply_markup"):
                count += 1
                open_parts = 0
        return count + open_parts

    @property
    def repeated(self) -> int:
        """Replies repeating the text of an earlier reply to the same request: an answer (or
        a part of one) sent twice, as opposed to a request that asks for two answers."""
        texts = [reply.params.get("text") for reply in self.replies]
        return len(texts) - len(set(texts))

    @property
    def first_reply_at(self) -> float | None:
        return self.replies[0].time if self.replies else None

    @property
    def latency_ms(self) -> float | None:
        first = self.first_reply_at
        return None if first is None else max(0.0, first - self.injected.last_at) * 1000

    @property
    def is_summary(self) -> bool:
        return any(reply.params.get("reply_markup") for reply in self.replies)

    @property
    def is_probe(self) -> bool:
        return self.injected.planned.is_probe


def collect_outcomes(
    calls: Sequence[RecordedCall],
    injected: Sequence[Injected],
    earlier: Mapping[int, float | None] | None = None,
) -> list[Outcome]:
    """Each request with its replies, classified; ``earlier`` holds the first reply times of
    earlier steps' requests (by index), which this step's repeats may repeat."""
    outcomes = [Outcome(item, []) for item in injected]
    owner = {key: outcome for outcome in outcomes for key in outcome.injected.keys}
    for call in calls:
        target = reply_target(call)
        if target in owner:
            owner[target].replies.append(call)
    for outcome in outcomes:
        outcome.replies.sort(key=lambda call: call.time)
    classify(outcomes, earlier or {})
    return outcomes


def classify(outcomes: Sequence[Outcome], earlier: Mapping[int, float | None]) -> None:
    """Fresh or cached: a repeat is cached when its first's reply came before it was sent."""
    first_replies = dict(earlier)
    first_replies.update((o.injected.planned.index, o.first_reply_at) for o in outcomes)
    fixed = {LONG: FRESH_LONG, SPLIT: SPLIT_PASTE, HELP: HELP_COMMAND,
             CACHED_PROBE: CACHED}  # fmt: skip
    for outcome in outcomes:
        planned = outcome.injected.planned
        if planned.kind == DOCUMENT:
            outcome.bucket = DOCUMENT_BUCKETS.get(planned.file_format, DOCUMENT_BUCKETS["txt"])
            continue
        if planned.kind in fixed:
            outcome.bucket = fixed[planned.kind]
            continue
        is_link = planned.kind == LINK
        if planned.first is None:
            outcome.bucket = LINK_FRESH if is_link else FRESH
            if not is_link and utf16_length(planned.parts[0]) >= WAIT_CHARS:
                outcome.bucket = FRESH_NEAR_LIMIT
            continue
        first_reply = first_replies.get(planned.first)
        answered_before = first_reply is not None and first_reply < outcome.injected.first_at
        if is_link:
            outcome.bucket = LINK_CACHED if answered_before else LINK_IN_FLIGHT
        else:
            outcome.bucket = CACHED if answered_before else REPEAT_IN_FLIGHT


def percentile(values: Sequence[float], share: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class LatencyRow:
    bucket: str
    count: int
    p50: float | None
    p95: float | None
    p99: float | None
    worst: float | None


def latency_rows(outcomes: Sequence[Outcome]) -> dict[str, LatencyRow]:
    rows = {}
    for bucket in BUCKET_ORDER:
        values = [o.latency_ms for o in outcomes if o.bucket == bucket and o.latency_ms is not None]
        if values or bucket in ALWAYS_SHOWN:
            rows[bucket] = LatencyRow(
                bucket,
                len(values),
                percentile(values, 0.50),
                percentile(values, 0.95),
                percentile(values, 0.99),
                max(values, default=None),
            )
    return rows


@dataclass(frozen=True)
class CpuReading:
    """Cumulative CPU counters at one moment (seconds)."""

    wall: float
    bot: float
    bench: float
    machine_busy: float
    machine_steal: float
    bot_waiting: float


def read_cpu(usage: TreeUsage) -> CpuReading:
    busy, steal = machine_cpu_seconds()
    return CpuReading(
        time.monotonic(), usage.cpu_seconds, time.process_time(), busy, steal,
        usage.waiting_seconds,
    )  # fmt: skip


@dataclass(frozen=True)
class CpuUse:
    """CPU over the load, in cores (CPU seconds per wall second).

    `others` is what other processes on the (shared) machine used; `bot_waiting` how many of
    the bot's threads were, on average, ready to run but waiting for a CPU. A replica killed
    during the stretch takes its CPU seconds with it: the bot figure is then a lower bound.
    """

    wall: float
    bot: float
    bench: float
    others: float
    steal: float
    bot_waiting: float

    @classmethod
    def between(cls, first: CpuReading, last: CpuReading) -> CpuUse:
        wall = max(last.wall - first.wall, 1e-9)
        bot = max(0.0, last.bot - first.bot) / wall
        bench = (last.bench - first.bench) / wall
        machine = (last.machine_busy - first.machine_busy) / wall
        return cls(
            wall=wall,
            bot=bot,
            bench=bench,
            others=max(0.0, machine - bot - bench),
            steal=(last.machine_steal - first.machine_steal) / wall,
            bot_waiting=max(0.0, last.bot_waiting - first.bot_waiting) / wall,
        )


@dataclass(frozen=True)
class Figures:
    """What a stretch of the run (one rate step, or the whole run) comes to."""

    requests: int
    answered: int
    reply_messages: int
    not_one: list[Outcome]  # requests without exactly one answer (probes included)
    twice: list[Outcome]  # requests with a reply sent twice (the same text again)
    unanswered: list[Outcome]  # requests without any reply
    not_summary: list[Outcome]  # mix requests answered with something other than a summary
    achieved_rate: float  # mix requests per second over the injection
    load_throughput: float  # mix requests answered per second while the load ran
    overall_throughput: float  # mix requests answered / (first message to last reply)
    span: float | None  # first message to last reply, seconds
    drain: float | None  # last message to last reply, seconds
    latency: dict[str, LatencyRow]
    kinds: dict[str, int]
    repeats: int
    link_repeats: int
    cached_served: int
    peak_rss_kib: int | None  # sampled, summed over the replicas' process trees
    peak_pss_kib: int | None
    peak_distinct_kib: int | None  # resident pages counted once each (root only)


def figures(outcomes: Sequence[Outcome], samples: Sequence[TreeUsage]) -> Figures:
    mix = [o for o in outcomes if not o.is_probe]
    answered = [o for o in mix if o.replies]
    first_at = min(o.injected.first_at for o in outcomes)
    last_at = max(o.injected.last_at for o in outcomes)
    last_reply = max((o.replies[-1].time for o in outcomes if o.replies), default=None)
    load_seconds = max((o.injected.last_at for o in mix), default=first_at) - first_at
    answered_in_load = sum(1 for o in answered if o.replies[0].time <= last_at)
    span = None if last_reply is None else last_reply - first_at
    repeats = [o for o in mix if o.injected.planned.first is not None]
    kinds = {kind: 0 for kind in MIX_KINDS}
    for o in mix:
        kinds[o.injected.planned.kind] += 1
    inside = [s for s in samples if first_at <= s.at <= (last_reply or last_at)]
    return Figures(
        requests=len(mix),
        answered=len(answered),
        reply_messages=sum(len(o.replies) for o in outcomes),
        not_one=[o for o in outcomes if o.answers != 1],
        twice=[o for o in outcomes if o.repeated],
        unanswered=[o for o in outcomes if not o.replies],
        not_summary=[o for o in answered if not o.is_summary],
        achieved_rate=(len(mix) - 1) / load_seconds if load_seconds > 0 else 0.0,
        load_throughput=answered_in_load / load_seconds if load_seconds > 0 else 0.0,
        overall_throughput=len(answered) / span if span else 0.0,
        span=span,
        drain=None if last_reply is None else max(0.0, last_reply - last_at),
        latency=latency_rows(outcomes),
        kinds=kinds,
        repeats=len(repeats),
        link_repeats=sum(1 for o in repeats if o.injected.planned.kind == LINK),
        cached_served=sum(1 for o in repeats if o.bucket in (CACHED, LINK_CACHED)),
        peak_rss_kib=max((s.rss_kib for s in inside), default=None),
        peak_pss_kib=max((s.pss_kib for s in inside), default=None),
        peak_distinct_kib=max(
            (s.distinct_kib for s in inside if s.distinct_kib is not None), default=None
        ),
    )


def expected_cache_lookups(outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """Hits and misses the bot's counters should show if every repeat is served from cache.

    A text costs one lookup (its digest); a link two (the stored article, then its digest).
    """
    hits = misses = 0
    for outcome in outcomes:
        weight = 2 if outcome.injected.planned.kind == LINK else 1
        if outcome.bucket in (CACHED, LINK_CACHED):
            hits += weight
        elif outcome.bucket in (FRESH, FRESH_NEAR_LIMIT, FRESH_LONG, LINK_FRESH, SPLIT_PASTE):
            misses += weight
    return hits, misses


def stray_sends(calls: Sequence[RecordedCall], injected: Sequence[Injected]) -> int:
    """sendMessage calls that reply to none of the requests' messages."""
    targets = {key for item in injected for key in item.keys}
    return sum(
        1
        for call in calls
        if call.method == "sendMessage" and call.ok and reply_target(call) not in targets
    )


def calls_by_method(calls: Sequence[RecordedCall]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in calls:
        counts[call.method] = counts.get(call.method, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


@dataclass(frozen=True)
class WindowRow:
    """What happened in one stretch of the run (seconds from the first message)."""

    start: float
    injected: int
    replies: int
    chat_actions: int
    p50_ms: float | None  # of the requests sent in this window
    p95_ms: float | None
    max_ms: float | None
    bot_cores: float | None  # CPU seconds the replicas used per second of the window
    machine_cores: float | None  # the same for the whole machine (bot and bench included)
    rss_kib: int | None  # the replicas' process trees at the window's end


def _window_usage(
    samples: Sequence[TreeUsage], low: float, high: float
) -> tuple[float | None, float | None, int | None]:
    before = [sample for sample in samples if sample.at <= low]
    inside = [sample for sample in samples if low < sample.at <= high]
    if not inside:
        return None, None, None
    first = before[-1] if before else inside[0]
    last = inside[-1]
    elapsed = last.at - first.at
    if elapsed <= 0:
        return None, None, last.rss_kib
    bot = max(0.0, last.cpu_seconds - first.cpu_seconds) / elapsed
    machine = (last.machine_busy - first.machine_busy) / elapsed
    return bot, machine, last.rss_kib


def timeline(
    outcomes: Sequence[Outcome],
    calls: Sequence[RecordedCall],
    samples: Sequence[TreeUsage],
    window: float,
) -> list[WindowRow]:
    origin = min(o.injected.first_at for o in outcomes)
    end = max([o.injected.last_at for o in outcomes] + [c.time for c in calls if c.time >= origin])
    rows = []
    start = 0.0
    while origin + start <= end:
        low, high = origin + start, origin + start + window
        sent_here = [o for o in outcomes if low <= o.injected.first_at < high]
        latencies = [o.latency_ms for o in sent_here if o.latency_ms is not None]
        in_window = [c for c in calls if low <= c.time < high]
        rows.append(
            WindowRow(
                start,
                len(sent_here),
                sum(1 for c in in_window if reply_target(c) is not None),
                sum(1 for c in in_window if c.method == "sendChatAction"),
                percentile(latencies, 0.5),
                percentile(latencies, 0.95),
                max(latencies, default=None),
                *_window_usage(samples, low, high),
            )
        )
        start += window
    return rows
