"""The digest service: cache, single flight and recovery, on a real SQLite file."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from bot.settings import DEFAULTS
from service import DigestService
from service.keys import article_key, digest_key
from storage import Storage
from tests.conftest import digest_service


async def test_a_repeated_article_is_answered_from_the_cache(
    service: DigestService, sample_article: str
) -> None:
    first = await service.from_text(sample_article, 3)
    await service.flush()
    again = await service.from_text(sample_article, 3)
    assert (first.from_cache, again.from_cache) == (False, True)
    assert again.digest == first.digest
    assert service.computations == 1


async def test_concurrent_identical_requests_compute_once(
    service: DigestService, sample_article: str
) -> None:
    answers = await asyncio.gather(*(service.from_text(sample_article, 3) for _ in range(5)))
    assert service.computations == 1
    assert len({answer.digest for answer in answers}) == 1


async def test_an_unreadable_cached_digest_is_computed_again(
    service: DigestService, sample_article: str
) -> None:
    first = await service.from_text(sample_article, 3)
    await service.flush()
    key = digest_key(first.article.article_id, 3)
    await service.storage.put_cached(key, '{"from": "an older version"}')
    again = await service.from_text(sample_article, 3)
    assert again.digest == first.digest
    assert service.computations == 2


async def test_the_buttons_find_the_article_even_if_only_its_digest_was_cached(
    service: DigestService, sample_article: str
) -> None:
    first = await service.from_text(sample_article, 3)
    await service.flush()
    await service.storage.put_cached(article_key(first.article.article_id), "", 0.001)
    await asyncio.sleep(0.01)  # the article entry has expired; the digest has not
    await service.from_text(sample_article, 3)
    await service.flush()
    longer = await service.from_article_id(first.article.article_id, 4)
    assert longer is not None and len(longer.digest.summary) == 4


async def test_text_with_lone_surrogates_is_summarized_and_cached(
    service: DigestService, sample_article: str
) -> None:
    answer = await service.from_text(sample_article + "\ud800", 3)
    await service.flush()
    assert await service.article(answer.article.article_id) is not None


async def test_stats_count_what_the_service_cached_and_looked_up(
    service: DigestService, sample_article: str
) -> None:
    await service.from_text(sample_article, 3)
    await service.flush()
    await service.from_text(sample_article, 3)
    stats = await service.stats()
    assert stats.cache_entries == 2  # the article and its digest
    # The digest missed, then found; the second time its article was looked up too (found).
    assert (stats.hits, stats.misses) == (2, 1)


async def test_a_request_claim_is_released_once_its_entry_is_written_under_steady_writes():
    storage = await Storage.open(None, busy_timeout_ms=1000)
    limits = replace(DEFAULTS.digest_limits(), request_claims=True)
    async with digest_service(storage, limits, threads=1) as digests:
        real_put, real_release = storage._writes._write, storage.release_request
        released: list[str] = []

        async def slow_put(entries):
            await asyncio.sleep(0.05)
            await real_put(entries)

        async def release(key: str) -> None:
            await real_release(key)
            released.append(key)

        storage._writes._write, storage.release_request = slow_put, release
        assert await storage.claim_request("digest:banjir", 30.0)
        digests._store_later("digest:banjir", "Banjir melanda Jakarta Utara.", 60.0)
        digests._release_when_written("digest:banjir")  # what a computed request does
        for number in range(40):  # other requests keep caching, one every 20 ms
            digests._store_later(f"digest:other-{number}", "Harga cabai naik.", 60.0)
            await asyncio.sleep(0.02)
        assert await storage.get_cached("digest:banjir") == "Banjir melanda Jakarta Utara."
        assert released == ["digest:banjir"], "claim still held 0.8 s after its entry landed"


async def test_a_text_sent_again_is_not_cleaned_again(
    service: DigestService, sample_article: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cleaned: list[str] = []
    light = service._lanes.light

    async def counted(function: Callable[..., Any], *args: Any) -> Any:
        cleaned.append(function.__name__)
        return await light(function, *args)

    monkeypatch.setattr(service._lanes, "light", counted)
    first = await service.from_text(sample_article, 3)
    again = await service.from_text(sample_article, 3)
    assert cleaned == ["cleaned_record"]
    assert again.article == first.article
