"""The web layer: the only code that opens sockets.

The address guard (`guard`), the vetted transport (`transport`), capped body reading
(`body`, `charset`), one page fetch (`fetch`), article extraction (`extract`) and links in
text (`urls`). Everything that fails raises `FetchError` or `NotAnArticle`.

Names are loaded on first use (PEP 562): httpx, httpcore and trafilatura take most of a
second to import, and a command that summarizes a file never needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .extract import Article, extract_article
    from .fetch import FetchedPage, fetch_page
    from .pages import fetch_article
    from .policy import (
        FetchError,
        FetchErrorCode,
        FetchPolicy,
        NotAnArticle,
        Resolver,
        parse_allowed_networks,
    )
    from .urls import find_urls, normalize_url

_HOMES = {
    "Article": "extract",
    "NotAnArticle": "policy",
    "extract_article": "extract",
    "FetchedPage": "fetch",
    "fetch_page": "fetch",
    "fetch_article": "pages",
    "FetchError": "policy",
    "FetchErrorCode": "policy",
    "FetchPolicy": "policy",
    "Resolver": "policy",
    "parse_allowed_networks": "policy",
    "find_urls": "urls",
    "normalize_url": "urls",
}

__all__ = [
    "Article",
    "FetchError",
    "FetchErrorCode",
    "FetchPolicy",
    "FetchedPage",
    "NotAnArticle",
    "Resolver",
    "extract_article",
    "fetch_article",
    "fetch_page",
    "find_urls",
    "normalize_url",
    "parse_allowed_networks",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'web' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
