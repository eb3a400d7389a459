"""Summary and fact quality on IndoSum, cross-validated: ROUGE per category, splitting, facts.

Each article is detokenized into running text (paragraphs separated by a blank line) and fed
to the whole engine as a user would paste it. By default the ranker is cross-validated: for
each of the `common.FOLDS` folds (by article id, over dev.jsonl + train.jsonl) a LambdaRank
model is trained on the other folds (bench/train_scorer.py) and the engine, with that model,
digests the held-out articles; every figure below is over these held-out digests. The fixed
split (train on train.jsonl, test on dev.jsonl) is reported as a final check. `--shipped`
runs the shipped model instead (in-sample: it was fitted on all these articles). `--unseen`
checks the facts of the shipped model on articles outside IndoSum: the expected article texts
of the saved news pages (../shared/data/html, INDEX.tsv), which have no reference summary.

The 3-sentence summary is scored against the reference summary (ROUGE-1/2/L F1 x100,
lower-case `\\w+` tokens, no stemming) beside LEAD-3 and plain sumy LexRank on the gold
sentences; the facts are checked by `fact_checks.py`.

Usage: python bench/quality.py [--data PATH ...] [--shipped | --unseen] [--limit N]
       [--examples N] [--show N]
       python bench/quality.py --boundaries   (the splitter figure only, in seconds)
"""

from __future__ import annotations

import argparse
import csv
import datetime
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from common import (
    CATEGORIES,
    FOLDS,
    PROJECT_ROOT,
    Article,
    Detokenized,
    RougeTotals,
    corpus_argument,
    detokenize,
    fixed_split,
    fold_of,
    load_corpus,
    rouge_scorer,
)
from fact_checks import FactChecks
from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.nlp.stemmers import null_stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer

from summarizer import ArticleError, Digest, clean_article
from summarizer.cleaning import normalize_characters
from summarizer.engine import digest_article
from summarizer.ranking import Scorer
from summarizer.sentences import split_sentences

SUMMARY_SENTENCES = 3
HTML_DIR = PROJECT_ROOT.parent / "shared" / "data" / "html"
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
        for previous, sentence in itertools.pairwise(split_sentences(text)):
            if sentence.paragraph == previous.paragraph:
                predicted.add(sentence.start)
        self.true_positive += len(gold & predicted)
        self.gold += len(gold)
        self.predicted += len(predicted)

    def scores(self) -> tuple[float, float, float]:
        precision = self.true_positive / max(self.predicted, 1)
        recall = self.true_positive / max(self.gold, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        return precision, recall, f1


# --- runs -------------------------------------------------------------------------------------


@dataclass
class Run:
    engine: dict[str, RougeTotals] = field(default_factory=dict)
    lead: dict[str, RougeTotals] = field(default_factory=dict)
    lexrank: dict[str, RougeTotals] = field(default_factory=dict)
    boundaries: BoundaryCounts = field(default_factory=BoundaryCounts)
    facts: FactChecks = field(default_factory=FactChecks)
    failures: list[str] = field(default_factory=list)
    below_lead: int = 0  # articles where the engine's R1 is below LEAD-3's
    below_lead_quote_dropped: int = 0  # ... and a quotation of the lead paragraph was left out
    examples: list[tuple[Article, Digest]] = field(default_factory=list)


def _add(table: dict[str, RougeTotals], category: str, scores: dict) -> None:  # type: ignore[type-arg]
    for key in ("all", category):
        table.setdefault(key, RougeTotals()).add(scores)


def assess(
    run: Run, articles: Sequence[Article], scorer: Scorer | None, *, with_lexrank: bool
) -> None:
    """Digest each article with `scorer` (None: the shipped model) and add up the figures."""
    rouge = rouge_scorer()
    for article in articles:
        detok = detokenize(article)
        run.boundaries.add(detok)
        lead_scores = rouge.score(article.reference, lead3(article))
        _add(run.lead, article.category, lead_scores)
        if with_lexrank:
            lexrank = plain_lexrank(article)
            _add(run.lexrank, article.category, rouge.score(article.reference, lexrank))
        clean = clean_article(detok.text)
        try:
            digest = digest_article(clean, sentences=SUMMARY_SENTENCES, scorer=scorer)
        except ArticleError as error:
            run.failures.append(f"{article.id}: {error.code}")
            _add(run.engine, article.category, rouge.score(article.reference, ""))
            continue
        summary = " ".join(digest.summary)
        scores = rouge.score(article.reference, summary)
        _add(run.engine, article.category, scores)
        pieces = split_sentences(clean.text)
        sentences = [s.text for s in pieces]
        if scores["rouge1"].fmeasure < lead_scores["rouge1"].fmeasure:
            run.below_lead += 1
            run.below_lead_quote_dropped += any(
                p.paragraph == pieces[0].paragraph
                and '"' in p.text
                and i not in digest.summary_indices
                for i, p in enumerate(pieces)
            )
        run.facts.add(article.reference, clean.text, sentences, digest)
        run.examples.append((article, digest))


def cross_validated(
    articles: Sequence[Article], train: Callable[[Sequence[Article]], Scorer], with_lexrank: bool
) -> Run:
    run = Run()
    for fold in range(FOLDS):
        scorer = train([a for a in articles if fold_of(a) != fold])
        assess(run, [a for a in articles if fold_of(a) == fold], scorer, with_lexrank=with_lexrank)
    return run


def lambdarank_trainer(articles: Sequence[Article], cache: Path | None) -> Callable:  # type: ignore[type-arg]
    """Trains on the given articles' rows (features prepared once for the whole corpus)."""
    from train_scorer import fit_lambdarank, prepare_all

    prepared = {item.article.id: item for item in prepare_all(articles, cache)}

    def train(training: Sequence[Article]) -> Scorer:
        return fit_lambdarank([prepared[a.id] for a in training if a.id in prepared])

    return train


# --- report ---------------------------------------------------------------------------------


def _cell(totals: RougeTotals | None) -> str:
    return "-" if totals is None else " / ".join(f"{v:.1f}" for v in totals.means())


def print_rouge(title: str, run: Run) -> None:
    print(f"### {title}\n")
    print(
        "| articles | n | engine R1 / R2 / RL | LEAD-3 R1 / R2 / RL | LexRank R1 / R2 / RL "
        "| engine - LEAD-3 (R1) |"
    )
    print("| --- | ---: | --- | --- | --- | ---: |")
    for key in ("all", *CATEGORIES):
        engine, lead = run.engine.get(key), run.lead.get(key)
        if engine is None or lead is None:
            continue
        delta = engine.means()[0] - lead.means()[0]
        cells = f"{_cell(engine)} | {_cell(lead)} | {_cell(run.lexrank.get(key))}"
        print(f"| {key} | {engine.count} | {cells} | {delta:+.2f} |")
    print()


def print_boundaries(run: Run) -> None:
    b = run.boundaries
    precision, recall, f1 = b.scores()
    print("### Sentence boundaries inside paragraphs (splitter vs gold segmentation)\n")
    print("| gold | predicted | correct | precision | recall | F1 |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    counts = f"{b.gold} | {b.predicted} | {b.true_positive}"
    print(f"| {counts} | {precision:.3f} | {recall:.3f} | {f1:.3f} |\n")


def print_facts(title: str, run: Run, show: int) -> None:
    f = run.facts
    print(f"### {title}\n")
    print("| measure | value | target |")
    print("| --- | ---: | --- |")
    for measure, value, target in f.rows():
        print(f"| {measure} | {value} | {target} |")
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(f.kinds.items(), key=lambda kv: -kv[1]))
    recall = (
        f"Key-figure recall is micro-averaged over the {f.figures_total} figures (digit runs, "
        "month and weekday names) of the reference summaries. "
        if f.figures_total
        else ""
    )
    print(f"\n{recall}Fact kinds: {kinds}.\n")
    for problem, texts in f.samples.items():
        for text in texts[:show]:
            print(f"    {problem}: {text}")
    if show:
        print()


def print_examples(run: Run, count: int) -> None:
    if not count:
        return
    print("### Example outputs\n")
    step = max(1, len(run.examples) // count)
    for article, digest in run.examples[::step][:count]:
        print(f"**{article.category}** `{article.id}`\n")
        for sentence in digest.summary:
            print(f"> {sentence}\n")
        for fact in digest.facts:
            print(f"- [{fact.kind}] {fact.text}")
        print()


def report(title: str, run: Run, show: int) -> None:
    print_rouge(f"ROUGE F1 x100, 3 sentences: {title}", run)
    print(
        f"Below LEAD-3 (R1) on {run.below_lead} articles; in {run.below_lead_quote_dropped} of "
        "them the summary left out a quotation of the lead paragraph.\n"
    )
    print_facts(f"Key facts: {title}", run, show)
    if run.failures:
        print(f"Engine refused {len(run.failures)} articles: {', '.join(run.failures[:5])}\n")


def unseen_articles(directory: Path) -> list[tuple[str, str]]:
    """(file, text) of the saved pages' expected article texts (listing pages have none)."""
    with (directory / "INDEX.tsv").open(encoding="utf-8", newline="") as index:
        rows = [row for row in csv.DictReader(index, delimiter="\t") if row["expected_text_file"]]
    return [
        (row["file"], (directory / row["expected_text_file"]).read_text(encoding="utf-8"))
        for row in rows
    ]


def assess_unseen(directory: Path, show: int) -> None:
    """The shipped model's facts on the saved pages' article texts (no reference summaries)."""
    checks = FactChecks()
    refused = []
    for name, text in unseen_articles(directory):
        clean = clean_article(text)
        try:
            digest = digest_article(clean, sentences=SUMMARY_SENTENCES)
        except ArticleError as error:
            refused.append(f"{name}: {error.code}")
            continue
        sentences = [s.text for s in split_sentences(clean.text)]
        checks.add("", clean.text, sentences, digest)
    run = Run(facts=checks)
    print_facts(f"Key facts: {checks.digests} unseen articles (saved news pages)", run, show)
    if refused:
        print(f"Engine refused {len(refused)} articles: {', '.join(refused)}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus_argument(parser)
    parser.add_argument("--shipped", action="store_true", help="the shipped model, in-sample")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--examples", type=int, default=0, help="example outputs to print")
    parser.add_argument("--show", type=int, default=0, help="print N facts failing each check")
    parser.add_argument("--no-lexrank", action="store_true", help="skip the LexRank baseline")
    parser.add_argument("--cache", type=Path, help="directory for cached feature rows")
    parser.add_argument(
        "--boundaries", action="store_true", help="only the sentence-boundary figure (fast)"
    )
    parser.add_argument("--unseen", action="store_true", help="facts on the saved news pages")
    parser.add_argument("--html", type=Path, default=HTML_DIR, help="saved news pages")
    args = parser.parse_args()
    if args.unseen:
        assess_unseen(args.html, args.show)
        return
    articles = load_corpus(args.data)
    if args.limit:
        articles = articles[: args.limit]
    if args.boundaries:
        run = Run()
        for article in articles:
            run.boundaries.add(detokenize(article))
        print_boundaries(run)
        return
    lexrank = not args.no_lexrank
    today = datetime.date.today().isoformat()
    print(f"IndoSum: {len(articles)} articles ({', '.join(p.name for p in args.data)}), {today}\n")
    if args.shipped:
        run = Run()
        assess(run, articles, None, with_lexrank=lexrank)
        report("shipped model (in-sample)", run, args.show)
    else:
        train = lambdarank_trainer(articles, args.cache)
        run = cross_validated(articles, train, lexrank)
        report(f"{FOLDS}-fold cross-validation by article", run, args.show)
        training, testing = fixed_split(articles)
        if training and testing:
            split = Run()
            assess(split, testing, train(training), with_lexrank=lexrank)
            report(
                f"fixed split (trained on {len(training)} train.jsonl, tested on "
                f"{len(testing)} dev.jsonl)",
                split,
                0,
            )
    print_boundaries(run)
    print_examples(run, args.examples)


if __name__ == "__main__":
    main()
