"""A local news site: saved article pages served on 127.0.0.1 for tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

PAGES = Path(__file__).resolve().parent / "pages"
