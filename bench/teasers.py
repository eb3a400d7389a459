"""Measure where a teaser ends and a full article begins (the rule in handlers/links.py).

Teasers: what a news channel posts next to its link, i.e. the page's headline plus its
meta description (og:description, else description), from the saved pages in
../shared/data/html (Indonesian) and ../shared/data/extraction (mostly English).
Articles: the IndoSum development split (Indonesian) and the extraction benchmark's
ground-truth bodies (English). Prints, for both, the distribution of prose characters and
sentences, and how many of each a candidate rule would call "a full article".

    python bench/teasers.py
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import detokenize, load_articles
from handlers.links import is_full_article, prose_measure

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _meta(tree: lxml.html.HtmlElement, *names: str) -> str:
    for name in names:
        for attribute in ("property", "name"):
            found = tree.xpath(f'//meta[@{attribute}="{name}"]/@content')
            if found and str(found[0]).strip():
                return " ".join(str(found[0]).split())
    return ""


def _teaser(html: bytes) -> str | None:
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None
    title = _meta(tree, "og:title", "twitter:title") or " ".join(
        (tree.findtext(".//title") or "").split()
    )
    description = _meta(tree, "og:description", "description", "twitter:description")
    if not description:
        return None
    return f"{title}\n\n{description}\n\nBaca selengkapnya: https://example.com/berita/1"


def teasers() -> list[str]:
    found = []
    for page in sorted((SHARED / "html").glob("*.html")):
        teaser = _teaser(page.read_bytes())
        if teaser:
            found.append(teaser)
    for page in sorted((SHARED / "extraction" / "html").glob("*.html.gz")):
        teaser = _teaser(gzip.decompress(page.read_bytes()))
        if teaser:
            found.append(teaser)
    return found


def articles() -> list[str]:
    texts = [detokenize(article).text for article in load_articles()]
    with (SHARED / "extraction" / "ground-truth.jsonl").open(encoding="utf-8") as handle:
        texts += [json.loads(line)["articleBody"] for line in handle]
    return [text for text in texts if text.strip()]


def _describe(name: str, texts: list[str]) -> None:
    measures = [prose_measure(text) for text in texts]
    chars = sorted(m.chars for m in measures)
    sentences = sorted(m.sentences for m in measures)
    full = sum(is_full_article(text) for text in texts)

    def pct(values: list[int], p: float) -> int:
        return values[min(len(values) - 1, int(p * len(values)))]

    print(
        f"{name}: n={len(texts)}; prose chars p1 {pct(chars, 0.01)}, p5 {pct(chars, 0.05)}, "
        f"median {statistics.median(chars):.0f}, p95 {pct(chars, 0.95)}, max {chars[-1]}; "
        f"sentences p1 {pct(sentences, 0.01)}, p5 {pct(sentences, 0.05)}, median "
        f"{statistics.median(sentences):.0f}, p95 {pct(sentences, 0.95)}, max {sentences[-1]}; "
        f"called a full article: {full} ({full / len(texts):.1%})"
    )


def main() -> None:
    _describe("teasers", teasers())
    _describe("articles", articles())


if __name__ == "__main__":
    main()
