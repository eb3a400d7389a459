"""A news link, end to end: fetch the page safely, then extract its article, following the
article over its pages when it is paginated.

Every page is fetched with web.fetch.fetch_page under the same FetchPolicy (the address guard,
size and time limits apply to each), at most `max_pages` of them. The site's own "show all" form
is preferred: one more fetch instead of one per page. When a following page cannot be read,
or there are more pages than the cap, the article says so (Article.more_pages).
"""

from __future__ import annotations

import asyncio
import dataclasses
from concurrent.futures import Executor

from .extract import Article
from .fetch import fetch_page
from .page_reading import read_continuation, read_first_page
from .pagination import NOT_PAGINATED
from .policy import FetchError, FetchPolicy, Resolver


async def fetch_article(
    url: str,
    policy: FetchPolicy,
    *,
    resolver: Resolver | None = None,
    executor: Executor | None = None,
    max_pages: int,  # the first page included; its default: bot.settings
) -> Article:
    """Fetch and extract the article at `url` (its text as the page has it, not cleaned).

    Raises FetchError or NotAnArticle (for the first page only: later pages that fail make
    the article incomplete, not an error). Extraction is CPU-bound, so it runs in `executor`
    (the loop's default one when None).
    """
    page = await fetch_page(url, policy, resolver=resolver)
    loop = asyncio.get_running_loop()
    article, pagination = await loop.run_in_executor(executor, read_first_page, page.html, page.url)
    if pagination == NOT_PAGINATED or max_pages < 2:
        return dataclasses.replace(article, more_pages=pagination != NOT_PAGINATED)

    async def read(link: str) -> list[str] | None:
        try:
            fetched = await fetch_page(link, policy, resolver=resolver)
        except FetchError:
            return None
        return await loop.run_in_executor(executor, read_continuation, fetched.html, fetched.url)

    first = article.text.split("\n\n")
    if pagination.show_all:
        whole = await read(pagination.show_all)
        # The show-all page must hold the first page's article and more.
        if whole and len(whole) > len(first) and first[0] in whole:
            return dataclasses.replace(
                article, text="\n\n".join(whole), pages=max(pagination.total, 2)
            )
    paragraphs = list(first)
    pages = 1
    for link in pagination.pages[: max_pages - 1]:
        more = await read(link)
        if not more:
            break
        seen = set(paragraphs)
        paragraphs.extend(paragraph for paragraph in more if paragraph not in seen)
        pages += 1
    return dataclasses.replace(
        article,
        text="\n\n".join(paragraphs),
        pages=pages,
        more_pages=pages < pagination.total,
    )
