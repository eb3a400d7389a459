"""From raw article text to a language, an extractive summary and key facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .cleaning import clean_text
from .facts import Fact, extract_facts
from .language import LanguageGuess, detect_language
from .ranking import score_sentences
from .sentences import split_sentences
from .words import LanguageTools, tools_for

ENGINE_VERSION = "1"
DEFAULT_SENTENCES = 3
MIN_SENTENCES, MAX_SENTENCES = 1, 10
MIN_ARTICLE_WORDS = 15
MIN_ARTICLE_SENTENCES = 2
MIN_SUMMARY_SENTENCE_WORDS = 4
NEAR_DUPLICATE_OVERLAP = 0.7
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
        return {
            "language": self.language.code,
            "language_confidence": self.language.confidence,
            "summary": list(self.summary),
            "facts": [{"text": f.text, "kind": f.kind, "sentence": f.sentence} for f in self.facts],
            "sentences_total": self.sentences_total,
        }


def _content_overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def select_summary(
    sentences: list[str], scores: list[float], count: int, tools: LanguageTools
) -> list[int]:
    """Indices of the best `count` sentences, in article order, skipping near-duplicates."""
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    terms = {i: set(tools.content_terms(sentences[i])) for i in order[: count * 4]}
    chosen: list[int] = []
    for index in order[: count * 4]:
        if len(chosen) == count:
            break
        if len(sentences[index].split()) < MIN_SUMMARY_SENTENCE_WORDS and len(sentences) > count:
            continue
        if any(_content_overlap(terms[index], terms[j]) >= NEAR_DUPLICATE_OVERLAP for j in chosen):
            continue
        chosen.append(index)
    if len(chosen) < count:  # short articles: allow what was skipped rather than say less
        chosen += [i for i in order if i not in chosen][: count - len(chosen)]
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


def summarize(
    text: str, *, sentences: int = DEFAULT_SENTENCES, language: str | None = None
) -> Digest:
    """Summarize raw article text. Raises ArticleError for empty or too-short text."""
    check_sentence_count(sentences)
    bounded, truncated = _bounded(text)
    cleaned = clean_text(bounded)
    if not cleaned:
        raise ArticleError("empty", "the text is empty")
    split = [s.text for s in split_sentences(cleaned)]
    word_count = sum(len(s.split()) for s in split)
    if len(split) < MIN_ARTICLE_SENTENCES or word_count < MIN_ARTICLE_WORDS:
        raise ArticleError(
            "too-short",
            f"the text is too short to summarize (need at least {MIN_ARTICLE_SENTENCES} "
            f"sentences and {MIN_ARTICLE_WORDS} words)",
        )
    guess = detect_language(cleaned, override=language)
    tools = tools_for(guess.code)
    scores = score_sentences(split, tools)
    chosen = select_summary(split, scores, min(sentences, len(split)), tools)
    summary = tuple(split[i] for i in chosen)
    facts = tuple(extract_facts(split, summary))
    return Digest(guess, summary, tuple(chosen), facts, len(split), truncated)
