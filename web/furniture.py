"""Page furniture removed from the parsed page before the article text is extracted.

Captions, screen-reader labels ("opens new tab"), hidden elements, related/popular/latest
lists, newsletter and share boxes, and teaser blocks (a paragraph or list item that is mostly
a link to another article on the same site) never belong to the article, yet a text extractor
keeps them when they sit inside the article's region. The boxes come from one walk over the
page (web.page_index); removing them is one more pass over that list.
"""

from __future__ import annotations

import lxml.html

from .page_index import Box, PageIndex

MAX_FURNITURE_SHARE = 0.3  # never remove a box that holds this share of the page's paragraphs
_PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})


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


def _removable(box: Box, limit: float) -> bool:
    element = box.element
    if element.get("itemprop") == "articleBody":
        return False
    if element.tag in _PROTECTED_TAGS and not (element.tag == "article" and box.furniture):
        return False
    return (box.furniture and box.paragraphs <= limit) or box.teaser


def remove_furniture(index: PageIndex) -> int:
    """Remove captions, hidden labels, furniture boxes and teaser blocks in place; returns how
    many elements were removed."""
    limit = MAX_FURNITURE_SHARE * index.paragraph_chars
    doomed: list[Box] = []
    for box in sorted(index.boxes, key=lambda box: box.start):
        if doomed and box.start <= doomed[-1].end:
            continue  # inside a box already removed
        if _removable(box, limit):
            doomed.append(box)
    for box in doomed:
        _drop(box.element)
    return len(doomed)
