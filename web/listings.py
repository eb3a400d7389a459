"""Is the extracted "article" really a list of headlines (an index page, a home page)?

A listing page's prose is the teasers of its entries: each sits in a small block next to a
headline link it does not contain. Finding those blocks and matching paragraphs to them is
linear in the page size: every headline block is one of the link's three nearest ancestors,
whose sizes the page index measured in one walk; blocks too long to be one entry are never
read; paragraphs are matched through an index of the blocks' words, not against every block.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import lxml.html

from .page_index import PageIndex
from .text import is_prose, normalize_space, tokens

TEASER_SHARE = 0.5  # more prose than this in headline+teaser blocks means a listing
TEASER_WORD_SHARE = 0.9  # a teaser's words are (nearly) all inside its headline block
LINK_LINE_SHARE = 0.6  # more lines than this that are link texts means a menu or index
ENTRY_SLACK_CHARS = 120  # an entry holds its headline, its teaser and this much more (dates)
BLOCK_MIN_EXTRA_CHARS = 20  # a block holds more than the headline by at least this much
MAX_TEASER_CHARS = 600  # a teaser is a sentence or three


@dataclass(frozen=True)
class HeadlineBlock:
    headline: str
    text: str
    tokens: frozenset[str]


@dataclass(frozen=True)
class ListingEvidence:
    """What the page looked like before its furniture was removed."""

    link_texts: set[str]
    blocks: list[HeadlineBlock]
    index: dict[str, list[int]]  # word -> blocks that hold it


def gather_evidence(tree: lxml.html.HtmlElement, page: PageIndex) -> ListingEvidence:
    link_texts = {normalize_space(anchor.text_content()) for anchor in tree.iter("a")}
    blocks = headline_blocks(page)
    index: dict[str, list[int]] = defaultdict(list)
    for position, block in enumerate(blocks):
        for word in block.tokens:
            index[word].append(position)
    return ListingEvidence(link_texts, blocks, index)


def headline_blocks(page: PageIndex) -> list[HeadlineBlock]:
    """For each headline link, the smallest enclosing block (up to three levels up) that holds
    more than the headline: on a listing page that is the headline plus its teaser. Blocks
    too long to be one entry are skipped without reading their text."""
    texts: dict[lxml.html.HtmlElement, tuple[str, frozenset[str]]] = {}
    blocks: list[HeadlineBlock] = []
    for link in page.headline_links:
        for node in link.ancestors:
            size = page.sizes[node]
            if size <= link.size + BLOCK_MIN_EXTRA_CHARS:
                continue
            if size <= link.size + MAX_TEASER_CHARS + ENTRY_SLACK_CHARS:
                if node not in texts:  # an entry's block holds all of its links
                    text = normalize_space(node.text_content())
                    texts[node] = (text, tokens(text))
                text, words = texts[node]
                blocks.append(HeadlineBlock(link.text, text, words))
            break
    return blocks


def _is_teaser(paragraph: str, evidence: ListingEvidence) -> bool:
    """A paragraph that sits next to a headline link it does not contain, in a block that holds
    little besides the two, is the teaser of a listing entry. Compared by words, because the
    extractor may join the teaser with the entry's date line."""
    words = tokens(paragraph)
    if not words or len(paragraph) > MAX_TEASER_CHARS:
        return False
    needed = TEASER_WORD_SHARE * len(words)
    # A block that holds `needed` of the words misses at most len - needed of them, so it
    # holds at least one of any (len - needed + 1) words: look up only the rarest ones.
    index = evidence.index
    probe = int(len(words) - needed) + 1
    rarest = sorted(words, key=lambda word: len(index.get(word, ())))[:probe]
    candidates = {position for word in rarest for position in index.get(word, ())}
    for position in sorted(candidates):
        block = evidence.blocks[position]
        if block.headline in paragraph:
            continue
        if len(block.text) > len(block.headline) + len(paragraph) + ENTRY_SLACK_CHARS:
            continue
        if len(words & block.tokens) >= needed:
            return True
    return False


def teaser_flags(paragraphs: list[str], evidence: ListingEvidence) -> list[bool]:
    """For each paragraph, whether it is the teaser of a headline link on the page."""
    return [is_prose(paragraph) and _is_teaser(paragraph, evidence) for paragraph in paragraphs]


def listing_reason(
    paragraphs: list[str], evidence: ListingEvidence, teasers: list[bool]
) -> str | None:
    """Why these paragraphs are a listing rather than an article, or None."""
    texts = evidence.link_texts
    if sum(paragraph in texts for paragraph in paragraphs) > LINK_LINE_SHARE * len(paragraphs):
        return "the page is mostly a list of links"
    prose = sum(is_prose(paragraph) for paragraph in paragraphs)
    if prose >= 2 and sum(teasers) > TEASER_SHARE * prose:
        return "the page is a list of headlines with teasers, not an article"
    return None
