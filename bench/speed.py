"""Engine speed and memory: per-article time on IndoSum dev, a 100,000-character article, and
the CLI's peak resident memory (Indonesian sample file; English text on stdin, which also
loads langdetect's profiles).

Per article (detokenized IndoSum dev texts, after one warm-up call): the whole engine
(`summarize`, 3 sentences: cleaning, splitting, language, ranking, facts) beside LEAD-3 (the
engine's cleaning and splitting, then the first three sentences) and plain sumy LexRank on
the gold sentences, in the same run.

The ratio of the engine's median time to plain sumy LexRank's, both measured in this run on
the same articles, is the figure to quote (target: at most 2); absolute times depend on the
machine and on what else runs on it. `python -X importtime -c "import summarizer"` is
reported as the total import time of the package, measured in a fresh process.

Usage: python bench/speed.py [--data PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable

from common import PROJECT_ROOT, data_argument, detokenize, load_articles
from language import ENGLISH_PARAGRAPHS
from quality import plain_lexrank

from summarizer import summarize
from summarizer.cleaning import clean_text
from summarizer.language import warm_up as warm_language
from summarizer.sentences import split_sentences
from summarizer.words import warm_up as warm_words

LONG_ARTICLE_CHARS = 100_000
SAMPLE = PROJECT_ROOT / "seeds" / "rusia-ukraina-negosiasi.txt"
TARGETS = {"ratio": 2.0, "long": 1.5, "rss": 150.0, "import": 0.1}


def lead3(text: str) -> list[str]:
    return [s.text for s in split_sentences(clean_text(text))[:3]]


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return 1000 * (time.perf_counter() - started)


def _timed_both(call: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, CPU ms of this process): CPU time is less disturbed by a busy machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return 1000 * (time.perf_counter() - wall), 1000 * (time.process_time() - cpu)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def per_article(limit: int, data) -> tuple[dict[str, list[tuple[float, float]]], float]:  # type: ignore[no-untyped-def]
    articles = load_articles(data)
    if limit:
        articles = articles[:limit]
    texts = [detokenize(a).text for a in articles]
    cold = _timed(lambda: (warm_language(), warm_words(), summarize(texts[0])))
    times: dict[str, list[tuple[float, float]]] = {"engine": [], "LEAD-3": [], "sumy LexRank": []}
    for article, text in zip(articles, texts, strict=True):
        times["engine"].append(_timed_both(lambda t=text: summarize(t)))
        times["LEAD-3"].append(_timed_both(lambda t=text: lead3(t)))
        times["sumy LexRank"].append(_timed_both(lambda a=article: plain_lexrank(a)))
    return times, cold


def long_article(data) -> tuple[int, float, float, int]:  # type: ignore[no-untyped-def]
    """(characters, seconds, peak MiB traced by tracemalloc, sentences) for one long article."""
    parts: list[str] = []
    size = 0
    for article in load_articles(data):
        text = detokenize(article).text
        parts.append(text)
        size += len(text) + 2
        if size >= LONG_ARTICLE_CHARS:
            break
    text = "\n\n".join(parts)[:LONG_ARTICLE_CHARS]
    tracemalloc.start()
    started = time.perf_counter()
    digest = summarize(text)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return len(text), seconds, peak / 2**20, digest.sentences_total


_MEASURE_CHILD = (
    "import resource, subprocess, sys\n"
    "data = sys.stdin.buffer.read()\n"
    "subprocess.run(sys.argv[1:], input=data, check=True, capture_output=True)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def cli_peak_rss(text: str | None = None) -> tuple[float, float]:
    """(peak RSS MiB, wall seconds) of `ringkasbot summarize` on the sample article, or on
    `text` from standard input. Each run is measured in a fresh helper process, so that
    RUSAGE_CHILDREN holds that run's peak only."""
    command = [*_cli_command(), "summarize", str(SAMPLE) if text is None else "-"]
    started = time.perf_counter()
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE_CHILD, *command],
        input=(text or "").encode(),
        check=True,
        capture_output=True,
        cwd=PROJECT_ROOT,
    )
    seconds = time.perf_counter() - started
    return int(measured.stdout) / 1024, seconds


def import_seconds(repeats: int = 5) -> float:
    """Median total of `python -X importtime -c "import summarizer"` (fresh processes)."""
    totals = []
    for _ in range(repeats):
        run = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import summarizer"],
            check=True,
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
        )
        last = [line for line in run.stderr.splitlines() if line.endswith("| summarizer")][-1]
        totals.append(int(last.split("|")[1]) / 1e6)
    return statistics.median(totals)


def _cli_command() -> list[str]:
    # This checkout's code (an installed `ringkasbot` script may point at another one).
    return [sys.executable, "-m", "bot"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_argument(parser)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = parser.parse_args()
    cli_runs = {
        "ringkasbot summarize seeds/rusia-ukraina-negosiasi.txt": cli_peak_rss(),
        "ringkasbot summarize - < (3 English paragraphs)": cli_peak_rss(
            "\n\n".join(ENGLISH_PARAGRAPHS[:3])
        ),
    }
    imports = import_seconds()
    times, cold = per_article(args.limit, args.data)
    chars, long_seconds, long_peak, long_sentences = long_article(args.data)

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"Speed, {datetime.date.today().isoformat()}, Python {sys.version.split()[0]}, ")
    print(f"load average at the end {load} on {os.cpu_count()} CPUs\n")
    print(f"### Per article (IndoSum dev, {len(times['engine'])} articles, ms)\n")
    print("| method | median | p95 | max | mean | median CPU | p95 CPU |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, pairs in times.items():
        wall = [w for w, _ in pairs]
        cpu = [c for _, c in pairs]
        print(
            f"| {name} | {statistics.median(wall):.1f} | {percentile(wall, 0.95):.1f} | "
            f"{max(wall):.1f} | {statistics.fmean(wall):.1f} | {statistics.median(cpu):.1f} | "
            f"{percentile(cpu, 0.95):.1f} |"
        )
    print(f"\nWarm-up before timing (stop words, langdetect profiles, one article): {cold:.0f} ms")
    engine = times["engine"]
    lexrank = times["sumy LexRank"]
    wall_ratio = statistics.median(w for w, _ in engine) / statistics.median(w for w, _ in lexrank)
    cpu_ratio = statistics.median(c for _, c in engine) / statistics.median(c for _, c in lexrank)
    print(
        f"Engine / plain sumy LexRank, medians in this run: {wall_ratio:.2f} (wall), "
        f"{cpu_ratio:.2f} (CPU). Target: <= {TARGETS['ratio']:.0f}.\n"
    )
    print(
        f'`python -X importtime -c "import summarizer"`: {imports:.3f} s total (median of 5 '
        f"fresh processes). Target: <= {TARGETS['import']} s.\n"
    )
    print("### One long article\n")
    print("| characters | sentences | seconds | peak traced memory (MiB) |")
    print("| ---: | ---: | ---: | ---: |")
    print(f"| {chars:,} | {long_sentences} | {long_seconds:.2f} | {long_peak:.1f} |")
    print(f"\nTarget: <= {TARGETS['long']} s.\n")
    print("### CLI\n")
    print("| command | peak RSS (MiB) | wall seconds |")
    print("| --- | ---: | ---: |")
    for command, (rss, cli_seconds) in cli_runs.items():
        print(f"| `{command}` | {rss:.1f} | {cli_seconds:.2f} |")
    print(f"\nTarget: peak RSS <= {TARGETS['rss']:.0f} MiB.")


if __name__ == "__main__":
    main()
