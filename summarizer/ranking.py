"""Sentence ranking: sumy's LexRank centrality (with our words) blended with news features.

News puts the essentials first, so position is a strong prior; sumy's centrality says which
of the sentences carry the article's main vocabulary. Work is bounded: only the first
`MAX_RANKED_SENTENCES` take part in the quadratic centrality computation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.summarizers.lex_rank import LexRankSummarizer

from .words import LanguageTools, words_of

MAX_RANKED_SENTENCES = 120


@dataclass(frozen=True)
class RankingWeights:
    centrality: float = 0.5
    position: float = 1.0
    position_decay: float = 0.35
    short_sentence_penalty: float = 0.6


DEFAULT_WEIGHTS = RankingWeights()


def centrality_scores(sentences: Sequence[str], tools: LanguageTools) -> list[float]:
    """Sumy LexRank ratings scaled to 0..1 (0 for sentences past the ranking window)."""
    window = list(sentences[:MAX_RANKED_SENTENCES])
    if not window:
        return []
    document = ObjectDocumentModel(
        [Paragraph([SumySentence(text, tools.tokenizer) for text in window])]
    )
    summarizer = LexRankSummarizer(tools.stem)
    summarizer.stop_words = tools.stop_words
    rated: dict[int, float] = {}

    def keep_all(infos: list) -> list:
        for info in infos:
            rated[info.order] = float(info.rating)
        return infos

    summarizer(document, keep_all)
    top = max(rated.values(), default=0.0) or 1.0
    scores = [rated.get(i, 0.0) / top for i in range(len(window))]
    return scores + [0.0] * (len(sentences) - len(window))


def position_prior(index: int, decay: float) -> float:
    return 1.0 / (1.0 + decay * index)


def score_sentences(
    sentences: Sequence[str], tools: LanguageTools, weights: RankingWeights = DEFAULT_WEIGHTS
) -> list[float]:
    centrality = centrality_scores(sentences, tools)
    scores = []
    for index, text in enumerate(sentences):
        score = weights.centrality * centrality[index]
        score += weights.position * position_prior(index, weights.position_decay)
        if len(words_of(text)) < 6:
            score -= weights.short_sentence_penalty
        scores.append(score)
    return scores
