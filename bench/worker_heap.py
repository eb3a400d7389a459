"""A worker's memory after reading real news pages, with and without handing back the heap
that long jobs freed (`service/zygote.py`, TRIM_AFTER_SECONDS).

One engine worker (forked from a warmed template, as `ringkasbot run` makes them) reads and
summarizes each saved page of ../shared/data/html, `--passes` times over; the worker's RSS is
read before and after each pass. Each variant runs in a fresh interpreter, one after the other.

    python bench/worker_heap.py [--html DIR] [--passes 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path

from common import PROJECT_ROOT

import service.zygote
from service.records import compute_digest, warm_engine
from service.workers import Lane, LaneLimits
from summarizer import clean_article
from testkit.load.procfs import read_proc_kib
from web.charset import decode_html
from web.page_reading import read_first_page

DEFAULT_HTML_DIR = PROJECT_ROOT.parent / "shared" / "data" / "html"
NEVER = float("inf")


def read_and_summarize(html: str) -> bool:
    """A link's work in the heavy lane: the page read, then its digest."""
    try:
        article, _ = read_first_page(html, "https://berita.example/artikel")
        compute_digest(clean_article(article.prose), 3, None)
    except Exception:  # a page that is no article (an index, a video page) still ran
        return False
    return True


def trim_after_jobs_of(seconds: float) -> None:
    """In the worker: the length of job after which it hands back freed heap."""
    service.zygote.TRIM_AFTER_SECONDS = seconds  # read by the worker loop after each job


def rss_kib() -> int:
    return read_proc_kib(os.getpid(), "VmRSS") or 0


async def worker_rss(pages: list[str], passes: int, trim_after: float) -> list[int]:
    """The worker's RSS (KiB) before the first pass and after each one."""
    zygote = service.zygote.Zygote(warm_engine)
    lane = Lane("bench", zygote, LaneLimits(1, 60.0, 60.0))
    await lane.start()
    try:
        await lane.run(trim_after_jobs_of, trim_after)
        readings = [await lane.run(rss_kib)]
        for _ in range(passes):
            for page in pages:
                await lane.run(read_and_summarize, page)
            readings.append(await lane.run(rss_kib))
        return readings
    finally:
        await lane.close(grace=0.0)
        zygote.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, default=DEFAULT_HTML_DIR)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--trim-after", type=float, help="one variant, in this process")
    args = parser.parse_args()
    if args.trim_after is not None:
        pages = [decode_html(path.read_bytes())[0] for path in sorted(args.html.glob("*.html"))]
        # The workers import their jobs by module name, and their __main__ is not this script.
        import worker_heap

        readings = asyncio.run(worker_heap.worker_rss(pages, args.passes, args.trim_after))
        print(f"{len(pages)} pages: " + " -> ".join(f"{kib / 1024:.0f}" for kib in readings))
        return
    print(f"{args.passes} passes; the worker's RSS in MB, before the first and after each")
    kept = service.zygote.TRIM_AFTER_SECONDS
    for label, trim_after in (("heap kept", NEVER), (f"trimmed after jobs of {kept} s", kept)):
        own = [sys.executable, __file__, "--html", str(args.html), "--passes", str(args.passes)]
        run = subprocess.run(
            [*own, "--trim-after", str(trim_after)], capture_output=True, text=True
        )
        print(f"{label}, {run.stdout.strip() or run.stderr.strip()}")


if __name__ == "__main__":
    main()
