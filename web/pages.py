"""A news link, end to end: fetch the page safely, then extract its article."""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor

from .extract import Article, extract_article
from .fetch import fetch_page
from .policy import FetchPolicy, Resolver

# Extraction time grows with the page: a 5 MB page takes seconds. Articles sit near the top
# of their pages, so only this much HTML is parsed.
MAX_EXTRACTED_HTML_CHARS = 2_000_000


def _extract(html: str, url: str) -> Article:
    return extract_article(html[:MAX_EXTRACTED_HTML_CHARS], url)


async def fetch_article(
    url: str,
    policy: FetchPolicy,
    *,
    resolver: Resolver | None = None,
    executor: Executor | None = None,
) -> Article:
    """Fetch and extract the article at `url` (its text as the page has it, not cleaned).

    Raises FetchError or NotAnArticle. Extraction is CPU-bound, so it runs in `executor`
    (the loop's default one when None).
    """
    page = await fetch_page(url, policy, resolver=resolver)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, _extract, page.html, page.url)
