"""The web layer: the only code that opens sockets.

The address guard (`guard`), the vetted transport (`transport`), capped body reading
(`body`, `charset`), one page fetch (`fetch`), article extraction (`extract`) and links in
text (`urls`). Everything that fails raises `FetchError` or `NotAnArticle`.
"""

from .extract import Article, NotAnArticle, extract_article
from .fetch import FetchedPage, fetch_page
from .pages import fetch_article
from .policy import FetchError, FetchErrorCode, FetchPolicy, Resolver, parse_allowed_networks
from .urls import find_urls, normalize_url

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
