"""What the ranker knows about each sentence: position, form, length, overlap and quotation.

News puts the essentials first, so position and paragraph structure carry most of the
signal; sumy's LexRank centrality (computed by the caller) says which sentences carry the
article's main vocabulary. One row of `FEATURE_NAMES` values per sentence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .vocabulary import (
    CONNECTIVES,
    ENGLISH_WEEKDAYS,
    INDONESIAN_MONTHS,
    INDONESIAN_WEEKDAYS,
    SPEECH_VERBS,
)
from .words import LanguageTools, words_of

_QUOTE_START = re.compile(r"^[\"'\u201c\u2018]")
_QUOTE_ANYWHERE = re.compile(r"[\"\u201c\u201d]")
_DIGIT = re.compile(r"\d")
_ATTRIBUTION = re.compile(rf"\b(?:{SPEECH_VERBS})(?:nya)?\b", re.IGNORECASE)
_DATE_WORD = re.compile(rf"\b(?:{INDONESIAN_WEEKDAYS}|{INDONESIAN_MONTHS}|{ENGLISH_WEEKDAYS})\b")
_OPENING_WORD = re.compile(r"^\W*([^\W\d_]+)")
_FINAL_PUNCTUATION = (".", "!", "?", "\u2026")


@dataclass(frozen=True)
class RankedSentence:
    """What the ranker needs to know about one sentence."""

    text: str
    paragraph: int


# Features that are also crossed with "first" and "second" sentence (and quotation with the
# first paragraph): what makes a lead sentence worth keeping differs from what makes a later
# sentence worth promoting, and a quote in the lead is news where one deep in the body is
# colour. Trees find such interactions themselves; a linear scorer needs them spelled out.
_CROSSED = (
    "lexrank",
    "length",
    "lead_similarity",
    "centroid_similarity",
    "quote_start",
    "quoted",
    "attribution",
)
_BASE_FEATURES = (
    "lexrank",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "position",
    "position_linear",
    "relative_position",
    "paragraph_first",
    "first_paragraph",
    "length",
    "log_length",
    "short",
    "words_15",
    "words_25",
    "words_40",
    "length_vs_mean",
    "lead_similarity",
    "lead_term_share",
    "centroid_similarity",
    "lexrank_top3",
    "lexrank_by_position",
    "quote_start",
    "quoted",
    "inside_quote",
    "attribution",
    "digits",
    "date",
    "question",
    # Form and paragraph structure.
    "ends_with_colon",
    "no_final_punctuation",
    "opens_with_connective",
    "starts_lower",
    "length_vs_first",
    "paragraph_rank",
    "index_in_paragraph",
    "paragraph_sentences",
    "article_sentences",
    "quoted:first_paragraph",
    "quote_start:first_paragraph",
)
FEATURE_NAMES = (
    _BASE_FEATURES
    + tuple(f"{name}:first" for name in _CROSSED)
    + tuple(f"{name}:second" for name in _CROSSED)
)


def _quote_states(sentences: Sequence[RankedSentence]) -> list[bool]:
    """Whether each sentence is (part of) a quotation: straight quotes pair up in a paragraph."""
    states = []
    open_quote = False
    for index, sentence in enumerate(sentences):
        if index and sentence.paragraph != sentences[index - 1].paragraph:
            open_quote = False
        states.append(open_quote or bool(_QUOTE_START.match(sentence.text)))
        if sentence.text.count('"') % 2:
            open_quote = not open_quote
    return states


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b[term] for term, count in a.items() if term in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm


def _top_three(values: Sequence[float]) -> set[int]:
    return set(sorted(range(len(values)), key=lambda i: (-values[i], i))[:3])


def _opens_with_connective(text: str) -> bool:
    match = _OPENING_WORD.match(text)
    return match is not None and match.group(1).lower() in CONNECTIVES


def _paragraph_layout(sentences: Sequence[RankedSentence]) -> tuple[list[int], list[int], Counter]:  # type: ignore[type-arg]
    """(paragraph rank, index within its paragraph) per sentence, and sentences per paragraph."""
    ranks: list[int] = []
    within: list[int] = []
    sizes: Counter[int] = Counter(s.paragraph for s in sentences)
    for index, sentence in enumerate(sentences):
        if index and sentence.paragraph == sentences[index - 1].paragraph:
            ranks.append(ranks[-1])
            within.append(within[-1] + 1)
        else:
            ranks.append(ranks[-1] + 1 if ranks else 0)
            within.append(0)
    return ranks, within, sizes


def sentence_features(
    sentences: Sequence[RankedSentence],
    terms: Sequence[Sequence[str]],
    lexrank: Sequence[float],
    total: int | None = None,
) -> list[list[float]]:
    """One row of `FEATURE_NAMES` values per sentence, given each sentence's content terms and
    LexRank score; `total` sentences in the whole article when only its beginning is given."""
    texts = [s.text for s in sentences]
    bags = [Counter(t) for t in terms]
    lead = bags[0] if bags else Counter()
    lead_terms = set(lead)
    centroid: Counter[str] = Counter()
    for bag in bags:
        centroid.update(bag.keys())
    word_counts = [len(words_of(t)) for t in texts]
    mean_length = sum(min(c, 60) for c in word_counts) / max(len(texts), 1) / 60
    first_length = max(word_counts[0], 1) if word_counts else 1
    quoted_states = _quote_states(sentences)
    lexrank_top = _top_three(lexrank)
    ranks, within, sizes = _paragraph_layout(sentences)
    count = total or len(sentences)
    rows = []
    for index, sentence in enumerate(sentences):
        text = sentence.text
        words = word_counts[index]
        position = 1.0 / (1.0 + index)
        previous = sentences[index - 1].paragraph if index else -1
        own_terms = set(bags[index])
        ending = text.rstrip("\"')]\u201d\u2019 ")
        first_letter = next((ch for ch in text if ch.isalpha()), "")
        quote_start = float(bool(_QUOTE_START.match(text)))
        quoted = float(bool(_QUOTE_ANYWHERE.search(text)))
        first_paragraph = float(sentence.paragraph == sentences[0].paragraph)
        values = {
            "lexrank": lexrank[index],
            "first": float(index == 0),
            "second": float(index == 1),
            "third": float(index == 2),
            "fourth": float(index == 3),
            "fifth": float(index == 4),
            "sixth": float(index == 5),
            "seventh": float(index == 6),
            "eighth": float(index == 7),
            "position": position,
            "position_linear": min(index, 30) / 30,
            "relative_position": index / count,
            "paragraph_first": float(sentence.paragraph != previous),
            "first_paragraph": first_paragraph,
            "length": min(words, 60) / 60,
            "log_length": math.log1p(words) / 4,
            "short": float(words < 8),
            "words_15": float(words >= 15),
            "words_25": float(words >= 25),
            "words_40": float(words >= 40),
            "length_vs_mean": min(words, 60) / 60 - mean_length,
            "lead_similarity": _cosine(bags[index], lead) if index else 0.0,
            "lead_term_share": len(own_terms & lead_terms) / (len(own_terms) + 1) if index else 0.0,
            "centroid_similarity": _cosine(bags[index], centroid),
            "lexrank_top3": float(index in lexrank_top),
            "lexrank_by_position": lexrank[index] * position,
            "quote_start": quote_start,
            "quoted": quoted,
            "inside_quote": float(quoted_states[index]),
            "attribution": float(bool(_ATTRIBUTION.search(text))),
            "digits": float(bool(_DIGIT.search(text))),
            "date": float(bool(_DATE_WORD.search(text))),
            "question": float(ending.endswith("?")),
            "ends_with_colon": float(ending.endswith(":")),
            "no_final_punctuation": float(not ending.endswith(_FINAL_PUNCTUATION)),
            "opens_with_connective": float(_opens_with_connective(text)),
            "starts_lower": float(first_letter.islower()),
            "length_vs_first": min(words / first_length, 4.0) / 4,
            "paragraph_rank": min(ranks[index], 30) / 30,
            "index_in_paragraph": min(within[index], 10) / 10,
            "paragraph_sentences": min(sizes[sentence.paragraph], 10) / 10,
            "article_sentences": min(count, 100) / 100,
            "quoted:first_paragraph": quoted * first_paragraph,
            "quote_start:first_paragraph": quote_start * first_paragraph,
        }
        for name in _CROSSED:
            values[f"{name}:first"] = values[name] * values["first"]
            values[f"{name}:second"] = values[name] * values["second"]
        rows.append([values[name] for name in FEATURE_NAMES])
    return rows


def content_terms(texts: Sequence[str], tools: LanguageTools) -> list[list[str]]:
    return [tools.content_terms(t) for t in texts]
