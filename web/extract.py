"""Extract the article from an HTML page, or say why the page is not an article.

The page is parsed once and walked once (web.page_index). Its furniture (captions, hidden
labels, related and popular lists, teaser cards of other stories) is removed from the tree
(web.furniture); then trafilatura reads the article from that tree as candidates: a precise
pass (the article), a broad recall pass (a second opinion, and the lead the precise pass
sometimes drops) and, when the page splits its marked article body over several boxes, those
boxes alone. The candidate that holds the others' text and more wins. Its paragraphs lose
captions, link labels, "read also" lines and other stories' headlines (web.paragraphs); a page
whose prose is the teasers of a list of headlines is refused, and teasers among an article's
paragraphs are dropped (web.listings). Confidence says whether the candidates agree, and
whether the text agrees with the article body the page declares in JSON-LD when it declares
all of it (web.declared_body).
"""

from __future__ import annotations

from collections import Counter
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document
from trafilatura.utils import load_html

from .article import HIGH, LOW, Article
from .declared_body import declared_agreement
from .furniture import remove_furniture
from .listings import ListingEvidence, gather_evidence, listing_reason, teaser_flags
from .markup import looks_like_markup
from .page_index import PageIndex, SiteLinks, index_page
from .page_metadata import PageMetadata, read_metadata
from .paragraphs import body_blocks, clean_blocks, places_people
from .policy import NotAnArticle
from .stoplists import narrow_justext_stoplist
from .text import (
    SENTENCE_BREAK,
    WORD,
    comparable,
    is_prose,
    shared_share,
    shingles,
    word_count,
)

narrow_justext_stoplist()

__all__ = [
    "Article",
    "NotAnArticle",
    "extract_article",
    "extract_continuation",
    "extract_from_tree",
    "looks_like_markup",
    "parse_html",
]

MIN_PROSE_TOTAL_WORDS = 20  # photo stories may carry a single two-sentence caption
MIN_SENTENCES = 2
MAX_LEAD_PARAGRAPHS = 2
BROAD_PREFERRED_RATIO = 3.0  # the broad pass wins when it holds this many times the prose
MAX_PARAGRAPH_WORDS = 400  # a longer "paragraph" is a page without paragraph markup
REGION_GAIN = 1.2  # the marked article boxes win when they hold this much more prose
# Confidence is "high" when the article has at least this many words and this share of its
# 4-word shingles is also in the second, independent extraction; otherwise "low".
CONFIDENT_WORDS = 80
CONFIDENT_AGREEMENT = 0.8

_NON_ARTICLE_OG_TYPES = ("video", "music", "profile", "book")
_FRONT_PAGE_PATHS = frozenset({"", "/", "/index.html", "/index.php", "/index.htm", "/home"})


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    try:
        return load_html(html)
    except (ValueError, TypeError, etree.LxmlError):
        return None


def extract_article(html: str, url: str | None = None) -> Article:
    """Extract the article of `html`; raises NotAnArticle for pages that are not articles.

    `url` is the address the page was fetched from; without it the page's canonical URL is
    reported, but only a given URL is trusted to say "this is a home page".
    """
    if not html or not html.strip():
        raise NotAnArticle("the page is empty")
    tree = parse_html(html)
    if tree is None:
        raise NotAnArticle("no readable text found on the page")
    return extract_from_tree(tree, url)


def extract_from_tree(tree: lxml.html.HtmlElement, url: str | None = None) -> Article:
    """extract_article for a page already parsed (the tree is changed)."""
    metadata = read_metadata(tree, url)
    _refuse_by_metadata(metadata, url)
    reading = _read(tree, metadata, url)
    paragraphs = reading.paragraphs
    if not paragraphs and not reading.found_text:
        raise NotAnArticle("no readable text found on the page")
    if not _has_enough_prose(paragraphs):
        # A page of tables, lists or links: there is text, but not an article's sentences.
        raise NotAnArticle("too little running prose to be an article")
    teasers = teaser_flags(paragraphs, reading.evidence)
    reason = listing_reason(paragraphs, reading.evidence, teasers)
    if reason:
        raise NotAnArticle(reason)
    # Teasers of other stories that sit among the article's paragraphs are dropped.
    paragraphs = [p for p, teaser in zip(paragraphs, teasers, strict=True) if not teaser]
    return Article(
        title=metadata.title,
        site=metadata.site,
        date=metadata.date,
        text="\n\n".join(paragraphs),
        url=url or metadata.url,
        confidence=(
            LOW
            if reading.photo_story
            else _confidence(paragraphs, reading.second, metadata.article_body)
        ),
    )


def extract_continuation(html: str, url: str | None = None) -> list[str]:
    """The article paragraphs of a following page of a paginated article (page 2, 3...),
    without the checks that decide whether a page is an article: a last page may hold one
    short paragraph."""
    tree = parse_html(html) if html and html.strip() else None
    if tree is None:
        return []
    reading = _read(tree, read_metadata(tree, url), url)
    teasers = teaser_flags(reading.paragraphs, reading.evidence)
    return [p for p, teaser in zip(reading.paragraphs, teasers, strict=True) if not teaser]


@dataclass(frozen=True)
class _Reading:
    paragraphs: list[str]
    second: list[str]  # the other extraction, for confidence
    photo_story: bool
    evidence: ListingEvidence
    found_text: bool = True  # the page has text, even if none of it is prose


def _read(tree: lxml.html.HtmlElement, metadata: PageMetadata, url: str | None) -> _Reading:
    page_url = url or metadata.url
    own = {comparable(headline) for headline in metadata.headlines}
    page = index_page(tree, SiteLinks(page_url))
    other = _other_headlines(page) - own
    evidence = gather_evidence(tree, page)  # listings show in the teasers removed below
    original = deepcopy(tree)
    remove_furniture(page)

    precise_document = _extract(tree, page_url, precise=True)
    broad_document = _extract(tree, page_url, precise=False)
    precise = _paragraphs(precise_document, own, other)
    broad = _paragraphs(broad_document, own, other)
    if _has_enough_prose(precise) and not _broad_holds_much_more(precise, broad):
        precise = _with_recovered_lead(precise, broad, metadata.description)
        region = _region_paragraphs(page, page_url, own, other)
        if _holds_more(region, precise):
            return _Reading(region, broad, False, evidence)
        return _Reading(precise, broad, False, evidence)
    if _has_enough_prose(broad):
        return _Reading(broad, precise, False, evidence)
    # Photo stories keep their prose in image captions, which both passes leave out.
    captions = _extract(original, page_url, precise=True, images=True)
    paragraphs = _opening_without_positions(_paragraphs(captions, own, other, photo_story=True))
    found = any(
        document is not None and WORD.search(document.text or "")
        for document in (precise_document, broad_document)
    )
    return _Reading(paragraphs or precise or broad, broad, True, evidence, found)


def _opening_without_positions(captions: list[str]) -> list[str]:
    """A photo story's captions without those that place people in the picture ("Taylor Swift
    (kanan) memeluk ..."): they read as captions, not sentences, and a summary must not open
    with one. They stay when the other captions are too little to make a story."""
    plain = [caption for caption in captions if not places_people(caption)]
    return plain if _has_enough_prose(plain) else captions


def _extract(
    tree: lxml.html.HtmlElement, url: str | None, *, precise: bool, images: bool = False
) -> Document | None:
    try:
        result = trafilatura.bare_extraction(
            tree,  # trafilatura works on its own copy
            url=url,
            fast=False,
            favor_precision=precise,
            favor_recall=not precise,
            include_comments=False,
            include_tables=True,
            include_links=False,
            include_images=images,
        )
    except (ValueError, TypeError, etree.LxmlError):
        return None
    return result if isinstance(result, Document) else None


def _paragraphs(
    document: Document | None, own: set[str], other: set[str], *, photo_story: bool = False
) -> list[str]:
    if document is None:
        return []
    return clean_blocks(body_blocks(document.body), own, other, photo_story=photo_story)


def _with_recovered_lead(
    paragraphs: list[str], broad: list[str], description: str | None
) -> list[str]:
    """The precise pass drops a lead paragraph that is bare text next to a <strong> dateline
    rather than a <p>; take the prose paragraphs right before the body from the broad pass,
    but not the standfirst under the headline (the page's description)."""
    standfirst = comparable(description or "")
    if not paragraphs:
        return paragraphs
    before = _broad_before(paragraphs[0], broad)
    if before is None:
        return paragraphs
    lead: list[str] = []
    for candidate in reversed(before[-MAX_LEAD_PARAGRAPHS:]):
        if not is_prose(candidate) or candidate in paragraphs:
            break
        if standfirst and comparable(candidate) == standfirst:
            break
        lead.insert(0, candidate)
    return lead + paragraphs


def _broad_before(first: str, broad: list[str]) -> list[str] | None:
    """The broad pass's paragraphs before the precise pass's first one; the broad pass may
    have run the lead and the following paragraphs together into one."""
    for position, paragraph in enumerate(broad):
        if paragraph == first:
            return broad[:position]
        start = paragraph.find(first)
        if start > 0:
            return [*broad[:position], paragraph[:start].strip()]
    return None


def _region_paragraphs(
    page: PageIndex, url: str | None, own: set[str], other: set[str]
) -> list[str]:
    """The article read from the boxes the page marks as its body only. Some sites split the
    body into several boxes between advertisements; the precise pass keeps the first."""
    if len(page.regions) < 2:
        return []
    root = lxml.html.Element("html")
    body = lxml.etree.SubElement(root, "body")
    article = lxml.etree.SubElement(body, "article")
    seen: Counter[tuple[str, ...]] = Counter()
    kept = 0
    for region in page.regions:
        runs = shingles([region.text_content()])
        if sum((runs & seen).values()) > (1 - CONFIDENT_AGREEMENT) * sum(runs.values()):
            continue  # the same body again (a print or app copy of the page)
        seen.update(runs)
        article.append(deepcopy(region))
        kept += 1
    if kept < 2:
        return []
    return _paragraphs(_extract(root, url, precise=True), own, other)


def _holds_more(candidate: list[str], current: list[str]) -> bool:
    """Whether `candidate` holds (nearly) all of `current` and clearly more prose."""
    if not candidate or _prose_words(candidate) < REGION_GAIN * _prose_words(current):
        return False
    return shared_share(shingles(current), shingles(candidate)) >= CONFIDENT_AGREEMENT


def _prose_words(paragraphs: list[str]) -> int:
    return sum(word_count(paragraph) for paragraph in paragraphs if is_prose(paragraph))


def _broad_holds_much_more(precise: list[str], broad: list[str]) -> bool:
    """The precise pass sometimes keeps a stray box and misses the article (a paywall class
    around its body): then the broad pass holds the precise text and far more prose."""
    if _prose_words(broad) < BROAD_PREFERRED_RATIO * _prose_words(precise):
        return False
    # A page without paragraphs comes out of the broad pass as one wall of everything.
    if max(word_count(paragraph) for paragraph in broad) > MAX_PARAGRAPH_WORDS:
        return False
    return shared_share(shingles(precise), shingles(broad)) >= CONFIDENT_AGREEMENT


def _has_enough_prose(paragraphs: list[str]) -> bool:
    prose = [paragraph for paragraph in paragraphs if is_prose(paragraph)]
    sentences = sum(len(SENTENCE_BREAK.findall(paragraph)) or 1 for paragraph in prose)
    words = sum(word_count(paragraph) for paragraph in prose)
    return words >= MIN_PROSE_TOTAL_WORDS and sentences >= MIN_SENTENCES


def _confidence(paragraphs: list[str], second_opinion: list[str], declared: str | None) -> str:
    """High when the text is long enough and agrees with the page's own declared body (when
    it declares the whole of it) or else with the second, independent extraction."""
    if sum(word_count(paragraph) for paragraph in paragraphs) < CONFIDENT_WORDS:
        return LOW
    agreement = declared_agreement(paragraphs, declared)
    if agreement is None:
        agreement = shared_share(shingles(paragraphs), shingles(second_opinion))
    return HIGH if agreement >= CONFIDENT_AGREEMENT else LOW


def _other_headlines(page: PageIndex) -> set[str]:
    """Headlines of other stories of the same site that the page links to."""
    return {comparable(link.text) for link in page.headline_links}


# --- metadata checks -------------------------------------------------------------------------


def _refuse_by_metadata(metadata: PageMetadata, url: str | None) -> None:
    if metadata.page_type.startswith(_NON_ARTICLE_OG_TYPES) and not metadata.is_news_article:
        raise NotAnArticle(f"this is a {metadata.page_type.split('.')[0]} page, not an article")
    if url and _is_front_page(url):
        raise NotAnArticle("this is a home page, not an article")


def _is_front_page(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(parts.netloc) and parts.path.lower() in _FRONT_PAGE_PATHS and not parts.query
