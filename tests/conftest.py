from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session")
def sample_article() -> str:
    return (SEEDS / "rusia-ukraina-negosiasi.txt").read_text(encoding="utf-8")
