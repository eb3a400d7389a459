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

import numpy

from ._light_imports import without_optional_scipy
from .features import FEATURE_NAMES, RankedSentence, sentence_features
from .trees import TreeEnsemble
from .trees import load as load_trees
from .words import LanguageTools

with without_optional_scipy():
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

__all__ = ["FEATURE_NAMES", "RankedSentence", "Scorer", "feature_matrix", "score_sentences"]

# Sumy's LexRank is quadratic in pure Python: only the first sentences take part (no IndoSum
# article is longer; a long article's essentials are at its start anyway).
MAX_RANKED_SENTENCES = 60
# Sentences past this are not scored at all: they rank below every scored one.
MAX_SCORED_SENTENCES = 150
MODEL_FILE = Path(__file__).with_name("ranker_model.json")

# Feature rows in, one score per row out (higher is more summary-worthy).
Scorer = Callable[[numpy.ndarray], numpy.ndarray]


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


def _windowed_lexrank(texts: Sequence[str], tools: LanguageTools) -> list[float]:
    window = list(texts[:MAX_RANKED_SENTENCES])
    scores = lexrank_scores(window, tools) if len(window) > 1 else [1.0] * len(window)
    return scores + [0.0] * (len(texts) - len(window))


def feature_matrix(
    sentences: Sequence[RankedSentence], tools: LanguageTools, total: int | None = None
) -> numpy.ndarray:
    """The `FEATURE_NAMES` row of every sentence given (the first of `total`)."""
    texts = [s.text for s in sentences]
    terms = [tools.content_terms(t) for t in texts]
    lexrank = _windowed_lexrank(texts, tools)
    rows = sentence_features(sentences, terms, lexrank, total)
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
