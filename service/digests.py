"""Digests: from text or a link to a summary, through the cache. No Telegram here.

Both the bot and the command line go through `DigestService`, so they clean text the same
way (once), key it the same way, and can never answer differently. The engine's CPU work
runs in an executor so the event loop keeps serving other chats; identical requests that
arrive together are computed once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from storage import Storage
from summarizer import CleanText, Digest, clean_article, summarize_clean
from web.policy import FetchPolicy, Resolver

from .flight import SingleFlight
from .keys import article_key, digest_key, is_link_article, link_article_id, text_article_id

if TYPE_CHECKING:
    from web.extract import Article

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class DigestLimits:
    """The service's tunables; the defaults live in bot.settings."""

    link_ttl_seconds: float
    text_ttl_seconds: float
    max_concurrent_fetches: int
    request_claims: bool  # other processes share the database: claim work there first
    request_claim_seconds: float  # another replica's claim on the same work lasts this long
    request_claim_poll_seconds: float


@dataclass(frozen=True)
class ArticleRecord:
    """An article as the cache keeps it: cleaned text plus, for links, page metadata."""

    article_id: str
    text: str
    truncated: bool = False
    url: str | None = None
    title: str | None = None
    site: str | None = None
    date: str | None = None
    # From extraction (links and HTML): "low" when the page's readings disagreed or the text
    # is short; `pages` read of a paginated article, `more_pages` when some could not be.
    confidence: str = "high"
    pages: int = 1
    more_pages: bool = False

    @property
    def unsure(self) -> bool:
        return self.confidence != "high" or self.more_pages

    @property
    def clean(self) -> CleanText:
        return CleanText(self.text, self.truncated)


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


def compute_digest(article: CleanText, sentences: int, language: str | None) -> Digest:
    """Run the engine (CPU-bound; called in an executor)."""
    return summarize_clean(article, sentences=sentences, language=language)


def _cleaned_record(text: str) -> ArticleRecord:
    """Pasted text, cleaned once. Pasted markup (a page source, or prose with tags) is read
    as a browser shows it: through the link path's extraction when it is a whole page, else
    as its visible text, so tags and scripts are never summarized."""
    from web.markup import looks_like_markup, text_of_markup

    if looks_like_markup(text):
        from web.extract import extract_article
        from web.policy import NotAnArticle

        try:
            page = extract_article(text)
        except NotAnArticle:
            text = text_of_markup(text)
        else:
            cleaned = clean_article(page.prose)
            return _record_from_page(text_article_id(cleaned.text), None, page, cleaned)
    cleaned = clean_article(text)
    return ArticleRecord(text_article_id(cleaned.text), cleaned.text, cleaned.truncated)


def _record_from_page(
    article_id: str, url: str | None, page: Article, cleaned: CleanText | None = None
) -> ArticleRecord:
    """A page's article; summaries quote its prose (its text without subheadings)."""
    cleaned = cleaned or clean_article(page.prose)
    return ArticleRecord(
        article_id,
        cleaned.text,
        cleaned.truncated,
        url=url,
        title=page.title,
        site=page.site,
        date=page.date,
        confidence=page.confidence,
        pages=page.pages,
        more_pages=page.more_pages,
    )


class DigestService:
    def __init__(
        self,
        storage: Storage,
        executor: Executor,
        fetch_policy: FetchPolicy,
        limits: DigestLimits,
        *,
        resolver: Resolver | None = None,
    ) -> None:
        self._storage = storage
        self._executor = executor
        self._fetch_policy = fetch_policy
        self._limits = limits
        self._resolver = resolver
        self._flight = SingleFlight()
        self._fetch_slots = asyncio.Semaphore(limits.max_concurrent_fetches)
        # Cache writes run behind the reply (a slow or locked disk must not delay answers);
        # until one lands, its payload is served from here.
        self._unwritten: dict[str, str] = {}
        self._writes: set[asyncio.Task[None]] = set()
        self.computations = 0  # engine runs, for stats and tests

    @property
    def storage(self) -> Storage:
        return self._storage

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def _ttl(self, article_id: str) -> float:
        if is_link_article(article_id):
            return self._limits.link_ttl_seconds
        return self._limits.text_ttl_seconds

    def _store_later(self, key: str, payload: str, ttl: float) -> None:
        self._unwritten[key] = payload

        async def write() -> None:
            try:
                await self._storage.put_cached(key, payload, ttl)
            except Exception as error:  # the answer went out; a lost cache entry is no harm
                log.warning("cache write failed: %s", type(error).__name__)
            finally:
                self._unwritten.pop(key, None)

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
        if not await storage.claim_request(key, limits.request_claim_seconds):
            await storage.wait_for_request(
                key,
                timeout_seconds=limits.request_claim_seconds,
                poll_seconds=limits.request_claim_poll_seconds,
            )
            found = await read()
            if found is not None:
                return found
        try:
            return await compute()
        finally:
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
            digest = await self._run(compute_digest, article.clean, sentences, language)
            payload = json.dumps(digest.to_record(), ensure_ascii=False)
            self._store_later(key, payload, self._ttl(article.article_id))
            return digest, False

        # The lookup is inside the single flight too: a caller that looked while another
        # was computing would otherwise miss and compute the same digest again.
        async def look_up_or_compute() -> tuple[Digest, bool]:
            found = await cached()
            if found is not None:
                return found
            return await self._once_across_replicas(key, cached, compute)

        digest, from_cache = await self._flight.run(key, look_up_or_compute)
        return Answer(article, digest, sentences, from_cache=from_cache)

    def _remember(self, article: ArticleRecord) -> None:
        payload = json.dumps(asdict(article), ensure_ascii=False)
        self._store_later(article_key(article.article_id), payload, self._ttl(article.article_id))

    async def from_text(self, text: str, sentences: int, *, language: str | None = None) -> Answer:
        """Summarize pasted or forwarded text. Raises summarizer.ArticleError."""
        article = await self._run(_cleaned_record, text)  # CPU work stays off the event loop
        answer = await self._digest(article, sentences, language)
        # The buttons need the article; a cached digest may outlive a lost article write.
        if not answer.from_cache or await self.article(article.article_id) is None:
            self._remember(article)
        return answer

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

        Raises web.FetchError, web.NotAnArticle or summarizer.ArticleError.
        """
        return await self._digest(await self.extract(url), sentences, language)

    async def _fetch(self, url: str, normalized: str, article_id: str) -> ArticleRecord:
        known = await self.article(article_id)
        if known is not None:
            return known
        return await self._once_across_replicas(
            f"fetch:{article_id}",
            lambda: self.article(article_id),
            lambda: self._fetch_page(url, normalized, article_id),
        )

    async def _fetch_page(self, url: str, normalized: str, article_id: str) -> ArticleRecord:
        from web.pages import fetch_article

        async with self._fetch_slots:
            page = await fetch_article(
                url, self._fetch_policy, resolver=self._resolver, executor=self._executor
            )
        article = await self._run(_record_from_page, article_id, normalized, page)
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
