"""Small text measures shared by the extraction modules."""

from __future__ import annotations

import re
from collections import Counter

from summarizer.vocabulary import HAN_AND_KANA

WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"""[.!?…。！？]["'”’)\]」』]*$""")
SENTENCE_BREAK = re.compile(r"""[.!?…]["'”’)\]]*(?:\s|$)|[。！？]""")
# Scripts written without spaces: every two characters count as one word. Chinese and
# Japanese (summarizer.vocabulary's ranges) and Thai; not Korean, whose words are spaced.
_UNSPACED = re.compile(rf"[{HAN_AND_KANA}\u0e00-\u0e7f]")

MIN_PROSE_WORDS = 8  # a sentence-like paragraph has at least this many words...
LONG_PARAGRAPH_WORDS = 25  # ...and ends like a sentence, unless it is at least this long


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def word_count(text: str) -> int:
    if text.isascii():
        return len(WORD.findall(text))
    unspaced = len(_UNSPACED.findall(text))
    if unspaced:
        return len(WORD.findall(_UNSPACED.sub(" ", text))) + unspaced // 2
    return len(WORD.findall(text))


def tokens(text: str) -> frozenset[str]:
    return frozenset(word.casefold() for word in WORD.findall(text))


def is_prose(paragraph: str) -> bool:
    words = word_count(paragraph)
    if words >= LONG_PARAGRAPH_WORDS:
        return True
    return words >= MIN_PROSE_WORDS and bool(SENTENCE_END.search(paragraph))


def comparable(text: str) -> str:
    """Lower-case words only: "Bus Listrik, Diuji!" and "bus listrik diuji" compare equal."""
    return " ".join(WORD.findall(text.casefold()))


def shingles(paragraphs: list[str]) -> Counter[tuple[str, ...]]:
    """Counts of the 4-word runs of a text, lower case: what two readings of a page share."""
    words = WORD.findall(" ".join(paragraphs).casefold())
    return Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))


def shared_share(mine: Counter[tuple[str, ...]], theirs: Counter[tuple[str, ...]]) -> float:
    """The share of `mine` that `theirs` holds too (1.0 for an empty `mine`)."""
    total = sum(mine.values())
    return sum((mine & theirs).values()) / total if total else 1.0
