"""Identical requests on several replicas are computed once: a claim in the shared database,
with a time to live so that a crashed replica never blocks an article."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest

from bot.settings import DEFAULTS
from service import Answer, DigestService
from service.keys import digest_key
from storage import Storage
from tests.conftest import StorageTarget, digest_service


@asynccontextmanager
async def replica(
    target: StorageTarget | None, claim_seconds: float = 30.0
) -> AsyncIterator[DigestService]:
    """A replica's digest service; None: an in-memory database of its own."""
    storage = await (target.open() if target else Storage.open(None, busy_timeout_ms=1000))
    limits = replace(
        DEFAULTS.digest_limits(), request_claims=True, request_claim_seconds=claim_seconds
    )
    async with digest_service(storage, limits, threads=1) as digests:
        yield digests


async def cached_digest(article: str) -> tuple[str, str]:
    """The digest key and cached payload another replica would write for `article`."""
    async with replica(None) as alone:
        answer = await alone.from_text(article, 3)
    key = digest_key(answer.article.article_id, 3)
    return key, json.dumps(answer.digest.to_record(), ensure_ascii=False)


def start(work: Coroutine[Any, Any, Answer]) -> asyncio.Task[Answer]:
    return asyncio.create_task(work)


async def waiting(task: asyncio.Task[Answer], seconds: float = 0.5) -> bool:
    await asyncio.sleep(seconds)
    return not task.done()


async def test_a_replica_waits_for_the_one_computing_and_answers_from_its_cache(
    storage_target: StorageTarget, sample_article: str
) -> None:
    key, payload = await cached_digest(sample_article)
    other = await storage_target.open()
    try:
        async with replica(storage_target) as here:
            assert await other.claim_request(key, 30.0)  # the other replica is computing
            answer = start(here.from_text(sample_article, 3))
            waited = await waiting(answer)
            await other.put_cached(key, payload)
            await other.release_request(key)
            result = await answer
    finally:
        await other.close()
    assert waited
    assert result.from_cache
    assert here.computations == 0


async def test_a_claim_left_by_a_crashed_replica_blocks_only_until_it_expires(
    storage_target: StorageTarget, sample_article: str
) -> None:
    key, _ = await cached_digest(sample_article)
    crashed = await storage_target.open()
    try:
        async with replica(storage_target, claim_seconds=1.0) as here:
            assert await crashed.claim_request(key, 1.0)  # never released
            result = await asyncio.wait_for(here.from_text(sample_article, 3), 15)
    finally:
        await crashed.close()
    assert not result.from_cache
    assert here.computations == 1


async def test_the_same_article_on_two_replicas_at_once_is_computed_once(
    storage_target: StorageTarget, sample_article: str
) -> None:
    async with replica(storage_target) as first, replica(storage_target) as second:
        answers = await asyncio.gather(
            first.from_text(sample_article, 3), second.from_text(sample_article, 3)
        )
    assert first.computations + second.computations == 1
    assert answers[0].digest == answers[1].digest


async def test_a_replica_that_claims_just_after_another_finished_answers_from_its_cache(
    storage_target: StorageTarget, sample_article: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, payload = await cached_digest(sample_article)
    other = await storage_target.open()
    try:
        async with replica(storage_target) as here:
            claim = here.storage.claim_request

            async def finished_meanwhile(request_key: str, ttl_seconds: float) -> bool:
                if request_key == key:  # between this replica's miss and its claim
                    await other.put_cached(key, payload)
                return await claim(request_key, ttl_seconds)

            monkeypatch.setattr(here.storage, "claim_request", finished_meanwhile)
            result = await here.from_text(sample_article, 3)
    finally:
        await other.close()
    assert result.from_cache
    assert here.computations == 0
