"""Benchmark article extraction on two sets of saved pages, beside plain trafilatura.

1. The 173-page article-extraction benchmark in ../shared/data/extraction (mostly English,
   many sites; human-marked article text). Scored with that benchmark's own metric: `\\w+`
   tokens (case kept), counts of 4-token shingles, per page tp/fp/fn normalised to sum 1,
   precision averaged over pages that extracted something, recall averaged over all pages (a
   refused page has recall 0), F1 from the two averages. Ringkas `extract_article` (given the
   page's URL) and plain `trafilatura.extract` run on the same pages in the same process.
2. The 38 Indonesian pages in ../shared/data/html (INDEX.tsv): the expected page type against
   the detected one, and for articles the token recall and precision of the expected text (low
   precision where the expected text is only a lead paragraph).

Both report extraction time per page (median, p95). Also: a generated 1.1 MB page with 20,000
links (issue 11), which must extract in well under a second.

Usage: python bench/extract.py [--data DIR] [--html DIR] [--only extraction|html|large]
       [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import trafilatura  # noqa: E402

from summarizer import summarize  # noqa: E402
from testkit.large_page import many_links_page  # noqa: E402
from web.charset import decode_html  # noqa: E402
from web.extract import NotAnArticle, extract_article  # noqa: E402

SHARED = PROJECT_ROOT.parent / "shared" / "data"
DEFAULT_EXTRACTION_DIR = SHARED / "extraction"
DEFAULT_HTML_DIR = SHARED / "html"
_TOKEN = re.compile(r"\w+")
SHINGLE = 4


# --- the 173-page benchmark's metric ---------------------------------------------------------


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    shingles = (tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))
    return Counter(shingle for shingle in shingles if shingle)


def shingle_tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    """The benchmark's per-page scores: shingle matches, normalised to sum 1."""
    expected, predicted = _shingles(true), _shingles(pred)
    tp = float(sum((expected & predicted).values()))
    fp = float(sum((predicted - expected).values()))
    fn = float(sum((expected - predicted).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


@dataclass(frozen=True)
class Scores:
    f1: float
    precision: float
    recall: float


def benchmark_scores(tp_fp_fns: list[tuple[float, float, float]]) -> Scores:
    precision = statistics.mean(_precision(*s) for s in tp_fp_fns if s[0] + s[1] > 0)
    recall = statistics.mean(_recall(*s) for s in tp_fp_fns if s[0] + s[2] > 0)
    return Scores(2 * precision * recall / (precision + recall), precision, recall)


# --- running an extractor --------------------------------------------------------------------


@dataclass(frozen=True)
class PageRun:
    key: str
    text: str
    refusal: str
    seconds: float  # wall clock
    cpu: float  # this process's CPU time: less disturbed by other work on a shared machine
    pages: int = 1
    confidence: str = ""


def _ringkas(html: str, url: str | None) -> tuple[str, str, int, str]:
    try:
        article = extract_article(html, url)
    except NotAnArticle as refusal:
        return "", str(refusal), 0, ""
    return article.text, "", article.pages, article.confidence


def _words(text: str) -> str:
    return " " + " ".join(_TOKEN.findall(text.casefold())) + " "


def _summary_sentences_outside(html: str, expected: str) -> tuple[int, list[str]]:
    """How many summary sentences (5, from the article's prose) the run made, and those whose
    words are not a run of words of the expected article text."""
    summary = summarize(extract_article(html).prose, sentences=5).summary
    words = _words(expected)
    return len(summary), [sentence for sentence in summary if _words(sentence) not in words]


def _trafilatura(html: str, url: str | None) -> tuple[str, str, int, str]:
    text = trafilatura.extract(html, url=url)
    return (text or ""), ("" if text else "nothing extracted"), 1, ""


EXTRACTORS: dict[str, Callable[[str, str | None], tuple[str, str, int, str]]] = {
    "ringkas extract_article": _ringkas,
    "plain trafilatura.extract": _trafilatura,
}


def _timed(extractor: Callable, key: str, html: str, url: str | None) -> PageRun:
    start, cpu = time.perf_counter(), time.process_time()
    text, refusal, pages, confidence = extractor(html, url)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return PageRun(key, text, refusal, wall, cpu, pages, confidence)


def _median_p95(values: list[float]) -> tuple[float, float]:
    ms = sorted(1000 * value for value in values)
    return statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]


def _times(runs: list[PageRun]) -> str:
    wall = _median_p95([run.seconds for run in runs])
    cpu = _median_p95([run.cpu for run in runs])
    return (
        f"median {wall[0]:5.1f} ms, p95 {wall[1]:5.1f} ms (CPU: median {cpu[0]:5.1f} ms, "
        f"p95 {cpu[1]:5.1f} ms)"
    )


# --- 1. the 173 pages ------------------------------------------------------------------------


def run_extraction_benchmark(data_dir: Path, verbose: bool) -> int:
    truth_file = data_dir / "ground-truth.jsonl"
    if not truth_file.exists():
        print(f"no ground-truth.jsonl in {data_dir}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in truth_file.read_text(encoding="utf-8").splitlines()]
    pages = []
    for row in rows:
        html, _encoding = decode_html(gzip.decompress((data_dir / row["file"]).read_bytes()), None)
        pages.append((row, html))
    for extractor in EXTRACTORS.values():  # warm up imports and caches
        _timed(extractor, "", pages[0][1], pages[0][0]["url"])

    print(f"== {len(rows)} pages of {data_dir} (benchmark metric: 4-token shingles) ==")
    print(f"{'extractor':<27} {'F1':>6} {'precis.':>7} {'recall':>6} {'refused':>7}  time per page")
    for name, extractor in EXTRACTORS.items():
        runs = [_timed(extractor, row["file"], html, row["url"]) for row, html in pages]
        scores = [
            shingle_tp_fp_fn(row["articleBody"], run.text)
            for row, run in zip(rows, runs, strict=True)
        ]
        total = benchmark_scores(scores)
        refused = sum(bool(run.refusal) for run in runs)
        print(
            f"{name:<27} {total.f1:6.3f} {total.precision:7.3f} {total.recall:6.3f} "
            f"{refused:7d}  {_times(runs)}"
        )
        if name.startswith("ringkas"):
            low = sum(run.confidence == "low" for run in runs if not run.refusal)
            print(f"{'':<27} low confidence on {low} extracted pages")
        if verbose:
            for row, run, (tp, fp, fn) in zip(rows, runs, scores, strict=True):
                if run.refusal or fp > 0.02 or fn > 0.05:
                    print(
                        f"   {row['file'][5:17]} P={_precision(tp, fp, fn):.2f} "
                        f"R={_recall(tp, fp, fn):.2f} {1000 * run.seconds:5.0f}ms "
                        f"{run.confidence:<4} {run.refusal} {row['url'][:70]}"
                    )
    return 0


# --- 2. the 38 Indonesian pages --------------------------------------------------------------


def _token_counts(text: str) -> Counter[str]:
    return Counter(token.casefold() for token in _TOKEN.findall(text))


def _overlap(reference: Counter[str], candidate: Counter[str]) -> float:
    total = sum(reference.values())
    return sum((reference & candidate).values()) / total if total else 0.0


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:5.1f}%"


def run_html_benchmark(data_dir: Path, verbose: bool) -> int:
    index = data_dir / "INDEX.tsv"
    if not index.exists():
        print(f"no INDEX.tsv in {data_dir}", file=sys.stderr)
        return 2
    with index.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    print(f"\n== {len(rows)} Indonesian pages of {data_dir} (token recall / precision) ==")
    runs: list[PageRun] = []
    wrong = 0
    recalls: list[float] = []
    precisions: list[float] = []
    summary_total = 0
    outside: list[tuple[str, str]] = []
    for row in rows:
        html, encoding = decode_html((data_dir / row["file"]).read_bytes(), None)
        run = _timed(_ringkas, row["file"], html, None)
        runs.append(run)
        expected_type = "listing" if row["page_type"].startswith("listing") else "article"
        detected = "listing" if run.refusal else "article"
        wrong += expected_type != detected
        recall = precision = None
        if row.get("expected_text_file") and not run.refusal:
            expected = (data_dir / row["expected_text_file"]).read_text(encoding="utf-8")
            recall = _overlap(_token_counts(expected), _token_counts(run.text))
            precision = _overlap(_token_counts(run.text), _token_counts(expected))
            recalls.append(recall)
            precisions.append(precision)
            if "full body" in row.get("expected_text_source", ""):
                count, strays = _summary_sentences_outside(html, expected)
                summary_total += count
                outside.extend((row["file"], sentence) for sentence in strays)
        if verbose or expected_type != detected:
            mark = "" if expected_type == detected else "  <-- WRONG"
            print(
                f"{row['file']:<20} {encoding:<8} {expected_type:<8} {detected:<8} "
                f"{_percent(recall):>7} {_percent(precision):>7} {1000 * run.seconds:6.1f} ms "
                f"p={run.pages} {run.confidence:<4} {run.refusal}{mark}"
            )
    print(f"page type right: {len(rows) - wrong}/{len(rows)}")
    if recalls:
        print(f"mean token recall (n={len(recalls)}):    {_percent(statistics.mean(recalls))}")
        print(f"mean token precision (n={len(recalls)}): {_percent(statistics.mean(precisions))}")
    print(
        f"summary sentences (5 per article, pages whose expected text is the full body) not in "
        f"the expected text: {len(outside)}/{summary_total}"
    )
    for name, sentence in outside:
        print(f"   {name}: {sentence[:150]}")
    print(f"extraction time: {_times(runs)}")
    return 0


# --- 3. a hostile page -----------------------------------------------------------------------


def run_large_page() -> int:
    html = many_links_page(links=20_000)
    print(f"\n== generated page: {len(html) / 1e6:.2f} MB, 20,000 links ==")
    for name, extractor in EXTRACTORS.items():
        run = _timed(extractor, "large", html, "https://berita.test/2024/01/02/artikel")
        outcome = f"refused: {run.refusal}" if run.refusal else "article"
        print(f"{name:<27} {run.seconds:.2f} s (CPU {run.cpu:.2f} s) ({outcome})")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_EXTRACTION_DIR)
    parser.add_argument("--html", type=Path, default=DEFAULT_HTML_DIR)
    parser.add_argument("--only", choices=("extraction", "html", "large"))
    parser.add_argument("--verbose", action="store_true", help="list pages that lose points")
    args = parser.parse_args(argv[1:])
    status = 0
    if args.only in (None, "extraction"):
        status |= run_extraction_benchmark(args.data, args.verbose)
    if args.only in (None, "html"):
        status |= run_html_benchmark(args.html, args.verbose)
    if args.only in (None, "large"):
        status |= run_large_page()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
