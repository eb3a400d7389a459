"""Before/after examples: the same IndoSum articles through an older engine and this one.

The older engine is any directory holding a `summarizer` package (for instance
`git archive 787d04a summarizer | tar -x -C /tmp/before`); it runs in its own process
through the public API (`summarize(text).to_dict()`), so any version can be compared. The
articles are spread evenly over the corpus (every n-th, one per category in turn). IndoSum
has no headlines: the article id's slug stands in for one.

Usage: python bench/examples.py --before DIR [--data PATH ...] [--count 10] > examples.md
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common import CATEGORIES, Article, corpus_argument, detokenize, load_corpus

from summarizer import summarize

_RUN_OLD = (
    "import json, sys\n"
    "from summarizer import summarize\n"
    "texts = json.load(sys.stdin)\n"
    "print(json.dumps([summarize(t).to_dict() for t in texts]))\n"
)


def pick(articles: Sequence[Article], count: int) -> list[Article]:
    """`count` articles, categories taken in turn, evenly spread within each category."""
    by_category = {c: [a for a in articles if a.category == c] for c in CATEGORIES}
    order = [c for c in CATEGORIES if by_category[c]]
    chosen: list[Article] = []
    rounds = 0
    while len(chosen) < count and order:
        for category in order:
            pool = by_category[category]
            index = (rounds * 7919 + 13) % len(pool)
            if pool[index] not in chosen and len(chosen) < count:
                chosen.append(pool[index])
        rounds += 1
    return chosen


def old_digests(before: Path, texts: list[str]) -> list[dict[str, Any]]:
    run = subprocess.run(
        [sys.executable, "-c", _RUN_OLD],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        cwd=before,
        env={**os.environ, "PYTHONPATH": str(before)},
    )
    return list(json.loads(run.stdout))


def headline(article: Article) -> str:
    slug = article.id.split("-", 1)[-1]
    return slug.replace("-", " ").strip().capitalize()


def _digest_lines(digest: dict[str, Any]) -> list[str]:
    lines = [f"> {sentence}\n>" for sentence in digest["summary"]]
    lines[-1] = lines[-1].removesuffix("\n>")
    lines.append("")
    lines += [f"- [{fact['kind']}] {fact['text']}" for fact in digest["facts"]]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus_argument(parser)
    parser.add_argument("--before", type=Path, required=True, help="dir with an older summarizer")
    parser.add_argument("--count", type=int, default=10)
    args = parser.parse_args()
    articles = pick(load_corpus(args.data), args.count)
    texts = [detokenize(a).text for a in articles]
    before = old_digests(args.before.resolve(), texts)
    after = [summarize(text).to_dict() for text in texts]
    print("# Summaries and key facts: before and after round 2\n")
    print(
        f"{len(articles)} IndoSum articles (one per category in turn), 3-sentence summaries. "
        "Before: the engine at the start of round 2; after: this checkout. "
        "`python bench/examples.py --before DIR`.\n"
    )
    for number, (article, old, new) in enumerate(zip(articles, before, after, strict=True), 1):
        print(f"## {number}. {headline(article)}\n")
        print(f"`{article.id}` ({article.category}, {article.split}.jsonl)\n")
        print("**Before**\n")
        print("\n".join(_digest_lines(old)) + "\n")
        print("**After**\n")
        print("\n".join(_digest_lines(new)) + "\n")


if __name__ == "__main__":
    main()
