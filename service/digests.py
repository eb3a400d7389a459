"""Digests: from text or a link to a summary, through the cache. No Telegram here.

Both the bot and the command line go through `DigestService`, so they clean text the same
way (once), key it the same way, and can never answer differently. CPU work runs in the
lanes (service.lanes): cleaning in the light lane, so that a cache hit never waits behind
summaries; extraction and the engine in the heavy lane, fair across users, with a deadline.
Identical requests that arrive together are computed once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any, TypeVar

from storage import Storage, StorageStats
from summarizer import Digest
from web.policy import FetchPolicy, Resolver

from . import documents, metrics
from .cleanings import RecentCleanings
from .fairness import FairSlots, requester
from .flight import SingleFlight
from .keys import article_key, digest_key, is_link_article, link_article_id
from .lanes import WorkLanes
from .records import ArticleRecord, cleaned_record, compute_digest, record_from_page
from .workers import ShuttingDown, WorkTooSlow

log = logging.getLogger(__name__)

T = TypeVar("T")

_TOO_SLOW_ENTRIES = 1000


class _TooSlowMemory:
    """Keys of work that recently ran past its deadline, each for `seconds`."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._until: dict[str, float] = {}

    def check(self, key: str) -> None:
        if self._until.get(key, 0.0) > time.monotonic():
            raise WorkTooSlow("ran past its deadline before")

    def remember(self, key: str) -> None:
        now = time.monotonic()
        if len(self._until) >= _TOO_SLOW_ENTRIES:
            self._until = {k: until for k, until in self._until.items() if until > now}
        self._until[key] = now + self._seconds


@dataclass(frozen=True)
class DigestLimits:
    """The service's tunables; the defaults live in bot.settings."""

    link_ttl_seconds: float
    text_ttl_seconds: float
    max_concurrent_fetches: int
    max_fetches_per_user: int
    max_article_pages: int  # pages of one paginated article fetched at most
    request_claims: bool  # other processes share the database: claim work there first
    request_claim_seconds: float  # another replica's claim on the same work lasts this long
    request_claim_poll_seconds: float
    too_slow_memory_seconds: float  # work past its deadline is refused at once for this long


@dataclass(frozen=True)
class Answer:
    article: ArticleRecord
    digest: Digest
    sentences: int
    from_cache: bool


def _readable_digest(payload: str | None) -> Digest | None:
    """A cached digest, or None when there is none or it no longer fits `Digest`."""
    if payload is None:
        return None
    try:
        return Digest.from_record(json.loads(payload))
    except (ValueError, TypeError, KeyError):
        log.warning("ignoring an unreadable cached digest")
        return None


def _readable_article(payload: str | None) -> ArticleRecord | None:
    if payload is None:
        return None
    try:
        return ArticleRecord(**json.loads(payload))
    except (ValueError, TypeError):
        log.warning("ignoring an unreadable cached article")
        return None


class DigestService:
    def __init__(
        self,
        storage: Storage,
        lanes: WorkLanes,
        fetch_policy: FetchPolicy,
        limits: DigestLimits,
        *,
        resolver: Resolver | None = None,
    ) -> None:
        self._storage = storage
        self._lanes = lanes
        self._fetch_policy = fetch_policy
        self._limits = limits
        self._resolver = resolver
        self._flight = SingleFlight()
        self._fetch_slots = FairSlots(limits.max_concurrent_fetches, limits.max_fetches_per_user)
        self._stopping = asyncio.Event()
        self._too_slow = _TooSlowMemory(limits.too_slow_memory_seconds)
        self._cleanings = RecentCleanings()
        # Cache writes run behind the reply (a slow or locked disk must not delay answers);
        # until one lands, its payload is served from here.
        self._unwritten: dict[str, str] = {}
        self._writes: set[asyncio.Task[None]] = set()
        self.computations = 0  # engine runs, for stats and tests

    @property
    def storage(self) -> Storage:
        return self._storage

    async def stats(self) -> StorageStats:
        """Cache size, hits and misses, chats served (`ringkasbot stats`), once the cache
        writes under way have landed."""
        await self.flush()
        return await self._storage.stats()

    async def stop_work(self, grace: float) -> None:
        """Shutting down: fetches under way are abandoned, queued work is refused, running
        work gets `grace` seconds; each raises ShuttingDown to its caller."""
        self._stopping.set()
        await self._lanes.close(grace)

    async def _abortable(self, work: Callable[[], Awaitable[T]]) -> T:
        """`work()`, unless the service stops first (then ShuttingDown)."""
        if self._stopping.is_set():
            raise ShuttingDown()
        task = asyncio.ensure_future(work())
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            if not task.done():
                task.cancel()
        if not task.done() or task.cancelled():  # cancelled just now: the service stops
            raise ShuttingDown()
        return task.result()

    async def _heavy(self, key: str, function: Callable[..., T], *args: Any) -> T:
        """Engine work; refused at once if the same work ran out of time lately."""
        self._too_slow.check(key)
        try:
            return await self._lanes.heavy(function, *args)
        except WorkTooSlow:
            self._too_slow.remember(key)
            raise

    def cache_ttl(self, article_id: str) -> float:
        """How long what is cached about the article (and its digests) is kept."""
        if is_link_article(article_id):
            return self._limits.link_ttl_seconds
        return self._limits.text_ttl_seconds

    def _store_later(self, key: str, payload: str, ttl: float) -> None:
        self._unwritten[key] = payload

        async def write() -> None:
            try:  # storage writes the entries queued at about the same time together
                await self._storage.put_cached(key, payload, ttl)
            except Exception as error:  # the answer went out; a lost cache entry is no harm
                log.warning("cache write failed: %s", type(error).__name__)
            finally:
                if self._unwritten.get(key) is payload:
                    del self._unwritten[key]

        task = asyncio.create_task(write())
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _lookup(self, key: str) -> str | None:
        unwritten = self._unwritten.get(key)
        return unwritten if unwritten is not None else await self._storage.get_cached(key)

    async def _once_across_replicas(
        self,
        key: str,
        read: Callable[[], Awaitable[T | None]],
        compute: Callable[[], Awaitable[T]],
    ) -> T:
        """`compute()`, unless another replica is computing `key` (a claim in the shared
        database): then wait for it to finish and `read()` what it cached (computing anyway
        if it left nothing). The claim is released once the result's cache writes landed."""
        storage, limits = self._storage, self._limits
        if not limits.request_claims:
            return await compute()  # one process: the single flight is enough
        claimed = await storage.claim_request(key, limits.request_claim_seconds)
        if not claimed:
            await storage.wait_for_request(
                key,
                timeout_seconds=limits.request_claim_seconds,
                poll_seconds=limits.request_claim_poll_seconds,
            )
        try:
            # Read again even with the claim in hand: another replica may have finished (and
            # released its claim) between the caller's miss and this claim.
            found = await read()
            if found is not None:
                return found
            return await compute()  # unclaimed: the other replica left nothing in time
        finally:
            if claimed:
                self._release_when_written(key)

    def _release_when_written(self, key: str) -> None:
        writes = list(self._writes)

        async def release() -> None:
            await asyncio.gather(*writes, return_exceptions=True)
            await self._storage.release_request(key)

        task = asyncio.create_task(release())
        self._writes.add(task)  # flush() waits for it too
        task.add_done_callback(self._writes.discard)

    async def flush(self) -> None:
        """Wait for cache writes still under way (before closing the storage)."""
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

    async def _digest(
        self, article: ArticleRecord, sentences: int, language: str | None = None
    ) -> Answer:
        key = digest_key(article.article_id, sentences, language)

        async def cached() -> tuple[Digest, bool] | None:
            digest = _readable_digest(await self._lookup(key))
            return None if digest is None else (digest, True)

        async def compute() -> tuple[Digest, bool]:
            self.computations += 1
            digest = await self._heavy(key, compute_digest, article.clean, sentences, language)
            payload = json.dumps(digest.to_record(), ensure_ascii=False)
            self._store_later(key, payload, self.cache_ttl(article.article_id))
            return digest, False

        # The lookup is inside the single flight too: a caller that looked while another
        # was computing would otherwise miss and compute the same digest again.
        async def look_up_or_compute() -> tuple[Digest, bool]:
            found = await cached()
            if found is not None:
                return found
            return await self._once_across_replicas(key, cached, compute)

        digest, from_cache = await self._flight.run(key, look_up_or_compute)
        metrics.cache_lookup("digest", from_cache)
        return Answer(article, digest, sentences, from_cache=from_cache)

    def _remember(self, article: ArticleRecord) -> None:
        payload = json.dumps(asdict(article), ensure_ascii=False)
        ttl = self.cache_ttl(article.article_id)
        self._store_later(article_key(article.article_id), payload, ttl)

    async def from_text(self, text: str, sentences: int, *, language: str | None = None) -> Answer:
        """Summarize pasted or forwarded text.

        Raises summarizer.ArticleError, or (from the lanes) EngineBusy, WorkTooSlow or
        EngineCrashed.
        """
        key = self._cleanings.key(text)
        article = self._cleanings.get(key)
        if article is None:
            article = await self._lanes.light(cleaned_record, text)
            self._cleanings.add(key, article)
        answer = await self._digest(article, sentences, language)
        # The buttons need the article; a cached digest may outlive a lost article write.
        if not answer.from_cache or await self.article(article.article_id) is None:
            self._remember(article)
        return answer

    async def read_document(
        self,
        data: bytes,
        file_name: str | None,
        mime_type: str | None,
        limits: documents.DocumentLimits,
    ) -> documents.DocumentText:
        """A document's text, read in the heavy lane: fair across users and bounded by its
        deadline (a PDF or page that takes too long gives WorkTooSlow, and the same file
        sent again within the hour is refused at once).

        Raises service.documents.DocumentError, or (from the lanes) EngineBusy, WorkTooSlow
        or EngineCrashed.
        """
        key = "document:" + hashlib.sha256(data).hexdigest()
        return await self._heavy(key, documents.read_document, data, file_name, mime_type, limits)

    async def extract(self, url: str) -> ArticleRecord:
        """The article at a link, cleaned (from the cache when it was read recently).

        Raises web.FetchError or web.NotAnArticle.
        """
        from web.urls import normalize_url  # the web stack loads only for links

        normalized = normalize_url(url)
        article_id = link_article_id(normalized)
        return await self._flight.run(
            f"fetch:{article_id}", lambda: self._fetch(url, normalized, article_id)
        )

    async def from_url(self, url: str, sentences: int, *, language: str | None = None) -> Answer:
        """Fetch, extract and summarize a link.

        Raises web.FetchError, web.NotAnArticle or summarizer.ArticleError, or (from the
        lanes) EngineBusy, WorkTooSlow or EngineCrashed.
        """
        return await self._digest(await self.extract(url), sentences, language)

    async def _fetch(self, url: str, normalized: str, article_id: str) -> ArticleRecord:
        known = await self.article(article_id)
        metrics.cache_lookup("article", known is not None)
        if known is not None:
            return known
        return await self._once_across_replicas(
            f"fetch:{article_id}",
            lambda: self.article(article_id),
            lambda: self._fetch_page(url, normalized, article_id),
        )

    async def _fetch_page(self, url: str, normalized: str, article_id: str) -> ArticleRecord:
        from web.pages import fetch_article  # the web stack loads only for links

        key = f"fetch:{article_id}"
        self._too_slow.check(key)
        self._lanes.admit()  # no fetch for a page that would then wait too long to be read
        fetch = partial(
            fetch_article,
            url,
            self._fetch_policy,
            resolver=self._resolver,
            executor=self._lanes.executor,
            max_pages=self._limits.max_article_pages,
        )
        async with self._fetch_slots.hold(requester.get()):
            try:
                with metrics.counting_fetch():
                    page = await self._abortable(fetch)
            except WorkTooSlow:
                self._too_slow.remember(key)
                raise
        article = await self._lanes.light(record_from_page, article_id, normalized, page)
        self._remember(article)
        return article

    async def article(self, article_id: str) -> ArticleRecord | None:
        return _readable_article(await self._lookup(article_key(article_id)))

    async def from_article_id(self, article_id: str, sentences: int) -> Answer | None:
        """Summarize an article seen before (for the inline buttons); None once it expired."""
        article = await self.article(article_id)
        if article is None:
            return None
        return await self._digest(article, sentences)
