"""A news link, end to end: fetch the page safely, extract the article, clean its text."""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from dataclasses import replace

from .cleaning import clean_text
from .engine import MAX_ARTICLE_CHARS
from .extract import Article, extract_article
from .fetch import FetchPolicy, Resolver, fetch_page

DEFAULT_POLICY = FetchPolicy()


# Extraction time grows with the page: a 5 MB page takes seconds. Articles sit near the top
# of their pages, so only this much HTML is parsed, and the text is cut like the engine's.
MAX_EXTRACTED_HTML_CHARS = 2_000_000


def _extract_clean(html: str, url: str) -> Article:
    article = extract_article(html[:MAX_EXTRACTED_HTML_CHARS], url)
    return replace(article, text=clean_text(article.text)[:MAX_ARTICLE_CHARS])


async def fetch_article(
    url: str,
    policy: FetchPolicy = DEFAULT_POLICY,
    *,
    resolver: Resolver | None = None,
    executor: Executor | None = None,
) -> Article:
    """Fetch and extract the article at `url`, its text cleaned as the engine cleans text.

    Raises summarizer.fetch.FetchError or summarizer.extract.NotAnArticle. Extraction is
    CPU-bound, so it runs in `executor` (the loop's default one when None).
    """
    page = await fetch_page(url, policy, resolver=resolver)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, _extract_clean, page.html, page.url)
