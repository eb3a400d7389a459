"""Language detection: langdetect with a fixed seed, so a text always gets the same answer."""

from __future__ import annotations

import json
import os
import re
import struct
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FIRST_CLASS_LANGUAGES = ("id", "en")
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.80
_SAMPLE_CHARS = 1000
_SEED = 0
# Ringkas's readers send Indonesian and English far more often than anything else; a mild
# prior keeps short texts from drifting to look-alike languages (Malay is not in the profiles,
# Tagalog and Somali are the usual confusions).
_PRIOR = {"id": 0.35, "en": 0.25}
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Text up to this many letters must contain a function word of some language to be judged.
_NOISE_CHECK_LETTERS = 300
# Indonesian and English sentences each at least this share of the decided ones: "mixed".
_MIXED_SHARE = 0.34
# A sentence votes for Indonesian or English with at least this many more stop words of it.
_VOTE_MARGIN = 2
# A text of this many words or more with this many Indonesian stop words, outnumbering the
# English ones this many times over, is Indonesian without asking langdetect.
_VOTE_MIN_WORDS = 40
_VOTE_MIN_HITS = 8
_VOTE_DOMINANCE = 8
_LATIN_STOP_LIST_LANGUAGES = (
    "ca", "cs", "da", "de", "en", "es", "fi", "fr", "hu", "id", "it", "ms", "nb", "nl", "pl",
    "pt", "ro", "sk", "sv", "tr", "vi",
)  # fmt: skip
_URLS_AND_NUMBERS = re.compile(r"https?://\S+|www\.\S+|\d+")


@dataclass(frozen=True)
class LanguageGuess:
    """A language code (ISO 639-1) or None when the text does not say enough."""

    code: str | None
    confidence: float
    source: str  # "detected", "override", "too-short" or "uncertain"

    @property
    def is_first_class(self) -> bool:
        return self.code in FIRST_CLASS_LANGUAGES


class _PackedNgramTable:
    """langdetect's n-gram table in three flat arrays (hand-written: langdetect has no compact
    form of its own).

    langdetect keeps a list of 55 floats for each of ~88,000 n-grams (about 65 MB of a
    process's peak memory), although an n-gram has two non-zero entries on average. Here a
    row is its (language index, probability) pairs, all rows in one `bytes`, found by the
    n-gram's hash in a sorted array: about 3 MB where a dict of ~88,000 keys and packed rows
    took 19, in every process that detects languages (the workers' template and each engine
    worker), and built from flat arrays, so no small objects are left behind as fragments.
    A lookup returns the dense row langdetect's detector expects, so its answers do not
    change.
    """

    def __init__(
        self, size: int, hashes: array[int], ends: array[int], packed: bytes, salt: bytes
    ) -> None:
        self._size = size
        self._salt = salt  # of the hashes (see _load_table)
        self._hashes = hashes  # sorted
        self._ends = ends  # where each n-gram's pairs end in `packed` (in bytes)
        self._packed = packed
        # The detector reads the frequent rows again and again: those are kept dense.
        self._dense = lru_cache(maxsize=4096)(self._build_dense)
        # Every n-gram of a text is looked up, the common ones again and again: their places
        # are remembered (a bisect with its hashing costs about ten dict lookups).
        self._position = lru_cache(maxsize=4096)(self._find)

    def _find(self, ngram: str) -> int:
        key = _key(ngram, self._salt)
        position = bisect_left(self._hashes, key)
        if position < len(self._hashes) and self._hashes[position] == key:
            return position
        return -1

    def __contains__(self, ngram: object) -> bool:
        return isinstance(ngram, str) and self._position(ngram) >= 0

    def __getitem__(self, ngram: str) -> list[float]:
        return self._dense(ngram)

    def __len__(self) -> int:
        return len(self._hashes)

    def _build_dense(self, ngram: str) -> list[float]:
        position = self._position(ngram)
        if position < 0:
            raise KeyError(ngram)
        start = self._ends[position - 1] if position else 0
        dense = [0.0] * self._size
        for index, probability in _PAIR.iter_unpack(self._packed[start : self._ends[position]]):
            dense[index] = probability
        return dense


_PAIR = struct.Struct("<Bd")  # a language's index and the n-gram's probability in it
_NO_PROBABILITY = 255  # an n-gram langdetect lists but gives no probability (longer than 3)


def _key(ngram: str, salt: bytes = b"") -> int:
    # Of the UTF-8 bytes: `hash(str)` hashes the string's internal buffer, so "ir" (two
    # one-byte characters) and "物" (one two-byte character) would collide. The interpreter's
    # hash is the same in the workers forked from the process that built the table.
    return hash(salt + ngram.encode("utf-8", "surrogatepass"))


class _HashCollision(ValueError):
    """Two n-grams share a 64-bit hash (about once in 10^9 builds)."""


class _TableBuilder:
    """Collects (n-gram, language, probability) entries in flat arrays, then packs them."""

    def __init__(self, salt: bytes) -> None:
        self._salt = salt
        self._keys = array("q")
        self._checks = array("q")  # a second hash, to notice two n-grams sharing the first
        self._languages = array("B")
        self._probabilities = array("d")

    def add(self, ngram: str, language: int, probability: float | None) -> None:
        self._keys.append(_key(ngram, self._salt))
        self._checks.append(_key(ngram, _CHECK_SALT))
        self._languages.append(_NO_PROBABILITY if probability is None else language)
        self._probabilities.append(0.0 if probability is None else probability)

    def build(self, size: int) -> _PackedNgramTable:
        import numpy as np

        keys = np.frombuffer(self._keys, dtype=np.int64)
        order = np.argsort(keys, kind="stable")  # stable: languages stay in profile order
        keys = keys[order]
        checks = np.frombuffer(self._checks, dtype=np.int64)[order]
        languages = np.frombuffer(self._languages, dtype=np.uint8)[order]
        probabilities = np.frombuffer(self._probabilities, dtype=np.float64)[order]
        unique_keys, first = np.unique(keys, return_index=True)
        pairs = np.unique(np.stack([keys, checks], axis=1), axis=0)
        if len(pairs) != len(unique_keys):
            raise _HashCollision(f"two n-grams share a hash (salt {self._salt!r})")
        kept = languages != _NO_PROBABILITY
        counted = np.concatenate([[0], np.cumsum(kept)])
        last = np.append(first[1:], len(keys))
        packed = np.empty(int(kept.sum()), dtype=np.dtype([("i", "u1"), ("p", "<f8")]))
        packed["i"], packed["p"] = languages[kept], probabilities[kept]
        return _PackedNgramTable(
            size,
            array("q", unique_keys.tobytes()),
            array("I", (counted[last] * _PAIR.size).astype(np.uint32).tobytes()),
            packed.tobytes(),
            self._salt,
        )


_CHECK_SALT = b"\xff"
_SALTS = (b"", b"\x01", b"\x02")  # a salted hash for the rare build whose hashes collide


def _load_table(directory: str, salt: bytes) -> tuple[list[str], _PackedNgramTable]:
    """The profiles' language names and n-gram table, as `DetectorFactory.load_profile`
    reads them (same order, same probabilities)."""
    builder = _TableBuilder(salt)
    languages: list[str] = []
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as handle:
            profile = json.load(handle)
        index = len(languages)
        languages.append(profile["name"])
        n_words = profile["n_words"]
        for ngram, count in profile["freq"].items():
            length = len(ngram)
            builder.add(ngram, index, count / n_words[length - 1] if 1 <= length <= 3 else None)
    return languages, builder.build(len(languages))


@lru_cache(maxsize=1)
def _factory() -> Any:  # a langdetect DetectorFactory
    """langdetect's factory, loaded as `DetectorFactory.load_profile` does (same profile order
    and probabilities) into a packed table. (langdetect is imported here, when first needed:
    most Indonesian texts never need it.)"""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    for salt in _SALTS:
        try:
            factory.langlist, factory.word_lang_prob_map = _load_table(PROFILES_DIRECTORY, salt)
            break
        except _HashCollision:
            continue
    else:  # never seen: langdetect's own (larger) table
        factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(_SEED)
    return factory


def _probabilities(sample: str) -> list[tuple[str, float]]:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory().create()
    prior = {lang: _PRIOR.get(lang, 0.4 / len(_factory().langlist)) for lang in _factory().langlist}
    detector.set_prior_map(prior)
    detector.append(sample)
    try:
        return [(p.lang, p.prob) for p in detector.get_probabilities()]
    except LangDetectException:
        return []


@lru_cache(maxsize=1)
def _latin_function_words() -> frozenset[str]:
    """Stop words of the Latin-script languages that have a list: real text has some."""
    from .words import stop_words_for

    words: set[str] = set()
    for language in _LATIN_STOP_LIST_LANGUAGES:
        words |= stop_words_for(language)
    return frozenset(words)


@lru_cache(maxsize=1)
def _exclusive_stop_words() -> tuple[frozenset[str], frozenset[str]]:
    """(Indonesian-only, English-only) stop words: they tell the two apart sentence by sentence."""
    from .words import stop_words_for

    # Words of one or two letters are left out: the English list has every country code.
    indonesian = {w for w in stop_words_for("id") if len(w) > 2}
    english = {w for w in stop_words_for("en") if len(w) > 2}
    return frozenset(indonesian - english), frozenset(english - indonesian)


def _is_latin_text(words: list[str]) -> bool:
    letters = "".join(words)
    latin = sum(1 for ch in letters if ch < "\u0250")
    return bool(letters) and latin / len(letters) > 0.8


def _looks_like_noise(words: list[str]) -> bool:
    """Short Latin-script text without a single function word of any language ("wkwkwk")."""
    if not _is_latin_text(words) or sum(map(len, words)) > _NOISE_CHECK_LETTERS:
        return False
    function_words = _latin_function_words()
    return not any(word in function_words for word in words)


def _sentence_vote(sentence: str) -> str | None:
    indonesian, english = _exclusive_stop_words()
    words = _WORD.findall(sentence.lower())
    id_hits = sum(1 for w in words if w in indonesian)
    en_hits = sum(1 for w in words if w in english)
    if abs(id_hits - en_hits) < _VOTE_MARGIN:
        return None
    return "id" if id_hits > en_hits else "en"


def _indonesian_vote(words: list[str]) -> float | None:
    """The Indonesian share of the id/en stop words of a longer text that is clearly
    Indonesian, else None. Saves running langdetect (a few ms) on most articles."""
    if len(words) < _VOTE_MIN_WORDS:
        return None
    indonesian, english = _exclusive_stop_words()
    id_hits = sum(1 for w in words if w in indonesian)
    en_hits = sum(1 for w in words if w in english)
    if id_hits < _VOTE_MIN_HITS or en_hits * _VOTE_DOMINANCE > id_hits:
        return None
    return id_hits / (id_hits + en_hits)


def _is_mixed_indonesian_english(sample: str) -> bool:
    """Whether a real share of sentences is Indonesian and another real share English."""
    from .sentences import split_sentences

    votes = Counter(_sentence_vote(s.text) for s in split_sentences(sample))
    votes.pop(None, None)
    decided = votes["id"] + votes["en"]
    return decided >= 2 and min(votes["id"], votes["en"]) / decided >= _MIXED_SHARE


def _normalize_code(code: str) -> str:
    return code.split("-")[0].lower()


def detect_language(text: str, *, override: str | None = None) -> LanguageGuess:
    """Detect the language of `text`, or take `override` (e.g. from `--lang`) as given."""
    if override:
        return LanguageGuess(_normalize_code(override), 1.0, "override")
    sample = _URLS_AND_NUMBERS.sub(" ", text[:_SAMPLE_CHARS])
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return LanguageGuess(None, 0.0, "too-short")
    words = _WORD.findall(sample.lower())
    if _looks_like_noise(words) or _is_mixed_indonesian_english(sample):
        return LanguageGuess(None, 0.0, "uncertain")
    share = _indonesian_vote(words)
    if share is not None:
        return LanguageGuess("id", round(share, 3), "detected")
    ranked = _probabilities(sample)
    if not ranked:
        return LanguageGuess(None, 0.0, "uncertain")
    code, confidence = ranked[0]
    if confidence < MIN_CONFIDENCE:
        return LanguageGuess(None, round(confidence, 3), "uncertain")
    return LanguageGuess(_normalize_code(code), round(confidence, 3), "detected")


def warm_up() -> None:
    """Load the language profiles now rather than on the first message."""
    _factory()
