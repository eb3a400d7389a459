"""Ringkas's engine: text in, digest out. No sockets, no asyncio, no files, no SQL."""

from .engine import (
    DEFAULT_SENTENCES,
    ENGINE_VERSION,
    MAX_SENTENCES,
    MIN_SENTENCES,
    ArticleError,
    CleanText,
    Digest,
    clean_article,
    summarize,
    summarize_clean,
)
from .language import LanguageGuess, detect_language
from .results import Fact

__all__ = [
    "DEFAULT_SENTENCES",
    "ENGINE_VERSION",
    "MAX_SENTENCES",
    "MIN_SENTENCES",
    "ArticleError",
    "CleanText",
    "Digest",
    "Fact",
    "LanguageGuess",
    "clean_article",
    "detect_language",
    "summarize",
    "summarize_clean",
]
