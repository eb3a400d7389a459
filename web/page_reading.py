"""The CPU side of reading a fetched page: parse it, find its article and its pagination.

These run in the engine's worker processes, which import this module to run them; it must not
import the fetching side (web.fetch: httpx and its network stack), which the workers never
use and would otherwise each load.
"""

from __future__ import annotations

from .extract import Article, extract_continuation, extract_from_tree, parse_html
from .pagination import Pagination, find_pagination
from .policy import NotAnArticle

# Extraction time grows with the page: a 5 MB page takes seconds. Articles sit near the top
# of their pages, so only this much HTML is parsed.
MAX_EXTRACTED_HTML_CHARS = 2_000_000


def read_first_page(html: str, url: str) -> tuple[Article, Pagination]:
    """The article on a link's page, and how it continues over other pages."""
    tree = parse_html(html[:MAX_EXTRACTED_HTML_CHARS]) if html.strip() else None
    if tree is None:
        raise NotAnArticle("no readable text found on the page")
    pagination = find_pagination(tree, url)  # before extraction changes the tree
    return extract_from_tree(tree, url), pagination


def read_continuation(html: str, url: str) -> list[str]:
    """The article's paragraphs on one of its later pages."""
    return extract_continuation(html[:MAX_EXTRACTED_HTML_CHARS], url)
