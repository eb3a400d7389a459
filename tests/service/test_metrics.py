"""The service's metrics: cache hits, fetch outcomes, engine time and refusals. Counters are
shared by everything in the process, so each test reads how much one moved."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from service import DigestService, EngineBusy, ShuttingDown, WorkTooSlow
from service.metrics import REGISTRY, counting_fetch, fetch_outcome
from summarizer import clean_article, summarize_clean
from tests.service.test_workers import lane_of
from web.policy import FetchError, FetchErrorCode, NotAnArticle

Sample = tuple[str, dict[str, str]]


def value(sample: Sample) -> float:
    name, labels = sample
    return REGISTRY.get_sample_value(name, labels) or 0.0


@contextmanager
def watching(*samples: Sample) -> Iterator[Callable[[Sample], float]]:
    """How far each of `samples` moved while the block ran."""
    start = [value(sample) for sample in samples]
    yield lambda sample: value(sample) - start[samples.index(sample)]


def fetches(outcome: str) -> Sample:
    return "ringkas_fetches_total", {"outcome": outcome}


def summarize_text(text: str) -> object:  # runs in a worker: module level, pickled by name
    return summarize_clean(clean_article(text), sentences=2)


@pytest.mark.parametrize("code", list(FetchErrorCode))
def test_a_failed_fetch_is_counted_by_its_error_code(code: FetchErrorCode) -> None:
    assert fetch_outcome(FetchError(code, "gagal")) == code.value


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (None, "ok"),
        (NotAnArticle("halaman indeks, bukan artikel"), "not_article"),
        (WorkTooSlow("over 10 s"), "too_slow"),
        (ShuttingDown(), "stopping"),
        (EngineBusy(45.0), "busy"),
        (RuntimeError("tak terduga"), "error"),
    ],
)
def test_other_fetch_endings_have_an_outcome_of_their_own(
    error: Exception | None, outcome: str
) -> None:
    assert fetch_outcome(error) == outcome


def test_a_fetch_that_raises_is_counted_and_the_error_passes_through() -> None:
    blocked = FetchError(FetchErrorCode.BLOCKED_ADDRESS, "alamat 10.0.0.1 tidak diizinkan")

    def fetch() -> None:
        with counting_fetch():
            raise blocked

    with watching(fetches("blocked_address"), fetches("ok")) as moved, pytest.raises(FetchError):
        fetch()
    assert (moved(fetches("blocked_address")), moved(fetches("ok"))) == (1, 0)


async def test_a_link_to_a_private_address_is_counted_as_blocked(service: DigestService) -> None:
    with watching(fetches("blocked_address")) as moved, pytest.raises(FetchError):
        await service.from_url("http://127.0.0.1:9/berita/banjir-jakarta", 3)
    assert moved(fetches("blocked_address")) == 1


async def test_an_article_asked_twice_is_one_cache_miss_then_one_hit(
    service: DigestService, sample_article: str
) -> None:
    digest_hit = ("ringkas_cache_lookups_total", {"cache": "digest", "result": "hit"})
    digest_miss = ("ringkas_cache_lookups_total", {"cache": "digest", "result": "miss"})
    with watching(digest_hit, digest_miss) as moved:
        await service.from_text(sample_article, 3)
        await service.flush()
        await service.from_text(sample_article, 3)
    assert (moved(digest_miss), moved(digest_hit)) == (1, 1)


async def test_each_job_a_lane_runs_is_timed_under_the_lane_name(sample_article: str) -> None:
    count = ("ringkas_engine_job_seconds_count", {"lane": "uji-waktu"})
    total = ("ringkas_engine_job_seconds_sum", {"lane": "uji-waktu"})
    with watching(count, total) as moved:
        async with lane_of(name="uji-waktu") as lane:
            await lane.run(summarize_text, sample_article)
            await lane.run(summarize_text, sample_article)
    assert moved(count) == 2
    assert moved(total) > 0


async def test_work_refused_by_a_closed_lane_is_counted_as_stopping(sample_article: str) -> None:
    stopping = ("ringkas_engine_refused_total", {"lane": "uji-tutup", "reason": "stopping"})
    with watching(stopping) as moved:
        async with lane_of(name="uji-tutup") as lane:
            await lane.close(grace=0.0)
            with pytest.raises(ShuttingDown):
                await lane.run(summarize_text, sample_article)
    assert moved(stopping) == 1
