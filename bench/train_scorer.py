"""Train the sentence scorer (logistic regression, numpy) on IndoSum dev's `gold_labels`.

Each article goes through the engine's own cleaning, splitting and feature extraction; an
engine sentence takes the label of the gold sentence it overlaps most. The script reports
5-fold cross-validated ROUGE of the whole selection (train on four fifths, summarize the
held-out fifth) and, with --write, stores the weights fitted on all articles in
summarizer/scorer_weights.py.

Usage: python bench/train_scorer.py [--data PATH] [--write] [--l2 1.0]
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import re
from dataclasses import dataclass

import numpy as np
from common import (
    CATEGORIES,
    PROJECT_ROOT,
    Article,
    RougeTotals,
    data_argument,
    detokenize,
    load_articles,
    rouge_scorer,
)

from summarizer.cleaning import clean_text
from summarizer.engine import select_summary
from summarizer.language import detect_language
from summarizer.ranking import FEATURE_NAMES, RankedSentence, linear_scores, sentence_features
from summarizer.sentences import split_sentences
from summarizer.words import LanguageTools, tools_for

FOLDS = 5
SEED = 13
SUMMARY_SENTENCES = 3
WEIGHTS_FILE = PROJECT_ROOT / "summarizer" / "scorer_weights.py"
_TOKEN = re.compile(r"\w+")


@dataclass
class Prepared:
    article: Article
    sentences: list[str]
    features: np.ndarray
    labels: np.ndarray
    tools: LanguageTools


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def engine_labels(sentences: list[str], article: Article) -> np.ndarray:
    """Label of the gold sentence that shares the most words with each engine sentence."""
    gold = [
        (_tokens(" ".join(s)), label)
        for s, label in zip(article.sentences, article.labels, strict=False)
    ]
    labels = []
    for sentence in sentences:
        words = _tokens(sentence)
        best, best_overlap = False, 0.0
        for gold_words, label in gold:
            overlap = len(words & gold_words) / max(len(words | gold_words), 1)
            if overlap > best_overlap:
                best, best_overlap = label, overlap
        labels.append(1.0 if best and best_overlap >= 0.5 else 0.0)
    return np.array(labels)


def bigram_labels(sentences: list[str], article: Article, threshold: float = 0.6) -> np.ndarray:
    """1 where most of a sentence's word bigrams also occur in the reference summary.

    The gold labels mark a variable-length oracle; this marks what a reader of the reference
    would recognise as copied from the sentence, which suits a fixed 3-sentence summary.
    """
    reference = _TOKEN.findall(article.reference.lower())
    reference_bigrams = set(itertools.pairwise(reference))
    labels = []
    for sentence in sentences:
        words = _TOKEN.findall(sentence.lower())
        bigrams = list(itertools.pairwise(words))
        shared = sum(1 for b in bigrams if b in reference_bigrams) / max(len(bigrams), 1)
        labels.append(1.0 if shared > threshold else 0.0)
    return np.array(labels)


LABELERS = {
    "gold": engine_labels,
    "bigram": bigram_labels,
}


def prepare(article: Article, labels: str = "bigram") -> Prepared | None:
    cleaned = clean_text(detokenize(article).text)
    pieces = split_sentences(cleaned)
    if len(pieces) < 2:
        return None
    tools = tools_for(detect_language(cleaned).code)
    ranked = [RankedSentence(p.text, p.paragraph) for p in pieces]
    texts = [p.text for p in pieces]
    features = np.array(sentence_features(ranked, tools))
    return Prepared(article, texts, features, LABELERS[labels](texts, article), tools)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float, steps: int = 50
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method; returns (weights, bias)."""
    design = np.hstack([x, np.ones((len(x), 1))])
    theta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-design @ theta))
        gradient = design.T @ (p - y) + penalty * theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def summary_of(item: Prepared, weights: np.ndarray, bias: float) -> str:
    scores = linear_scores(item.features.tolist(), weights.tolist(), bias)
    count = min(SUMMARY_SENTENCES, len(item.sentences))
    chosen = select_summary(item.sentences, scores, count, item.tools)
    return " ".join(item.sentences[i] for i in chosen)


def evaluate(items: list[Prepared], weights: np.ndarray, bias: float) -> dict[str, RougeTotals]:
    scorer = rouge_scorer()
    totals: dict[str, RougeTotals] = {}
    for item in items:
        scores = scorer.score(item.article.reference, summary_of(item, weights, bias))
        for key in ("all", item.article.category):
            totals.setdefault(key, RougeTotals()).add(scores)
    return totals


def stacked(items: list[Prepared]) -> tuple[np.ndarray, np.ndarray]:
    return np.vstack([i.features for i in items]), np.concatenate([i.labels for i in items])


def cross_validate(items: list[Prepared], l2: float) -> dict[str, RougeTotals]:
    order = np.random.default_rng(SEED).permutation(len(items))
    merged: dict[str, RougeTotals] = {}
    for fold in range(FOLDS):
        held_out = {int(i) for i in order[fold::FOLDS]}
        train = [item for i, item in enumerate(items) if i not in held_out]
        test = [item for i, item in enumerate(items) if i in held_out]
        weights, bias = fit_logistic(*stacked(train), l2)
        for key, totals in evaluate(test, weights, bias).items():
            into = merged.setdefault(key, RougeTotals())
            into.r1 += totals.r1
            into.r2 += totals.r2
            into.rl += totals.rl
            into.count += totals.count
    return merged


def write_weights(weights: np.ndarray, bias: float, note: str) -> None:
    values = "".join(
        f'    "{name}": {w:.4f},\n' for name, w in zip(FEATURE_NAMES, weights, strict=True)
    )
    WEIGHTS_FILE.write_text(
        '"""Learned sentence-scorer weights, written by bench/train_scorer.py (do not edit).\n\n'
        f"{note}\n"
        '"""\n\n'
        f"WEIGHTS: dict[str, float] = {{\n{values}}}\n"
        f"BIAS = {bias:.4f}\n",
        encoding="utf-8",
    )


def print_table(title: str, totals: dict[str, RougeTotals]) -> None:
    print(f"{title}\n")
    print("| articles | n | R1 | R2 | RL |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for key in ("all", *CATEGORIES):
        if key in totals:
            r1, r2, rl = totals[key].means()
            print(f"| {key} | {totals[key].count} | {r1:.1f} | {r2:.1f} | {rl:.1f} |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_argument(parser)
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty")
    parser.add_argument(
        "--labels", choices=sorted(LABELERS), default="bigram", help="training labels"
    )
    parser.add_argument("--write", action="store_true", help="store the all-data weights")
    args = parser.parse_args()
    articles = load_articles(args.data)
    items = [p for p in (prepare(a, args.labels) for a in articles) if p is not None]
    today = datetime.date.today().isoformat()
    print(f"IndoSum dev: {len(items)} articles, {today}, labels={args.labels}, l2={args.l2}\n")
    print_table(
        f"{FOLDS}-fold cross-validated ROUGE F1 x100 (3 sentences)", cross_validate(items, args.l2)
    )
    weights, bias = fit_logistic(*stacked(items), args.l2)
    print_table(
        "Fitted on all articles, scored on the same articles", evaluate(items, weights, bias)
    )
    print(
        "Weights:", ", ".join(f"{n}={w:+.3f}" for n, w in zip(FEATURE_NAMES, weights, strict=True))
    )
    print(f"Bias: {bias:+.3f}")
    if args.write:
        note = (
            f"Fitted on {len(items)} IndoSum dev articles ({args.labels} labels, l2={args.l2}); "
            "see docs/benchmarks.md."
        )
        write_weights(weights, bias, note)
        print(f"Wrote {WEIGHTS_FILE.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
