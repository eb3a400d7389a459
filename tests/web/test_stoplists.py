"""trafilatura's jusText fallback uses the stop words of the languages Ringkas reads."""

from __future__ import annotations

import trafilatura.external

import web.extract  # noqa: F401  (narrows the list on import)


def test_the_fallback_reads_indonesian_and_english_stop_words() -> None:
    stoplist = set(trafilatura.external.JT_STOPLIST)
    assert {"yang", "dan", "tidak", "the", "which", "because"} <= stoplist


def test_the_fallback_does_not_hold_every_language_of_justext() -> None:
    stoplist = set(trafilatura.external.JT_STOPLIST)
    assert len(stoplist) < 3000  # all 100 languages: ~154,000 words
    assert "und" not in stoplist and "пожалуйста" not in stoplist
