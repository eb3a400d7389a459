"""Sentence ranking: sumy's LexRank centrality blended with news features.

News puts the essentials first, so position is a strong prior; sumy's centrality says which
sentences carry the article's main vocabulary. A small logistic scorer, trained offline on
IndoSum (bench/train_scorer.py), weighs these features; its weights live in
`scorer_weights.py`. Work is bounded: only the first `MAX_RANKED_SENTENCES` sentences take
part in the quadratic centrality computations, and only the first `MAX_SCORED_SENTENCES`
are scored.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy

from ._light_imports import without_optional_scipy
from .scorer_weights import BIAS, WEIGHTS
from .vocabulary import ENGLISH_WEEKDAYS, INDONESIAN_MONTHS, INDONESIAN_WEEKDAYS, SPEECH_VERBS
from .words import LanguageTools, words_of

with without_optional_scipy():
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

# Sumy's LexRank is quadratic in pure Python: only the first sentences take part (no IndoSum
# article is longer; a long article's essentials are at its start anyway).
MAX_RANKED_SENTENCES = 60
# Sentences past this are not scored at all: they rank below every scored one.
MAX_SCORED_SENTENCES = 150

_QUOTE_START = re.compile(r"^[\"'\u201c\u2018]")
_QUOTE_ANYWHERE = re.compile(r"[\"\u201c\u201d]")
_DIGIT = re.compile(r"\d")
_ATTRIBUTION = re.compile(rf"\b(?:{SPEECH_VERBS})(?:nya)?\b", re.IGNORECASE)
_DATE_WORD = re.compile(rf"\b(?:{INDONESIAN_WEEKDAYS}|{INDONESIAN_MONTHS}|{ENGLISH_WEEKDAYS})\b")


@dataclass(frozen=True)
class RankedSentence:
    """What the ranker needs to know about one sentence."""

    text: str
    paragraph: int


def _sumy_document(texts: Sequence[str], tools: LanguageTools) -> ObjectDocumentModel:
    return ObjectDocumentModel([Paragraph([SumySentence(t, tools.tokenizer) for t in texts])])


def _scaled(ratings: Sequence[float]) -> list[float]:
    # Sumy's power method yields NaN when no two sentences share a word (e.g. CJK text).
    finite = [r if math.isfinite(r) else 0.0 for r in ratings]
    top = max(finite, default=0.0)
    return [r / top if top > 0 else 0.0 for r in finite]


def lexrank_scores(texts: Sequence[str], tools: LanguageTools) -> list[float]:
    """Sumy LexRank ratings scaled to 0..1, in sentence order."""
    document = _sumy_document(texts, tools)
    summarizer = LexRankSummarizer(tools.stem)
    summarizer.stop_words = tools.stop_words
    rated: dict[int, float] = {}

    def keep_all(infos: list) -> list:  # type: ignore[type-arg]
        for info in infos:
            rated[info.order] = float(info.rating)
        return infos

    with numpy.errstate(invalid="ignore", divide="ignore"):
        summarizer(document, keep_all)
    return _scaled([rated.get(i, 0.0) for i in range(len(texts))])


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b[term] for term, count in a.items() if term in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm


def _windowed(
    scorer: Callable[[Sequence[str], LanguageTools], list[float]],
    texts: Sequence[str],
    tools: LanguageTools,
) -> list[float]:
    window = list(texts[:MAX_RANKED_SENTENCES])
    scores = scorer(window, tools) if len(window) > 1 else [1.0] * len(window)
    return scores + [0.0] * (len(texts) - len(window))


# Features that are also crossed with "first" and "second" sentence: what makes a lead
# sentence worth keeping differs from what makes a later sentence worth promoting.
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


def _top_three(values: Sequence[float]) -> set[int]:
    return set(sorted(range(len(values)), key=lambda i: (-values[i], i))[:3])


def sentence_features(
    sentences: Sequence[RankedSentence], tools: LanguageTools, total: int | None = None
) -> list[list[float]]:
    """One row of `FEATURE_NAMES` values per sentence; `total` sentences in the whole article
    when only its beginning is given."""
    texts = [s.text for s in sentences]
    lexrank = _windowed(lexrank_scores, texts, tools)
    terms = [Counter(tools.content_terms(t)) for t in texts]
    lead = terms[0] if terms else Counter()
    centroid: Counter[str] = Counter()
    for bag in terms:
        centroid.update(bag.keys())
    word_counts = [len(words_of(t)) for t in texts]
    mean_length = sum(min(c, 60) for c in word_counts) / max(len(texts), 1) / 60
    quoted_states = _quote_states(sentences)
    lexrank_top = _top_three(lexrank)
    count = total or len(sentences)
    rows = []
    for index, sentence in enumerate(sentences):
        text = sentence.text
        words = word_counts[index]
        position = 1.0 / (1.0 + index)
        previous = sentences[index - 1].paragraph if index else -1
        own_terms = set(terms[index])
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
            "first_paragraph": float(sentence.paragraph == sentences[0].paragraph),
            "length": min(words, 60) / 60,
            "log_length": math.log1p(words) / 4,
            "short": float(words < 8),
            "words_15": float(words >= 15),
            "words_25": float(words >= 25),
            "words_40": float(words >= 40),
            "length_vs_mean": min(words, 60) / 60 - mean_length,
            "lead_similarity": _cosine(terms[index], lead) if index else 0.0,
            "lead_term_share": len(own_terms & set(lead)) / (len(own_terms) + 1) if index else 0.0,
            "centroid_similarity": _cosine(terms[index], centroid),
            "lexrank_top3": float(index in lexrank_top),
            "lexrank_by_position": lexrank[index] * position,
            "quote_start": float(bool(_QUOTE_START.match(text))),
            "quoted": float(bool(_QUOTE_ANYWHERE.search(text))),
            "inside_quote": float(quoted_states[index]),
            "attribution": float(bool(_ATTRIBUTION.search(text))),
            "digits": float(bool(_DIGIT.search(text))),
            "date": float(bool(_DATE_WORD.search(text))),
            "question": float(text.rstrip("\"')").endswith("?")),
        }
        for name in _CROSSED:
            values[f"{name}:first"] = values[name] * values["first"]
            values[f"{name}:second"] = values[name] * values["second"]
        rows.append([values[name] for name in FEATURE_NAMES])
    return rows


def _weight_vector(weights: Mapping[str, float]) -> tuple[float, ...]:
    unknown = set(weights) - set(FEATURE_NAMES)
    if unknown:
        raise ValueError(f"scorer weights for unknown features: {sorted(unknown)}")
    return tuple(weights.get(name, 0.0) for name in FEATURE_NAMES)


_LEARNED = _weight_vector(WEIGHTS)


def linear_scores(
    rows: Sequence[Sequence[float]], weights: Sequence[float] = _LEARNED, bias: float = BIAS
) -> list[float]:
    """Logistic-scorer logits: bias + weights . features (weights in `FEATURE_NAMES` order)."""
    return [bias + sum(w * x for w, x in zip(weights, row, strict=True)) for row in rows]


def score_sentences(sentences: Sequence[RankedSentence], tools: LanguageTools) -> list[float]:
    """Higher is more summary-worthy; comparable within one article only."""
    scored = linear_scores(
        sentence_features(sentences[:MAX_SCORED_SENTENCES], tools, len(sentences))
    )
    return scored + [-math.inf] * (len(sentences) - len(scored))
