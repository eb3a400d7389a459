"""Is the extracted "article" really a list of headlines (an index page, a home page)?

A listing page's prose is the teasers of its entries: each sits in a small block next to a
headline link it does not contain. Finding those blocks and matching paragraphs to them is
linear in the page size: every headline block is found with one walk up (at most three levels,
using text sizes summed once), blocks too long to be one entry are never built, and paragraphs
are matched through an index of the blocks' words instead of against every block.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import lxml.html

from .text import is_prose, normalize_space, tokens, word_count

HEADLINE_WORDS = 4  # link text this long reads as a headline, not a menu item
TEASER_SHARE = 0.5  # more prose than this in headline+teaser blocks means a listing
TEASER_WORD_SHARE = 0.9  # a teaser's words are (nearly) all inside its headline block
LINK_LINE_SHARE = 0.6  # more lines than this that are link texts means a menu or index
ENTRY_SLACK_CHARS = 120  # an entry holds its headline, its teaser and this much more (dates)
BLOCK_MIN_EXTRA_CHARS = 20  # a block holds more than the headline by at least this much


@dataclass(frozen=True)
class HeadlineBlock:
    headline: str
    text: str
    tokens: frozenset[str]


def link_texts(tree: lxml.html.HtmlElement) -> set[str]:
    return {normalize_space(anchor.text_content()) for anchor in tree.iter("a")}


def _text_sizes(tree: lxml.html.HtmlElement) -> dict[lxml.html.HtmlElement, int]:
    """Characters of text under every element (without the spaces around its text pieces),
    summed bottom-up in one pass."""
    sizes: dict[lxml.html.HtmlElement, int] = {}
    elements = [element for element in tree.iter() if isinstance(element.tag, str)]
    for element in reversed(elements):
        size = len((element.text or "").strip())
        for child in element:
            size += len((child.tail or "").strip())
            if isinstance(child.tag, str):
                size += sizes[child]
        sizes[element] = size
    return sizes


def headline_blocks(tree: lxml.html.HtmlElement, max_teaser_chars: int) -> list[HeadlineBlock]:
    """For each headline link, the smallest enclosing block (up to three levels up) that holds
    more than the headline: on a listing page that is the headline plus its teaser. Blocks
    longer than a headline plus `max_teaser_chars` cannot be one entry and are skipped."""
    sizes = _text_sizes(tree)
    texts: dict[lxml.html.HtmlElement, str] = {}  # an entry's block holds all its links
    blocks: list[HeadlineBlock] = []
    for anchor in tree.iter("a"):
        headline = normalize_space(anchor.text_content())
        if word_count(headline) < HEADLINE_WORDS:
            continue
        node = anchor
        for _ in range(3):
            parent = node.getparent()
            if parent is None:
                break
            node = parent
            if sizes[node] <= sizes[anchor] + BLOCK_MIN_EXTRA_CHARS:
                continue
            if sizes[node] <= sizes[anchor] + max_teaser_chars + ENTRY_SLACK_CHARS:
                if node not in texts:
                    texts[node] = normalize_space(node.text_content())
                blocks.append(HeadlineBlock(headline, texts[node], tokens(texts[node])))
            break
    return blocks


def _is_teaser(paragraph: str, blocks: list[HeadlineBlock], index: dict[str, list[int]]) -> bool:
    """A paragraph that sits next to a headline link it does not contain, in a block that holds
    little besides the two, is the teaser of a listing entry. Compared by words, because the
    extractor may join the teaser with the entry's date line."""
    words = tokens(paragraph)
    if not words:
        return False
    needed = TEASER_WORD_SHARE * len(words)
    # A block that holds `needed` of the words misses at most len - needed of them, so it
    # holds at least one of any (len - needed + 1) words: look up only the rarest ones.
    probe = int(len(words) - needed) + 1
    rarest = sorted(words, key=lambda word: len(index.get(word, ())))[:probe]
    candidates = {position for word in rarest for position in index.get(word, ())}
    for position in sorted(candidates):
        block = blocks[position]
        if block.headline in paragraph:
            continue
        if len(block.text) > len(block.headline) + len(paragraph) + ENTRY_SLACK_CHARS:
            continue
        if len(words & block.tokens) >= needed:
            return True
    return False


def listing_reason(paragraphs: list[str], tree: lxml.html.HtmlElement) -> str | None:
    """Why these paragraphs are a listing rather than an article, or None."""
    texts = link_texts(tree)
    if sum(paragraph in texts for paragraph in paragraphs) > LINK_LINE_SHARE * len(paragraphs):
        return "the page is mostly a list of links"
    prose = [paragraph for paragraph in paragraphs if is_prose(paragraph)]
    if len(prose) < 2:
        return None
    blocks = headline_blocks(tree, max(len(paragraph) for paragraph in prose))
    index: dict[str, list[int]] = defaultdict(list)
    for position, block in enumerate(blocks):
        for word in block.tokens:
            index[word].append(position)
    teasers = sum(_is_teaser(paragraph, blocks, index) for paragraph in prose)
    if teasers > TEASER_SHARE * len(prose):
        return "the page is a list of headlines with teasers, not an article"
    return None
