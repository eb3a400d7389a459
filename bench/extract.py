"""Benchmark article extraction on the saved news pages in ../shared/data/html.

For each page: the expected page type (INDEX.tsv) against the detected one, and for articles
the recall of the expected text (share of its word tokens, with multiplicity, found in the
extracted text) and the precision (share of extracted tokens found in the expected text; low
when the expected text is only a lead paragraph, so read it with that in mind).

Usage: python bench/extract.py [DATA_DIR]
"""

from __future__ import annotations

import csv
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from web.charset import decode_html
from web.extract import NotAnArticle, extract_article

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "html"
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class PageResult:
    name: str
    expected_type: str
    detected_type: str
    reason: str
    recall: float | None
    precision: float | None
    seconds: float
    encoding: str


def _tokens(text: str) -> Counter[str]:
    return Counter(token.casefold() for token in _TOKEN.findall(text))


def _overlap(reference: Counter[str], candidate: Counter[str]) -> float:
    total = sum(reference.values())
    if total == 0:
        return 0.0
    return sum((reference & candidate).values()) / total


def _measure(data_dir: Path, row: dict[str, str]) -> PageResult:
    name = row["file"]
    expected_type = "listing" if row["page_type"].startswith("listing") else "article"
    html, encoding = decode_html((data_dir / name).read_bytes(), None)
    start = time.perf_counter()
    try:
        article = extract_article(html)
    except NotAnArticle as refusal:
        seconds = time.perf_counter() - start
        return PageResult(
            name, expected_type, "listing", str(refusal), None, None, seconds, encoding
        )
    seconds = time.perf_counter() - start
    recall = precision = None
    if row.get("expected_text_file"):
        expected = _tokens((data_dir / row["expected_text_file"]).read_text(encoding="utf-8"))
        extracted = _tokens(article.text)
        recall = _overlap(expected, extracted)
        precision = _overlap(extracted, expected)
    return PageResult(name, expected_type, "article", "", recall, precision, seconds, encoding)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:5.1f}%"


def main(argv: list[str]) -> int:
    data_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATA_DIR
    index = data_dir / "INDEX.tsv"
    if not index.exists():
        print(f"no INDEX.tsv in {data_dir}", file=sys.stderr)
        return 2
    with index.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    results = [_measure(data_dir, row) for row in rows]

    header = f"{'page':<20} {'encoding':<8} {'expected':<8} {'detected':<8} {'recall':>7} "
    print(header + f"{'precis.':>7} {'ms':>6}  note")
    for result in results:
        mark = "" if result.expected_type == result.detected_type else "  <-- WRONG"
        print(
            f"{result.name:<20} {result.encoding:<8} {result.expected_type:<8} "
            f"{result.detected_type:<8} {_percent(result.recall):>7} "
            f"{_percent(result.precision):>7} {1000 * result.seconds:6.1f}  {result.reason}{mark}"
        )

    articles = [r for r in results if r.expected_type == "article"]
    listings = [r for r in results if r.expected_type == "listing"]
    measured = [r for r in articles if r.recall is not None and r.precision is not None]
    articles_ok = sum(r.detected_type == "article" for r in articles)
    listings_ok = sum(r.detected_type == "listing" for r in listings)
    print()
    print(f"articles detected as articles: {articles_ok}/{len(articles)}")
    print(f"listings refused:              {listings_ok}/{len(listings)}")
    if measured:
        mean_recall = sum(r.recall or 0.0 for r in measured) / len(measured)
        mean_precision = sum(r.precision or 0.0 for r in measured) / len(measured)
        print(f"mean token recall (n={len(measured)}):    {_percent(mean_recall)}")
        print(f"mean token precision (n={len(measured)}): {_percent(mean_precision)}")
    seconds = [r.seconds for r in results]
    print(
        f"extraction time: total {sum(seconds):.2f}s, mean {1000 * sum(seconds) / len(seconds):.1f}"
        f" ms, max {1000 * max(seconds):.1f} ms over {len(results)} pages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
