"""Prometheus metrics: the one registry, and the Telegram-free metrics of the service.

One module-level `CollectorRegistry` (not prometheus_client's global default registry, so
nothing else registered there, by a library or by its process and platform collectors,
ends up in /metrics). It is module-level rather than one per application because the sites
that count (the lanes, built before the application; the handlers' send path, which has no
handle on the application) would otherwise each need it passed down. A process runs one
bot, so there is one set of counters to show; tests, which may run several applications in
one process, read deltas (as Prometheus does: counters only matter by how much they rise).

handlers/metrics.py and bot/metrics.py add theirs to this registry. Labels only take small
fixed sets of values: never a user, a chat, a link or a text. The engine (summarizer/) does
not know about any of this: its jobs are timed in the lanes (service/workers.py), in this
process, from the durations the worker processes send back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics

from web.policy import FetchError, NotAnArticle

# A `_created` timestamp beside every series doubles /metrics for nothing Prometheus uses
# (a process-wide switch of prometheus_client; nothing else here uses it).
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped upstream
REGISTRY = CollectorRegistry()

CACHE_LOOKUPS = Counter(
    "ringkas_cache_lookups",
    "Requests answered from the cache (hit) or not (miss): digests, and articles behind links.",
    ["cache", "result"],
    registry=REGISTRY,
)
ENGINE_SECONDS = Histogram(
    "ringkas_engine_job_seconds",
    "How long one job ran in a worker process, by lane (engine: summaries and page "
    "extraction; light: cleaning a text before its cache lookup).",
    ["lane"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0),
)
ENGINE_REFUSED = Counter(
    "ringkas_engine_refused",
    "Jobs refused by a lane: busy (would wait too long), expired (waited too long in the "
    "queue), stopping (the bot is shutting down), too_slow (ran past the deadline), crashed "
    "(its worker died twice).",
    ["lane", "reason"],
    registry=REGISTRY,
)
FETCHES = Counter(
    "ringkas_fetches",
    "Pages fetched for links, by outcome: ok, a web.policy.FetchErrorCode value "
    "(blocked_address, too_large, timeout, http_error, ...), not_article, too_slow, busy, "
    "stopping or error.",
    ["outcome"],
    registry=REGISTRY,
)

for _lane in ("engine", "light"):
    ENGINE_SECONDS.labels(_lane)
for _cache in ("digest", "article"):
    for _result in ("hit", "miss"):
        CACHE_LOOKUPS.labels(_cache, _result)


def cache_lookup(cache: str, hit: bool) -> None:
    CACHE_LOOKUPS.labels(cache, "hit" if hit else "miss").inc()


def fetch_outcome(error: BaseException | None) -> str:
    """The `ringkas_fetches` outcome of a fetch that raised `error` (None: it succeeded)."""
    from .workers import EngineBusy, ShuttingDown, WorkTooSlow  # workers imports this module

    if error is None:
        return "ok"
    if isinstance(error, FetchError):
        return error.code.value
    if isinstance(error, NotAnArticle):
        return "not_article"
    if isinstance(error, WorkTooSlow):
        return "too_slow"
    if isinstance(error, ShuttingDown):
        return "stopping"
    if isinstance(error, EngineBusy):
        return "busy"
    return "error"


@contextmanager
def counting_fetch() -> Iterator[None]:
    """Count the fetch in the block by its outcome (a cancelled one is not counted)."""
    try:
        yield
    except Exception as error:
        FETCHES.labels(fetch_outcome(error)).inc()
        raise
    FETCHES.labels("ok").inc()
