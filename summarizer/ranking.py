"""Sentence ranking: sumy's LexRank centrality and news features, scored by a learned model.

The model is an ensemble of small trees trained offline with LambdaRank on IndoSum
(bench/train_scorer.py), shipped as data (`ranker_model.json`) and evaluated with numpy
(`trees.py`). Work is bounded: only the first `MAX_RANKED_SENTENCES` sentences take part in
the quadratic LexRank computation, and only the first `MAX_SCORED_SENTENCES` are scored.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy

from ._light_imports import light_sumy
from .features import FEATURE_NAMES, RankedSentence, sentence_features
from .trees import TreeEnsemble
from .trees import load as load_trees
from .words import LanguageTools

__all__ = ["FEATURE_NAMES", "RankedSentence", "Scorer", "feature_matrix", "score_sentences"]

# Sumy's LexRank is quadratic: only the first sentences take part (no IndoSum article is
# longer; a long article's essentials are at its start anyway).
MAX_RANKED_SENTENCES = 60
# Sentences past this are not scored at all: they rank below every scored one.
MAX_SCORED_SENTENCES = 150
MODEL_FILE = Path(__file__).with_name("ranker_model.json")

# Feature rows in, one score per row out (higher is more summary-worthy).
Scorer = Callable[[numpy.ndarray], numpy.ndarray]


@lru_cache(maxsize=1)
def _lexrank_class() -> Any:
    with light_sumy():
        from sumy.summarizers.lex_rank import LexRankSummarizer
    return LexRankSummarizer


def _scaled(ratings: Sequence[float]) -> list[float]:
    # The power method yields NaN when no two sentences share a word (e.g. CJK text).
    finite = [r if math.isfinite(r) else 0.0 for r in ratings]
    top = max(finite, default=0.0)
    return [r / top if top > 0 else 0.0 for r in finite]


def similarity_matrix(terms: Sequence[Sequence[str]], threshold: float) -> numpy.ndarray:
    """Sumy LexRank's graph: idf-modified cosine of every pair of sentences (tf scaled by the
    sentence's largest tf, idf = log(n / (1 + sentences with the term))), 1 above
    `threshold` and 0 below, each row divided by its degree. The same arithmetic as sumy's
    `_create_matrix`, with numpy instead of a Python loop over the pairs (which took most of
    the engine's time)."""
    vocabulary: dict[str, int] = {}
    for sentence in terms:
        for term in sentence:
            vocabulary.setdefault(term, len(vocabulary))
    count = len(terms)
    tf = numpy.zeros((count, max(len(vocabulary), 1)))
    for row, sentence in enumerate(terms):
        for term in sentence:
            tf[row, vocabulary[term]] += 1.0
    tf /= numpy.maximum(tf.max(axis=1, keepdims=True), 1.0)
    idf = numpy.log(count / (1.0 + numpy.count_nonzero(tf, axis=0)))
    weighted = tf * idf
    norms = numpy.sqrt((weighted * weighted).sum(axis=1))
    with numpy.errstate(invalid="ignore", divide="ignore"):
        cosine = (weighted @ weighted.T) / numpy.outer(norms, norms)
    linked = numpy.where(numpy.nan_to_num(cosine) > threshold, 1.0, 0.0)
    degrees = linked.sum(axis=1, keepdims=True)
    return linked / numpy.where(degrees == 0, 1.0, degrees)


def lexrank_scores(terms: Sequence[Sequence[str]]) -> list[float]:
    """LexRank centrality of each sentence (given as its content terms), scaled to 0..1:
    sumy's LexRank graph and sumy's power method."""
    lexrank = _lexrank_class()
    matrix = similarity_matrix(terms, lexrank.threshold)
    with numpy.errstate(invalid="ignore", divide="ignore"):
        ratings = lexrank.power_method(matrix, lexrank.epsilon)
    return _scaled([float(r) for r in ratings])


def _windowed_lexrank(terms: Sequence[Sequence[str]]) -> list[float]:
    window = list(terms[:MAX_RANKED_SENTENCES])
    scores = lexrank_scores(window) if len(window) > 1 else [1.0] * len(window)
    return scores + [0.0] * (len(terms) - len(window))


def feature_matrix(
    sentences: Sequence[RankedSentence], tools: LanguageTools, total: int | None = None
) -> numpy.ndarray:
    """The `FEATURE_NAMES` row of every sentence given (the first of `total`)."""
    terms = [tools.content_terms(s.text) for s in sentences]
    rows = sentence_features(sentences, terms, _windowed_lexrank(terms), total)
    return numpy.array(rows, dtype=numpy.float64).reshape(len(rows), len(FEATURE_NAMES))


@lru_cache(maxsize=1)
def shipped_model() -> TreeEnsemble:
    model = load_trees(MODEL_FILE)
    if model.feature_names != FEATURE_NAMES:
        raise ValueError(f"{MODEL_FILE.name} was trained on other features: retrain it")
    return model


def score_sentences(
    sentences: Sequence[RankedSentence], tools: LanguageTools, scorer: Scorer | None = None
) -> list[float]:
    """Higher is more summary-worthy; comparable within one article only. `scorer` replaces
    the shipped model (the benchmarks pass models trained on other folds)."""
    if not sentences:
        return []
    rows = feature_matrix(sentences[:MAX_SCORED_SENTENCES], tools, len(sentences))
    scored = (scorer or shipped_model().predict)(rows)
    return [float(s) for s in scored] + [-math.inf] * (len(sentences) - len(rows))
