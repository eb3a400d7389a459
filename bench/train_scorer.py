"""Train the sentence ranker on IndoSum and compare it with the logistic scorer, cross-validated.

Each article goes through the engine's own cleaning, splitting and feature extraction
(`summarizer.ranking.feature_matrix`). A sentence's label comes from how many of its word
bigrams occur in the reference summary. Two scorers are compared on the same folds
(`common.fold_of`: k-fold by article over dev.jsonl + train.jsonl) and on the fixed split
(train on train.jsonl, test on dev.jsonl):

- `logistic`: L2-regularised logistic regression (numpy, Newton's method) on binary labels
  (more than 60% of the bigrams in the reference), the scorer shipped before round 2;
- `lambdarank`: LightGBM gradient-boosted trees with the LambdaRank objective over the
  sentences of one article, on graded labels (bigram share in fifths, 0 to 4).

A variant is scored by the whole selection: its scores, then `select_summary` with the
engine's redundancy control, 3 sentences, ROUGE against the reference. With --write, the
LambdaRank model fitted on all articles is stored as `summarizer/ranker_model.json` (plain
data, evaluated by `summarizer/trees.py`). Training is deterministic and uses one thread.

Usage: python bench/train_scorer.py [--data PATH ...] [--write] [--cache DIR]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import itertools
import json
import pickle
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from common import (
    CATEGORIES,
    FOLDS,
    PROJECT_ROOT,
    Article,
    RougeTotals,
    corpus_argument,
    detokenize,
    fixed_split,
    fold_of,
    load_corpus,
    rouge_scorer,
)

from summarizer.cleaning import clean_text
from summarizer.engine import ENGINE_VERSION, select_summary
from summarizer.language import detect_language
from summarizer.ranking import (
    FEATURE_NAMES,
    MAX_SCORED_SENTENCES,
    MODEL_FILE,
    RankedSentence,
    Scorer,
    feature_matrix,
)
from summarizer.sentences import split_sentences
from summarizer.trees import MODEL_FORMAT, TreeEnsemble, from_data
from summarizer.words import LanguageTools, tools_for

SEED = 13
SUMMARY_SENTENCES = 3
_TOKEN = re.compile(r"\w+")

LAMBDARANK = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "eval_at": [3],
    "learning_rate": 0.05,
    "num_leaves": 15,
    "max_depth": 6,
    "min_data_in_leaf": 100,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "lambdarank_truncation_level": 10,
    "num_threads": 1,
    "deterministic": True,
    "force_row_wise": True,
    "seed": SEED,
    "verbose": -1,
}
ROUNDS = 150
GRADES = (0.2, 0.4, 0.6, 0.8)  # bigram-share bounds of labels 1..4


@dataclass
class Prepared:
    article: Article
    sentences: list[str]
    features: np.ndarray  # rows of the scored sentences (at most MAX_SCORED_SENTENCES)
    shares: np.ndarray  # bigram share in the reference, per scored sentence
    tools: LanguageTools

    @property
    def fold(self) -> int:
        return fold_of(self.article)


def bigram_shares(sentences: Sequence[str], reference: str) -> np.ndarray:
    """Share of each sentence's word bigrams that also occur in the reference summary."""
    reference_bigrams = set(itertools.pairwise(_TOKEN.findall(reference.lower())))
    shares = []
    for sentence in sentences:
        bigrams = list(itertools.pairwise(_TOKEN.findall(sentence.lower())))
        shares.append(sum(b in reference_bigrams for b in bigrams) / max(len(bigrams), 1))
    return np.array(shares)


def binary_labels(shares: np.ndarray, threshold: float = 0.6) -> np.ndarray:
    return (shares > threshold).astype(float)


def graded_labels(shares: np.ndarray, grades: Sequence[float] = GRADES) -> np.ndarray:
    return np.searchsorted(np.array(grades), shares, side="left").astype(int)


def prepare(article: Article) -> Prepared | None:
    """The article as the engine sees it: cleaned, split, language, feature rows."""
    cleaned = clean_text(detokenize(article).text)
    pieces = split_sentences(cleaned)
    if len(pieces) < 2:
        return None
    tools = tools_for(detect_language(cleaned).code)
    ranked = [RankedSentence(p.text, p.paragraph) for p in pieces]
    texts = [p.text for p in pieces]
    features = feature_matrix(ranked[:MAX_SCORED_SENTENCES], tools, len(ranked))
    shares = bigram_shares(texts[:MAX_SCORED_SENTENCES], article.reference)
    return Prepared(article, texts, features, shares, tools)


def _source_key() -> str:
    """A hash of the engine's source: cached features are reused only while it is unchanged."""
    digest = hashlib.sha256()
    for path in sorted((PROJECT_ROOT / "summarizer").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepare_all(articles: Sequence[Article], cache: Path | None = None) -> list[Prepared]:
    ids = hashlib.sha256("".join(a.id for a in articles).encode()).hexdigest()[:12]
    cached = cache / f"prepared-{_source_key()}-{ids}.pickle" if cache else None
    if cached is not None and cached.exists():
        by_id = {a.id: a for a in articles}
        with cached.open("rb") as handle:
            rows = pickle.load(handle)  # our own cache file
        return [Prepared(by_id[i], s, f, sh, tools_for(lang)) for i, s, f, sh, lang in rows]
    items = [p for p in (prepare(a) for a in articles) if p is not None]
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        rows = [(i.article.id, i.sentences, i.features, i.shares, i.tools.language) for i in items]
        with cached.open("wb") as handle:
            pickle.dump(rows, handle)
    return items


# --- scorers ---------------------------------------------------------------------------------


def fit_logistic(items: Sequence[Prepared], l2: float = 1.0, steps: int = 50) -> Scorer:
    """L2-regularised logistic regression by Newton's method on binary labels."""
    x = np.vstack([i.features for i in items])
    y = np.concatenate([binary_labels(i.shares) for i in items])
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
    weights, bias = theta[:-1], float(theta[-1])
    return lambda rows: rows @ weights + bias


def train_lambdarank(
    items: Sequence[Prepared],
    params: dict[str, Any] | None = None,
    rounds: int = ROUNDS,
    grades: Sequence[float] = GRADES,
) -> Any:  # a lightgbm.Booster
    import lightgbm

    x = np.vstack([i.features for i in items])
    y = np.concatenate([graded_labels(i.shares, grades) for i in items])
    groups = [len(i.features) for i in items]
    label_gain = [float(2**g - 1) for g in range(len(grades) + 1)]
    data = lightgbm.Dataset(x, y, group=groups, feature_name=list(_safe_names()))
    settings = {**LAMBDARANK, **(params or {}), "label_gain": label_gain}
    return lightgbm.train(settings, data, num_boost_round=rounds)


def _safe_names() -> list[str]:
    return [re.sub(r"\W", "_", name) for name in FEATURE_NAMES]


def _tree_nodes(structure: dict[str, Any]) -> tuple[dict[str, list[Any]], int]:
    """LightGBM's nested tree as node lists (preorder numbering) and its depth."""
    nodes: dict[str, list[Any]] = {k: [] for k in ("feature", "threshold", "left", "right")}
    nodes["value"] = []

    def visit(node: dict[str, Any], level: int) -> tuple[int, int]:
        number = len(nodes["feature"])
        for key in nodes:
            nodes[key].append(-1 if key in ("feature", "left", "right") else 0.0)
        if "leaf_value" in node or "split_feature" not in node:
            nodes["value"][number] = float(node.get("leaf_value", 0.0))
            return number, level
        if node.get("decision_type", "<=") != "<=":
            raise ValueError("only numerical <= splits are supported")
        nodes["feature"][number] = int(node["split_feature"])
        nodes["threshold"][number] = float(node["threshold"])
        left, left_depth = visit(node["left_child"], level + 1)
        right, right_depth = visit(node["right_child"], level + 1)
        nodes["left"][number], nodes["right"][number] = left, right
        return number, max(left_depth, right_depth)

    _root, depth = visit(structure, 0)
    return nodes, depth


def model_data(booster: Any, note: str) -> dict[str, Any]:
    """The booster in the engine's plain model format (`summarizer/trees.py`)."""
    trees = []
    for info in booster.dump_model()["tree_info"]:
        nodes, depth = _tree_nodes(info["tree_structure"])
        trees.append({**nodes, "depth": depth})
    return {
        "format": MODEL_FORMAT,
        "version": f"engine-{ENGINE_VERSION}",
        "note": note,
        "features": list(FEATURE_NAMES),
        "trees": trees,
    }


def fit_lambdarank(items: Sequence[Prepared], **options: Any) -> Scorer:
    model = from_data(model_data(train_lambdarank(items, **options), ""))
    return model.predict


TRAINERS: dict[str, Callable[[Sequence[Prepared]], Scorer]] = {
    "logistic": fit_logistic,
    "lambdarank": fit_lambdarank,
}


# --- evaluation ------------------------------------------------------------------------------


def summary_of(item: Prepared, scorer: Scorer) -> str:
    scores = list(scorer(item.features)) + [-np.inf] * (len(item.sentences) - len(item.features))
    count = min(SUMMARY_SENTENCES, len(item.sentences))
    chosen = select_summary(item.sentences, scores, count, item.tools)
    return " ".join(item.sentences[i] for i in chosen)


def evaluate(items: Sequence[Prepared], scorer: Scorer, into: dict[str, RougeTotals]) -> None:
    scorer_rouge = rouge_scorer()
    for item in items:
        scores = scorer_rouge.score(item.article.reference, summary_of(item, scorer))
        for key in ("all", item.article.category):
            into.setdefault(key, RougeTotals()).add(scores)


def cross_validate(
    items: Sequence[Prepared], trainer: Callable[[Sequence[Prepared]], Scorer]
) -> dict[str, RougeTotals]:
    totals: dict[str, RougeTotals] = {}
    for fold in range(FOLDS):
        scorer = trainer([i for i in items if i.fold != fold])
        evaluate([i for i in items if i.fold == fold], scorer, totals)
    return totals


def split_check(
    items: Sequence[Prepared], trainer: Callable[[Sequence[Prepared]], Scorer]
) -> dict[str, RougeTotals]:
    train, test = fixed_split([i.article for i in items])
    train_ids, test_ids = {a.id for a in train}, {a.id for a in test}
    scorer = trainer([i for i in items if i.article.id in train_ids])
    totals: dict[str, RougeTotals] = {}
    evaluate([i for i in items if i.article.id in test_ids], scorer, totals)
    return totals


def lead_totals(items: Sequence[Prepared]) -> dict[str, RougeTotals]:
    """LEAD-3 on the gold sentences, as in the IndoSum README."""
    scorer_rouge = rouge_scorer()
    totals: dict[str, RougeTotals] = {}
    for item in items:
        lead = " ".join(" ".join(s) for s in item.article.sentences[:SUMMARY_SENTENCES])
        for key in ("all", item.article.category):
            totals.setdefault(key, RougeTotals()).add(
                scorer_rouge.score(item.article.reference, lead)
            )
    return totals


def print_comparison(
    title: str, lead: dict[str, RougeTotals], variants: dict[str, dict[str, RougeTotals]]
) -> None:
    names = list(variants)
    print(f"{title}\n")
    print("| articles | n | LEAD-3 R1 | " + " | ".join(f"{n} R1 / R2 / RL" for n in names) + " |")
    print("| --- | ---: | ---: | " + " | ".join("---" for _ in names) + " |")
    for key in ("all", *CATEGORIES):
        if key not in lead:
            continue
        cells = []
        for name in names:
            totals = variants[name].get(key)
            if totals is None:
                cells.append("-")
                continue
            r1, r2, rl = totals.means()
            cells.append(f"{r1:.1f} / {r2:.1f} / {rl:.1f} ({r1 - lead[key].means()[0]:+.2f})")
        print(f"| {key} | {lead[key].count} | {lead[key].means()[0]:.1f} | {' | '.join(cells)} |")
    print()


def write_model(items: Sequence[Prepared]) -> Path:
    booster = train_lambdarank(items)
    note = (
        f"LightGBM {_lightgbm_version()} LambdaRank, {ROUNDS} rounds, fitted on {len(items)} "
        "IndoSum articles (dev.jsonl + train.jsonl) by bench/train_scorer.py --write"
    )
    data = model_data(booster, note)
    _check_same_scores(booster, from_data(data), items)
    MODEL_FILE.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    return MODEL_FILE


def _lightgbm_version() -> str:
    import lightgbm

    return str(lightgbm.__version__)


def _check_same_scores(booster: Any, model: TreeEnsemble, items: Sequence[Prepared]) -> None:
    rows = np.vstack([i.features for i in items])
    expected = booster.predict(rows, num_threads=1)
    worst = float(np.max(np.abs(model.predict(rows) - expected)))
    if worst > 1e-9:
        raise AssertionError(f"numpy trees differ from LightGBM by {worst}")
    print(f"numpy evaluator matches LightGBM on {len(rows)} rows (max difference {worst:.1e})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus_argument(parser)
    parser.add_argument("--variants", nargs="+", choices=sorted(TRAINERS), default=sorted(TRAINERS))
    parser.add_argument("--write", action="store_true", help="store the all-data LambdaRank model")
    parser.add_argument("--cache", type=Path, help="directory for cached feature rows")
    args = parser.parse_args()
    items = prepare_all(load_corpus(args.data), args.cache)
    today = datetime.date.today().isoformat()
    print(f"IndoSum: {len(items)} articles, {today}, {FOLDS} folds by article id\n")
    lead = lead_totals(items)
    cv = {name: cross_validate(items, TRAINERS[name]) for name in args.variants}
    print_comparison(f"{FOLDS}-fold cross-validated ROUGE F1 x100 (3 sentences)", lead, cv)
    train, test = fixed_split([i.article for i in items])
    test_ids = {a.id for a in test}
    split = {name: split_check(items, TRAINERS[name]) for name in args.variants}
    print_comparison(
        f"Fixed split: trained on {len(train)} (train.jsonl), tested on {len(test)} (dev.jsonl)",
        lead_totals([i for i in items if i.article.id in test_ids]),
        split,
    )
    if args.write:
        path = write_model(items)
        print(f"Wrote {path.relative_to(PROJECT_ROOT)} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
