"""Paginated articles: the links a page gives to the rest of its own article.

Indonesian news sites split long articles over pages ("Halaman 2", "Selanjutnya") and most
offer a "show all" form of the same address (kompas and tribunnews `?page=all`, detik
`?single=1`, sindonews `?showpage=all`). Only links to the same article count: the same host
and path (or the path with a page number appended), with a page number or show-all query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html

from .text import normalize_space

MAX_PAGE_NUMBER = 50  # a larger "page number" is an id, not a page of this article

_SHOW_ALL_TEXT = re.compile(
    r"^(?:tampilkan|lihat|baca|buka)\s+semua(?:\s+halaman)?$|^(?:show|view|read)\s+all"
    r"(?:\s+pages?)?$|^(?:single|satu)\s+(?:page|halaman)$|^halaman\s+penuh$",
    re.IGNORECASE,
)
_NEXT_TEXT = re.compile(
    r"^(?:halaman\s+)?(?:selanjutnya|berikutnya)\W*$|^next(?:\s+page)?\W*$|^[›»>]+$",
    re.IGNORECASE,
)
_PAGE_PARAMS = ("page", "halaman", "hal", "p", "pg", "paged", "showpage")
_SHOW_ALL_QUERY = {
    ("page", "all"),
    ("page", "semua"),
    ("single", "1"),
    ("showpage", "all"),
    ("show", "all"),
    ("view", "all"),
    ("hal", "all"),
}
_TRAILING_NUMBER = re.compile(r"^(?P<base>.*?)[/-](?P<number>\d{1,2})/?$")


@dataclass(frozen=True)
class Pagination:
    show_all: str | None  # the article on one page, when the site offers it
    pages: tuple[str, ...]  # the following pages, in order (page 2, 3, ...)
    total: int  # pages the article has, as far as the links tell (1: not paginated)


NOT_PAGINATED = Pagination(None, (), 1)


def _parts(url: str) -> tuple[str, str, list[tuple[str, str]]] | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    query = [(key.lower(), value.lower()) for key, value in parse_qsl(parts.query)]
    return parts.hostname.lower(), parts.path.rstrip("/") or "/", query


def _page_number(base_path: str, path: str, query: list[tuple[str, str]]) -> int | None:
    """The page number a link to the same article gives, or None."""
    for key, value in query:
        if key in _PAGE_PARAMS and value.isdigit() and path == base_path:
            return int(value)
    match = _TRAILING_NUMBER.match(path)
    if match and match.group("base") == base_path:
        return int(match.group("number"))
    return None


def find_pagination(tree: lxml.html.HtmlElement, page_url: str | None) -> Pagination:
    """The pages of the article at `page_url` that its links point to."""
    base = _parts(page_url or "")
    if base is None:
        return NOT_PAGINATED
    host, path, _query = base
    current = _page_number(path, path, _query) or 1
    show_all: str | None = None
    numbered: dict[int, str] = {}
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        target_url = urljoin(page_url or "", href)
        target = _parts(target_url)
        if target is None or target[0] != host:
            continue
        _host, target_path, query = target
        text = normalize_space(anchor.text_content())
        same_article = target_path == path
        if same_article and (set(query) & _SHOW_ALL_QUERY or _SHOW_ALL_TEXT.match(text)):
            show_all = show_all or target_url.split("#", 1)[0]
            continue
        number = _page_number(path, target_path, query)
        if number is None and _NEXT_TEXT.match(text) and same_article:
            number = current + 1
        if number is not None and current < number <= MAX_PAGE_NUMBER:
            numbered.setdefault(number, target_url.split("#", 1)[0])
    if show_all is None and not numbered:
        return NOT_PAGINATED
    following = tuple(numbered[number] for number in sorted(numbered))
    total = max([current, *numbered]) if numbered else max(current, 2)
    return Pagination(show_all, following, total)
