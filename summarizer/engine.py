"""From raw article text to a language, an extractive summary and key facts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .cleaning import clean_text
from .language import LanguageGuess, detect_language
from .results import Fact

if TYPE_CHECKING:
    from .ranking import Scorer
    from .words import LanguageTools

# The ranker (numpy, sumy), the stemmers and the fact finder are imported when the first
# article is summarized, so that `import summarizer` stays quick for commands that never
# summarize.

ENGINE_VERSION = "5"  # bump whenever summaries or facts change: it keys the cache
DEFAULT_SENTENCES = 3
MIN_SENTENCES, MAX_SENTENCES = 1, 10
MIN_ARTICLE_WORDS = 15
MIN_ARTICLE_SENTENCES = 2
MIN_SUMMARY_SENTENCE_WORDS = 4
NEAR_DUPLICATE_OVERLAP = 0.8
# Longer input is cut (at a line break) before analysis: no news article is this long, and
# it keeps the work on pasted books or log files bounded.
MAX_ARTICLE_CHARS = 200_000


class ArticleError(ValueError):
    """Text the engine cannot summarize; `code` names why ("empty" or "too-short")."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Digest:
    """What the engine made of one article."""

    language: LanguageGuess
    summary: tuple[str, ...]
    summary_indices: tuple[int, ...]
    facts: tuple[Fact, ...]
    sentences_total: int
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form (`ringkasbot summarize --json`)."""
        return {
            "language": self.language.code,
            "language_confidence": self.language.confidence,
            "summary": list(self.summary),
            "facts": [{"text": f.text, "kind": f.kind, "sentence": f.sentence} for f in self.facts],
            "sentences_total": self.sentences_total,
        }

    def to_record(self) -> dict[str, Any]:
        """Everything the digest holds, as plain data (`from_record` reads it back)."""
        return self.to_dict() | {
            "language_source": self.language.source,
            "summary_indices": list(self.summary_indices),
            "truncated": self.truncated,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Digest:
        """Raises KeyError, TypeError or ValueError for a record of another shape."""
        language = LanguageGuess(
            record["language"], float(record["language_confidence"]), record["language_source"]
        )
        return cls(
            language=language,
            summary=tuple(str(sentence) for sentence in record["summary"]),
            summary_indices=tuple(int(index) for index in record["summary_indices"]),
            facts=tuple(
                Fact(str(f["text"]), str(f["kind"]), int(f["sentence"])) for f in record["facts"]
            ),
            sentences_total=int(record["sentences_total"]),
            truncated=bool(record["truncated"]),
        )


@dataclass(frozen=True)
class CleanText:
    """Article text as the engine reads it: cleaned once, and cut when far too long.

    Cleaning is idempotent (`clean_text` repeats its passes until nothing changes) but not
    free, so text is cleaned once: by `clean_article`, before keying a cache or summarizing.
    """

    text: str
    truncated: bool = False


def _repeated_share(candidate: set[str], chosen: set[str]) -> float:
    """Share of a candidate's terms that a chosen sentence already shows. A long sentence
    that contains a short chosen one's words is not its repeat (it says more); a short one
    inside a long chosen sentence is."""
    if not candidate:
        return 0.0
    return len(candidate & chosen) / len(candidate)


def _is_fragment(sentence: str) -> bool:
    """A piece that starts in lower case: the tail of an overlong sentence cut at a clause."""
    first_letter = next((ch for ch in sentence if ch.isalpha()), "")
    return first_letter.islower()


def select_summary(
    sentences: list[str], scores: list[float], count: int, tools: LanguageTools
) -> list[int]:
    """Indices of the best `count` sentences, in article order, skipping near-duplicates.

    Whole sentences go before fragments of cut sentences; what was skipped fills up the
    summary only when an article has nothing else to offer.
    """
    from .words import word_count

    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    fragment = {i: _is_fragment(sentences[i]) for i in order}
    candidates = order[: count * 4]
    terms = {i: set(tools.content_terms(sentences[i])) for i in candidates}
    chosen: list[int] = []
    for allow_fragments in (False, True):
        for index in candidates:
            if len(chosen) == count:
                break
            if index in chosen or (fragment[index] and not allow_fragments):
                continue
            too_short = word_count(sentences[index]) < MIN_SUMMARY_SENTENCE_WORDS
            if too_short and len(sentences) > count:
                continue
            if any(
                _repeated_share(terms[index], terms[j]) >= NEAR_DUPLICATE_OVERLAP for j in chosen
            ):
                continue
            chosen.append(index)
    if len(chosen) < count:  # short or repetitive articles: say something rather than less
        rest = sorted((i for i in order if i not in chosen), key=lambda i: fragment[i])
        chosen += rest[: count - len(chosen)]
    return sorted(chosen)


def _bounded(text: str) -> tuple[str, bool]:
    if len(text) <= MAX_ARTICLE_CHARS:
        return text, False
    cut = text.rfind("\n", 0, MAX_ARTICLE_CHARS)
    return text[: cut if cut > MAX_ARTICLE_CHARS // 2 else MAX_ARTICLE_CHARS], True


def check_sentence_count(count: int) -> int:
    if not MIN_SENTENCES <= count <= MAX_SENTENCES:
        raise ValueError(f"summary length must be {MIN_SENTENCES} to {MAX_SENTENCES} sentences")
    return count


def clean_article(text: str) -> CleanText:
    """Bound and clean raw article text, once."""
    bounded, truncated = _bounded(text)
    return CleanText(clean_text(bounded), truncated)


def summarize(
    text: str, *, sentences: int = DEFAULT_SENTENCES, language: str | None = None
) -> Digest:
    """Summarize raw article text. Raises ArticleError for empty or too-short text."""
    return summarize_clean(clean_article(text), sentences=sentences, language=language)


def summarize_clean(
    article: CleanText, *, sentences: int = DEFAULT_SENTENCES, language: str | None = None
) -> Digest:
    """Summarize text that `clean_article` cleaned. Raises ArticleError (empty, too short)."""
    return digest_article(article, sentences=sentences, language=language)


def _importance(scores: list[float]) -> list[float]:
    """Ranker scores as 0..1 within the article (the best sentence 1, the worst 0)."""
    finite = [s for s in scores if math.isfinite(s)]
    if not finite:
        return [0.0] * len(scores)
    low, high = min(finite), max(finite)
    spread = high - low or 1.0
    return [(s - low) / spread if math.isfinite(s) else 0.0 for s in scores]


def digest_article(
    article: CleanText,
    *,
    sentences: int = DEFAULT_SENTENCES,
    language: str | None = None,
    scorer: Scorer | None = None,
) -> Digest:
    """`summarize_clean` with another sentence scorer (benchmarks pass fold-trained ones)."""
    from .facts import extract_facts
    from .ranking import RankedSentence, score_sentences
    from .sentences import split_sentences
    from .words import tools_for, word_count

    check_sentence_count(sentences)
    cleaned, truncated = article.text, article.truncated
    if not cleaned:
        raise ArticleError("empty", "the text is empty")
    pieces = split_sentences(cleaned)
    split = [s.text for s in pieces]
    words = sum(word_count(s) for s in split)
    if len(split) < MIN_ARTICLE_SENTENCES or words < MIN_ARTICLE_WORDS:
        raise ArticleError(
            "too-short",
            f"the text is too short to summarize (need at least {MIN_ARTICLE_SENTENCES} "
            f"sentences and {MIN_ARTICLE_WORDS} words)",
        )
    guess = detect_language(cleaned, override=language)
    tools = tools_for(guess.code)
    ranked = [RankedSentence(s.text, s.paragraph) for s in pieces]
    scores = score_sentences(ranked, tools, scorer)
    chosen = select_summary(split, scores, min(sentences, len(split)), tools)
    summary = tuple(split[i] for i in chosen)
    facts = tuple(extract_facts(split, summary, importance=_importance(scores)))
    return Digest(guess, summary, tuple(chosen), facts, len(split), truncated)
