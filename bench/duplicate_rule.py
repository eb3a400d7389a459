"""The near-duplicate rule of `select_summary`, A/B: the shipped rule against the round-1 rule.

Round 1 divided the terms a candidate shares with a chosen sentence by the smaller of the two
term sets, so a long sentence containing a short lead's words was rejected as its repeat. The
shipped rule (`summarizer.engine._repeated_share`) divides by the candidate's own terms. Both
run with the same LambdaRank trainer on the same folds (bench/train_scorer.py); only the rule
differs.

Usage: python bench/duplicate_rule.py [--data PATH ...] [--cache DIR]
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Callable
from pathlib import Path

import train_scorer
from common import FOLDS, corpus_argument, load_corpus

import summarizer.engine as engine

Rule = Callable[[set[str], set[str]], float]


def smaller_set_share(candidate: set[str], chosen: set[str]) -> float:
    """The round-1 rule: shared terms over the smaller of the two sets."""
    smaller = min(len(candidate), len(chosen))
    return len(candidate & chosen) / smaller if smaller else 0.0


RULES: dict[str, Rule] = {
    "candidate's own terms (shipped)": engine._repeated_share,
    "smaller set (round 1)": smaller_set_share,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus_argument(parser)
    parser.add_argument("--cache", type=Path, help="directory for cached feature rows")
    args = parser.parse_args()
    items = train_scorer.prepare_all(load_corpus(args.data), args.cache)
    lead = train_scorer.lead_totals(items)["all"].means()[0]
    _train, test = train_scorer.fixed_split([i.article for i in items])
    test_ids = {a.id for a in test}
    split_lead = train_scorer.lead_totals([i for i in items if i.article.id in test_ids])
    today = datetime.date.today().isoformat()
    print(f"IndoSum: {len(items)} articles, {today}, LambdaRank, {FOLDS} folds by article id\n")
    print("| near-duplicate rule | R1 - LEAD-3, CV | R1 - LEAD-3, fixed split |")
    print("| --- | ---: | ---: |")
    shipped = engine._repeated_share
    try:
        for name, rule in RULES.items():
            engine._repeated_share = rule
            cv = train_scorer.cross_validate(items, train_scorer.fit_lambdarank)
            split = train_scorer.split_check(items, train_scorer.fit_lambdarank)
            cv_delta = cv["all"].means()[0] - lead
            split_delta = split["all"].means()[0] - split_lead["all"].means()[0]
            print(f"| {name} | {cv_delta:+.3f} | {split_delta:+.3f} |", flush=True)
    finally:
        engine._repeated_share = shipped


if __name__ == "__main__":
    main()
