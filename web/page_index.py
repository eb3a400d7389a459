"""One walk over a parsed page that measures what the furniture and listing checks need.

Text sizes are summed bottom-up on a stack while lxml walks the tree, so the whole walk is
linear in the page size; only the elements that can matter are remembered: boxes that may be
furniture (by tag, class or id), blocks that may be teasers, headline links to other pages of
the site, and the few ancestors of those links that a listing check looks at.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from .text import normalize_space, word_count

HEADLINE_WORDS = 4  # link text this long reads as a headline, not a menu item
TEASER_LINK_SHARE = 0.6  # a block with this share of its text in links is a teaser
MAX_HEADLINE_CHARS = 300  # a longer link is a paragraph that happens to be a link
HEADLINE_ANCESTORS = 3  # a listing entry is at most this many levels above its headline link

_CAPTION_CLASS = re.compile(
    r"caption|figcaption|photo-?desc|img-?desc|image-?desc|keterangan|ket-?foto|credit"
    # A box named only for its picture ("photo", "foto") holds the picture and its caption.
    r"|(?:^|\s)(?:photo|foto|image|img|gambar|pic)(?:\s|$)",
    re.IGNORECASE,
)
_HIDDEN_CLASS = re.compile(
    r"(?:^|\s)(?:sr-only|visually-?hidden|screen-?reader(?:-text)?|a11y-hidden|hidden|hide)"
    r"(?:\s|$)",
    re.IGNORECASE,
)
_FURNITURE_CLASS = re.compile(
    r"related|populer|popular|terpopuler|terkini|trending|rekomendasi|recommend|baca-?juga"
    r"|bacajuga|latest|read-?also|also-?read|more-?stories|most-?read|newsletter|subscribe|signup"
    r"|sign-up|outbrain|taboola|recirc|advert|iklan|promo|social|share|sharing|sharer"
    r"|inline-?link|lihat-?juga|simak-?juga|tag-?list|tags|author-?bio|about-?author"
    r"|(?:^|[\s_-])dek(?:$|[\s_-])|standfirst|strapline|sub-?title|sub-?headline",
    re.IGNORECASE,
)
# The article's own container, as sites name it.
_BODY_CLASS = re.compile(
    r"article[-_]*body|articlebody|story[-_]*body|entry[-_]?content|post[-_]?(?:content|body)"
    r"|article[-_]?(?:content|text)|content[-_]?body|detail[-_]?(?:body|content|text|isi)"
    r"|isi[-_]?(?:berita|artikel|detail)|read__content|txt[-_]?article|body[-_]?text",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HREF = re.compile(
    r"(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*):)?(?://(?P<host>[^/?#]*))?(?P<path>[^?#]*)"
)
# Labels of public suffixes ("co.id", "com.br", "go.id"): a site is the label before them.
_PUBLIC_SUFFIX_LABELS = frozenset(
    "com co id net org go ac or sch web my biz info gov edu mil uk au br jp in sg nz za".split()
)
_LABEL_BEFORE = re.compile(r"^\s*(?:[^\W\d_][^:\n]{0,24}:)?\s*$")  # "", "Baca juga:", "READ MORE:"
_LABEL_AFTER = re.compile(r"^\s*(?:\[[A-Z0-9 ]{1,15}\]|[-|–—:]?\s*)\s*$")  # "", " [NEWS]", " |"
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head"})
_BLOCK_TAGS = frozenset({"p", "li", "h2", "h3", "h4", "h5", "h6", "dd", "dt"})


def site_domain(host: str) -> str:
    """The site a host belongs to: "kompas.com" for otomotif.kompas.com, "detik.com" for
    news.detik.com, "tempo.co.id" for en.tempo.co.id."""
    labels = host.lower().strip(".").split(".")
    if labels[-1].isdigit() or ":" in host:  # an IP address is its own site
        return host.lower()
    end = len(labels) - 1
    while end > 0 and labels[end] in _PUBLIC_SUFFIX_LABELS:
        end -= 1
    return ".".join(labels[end:])


class SiteLinks:
    """Which links of a page lead to another page of the same site (relative links do)."""

    def __init__(self, page_url: str | None) -> None:
        try:
            page = urlsplit(page_url or "")
            self._host = site_domain(page.hostname or "")
            self._path = page.path.rstrip("/")
        except ValueError:
            self._host = self._path = ""
        self._known: dict[str, bool] = {}

    def is_other_page(self, href: str | None) -> bool:
        if not href:
            return False
        known = self._known.get(href)
        if known is None:
            known = self._known[href] = self._judge(href.strip())
        return known

    def _judge(self, href: str) -> bool:
        # A regular expression rather than urlsplit: a page may hold tens of thousands of
        # links, and this runs once for each distinct one.
        match = _HREF.match(href)
        if match is None:
            return False
        scheme, host, path = match.group("scheme"), match.group("host"), match.group("path")
        if scheme and scheme.lower() not in ("http", "https"):
            return False
        if host and self._host:
            host = host.lower().rsplit("@", 1)[-1].split(":", 1)[0]
            if not (host == self._host or host.endswith("." + self._host)):
                return False
        path = path.rstrip("/")
        return len(path) > 1 and path != self._path


@dataclass(frozen=True)
class Box:
    """An element that may be furniture (by its tag, class, id or style) or is a teaser."""

    element: lxml.html.HtmlElement
    start: int  # pre-order number of the element...
    end: int  # ...and of its last descendant
    furniture: bool
    teaser: bool
    paragraphs: int  # characters of text inside <p> within it


@dataclass(frozen=True)
class HeadlineLink:
    element: lxml.html.HtmlElement
    text: str  # normalized
    size: int
    ancestors: tuple[lxml.html.HtmlElement, ...]  # nearest first


@dataclass
class PageIndex:
    boxes: list[Box] = field(default_factory=list)
    headline_links: list[HeadlineLink] = field(default_factory=list)
    sizes: dict[lxml.html.HtmlElement, int] = field(default_factory=dict)  # of ancestors above
    paragraph_chars: int = 0  # text inside <p> on the whole page
    regions: list[lxml.html.HtmlElement] = field(default_factory=list)  # article body boxes


@dataclass(slots=True)
class _Frame:
    element: lxml.html.HtmlElement
    start: int
    furniture: bool
    block: bool
    text: int = 0
    links: int = 0
    paragraphs: int = 0
    headline_link: bool = False
    needed: bool = False  # an ancestor of a headline link: remember its size
    in_article: bool = False  # inside an <article> element
    in_region: bool = False  # inside a box that says it holds the article body


@functools.lru_cache(maxsize=4096)
def _names_say(names: str) -> tuple[bool, bool]:
    """(furniture, article body) for a "class id" string; pages repeat a few class names
    thousands of times, so the answers are remembered."""
    furniture = bool(
        _CAPTION_CLASS.search(names)
        or _HIDDEN_CLASS.search(names)
        or _FURNITURE_CLASS.search(names)
    )
    return furniture, bool(_BODY_CLASS.search(names))


def _classify(element: lxml.html.HtmlElement) -> tuple[bool, bool]:
    """(furniture, article body) for an element, from its tag and attributes."""
    attributes = element.attrib
    names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
    furniture, body = _names_say(names) if names != " " else (False, False)
    if element.tag == "figcaption" or "hidden" in attributes:
        furniture = True
    style = attributes.get("style")
    if style and _HIDDEN_STYLE.search(style):
        furniture = True
    return furniture, body or attributes.get("itemprop") == "articleBody"


def _stands_alone(anchor: lxml.html.HtmlElement) -> bool:
    """A headline link stands on its own (a label like "Baca juga:" or "[NEWS]" may sit next
    to it); a link inside a sentence has text around it."""
    if not _LABEL_AFTER.match(anchor.tail or ""):
        return False
    previous = anchor.getprevious()
    if previous is not None:
        return bool(_LABEL_BEFORE.match(previous.tail or ""))
    parent = anchor.getparent()
    return parent is None or bool(_LABEL_BEFORE.match(parent.text or ""))


def index_page(root: lxml.html.HtmlElement, site: SiteLinks) -> PageIndex:
    body = root.find(".//body")
    body = body if body is not None else root
    index = PageIndex()
    stack: list[_Frame] = []
    counter = 0
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            counter += 1
            if tag in _SKIPPED_TAGS:
                walker.skip_subtree()
            parent = stack[-1] if stack else None
            in_article = parent is not None and (
                parent.in_article or parent.element.tag == "article"
            )
            # An <article> inside an <article> is a card teasing another story.
            furniture, article_body = _classify(element)
            furniture = furniture or (tag == "article" and in_article)
            frame = _Frame(element, counter, furniture, tag in _BLOCK_TAGS)
            frame.in_article = in_article
            frame.in_region = parent is not None and parent.in_region
            if not frame.in_region and not furniture and article_body:
                frame.in_region = True
                index.regions.append(element)
            stack.append(frame)
            if tag not in _SKIPPED_TAGS:
                stack[-1].text = len((element.text or "").strip())
            continue
        frame = stack.pop()
        if tag == "a":
            frame.links = frame.text
            if (
                site.is_other_page(element.get("href"))
                and frame.text <= MAX_HEADLINE_CHARS
                and _stands_alone(element)
            ):
                headline = normalize_space(element.text_content())
                if word_count(headline) >= HEADLINE_WORDS:
                    frame.headline_link = True
                    ancestors = tuple(f.element for f in stack[-HEADLINE_ANCESTORS:])[::-1]
                    for ancestor in stack[-HEADLINE_ANCESTORS:]:
                        ancestor.needed = True
                    index.headline_links.append(
                        HeadlineLink(element, headline, frame.text, ancestors)
                    )
        elif tag == "p":
            frame.paragraphs = frame.text
        # A paragraph or list item that is mostly a headline link to another page of the site
        # is a teaser of that story.
        teaser = (
            frame.block
            and frame.headline_link
            and frame.links >= TEASER_LINK_SHARE * frame.text
            and frame.text > 0
        )
        if frame.furniture or teaser:
            index.boxes.append(
                Box(element, frame.start, counter, frame.furniture, teaser, frame.paragraphs)
            )
        if frame.needed:
            index.sizes[element] = frame.text
        if stack:
            parent = stack[-1]
            parent.text += frame.text + len((element.tail or "").strip())
            parent.links += frame.links
            parent.paragraphs += frame.paragraphs
            parent.headline_link = parent.headline_link or frame.headline_link
        else:
            index.paragraph_chars = frame.paragraphs
    return index
