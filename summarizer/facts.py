"""Key facts: verbatim sentences (or readable spans of them) that carry figures, dates, quotes
and actors, and that a reader can use on their own.

An article with fewer than three such facts (a listicle, a how-to) makes up three with its
best whole sentences outside the summary, of kind "statement".

Each fact is a whole sentence or a span that starts like a sentence and ends at a clause
boundary (`spans.py`), never rewritten, tagged with what it reports (`figures.py`) and the
index of the sentence it came from. A fact never repeats a summary sentence: it may not hold
80% or more of one summary sentence's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .figures import PROPER_NAME, Feature, features_in, figures_in, frequent_names, kind_of
from .results import Fact
from .spans import SOURCE_CLAUSE, Span, date_span, readable_spans
from .vocabulary import CONNECTIVES

MAX_FACT_CHARS = 200
MIN_FACTS = 3
MAX_FACTS = 7
MAX_FACT_SENTENCES = 120
MIN_FACT_WORDS = 4
# A bullet needs some ordinary words besides names and figures to say something.
MIN_LOWER_WORDS = 2
MIN_PLAIN_FACT_WORDS = 8
STATEMENT = "statement"
# A fact holding this share of one summary sentence's words would only repeat it.
SUMMARY_REPEAT_SHARE = 0.8

_POSITION_DECAY = 0.12
# Each figure (a number, a month or a weekday) a fact adds to the bullets is worth this much;
# a kind of fact not yet shown is worth its kind weight times this.
_FIGURE_GAIN = 1.0
_KEY_FIGURE_BONUS = 1.0
_NEW_KIND_GAIN = 0.35
_REPEATED_KIND_GAIN = 0.1
_MIN_GAIN = 0.05
_NEAR_DUPLICATE_OVERLAP = 0.8
# How well a span reads alone: a whole sentence best, then the head of a sentence, then a
# clause from its middle; a sentence leaning on the one before ("Ia juga ...") or closing a
# quotation opened earlier reads less well.
_WHOLE = 1.0
_OPENING_READABILITY = {
    "sentence": 0.9,
    "clause": 0.85,
    "name": 0.8,
    "phrase": 0.5,
    "date": 0.65,
    "lower": 0.7,
}
# A "when" bullet: a calendar date and what qualifies it ("Minggu (20/8) malam WIB"), up to
# the next clause boundary when that is this close.
_DATE_TAIL_CHARS = 30
_LEANING = 0.9
_QUOTE_SCRAP = 0.75
_LENGTH_COST = 0.15

# A sentence that can stand as a "statement" fact: opens with a capital (or a quotation that
# it closes) and ends a sentence (not a question, nor an introduction to a list ending in ":").
_STATEMENT_SHAPE = re.compile(r"^\"?[A-Z][^\n]*[.!]\"?$")
_WORD = re.compile(r"\w+")
_CONTENT_WORD = re.compile(r"[^\W_]{3,}")
_LOWER_WORD = re.compile(r"\b[a-z\u00df-\u00ff]{3,}\b")
_OPENING_WORD = re.compile(r"^\W*([^\W\d_]+)")


@dataclass(frozen=True)
class _Candidate:
    text: str
    kind: str
    sentence: int
    start: int
    end: int
    importance: float
    value: float  # the strongest feature's kind weight times strength
    readability: float
    figures: frozenset[str]
    words: frozenset[str]
    terse: bool  # names and figures only, or short without a figure: only to make up three


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _repeats(words: set[str], summary_words: Sequence[set[str]]) -> bool:
    return any(
        shown and len(words & shown) >= SUMMARY_REPEAT_SHARE * len(shown) for shown in summary_words
    )


def _sentence_readability(sentence: str) -> float:
    opening = _OPENING_WORD.match(sentence)
    leaning = opening is not None and opening.group(1).lower() in CONNECTIVES
    scrap = sentence.count('"') % 2 == 1 and not sentence.startswith('"')
    return (_QUOTE_SCRAP if scrap else 1.0) * (_LEANING if leaning else 1.0)


def _starts_in_lower_case(text: str) -> bool:
    first = next((ch for ch in text if ch.isalnum()), "")
    return first.islower()


def _date_spans(sentence: str, features: list[Feature]) -> list[Span]:
    """A "when" bullet for each calendar date inside a sentence."""
    found = (
        date_span(sentence, f.start, f.end, _DATE_TAIL_CHARS)
        for f in features
        if f.kind == "date" and f.names_a_date
    )
    return [span for span in found if span is not None]


def _terse(text: str, opening: str, figures: frozenset[str], features: list[Feature]) -> bool:
    """Names and figures only ("Halim, Jakarta Timur, Rabu (5/7/2017)."), or short without a
    figure: such spans only make up the first three facts. A phrase without a verb says
    something when it carries a calendar date (a "when" bullet) or some ordinary words."""
    lower_words = len(_LOWER_WORD.findall(text))
    if not figures and len(text.split()) < MIN_PLAIN_FACT_WORDS:
        return True
    if opening == "date":
        return False
    if opening != "phrase":
        return lower_words < 1
    dated = any(f.kind == "date" and f.names_a_date for f in features)
    return lower_words < MIN_LOWER_WORDS and not dated


def _candidate(
    index: int,
    sentence: str,
    span: Span,
    features: list[Feature],
    importance: float,
    readability: float,
    summary_words: Sequence[set[str]],
) -> _Candidate | None:
    text = sentence[span.start : span.end].rstrip(" ,;:")
    inside = [f for f in features if span.start <= f.start and f.end <= span.end]
    short = len(text.split()) < (2 if span.opening == "date" else MIN_FACT_WORDS)
    if not inside or short or (_starts_in_lower_case(text) and span.opening != "lower"):
        return None
    if text.endswith(("-", "\u2013", "\u2014")):
        return None  # a dateline left in the body ("ISTANBUL, 23 Februari 2016 (Antara) -")
    figures = figures_in(text)
    if span.opening == "phrase" and not figures:
        return None  # a phrase without a verb is only worth its figures
    if SOURCE_CLAUSE.match(text) and span.end < len(sentence):
        return None  # "Melansir dari CNN International Selasa (1/3), delegasi Rusia"
    if _repeats(_words(text), summary_words):
        return None
    whole = span.start == 0 and span.end == len(sentence)
    if whole:
        form = _WHOLE * readability
    else:
        form = _OPENING_READABILITY[span.opening] - _LENGTH_COST * len(text) / MAX_FACT_CHARS
    kind, value = kind_of(inside)
    return _Candidate(
        text=text,
        kind=kind,
        sentence=index,
        start=span.start,
        end=span.start + len(text),
        importance=importance,
        value=value,
        readability=form,
        figures=figures,
        words=frozenset(w.lower() for w in _CONTENT_WORD.findall(text)),
        terse=_terse(text, span.opening, figures, inside) or readability <= _QUOTE_SCRAP,
    )


def _sentence_candidates(
    index: int,
    sentence: str,
    features: list[Feature],
    importance: float,
    summary_words: Sequence[set[str]],
    in_summary: bool,
) -> list[_Candidate]:
    """The whole sentence when it makes a good fact (a part of it never adds more); else its
    readable spans and "when" bullets."""
    readability = _sentence_readability(sentence)
    if not in_summary and len(sentence) <= MAX_FACT_CHARS:
        whole = Span(0, len(sentence), "sentence")
        found = _candidate(index, sentence, whole, features, importance, readability, summary_words)
        if found is not None and not found.terse:
            return [found]
    spans = readable_spans(sentence, MAX_FACT_CHARS, whole=not in_summary)
    made = (
        _candidate(index, sentence, span, features, importance, readability, summary_words)
        for span in spans + _date_spans(sentence, features)
    )
    return [candidate for candidate in made if candidate is not None]


def _candidates(
    sentences: Sequence[str], summary: Sequence[str], importance: Sequence[float]
) -> list[_Candidate]:
    considered = sentences[:MAX_FACT_SENTENCES]
    names = [list(PROPER_NAME.finditer(sentence)) for sentence in considered]
    frequent = frequent_names(names)
    summary_set = set(summary)
    summary_words = [_words(s) for s in summary]
    candidates = []
    for index, sentence in enumerate(considered):
        features = features_in(sentence, frequent, names[index])
        if features:
            candidates += _sentence_candidates(
                index,
                sentence,
                features,
                importance[index],
                summary_words,
                sentence in summary_set,
            )
    return candidates


def _near_duplicate(a: _Candidate, b: _Candidate) -> bool:
    if a.sentence == b.sentence and a.start < b.end and b.start < a.end:
        return True  # overlapping parts of one sentence
    if a.text == b.text:
        return True
    smaller = min(len(a.words), len(b.words))
    return smaller > 0 and len(a.words & b.words) / smaller >= _NEAR_DUPLICATE_OVERLAP


def _figure_gain(figures: frozenset[str], covered: set[str], key: frozenset[str]) -> float:
    """New figures, those of the summary sentences (the article's key figures) counting more."""
    new = figures - covered
    return _FIGURE_GAIN * (len(new) + _KEY_FIGURE_BONUS * len(new & key))


def _gain(
    candidate: _Candidate, covered: set[str], kinds_shown: set[str], key: frozenset[str]
) -> float:
    new_figures = _figure_gain(candidate.figures, covered, key)
    kind_gain = _NEW_KIND_GAIN if candidate.kind not in kinds_shown else _REPEATED_KIND_GAIN
    return (
        candidate.importance * candidate.readability * (new_figures + kind_gain * candidate.value)
    )


def fact_count_for(sentence_count: int) -> int:
    return max(MIN_FACTS, min(MAX_FACTS, 3 + sentence_count // 4))


def _position_importance(count: int) -> list[float]:
    return [1.0 / (1.0 + _POSITION_DECAY * index) for index in range(count)]


def _replaceable(candidate: _Candidate, chosen: list[_Candidate]) -> list[_Candidate] | None:
    """The chosen facts that `candidate` would replace (parts of its own span), or None when a
    chosen fact elsewhere already says the same."""
    clashing = [c for c in chosen if _near_duplicate(candidate, c)]
    for other in clashing:
        inside = other.sentence == candidate.sentence and candidate.start <= other.start
        if not (inside and other.end <= candidate.end):
            return None
    return clashing


def _pick(
    candidates: Sequence[_Candidate],
    chosen: list[_Candidate],
    key: frozenset[str],
    *,
    fallback: bool,
    room: bool,
) -> tuple[_Candidate | None, list[_Candidate], float]:
    """The candidate that adds most: as a new bullet (when there is room) or by widening a
    chosen one to more figures; with the facts it replaces. `fallback` admits terse spans."""
    covered = set().union(*(c.figures for c in chosen))
    kinds_shown = {c.kind for c in chosen}
    best: _Candidate | None = None
    best_replaced: list[_Candidate] = []
    best_gain = 0.0
    for candidate in candidates:
        if candidate.terse and not fallback:
            continue
        replaced = _replaceable(candidate, chosen)
        if replaced is None or (not replaced and not room):
            continue
        if replaced:  # only worth it for figures the narrower facts did not show
            gain = candidate.importance * _figure_gain(candidate.figures, covered, key)
        else:
            gain = _gain(candidate, covered, kinds_shown, key)
        if gain > best_gain:
            best, best_replaced, best_gain = candidate, replaced, gain
    return best, best_replaced, best_gain


def _statement(
    index: int, sentence: str, importance: float, summary_words: Sequence[set[str]]
) -> _Candidate | None:
    """A whole sentence as a plain fact, when it reads alone and adds to the summary."""
    shaped = _STATEMENT_SHAPE.match(sentence) is not None and sentence.count('"') % 2 == 0
    if not shaped or len(sentence) > MAX_FACT_CHARS:
        return None
    if len(sentence.split()) < MIN_PLAIN_FACT_WORDS or _repeats(_words(sentence), summary_words):
        return None
    return _Candidate(
        text=sentence,
        kind=STATEMENT,
        sentence=index,
        start=0,
        end=len(sentence),
        importance=importance,
        value=0.0,
        readability=_sentence_readability(sentence),
        figures=figures_in(sentence),
        words=frozenset(w.lower() for w in _CONTENT_WORD.findall(sentence)),
        terse=False,
    )


def _statements(
    sentences: Sequence[str],
    summary: Sequence[str],
    importance: Sequence[float],
    chosen: Sequence[_Candidate],
    wanted: int,
) -> list[_Candidate]:
    """Up to `wanted` whole sentences outside the summary that no chosen fact overlaps or
    repeats, the most important (and best read alone) first."""
    summary_set = set(summary)
    summary_words = [_words(s) for s in summary]
    found = (
        _statement(index, sentence, importance[index], summary_words)
        for index, sentence in enumerate(sentences[:MAX_FACT_SENTENCES])
        if sentence not in summary_set
    )
    ranked = sorted(
        (c for c in found if c is not None),
        key=lambda c: (-c.importance * c.readability, c.sentence),
    )
    picked: list[_Candidate] = []
    for candidate in ranked:
        if len(picked) == wanted:
            break
        if not any(_near_duplicate(candidate, other) for other in [*chosen, *picked]):
            picked.append(candidate)
    return picked


def extract_facts(
    sentences: Sequence[str],
    summary: Sequence[str] = (),
    *,
    limit: int | None = None,
    importance: Sequence[float] | None = None,
) -> list[Fact]:
    """Pick 3 to 7 key facts (fewer only when the article has no more), in article order.

    Facts are chosen greedily: each next one adds the most figures not yet shown and kinds of
    fact not yet shown, weighed by how well it reads alone and how important its sentence is:
    a position prior, averaged with `importance` (0..1 per sentence, e.g. the ranker's view)
    when given. A chosen span may later widen to more of its sentence to show more figures.
    When fewer than three facts carry a figure, date, quote, actor or place, whole sentences
    outside the summary make up three.
    """
    wanted = limit if limit is not None else fact_count_for(len(sentences))
    weights = _position_importance(len(sentences))
    if importance is not None:
        # Half the ranker's view, half position: facts also come from the body of the article.
        weights = [(p + w) / 2 for p, w in zip(importance, weights, strict=False)]
    candidates = _candidates(sentences, summary, weights)
    key = frozenset().union(*(figures_in(s) for s in summary))
    chosen: list[_Candidate] = []
    # Terse spans only make up the first three facts.
    for fallback in (False, True):
        for _ in range(4 * MAX_FACTS):
            short = len(chosen) < MIN_FACTS
            if fallback and not short:
                break
            best, replaced, gain = _pick(
                candidates, chosen, key, fallback=fallback, room=len(chosen) < wanted
            )
            if best is None or (not short and gain < _MIN_GAIN):
                break
            chosen = [c for c in chosen if c not in replaced] + [best]
    missing = min(MIN_FACTS, wanted) - len(chosen)
    if missing > 0:
        chosen += _statements(sentences, summary, weights, chosen, missing)
    chosen.sort(key=lambda c: (c.sentence, c.start))
    return [Fact(c.text, c.kind, c.sentence) for c in chosen]
