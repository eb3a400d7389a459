"""Summary quality on IndoSum dev: ROUGE, sentence splitting, fact faithfulness and recall.

Each article is detokenized into running text (paragraphs separated by a blank line) and
fed to the engine as a user would paste it. The engine's 3-sentence summary is scored
against the reference summary (ROUGE-1/2/L F1 x100, lower-case `\\w+` tokens, no stemming)
beside LEAD-3 and plain sumy LexRank on the gold sentences.

Usage: python bench/quality.py [--data PATH] [--limit N] [--examples N]
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from common import (
    CATEGORIES,
    Article,
    Detokenized,
    RougeTotals,
    data_argument,
    detokenize,
    figures_of,
    load_articles,
    rouge_scorer,
)
from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.nlp.stemmers import null_stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer

from summarizer import ArticleError, Digest, summarize
from summarizer.cleaning import clean_text, normalize_characters
from summarizer.sentences import split_sentences

SUMMARY_SENTENCES = 3
_WORD = re.compile(r"\w+")


class PlainTokenizer:
    """`\\w+` words and no sentence splitting: sumy as it comes, on the gold sentences."""

    def to_words(self, sentence: str) -> list[str]:
        return _WORD.findall(sentence)

    def to_sentences(self, paragraph: str) -> list[str]:
        return [paragraph]


def lead3(article: Article) -> str:
    return " ".join(" ".join(s) for s in article.sentences[:SUMMARY_SENTENCES])


def plain_lexrank(article: Article) -> str:
    tokenizer = PlainTokenizer()
    sentences = [SumySentence(" ".join(s), tokenizer) for s in article.sentences]
    document = ObjectDocumentModel([Paragraph(sentences)])
    picked = LexRankSummarizer(null_stemmer)(document, SUMMARY_SENTENCES)
    return " ".join(str(s) for s in picked)


# --- sentence boundaries -------------------------------------------------------------------


@dataclass
class BoundaryCounts:
    """Sentence starts inside paragraphs (a paragraph's first sentence is not counted)."""

    true_positive: int = 0
    predicted: int = 0
    gold: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def add(self, detok: Detokenized) -> None:
        text = normalize_characters(detok.text)
        if len(text) != len(detok.text):
            return
        gold = {
            start
            for index, (start, _end) in enumerate(detok.spans)
            if index and detok.paragraph_of[index] == detok.paragraph_of[index - 1]
        }
        predicted = set()
        split = split_sentences(text)
        for previous, sentence in itertools.pairwise(split):
            if sentence.paragraph == previous.paragraph:
                predicted.add(sentence.start)
        self.true_positive += len(gold & predicted)
        self.gold += len(gold)
        self.predicted += len(predicted)
        self.misses += [_around(text, p) for p in sorted(gold - predicted)]
        self.extras += [_around(text, p) for p in sorted(predicted - gold)]

    def scores(self) -> tuple[float, float, float]:
        precision = self.true_positive / max(self.predicted, 1)
        recall = self.true_positive / max(self.gold, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        return precision, recall, f1


def _around(text: str, position: int, width: int = 40) -> str:
    return (
        text[max(0, position - width) : position] + " ‖ " + text[position : position + width]
    ).replace("\n", " ")


# --- facts ----------------------------------------------------------------------------------


@dataclass
class FactCounts:
    facts: int = 0
    verbatim: int = 0
    figures_found: int = 0
    figures_total: int = 0
    lead_found: int = 0
    article_found: int = 0
    articles_with_figures: int = 0
    bullets: int = 0
    digests: int = 0
    over_length: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def add(self, article: Article, detok: Detokenized, digest: Digest) -> None:
        cleaned = clean_text(detok.text)
        self.digests += 1
        self.bullets += len(digest.facts)
        for fact in digest.facts:
            self.facts += 1
            self.verbatim += fact.text in cleaned
            self.over_length += len(fact.text) > 200
            self.kinds[fact.kind] = self.kinds.get(fact.kind, 0) + 1
        wanted = figures_of(article.reference)
        if not wanted:
            return
        self.articles_with_figures += 1
        self.figures_total += len(wanted)
        self.figures_found += len(wanted & figures_of(" ".join(f.text for f in digest.facts)))
        self.lead_found += len(wanted & figures_of(lead3(article)))
        every_sentence = " ".join(" ".join(s) for s in article.sentences)
        self.article_found += len(wanted & figures_of(every_sentence))


# --- report ---------------------------------------------------------------------------------


@dataclass
class Run:
    engine: dict[str, RougeTotals] = field(default_factory=dict)
    lead: dict[str, RougeTotals] = field(default_factory=dict)
    lexrank: dict[str, RougeTotals] = field(default_factory=dict)
    boundaries: BoundaryCounts = field(default_factory=BoundaryCounts)
    facts: FactCounts = field(default_factory=FactCounts)
    failures: list[str] = field(default_factory=list)
    examples: list[tuple[Article, Digest]] = field(default_factory=list)


def _add(table: dict[str, RougeTotals], category: str, scores: dict) -> None:  # type: ignore[type-arg]
    for key in ("all", category):
        table.setdefault(key, RougeTotals()).add(scores)


def evaluate(articles: Sequence[Article], *, with_lexrank: bool = True) -> Run:
    scorer = rouge_scorer()
    run = Run()
    for article in articles:
        detok = detokenize(article)
        run.boundaries.add(detok)
        _add(run.lead, article.category, scorer.score(article.reference, lead3(article)))
        if with_lexrank:
            _add(
                run.lexrank,
                article.category,
                scorer.score(article.reference, plain_lexrank(article)),
            )
        try:
            digest = summarize(detok.text, sentences=SUMMARY_SENTENCES)
        except ArticleError as error:
            run.failures.append(f"{article.id}: {error.code}")
            _add(run.engine, article.category, scorer.score(article.reference, ""))
            continue
        _add(
            run.engine, article.category, scorer.score(article.reference, " ".join(digest.summary))
        )
        run.facts.add(article, detok, digest)
        run.examples.append((article, digest))
    return run


def _row(name: str, totals: RougeTotals | None) -> str:
    if totals is None:
        return f"| {name} | - | - | - |"
    r1, r2, rl = totals.means()
    return f"| {name} | {r1:.1f} | {r2:.1f} | {rl:.1f} |"


def print_rouge(run: Run) -> None:
    print("### ROUGE F1 x100 (3 sentences)\n")
    print(
        "| articles | n | engine R1 / R2 / RL | LEAD-3 R1 / R2 / RL | LexRank R1 / R2 / RL "
        "| engine - LEAD-3 (R1) |"
    )
    print("| --- | ---: | --- | --- | --- | ---: |")
    for key in ("all", *CATEGORIES):
        engine, lead, lex = run.engine.get(key), run.lead.get(key), run.lexrank.get(key)
        if engine is None or lead is None:
            continue

        def cell(t: RougeTotals | None) -> str:
            return "-" if t is None else " / ".join(f"{v:.1f}" for v in t.means())

        delta = engine.means()[0] - lead.means()[0]
        cells = f"{cell(engine)} | {cell(lead)} | {cell(lex)}"
        print(f"| {key} | {engine.count} | {cells} | {delta:+.1f} |")
    print()


def print_boundaries(run: Run, show: int) -> None:
    b = run.boundaries
    precision, recall, f1 = b.scores()
    print("### Sentence boundaries inside paragraphs (splitter vs gold segmentation)\n")
    print("| gold | predicted | correct | precision | recall | F1 |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    counts = f"{b.gold} | {b.predicted} | {b.true_positive}"
    print(f"| {counts} | {precision:.3f} | {recall:.3f} | {f1:.3f} |\n")
    if show:
        print("Missed (gold boundary, not split):")
        for line in b.misses[:show]:
            print(f"    {line}")
        print("Extra (split, not a gold boundary):")
        for line in b.extras[:show]:
            print(f"    {line}")
        print()


def print_facts(run: Run) -> None:
    f = run.facts
    print("### Key facts\n")
    print(
        "| facts | verbatim in cleaned article | over 200 chars | bullets per article "
        "| figure recall: facts | first 3 sentences | whole article |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    total = max(f.figures_total, 1)
    print(
        f"| {f.facts} | {100 * f.verbatim / max(f.facts, 1):.1f}% | {f.over_length} | "
        f"{f.bullets / max(f.digests, 1):.2f} | {f.figures_found / total:.3f} | "
        f"{f.lead_found / total:.3f} | {f.article_found / total:.3f} |"
    )
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(f.kinds.items(), key=lambda kv: -kv[1]))
    print(
        f"\nFigure recall is micro-averaged over {f.articles_with_figures} articles whose "
        f"reference has figures ({f.figures_total} figures). Fact kinds: {kinds}.\n"
    )


def print_examples(run: Run, count: int) -> None:
    if not count:
        return
    print("### Example outputs\n")
    step = max(1, len(run.examples) // count)
    for article, digest in run.examples[::step][:count]:
        print(f"**{article.category}** `{article.id}`\n")
        print(f"> {digest.summary[0]}\n")
        for sentence in digest.summary[1:]:
            print(f"> {sentence}\n")
        for fact in digest.facts:
            print(f"- [{fact.kind}] {fact.text}")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_argument(parser)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--examples", type=int, default=5, help="example outputs to print")
    parser.add_argument(
        "--show-boundaries", type=int, default=0, help="print N missed/extra splits"
    )
    parser.add_argument("--no-lexrank", action="store_true", help="skip the LexRank baseline")
    args = parser.parse_args()
    articles = load_articles(args.data)
    if args.limit:
        articles = articles[: args.limit]
    run = evaluate(articles, with_lexrank=not args.no_lexrank)
    print(f"IndoSum dev: {len(articles)} articles, {datetime.date.today().isoformat()}\n")
    print_rouge(run)
    print_boundaries(run, args.show_boundaries)
    print_facts(run)
    if run.failures:
        print(f"Engine refused {len(run.failures)} articles: {', '.join(run.failures[:5])}\n")
    print_examples(run, args.examples)


if __name__ == "__main__":
    main()
