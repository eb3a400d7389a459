"""Ringkas's engine: pure functions from article text (or a page) to a summary and key facts."""

from .engine import (
    DEFAULT_SENTENCES,
    ENGINE_VERSION,
    MAX_SENTENCES,
    MIN_SENTENCES,
    ArticleError,
    Digest,
    summarize,
)
from .facts import Fact
from .language import LanguageGuess, detect_language

__all__ = [
    "DEFAULT_SENTENCES",
    "ENGINE_VERSION",
    "MAX_SENTENCES",
    "MIN_SENTENCES",
    "ArticleError",
    "Digest",
    "Fact",
    "LanguageGuess",
    "detect_language",
    "summarize",
]
