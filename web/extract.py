"""Extract the article from an HTML page, or say why the page is not an article.

trafilatura finds the main text and the metadata; the rest of this module decides whether
that text is an article worth summarizing (running prose) rather than a home page, a list of
headlines with teasers, a video page or a menu, and tidies the paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document
from trafilatura.utils import load_html

from .policy import NotAnArticle

# Thresholds measured on saved Indonesian and English news pages with bench/extract.py.
MIN_PROSE_TOTAL_WORDS = 20  # photo stories may carry a single two-sentence caption
MIN_SENTENCES = 2
MAX_LEAD_PARAGRAPHS = 2
MIN_PROSE_WORDS = 8  # a sentence-like paragraph has at least this many words...
LONG_PARAGRAPH_WORDS = 25  # ...and ends like a sentence, unless it is at least this long
HEADLINE_WORDS = 4  # link text this long reads as a headline, not a menu item
TEASER_SHARE = 0.5  # more prose than this in headline+teaser blocks means a listing
TEASER_WORD_SHARE = 0.9  # a teaser's words are (nearly) all inside its headline block
LINK_LINE_SHARE = 0.6  # more lines than this that are link texts means a menu or index
MAX_SITE_NAME_CHARS = 40

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"""[.!?…]["'”’)\]]*$""")
_SENTENCE_BREAK = re.compile(r"""[.!?…]["'”’)\]]*(?:\s|$)""")
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_SEE_ALSO = re.compile(
    r"^(?:baca juga|simak juga|lihat juga|baca selengkapnya|read also|read more|see also)\b",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[-*•·]|\d+[.)])\s+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TITLE_SEPARATORS = (" - ", " | ", " :: ", " : ", ": ", " — ", " – ")
_NON_ARTICLE_OG_TYPES = ("video", "music", "profile", "book")
_GENERIC_HOST_LABELS = frozenset({"www", "com", "co", "id", "net", "org", "go", "ac", "or"})
_FRONT_PAGE_PATHS = frozenset({"", "/", "/index.html", "/index.php", "/index.htm", "/home"})


@dataclass(frozen=True)
class Article:
    title: str | None
    site: str | None
    date: str | None  # ISO yyyy-mm-dd
    text: str  # paragraphs separated by a blank line
    url: str | None


def extract_article(html: str, url: str | None = None) -> Article:
    """Extract the article of `html`; raises NotAnArticle for pages that are not articles.

    `url` is the address the page was fetched from; without it the page's canonical URL is
    reported, but only a given URL is trusted to say "this is a home page".
    """
    if not html or not html.strip():
        raise NotAnArticle("the page is empty")
    document = _trafilatura_document(html, url, mode=_Mode.PRECISION)
    if document is None or not (document.text or "").strip():
        raise NotAnArticle("no readable text found on the page")
    _refuse_by_metadata(document, url)

    page_url = url or document.url
    site = _site_name(document, page_url)
    title = _clean_title(document.title, [document.sitename, site, _host_label(page_url)])
    paragraphs = _clean_paragraphs(document.text, title)
    if not _has_enough_prose(paragraphs):
        # Photo stories keep their prose in image captions, which the first pass leaves out.
        paragraphs = _clean_paragraphs(_text(html, url, _Mode.CAPTIONS), title)
    if not _has_enough_prose(paragraphs):
        raise NotAnArticle("too little running prose to be an article")
    paragraphs = _with_recovered_lead(paragraphs, _clean_paragraphs(_text(html, url), title))
    _refuse_listings(paragraphs, html)

    return Article(
        title=title,
        site=site,
        date=document.date if document.date and _ISO_DATE.match(document.date) else None,
        text="\n\n".join(paragraphs),
        url=page_url,
    )


class _Mode(Enum):
    PRECISION = "precision"  # the body without boilerplate, but often without the lead
    CAPTIONS = "captions"  # the same plus image captions
    RECALL = "recall"  # everything that may be text, used only to recover the lead


def _trafilatura_document(html: str, url: str | None, mode: _Mode) -> Document | None:
    try:
        result = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=mode is _Mode.PRECISION,
            favor_precision=mode is not _Mode.RECALL,
            favor_recall=mode is _Mode.RECALL,
            include_comments=False,
            include_tables=False,
            include_links=False,
            include_images=mode is _Mode.CAPTIONS,
        )
    except (ValueError, TypeError, etree.LxmlError):
        return None
    return result if isinstance(result, Document) else None


def _text(html: str, url: str | None, mode: _Mode = _Mode.RECALL) -> str:
    document = _trafilatura_document(html, url, mode)
    return (document.text or "") if document is not None else ""


def _with_recovered_lead(paragraphs: list[str], recall_paragraphs: list[str]) -> list[str]:
    """Precision mode drops a lead paragraph that is bare text next to a <strong> dateline
    rather than a <p>; take the prose paragraphs right before the body from the recall pass."""
    if not paragraphs or paragraphs[0] not in recall_paragraphs:
        return paragraphs
    start = recall_paragraphs.index(paragraphs[0])
    lead: list[str] = []
    for candidate in reversed(recall_paragraphs[max(0, start - MAX_LEAD_PARAGRAPHS) : start]):
        if not _is_prose(candidate) or candidate in paragraphs:
            break
        lead.insert(0, candidate)
    return lead + paragraphs


# --- metadata checks -------------------------------------------------------------------------


def _refuse_by_metadata(document: Document, url: str | None) -> None:
    page_type = (document.pagetype or "").strip().lower()
    if page_type.startswith(_NON_ARTICLE_OG_TYPES):
        raise NotAnArticle(f"this is a {page_type.split('.')[0]} page, not an article")
    if url and _is_front_page(url):
        raise NotAnArticle("this is a home page, not an article")


def _is_front_page(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(parts.netloc) and parts.path.lower() in _FRONT_PAGE_PATHS and not parts.query


# --- paragraphs ------------------------------------------------------------------------------


def _normalize_space(text: str) -> str:
    return " ".join(text.split())


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _is_prose(paragraph: str) -> bool:
    words = _word_count(paragraph)
    if words >= LONG_PARAGRAPH_WORDS:
        return True
    return words >= MIN_PROSE_WORDS and bool(_SENTENCE_END.search(paragraph))


def _clean_paragraphs(text: str | None, title: str | None) -> list[str]:
    """Paragraphs of the extracted text, without images, bullets-only lines, the repeated
    title, duplicates, and the non-prose lines (dates, bylines, related links) that
    trafilatura often leaves before the first and after the last prose paragraph."""
    seen: set[str] = set()
    paragraphs: list[str] = []
    for line in (text or "").splitlines():
        paragraph = _BULLET.sub("", _normalize_space(_MARKDOWN_IMAGE.sub(" ", line)))
        if not _WORD.search(paragraph) or _SEE_ALSO.match(paragraph):
            continue
        if paragraph in seen or (title and paragraph.casefold() == title.casefold()):
            continue
        seen.add(paragraph)
        paragraphs.append(paragraph)
    prose_positions = [i for i, paragraph in enumerate(paragraphs) if _is_prose(paragraph)]
    if not prose_positions:
        return []
    return paragraphs[prose_positions[0] : prose_positions[-1] + 1]


def _has_enough_prose(paragraphs: list[str]) -> bool:
    prose = [paragraph for paragraph in paragraphs if _is_prose(paragraph)]
    sentences = sum(len(_SENTENCE_BREAK.findall(paragraph)) or 1 for paragraph in prose)
    words = sum(_word_count(paragraph) for paragraph in prose)
    return words >= MIN_PROSE_TOTAL_WORDS and sentences >= MIN_SENTENCES


# --- listings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _HeadlineBlock:
    headline: str
    text: str
    tokens: frozenset[str]


def _tokens(text: str) -> frozenset[str]:
    return frozenset(word.casefold() for word in _WORD.findall(text))


def _refuse_listings(paragraphs: list[str], html: str) -> None:
    tree = load_html(html)
    if tree is None:
        return
    link_texts = {_normalize_space(anchor.text_content()) for anchor in tree.iter("a")}
    if sum(paragraph in link_texts for paragraph in paragraphs) > LINK_LINE_SHARE * len(paragraphs):
        raise NotAnArticle("the page is mostly a list of links")
    prose = [paragraph for paragraph in paragraphs if _is_prose(paragraph)]
    blocks = _headline_blocks(tree)
    teasers = sum(_is_teaser(paragraph, blocks) for paragraph in prose)
    if len(prose) >= 2 and teasers > TEASER_SHARE * len(prose):
        raise NotAnArticle("the page is a list of headlines with teasers, not an article")


def _headline_blocks(tree: lxml.html.HtmlElement) -> list[_HeadlineBlock]:
    """For each headline link, the smallest enclosing block (up to three levels up) that holds
    more than the headline: on a listing page that is the headline plus its teaser."""
    blocks: list[_HeadlineBlock] = []
    for anchor in tree.iter("a"):
        headline = _normalize_space(anchor.text_content())
        if _word_count(headline) < HEADLINE_WORDS:
            continue
        node = anchor
        for _ in range(3):
            parent = node.getparent()
            if parent is None:
                break
            node = parent
            text = _normalize_space(node.text_content())
            if len(text) > len(headline) + 20:
                blocks.append(_HeadlineBlock(headline, text, _tokens(text)))
                break
    return blocks


def _is_teaser(paragraph: str, blocks: list[_HeadlineBlock]) -> bool:
    """A paragraph that sits next to a headline link it does not contain, in a block that holds
    little besides the two, is the teaser of a listing entry. Compared by words, because the
    extractor may join the teaser with the entry's date line."""
    words = _tokens(paragraph)
    if not words:
        return False
    for block in blocks:
        if block.headline in paragraph:
            continue
        if len(block.text) > len(block.headline) + len(paragraph) + 120:
            continue
        if len(words & block.tokens) >= TEASER_WORD_SHARE * len(words):
            return True
    return False


# --- title and site --------------------------------------------------------------------------


def _hostname(url: str | None) -> str | None:
    try:
        return urlsplit(url).hostname if url else None
    except ValueError:
        return None


def _host_label(url: str | None) -> str | None:
    """The name part of a host: "kompas" for otomotif.kompas.com, "republika" for
    www.republika.co.id."""
    host = _hostname(url)
    if not host:
        return None
    labels = [label for label in host.split(".") if label not in _GENERIC_HOST_LABELS]
    return labels[-1] if labels else None


def _clean_title(title: str | None, site_names: list[str | None]) -> str | None:
    """The title without a " - Site Name" suffix or "Site Name: " prefix."""
    if not title:
        return None
    title = _normalize_space(title)
    keys = [name.casefold() for name in site_names if name and len(name) > 2]
    for separator in _TITLE_SEPARATORS:
        head, _, tail = title.rpartition(separator)
        if head and _word_count(tail) <= 5 and any(key in tail.casefold() for key in keys):
            return head.strip()
        first, _, rest = title.partition(separator)
        if rest and _word_count(first) <= 3 and any(key in first.casefold() for key in keys):
            return rest.strip()
    return title or None


def _site_name(document: Document, url: str | None) -> str | None:
    name = _normalize_space(document.sitename or "")
    looks_like_url = "://" in name or name.startswith("www.") or "/" in name
    if name and not looks_like_url and len(name) <= MAX_SITE_NAME_CHARS:
        return name
    host = _hostname(url) or document.hostname
    if host:
        return host.removeprefix("www.")
    return None
