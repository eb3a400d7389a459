"""Words for ranking: a tokenizer, a stemmer and stop words for each language.

Sumy's stock tokenizer needs NLTK data that cannot be downloaded here (and has no Indonesian
model), so the engine brings its own. English and the other Snowball languages are stemmed
with snowballstemmer. Indonesian words are not stemmed: with PySastrawi's stemmer the ranker
scored the same in cross-validation on 2,146 IndoSum articles (ROUGE-1 70.00 with, 69.96
without), while it cost about 1.5 ms per article on words not seen before and a dictionary
load at start-up (bench/train_scorer.py, docs/benchmarks.md).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .vocabulary import CJK_CHARACTERS

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")

_SNOWBALL_NAMES = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
    "el": "greek", "en": "english", "es": "spanish", "et": "estonian", "eu": "basque",
    "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi", "hu": "hungarian",
    "hy": "armenian", "it": "italian", "lt": "lithuanian", "ne": "nepali", "nl": "dutch",
    "no": "norwegian", "fa": "persian", "pl": "polish", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
}  # fmt: skip


def words_of(text: str) -> list[str]:
    """The words of a text as written; hyphenated words ("masing-masing") stay whole."""
    return _WORD.findall(text)


# Chinese, Japanese and Korean are written without spaces: each character counts as a word.
_CJK_CHARACTER = re.compile(f"[{CJK_CHARACTERS}]")


def word_count(text: str) -> int:
    """How many words a text has, counting each CJK character as one."""
    characters = len(_CJK_CHARACTER.findall(text))
    if not characters:
        return len(_WORD.findall(text))
    return characters + len(_WORD.findall(_CJK_CHARACTER.sub(" ", text)))


@dataclass(frozen=True)
class SentenceTokenizer:
    """What sumy needs from a tokenizer. Sentences are split before sumy sees them."""

    language: str

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        from .sentences import split_sentences

        return tuple(s.text for s in split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words_of(sentence))


def _identity(word: str) -> str:
    return word


def _snowball(language: str) -> Callable[[str], str]:
    import snowballstemmer

    # A snowballstemmer object keeps its state between calls: one thread at a time.
    stemmer = snowballstemmer.stemmer(language)
    lock = threading.Lock()

    def stem(word: str) -> str:
        with lock:
            return str(stemmer.stemWord(word))

    return lru_cache(maxsize=100_000)(stem)


@lru_cache(maxsize=64)
def stemmer_for(language: str | None) -> Callable[[str], str]:
    """A stemmer taking one lower-case word; identity where no stemmer exists, and for
    Indonesian (see the module's docstring)."""
    name = _SNOWBALL_NAMES.get(language or "")
    return _snowball(name) if name else _identity


@lru_cache(maxsize=64)
def stop_words_for(language: str | None) -> frozenset[str]:
    """Lower-case stop words; empty for a language without a list."""
    from stop_words import LANGUAGE_MAPPING, StopWordError, get_stop_words

    if not language or language not in LANGUAGE_MAPPING:
        return frozenset()
    try:
        return frozenset(word.lower() for word in get_stop_words(language))
    except StopWordError:
        return frozenset()


@dataclass(frozen=True)
class LanguageTools:
    language: str | None
    tokenizer: SentenceTokenizer
    stem: Callable[[str], str] = field(repr=False)
    stop_words: frozenset[str] = field(repr=False)

    def content_terms(self, sentence: str) -> list[str]:
        """Stemmed, lower-cased words of a sentence without stop words."""
        terms = []
        for word in words_of(sentence.lower()):
            if word not in self.stop_words:
                terms.append(self.stem(word))
        return terms


@lru_cache(maxsize=64)
def tools_for(language: str | None) -> LanguageTools:
    return LanguageTools(
        language=language,
        tokenizer=SentenceTokenizer(language or "unknown"),
        stem=stemmer_for(language),
        stop_words=stop_words_for(language),
    )


def warm_up(language: str = "id") -> None:
    """Load stop words and stemmers now instead of on the first message."""
    tools_for(language).content_terms("memulai")
