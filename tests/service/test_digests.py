"""The digest service: cache, single flight and recovery, on a real SQLite file."""

from __future__ import annotations

import asyncio

from service import DigestService
from service.keys import article_key, digest_key


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
