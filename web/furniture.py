"""Page furniture removed from the parsed page before the article text is extracted.

Captions, screen-reader labels ("opens new tab"), hidden elements, related/popular/latest
lists, newsletter and share boxes, and teaser blocks (a paragraph or list item that is mostly
a link to another article on the same site) never belong to the article, yet a text extractor
keeps them when they sit inside the article's region. Everything here is one or two passes over
the tree: text sizes are summed bottom-up once, so the work is linear in the page size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.html

from .text import word_count

HEADLINE_WORDS = 4  # link text this long reads as a headline, not a menu item
TEASER_LINK_SHARE = 0.6  # a block with this share of its text in links is a teaser
MAX_FURNITURE_SHARE = 0.3  # never remove a box that holds this share of the page's paragraphs

_CAPTION_CLASS = re.compile(
    r"caption|figcaption|photo-?desc|img-?desc|image-?desc|keterangan|ket-?foto|credit",
    re.IGNORECASE,
)
_HIDDEN_CLASS = re.compile(
    r"(?:^|\s)(?:sr-only|visually-?hidden|screen-?reader(?:-text)?|a11y-hidden|hidden|hide)(?:\s|$)",
    re.IGNORECASE,
)
_FURNITURE_CLASS = re.compile(
    r"related|populer|popular|terpopuler|terkini|trending|rekomendasi|recommend|baca-?juga"
    r"|bacajuga|read-?also|also-?read|more-?stories|most-?read|newsletter|subscribe|signup"
    r"|sign-up|outbrain|taboola|recirc|advert|iklan|promo|social|share|sharing|sharer"
    r"|inline-?link|lihat-?juga|simak-?juga|tag-?list|tags|author-?bio|about-?author",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})
_BLOCK_TAGS = frozenset({"p", "li", "h2", "h3", "h4", "h5", "h6", "dd", "dt"})


@dataclass
class _Sizes:
    """Characters of text under each element (all of it, inside links, inside paragraphs), and
    the elements that hold a headline link to another article of the site."""

    text: dict[lxml.html.HtmlElement, int] = field(default_factory=dict)
    links: dict[lxml.html.HtmlElement, int] = field(default_factory=dict)
    paragraphs: dict[lxml.html.HtmlElement, int] = field(default_factory=dict)
    headline_links: set[lxml.html.HtmlElement] = field(default_factory=set)


def _measure(root: lxml.html.HtmlElement, site: SiteLinks) -> _Sizes:
    sizes = _Sizes()
    elements = [element for element in root.iter() if isinstance(element.tag, str)]
    for element in reversed(elements):  # children come after their parent in document order
        text = len((element.text or "").strip())
        links = paragraphs = 0
        has_headline = False
        for child in element:
            text += len((child.tail or "").strip())
            if not isinstance(child.tag, str):
                continue
            text += sizes.text[child]
            links += sizes.links[child]
            paragraphs += sizes.paragraphs[child]
            has_headline = has_headline or child in sizes.headline_links
        sizes.text[element] = text
        sizes.links[element] = text if element.tag == "a" else links
        sizes.paragraphs[element] = text if element.tag == "p" else paragraphs
        if element.tag == "a":
            has_headline = site.is_other_page(element.get("href")) and (
                word_count(element.text_content()) >= HEADLINE_WORDS
            )
        if has_headline:
            sizes.headline_links.add(element)
    return sizes


def _drop(element: lxml.html.HtmlElement) -> None:
    """Remove an element but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


class SiteLinks:
    """Which links of a page lead to another page of the same site (relative links do)."""

    def __init__(self, page_url: str | None) -> None:
        try:
            page = urlsplit(page_url or "")
            self._host = (page.hostname or "").removeprefix("www.")
        except ValueError:
            page, self._host = urlsplit(""), ""
        self._path = page.path.rstrip("/")
        self._known: dict[str, bool] = {}

    def is_other_page(self, href: str | None) -> bool:
        if not href:
            return False
        known = self._known.get(href)
        if known is None:
            known = self._known[href] = self._judge(href.strip())
        return known

    def _judge(self, href: str) -> bool:
        if href.startswith(("#", "javascript:", "mailto:", "tel:")):
            return False
        try:
            target = urlsplit(href)
            host = (target.hostname or "").removeprefix("www.")
        except ValueError:
            return False
        if target.scheme not in ("http", "https", ""):
            return False
        if host and self._host and host != self._host:
            return False
        path = target.path.rstrip("/")
        return len(path) > 1 and path != self._path and not (path.startswith(".") and not host)


def _is_teaser_block(element: lxml.html.HtmlElement, sizes: _Sizes) -> bool:
    text = sizes.text[element]
    return (
        text > 0
        and sizes.links[element] >= TEASER_LINK_SHARE * text
        and element in sizes.headline_links
    )


def _is_furniture(element: lxml.html.HtmlElement) -> bool:
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    if element.tag == "figcaption" or _CAPTION_CLASS.search(names):
        return True
    if element.get("hidden") is not None or _HIDDEN_CLASS.search(names):
        return True
    if _HIDDEN_STYLE.search(element.get("style") or ""):
        return True
    return bool(_FURNITURE_CLASS.search(names))


def remove_furniture(root: lxml.html.HtmlElement, site: SiteLinks) -> int:
    """Remove captions, hidden labels, furniture boxes and teaser blocks in place; returns how
    many elements were removed."""
    body = root.find(".//body")
    body = body if body is not None else root
    sizes = _measure(body, site)
    limit = MAX_FURNITURE_SHARE * sizes.paragraphs[body]
    doomed: list[lxml.html.HtmlElement] = []
    stack = [body]
    while stack:  # pre-order walk that does not enter removed boxes
        element = stack.pop()
        if element.tag not in _PROTECTED_TAGS and element.get("itemprop") != "articleBody":
            small = sizes.paragraphs[element] <= limit
            if (small and _is_furniture(element)) or (
                element.tag in _BLOCK_TAGS and _is_teaser_block(element, sizes)
            ):
                doomed.append(element)
                continue
        stack.extend(child for child in reversed(element) if isinstance(child.tag, str))
    for element in doomed:
        _drop(element)
    return len(doomed)
