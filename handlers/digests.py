"""Digests for the handlers: from text or a link to a summary, through the cache.

The engine's CPU work runs in a worker thread so the event loop keeps serving other chats;
identical requests that arrive together are computed once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from storage import Storage, text_cache_key, url_cache_key
from summarizer import ENGINE_VERSION, summarize
from summarizer.cleaning import clean_text
from summarizer.fetch import FetchPolicy, Resolver
from summarizer.links import fetch_article
from summarizer.urls import normalize_url

log = logging.getLogger(__name__)

T = TypeVar("T")

LINK_TTL_SECONDS = 24 * 3600
# Pages are fetched and parsed at most this many at a time (each may be megabytes).
MAX_CONCURRENT_FETCHES = 8
TEXT_TTL_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class ArticleRecord:
    """An article as the cache keeps it: cleaned text plus, for links, page metadata."""

    article_id: str
    text: str
    url: str | None = None
    title: str | None = None
    site: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class FactView:
    text: str
    kind: str
    sentence: int


@dataclass(frozen=True)
class DigestView:
    """A digest as the handlers show it (and as the cache stores it)."""

    language: str | None
    language_confidence: float
    language_first_class: bool
    summary: tuple[str, ...]
    facts: tuple[FactView, ...]
    sentences_total: int
    truncated: bool

    @classmethod
    def from_json(cls, payload: str) -> DigestView:
        data = json.loads(payload)
        data["summary"] = tuple(data["summary"])
        data["facts"] = tuple(FactView(**fact) for fact in data["facts"])
        return cls(**data)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


@dataclass(frozen=True)
class Answer:
    article: ArticleRecord
    digest: DigestView
    sentences: int
    from_cache: bool


def _readable(payload: str | None) -> DigestView | None:
    """A cached digest, or None when there is none or it no longer fits `DigestView`."""
    if payload is None:
        return None
    try:
        return DigestView.from_json(payload)
    except (ValueError, TypeError, KeyError):
        log.warning("ignoring an unreadable cached digest")
        return None


def _ttl(article: ArticleRecord) -> float:
    return LINK_TTL_SECONDS if article.url else TEXT_TTL_SECONDS


def _text_article_id(cleaned: str) -> str:
    return "t" + hashlib.sha256(cleaned.encode("utf-8", "surrogatepass")).hexdigest()[:31]


def _url_article_id(normalized_url: str) -> str:
    return "u" + hashlib.sha256(normalized_url.encode("utf-8", "surrogatepass")).hexdigest()[:31]


def compute_digest(text: str, sentences: int) -> DigestView:
    """Run the engine (CPU-bound; called in a worker thread)."""
    digest = summarize(text, sentences=sentences)
    return DigestView(
        language=digest.language.code,
        language_confidence=digest.language.confidence,
        language_first_class=digest.language.is_first_class,
        summary=digest.summary,
        facts=tuple(FactView(f.text, f.kind, f.sentence) for f in digest.facts),
        sentences_total=digest.sentences_total,
        truncated=digest.truncated,
    )


class DigestService:
    def __init__(
        self,
        storage: Storage,
        executor: Executor,
        fetch_policy: FetchPolicy,
        *,
        resolver: Resolver | None = None,
    ) -> None:
        self._storage = storage
        self._executor = executor
        self._fetch_policy = fetch_policy
        self._resolver = resolver
        self._in_flight: dict[str, asyncio.Future[Any]] = {}
        self._fetch_slots = asyncio.Semaphore(MAX_CONCURRENT_FETCHES)
        # Cache writes run behind the reply (a slow or locked disk must not delay answers);
        # until one lands, its payload is served from here.
        self._unwritten: dict[str, str] = {}
        self._writes: set[asyncio.Task[None]] = set()
        self.computations = 0  # engine runs, for stats and tests

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    async def _once(self, key: str, produce: Callable[[], Awaitable[T]]) -> T:
        """Run `produce` once for concurrent callers with the same key."""
        running = self._in_flight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            result = await produce()
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # the error is re-raised to every waiter; mark it retrieved
            raise
        else:
            future.set_result(result)
            return result
        finally:
            del self._in_flight[key]

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

    async def flush(self) -> None:
        """Wait for cache writes still under way (before closing the storage)."""
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

    def _digest_key(self, article: ArticleRecord, sentences: int) -> str:
        options = f"sentences={sentences}"
        if article.url is not None:
            return url_cache_key(ENGINE_VERSION, options, article.url)
        return text_cache_key(ENGINE_VERSION, options, article.text)

    async def _digest(self, article: ArticleRecord, sentences: int) -> Answer:
        key = self._digest_key(article, sentences)

        # The lookup is inside the single flight too: a caller that looked while another
        # was computing would otherwise miss and compute the same digest again.
        async def look_up_or_compute() -> tuple[DigestView, bool]:
            cached = _readable(await self._lookup(key))
            if cached is not None:
                return cached, True
            self.computations += 1
            digest = await self._run(compute_digest, article.text, sentences)
            self._store_later(key, digest.to_json(), _ttl(article))
            return digest, False

        digest, from_cache = await self._once(key, look_up_or_compute)
        return Answer(article, digest, sentences, from_cache=from_cache)

    def _remember(self, article: ArticleRecord) -> None:
        payload = json.dumps(asdict(article), ensure_ascii=False)
        self._store_later(f"article:{article.article_id}", payload, _ttl(article))

    async def from_text(self, text: str, sentences: int) -> Answer:
        """Summarize pasted or forwarded text. Raises summarizer.ArticleError."""
        cleaned = await self._run(clean_text, text)  # CPU work stays off the event loop
        article = ArticleRecord(_text_article_id(cleaned), cleaned)
        answer = await self._digest(article, sentences)
        # The buttons need the article; a cached digest may outlive a lost article write.
        if not answer.from_cache or await self.article(article.article_id) is None:
            self._remember(article)
        return answer

    async def from_url(self, url: str, sentences: int) -> Answer:
        """Fetch, extract and summarize a link.

        Raises summarizer.fetch.FetchError, summarizer.extract.NotAnArticle or ArticleError.
        """
        normalized = normalize_url(url)
        article_id = _url_article_id(normalized)
        article = await self._once(f"fetch:{article_id}", lambda: self._fetch(url, article_id))
        return await self._digest(article, sentences)

    async def _fetch(self, url: str, article_id: str) -> ArticleRecord:
        known = await self.article(article_id)
        if known is not None:
            return known
        async with self._fetch_slots:
            extracted = await fetch_article(
                url, self._fetch_policy, resolver=self._resolver, executor=self._executor
            )
        article = ArticleRecord(
            article_id,
            extracted.text,
            url=normalize_url(url),
            title=extracted.title,
            site=extracted.site,
            date=extracted.date,
        )
        self._remember(article)
        return article

    async def article(self, article_id: str) -> ArticleRecord | None:
        payload = await self._lookup(f"article:{article_id}")
        if payload is None:
            return None
        try:
            return ArticleRecord(**json.loads(payload))
        except (ValueError, TypeError):
            log.warning("unreadable cached article %s; ignoring it", article_id)
            return None

    async def from_article_id(self, article_id: str, sentences: int) -> Answer | None:
        """Summarize an article seen before (for the inline buttons); None once it expired."""
        article = await self.article(article_id)
        if article is None:
            return None
        return await self._digest(article, sentences)
