"""Key facts: short verbatim spans of sentences that carry figures, dates, quotes and actors.

Each fact is a whole sentence or a clause of one (never rewritten), tagged with what makes it
a fact and the index of the sentence it came from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .vocabulary import (
    ENGLISH_MONTHS,
    ENGLISH_WEEKDAYS,
    INDONESIAN_MONTHS,
    INDONESIAN_WEEKDAYS,
    MONTH_ABBREVIATIONS,
    SPEECH_VERBS,
)

MAX_FACT_CHARS = 200
MIN_FACTS = 3
MAX_FACTS = 7
MAX_FACT_SENTENCES = 120
MIN_FACT_WORDS = 5
# A bullet needs some ordinary words besides names and figures to say something.
MIN_LOWER_WORDS = 2
MIN_PLAIN_FACT_WORDS = 8

_UNITS = (
    r"%|persen|per\s?sen|percent|juta|miliar|milyar|triliun|ribu|ratus|million|billion|trillion|"
    r"thousand|orang|warga|jiwa|korban|pasien|kasus|unit|buah|ekor|rumah|kilogram|kg|gram|ton|"
    r"km|kilometer|meter|m2|hektare|hektar|ha|liter|derajat|tahun|bulan|hari|jam|menit|detik|"
    r"people|persons|years|cases|dolar|dollars?|rupiah|euro|yuan|ringgit|poin|points|suara|"
    r"kursi|sekolah|desa|negara|provinsi|kabupaten|kali|lantai|mw|megawatt|kwh|gb|mb"
)
_MONEY = re.compile(
    r"(?:\b(?:Rp|IDR|USD|US\$|S\$|RM)\.?\s?|[$€£¥])\s?\d[\d.,]*(?:\s?(?:juta|miliar|milyar|triliun|"
    r"ribu|million|billion|trillion|[mbkMBT]n?)\b)?"
    r"|\b\d[\d.,]*\s?(?:juta|miliar|milyar|triliun|ribu|million|billion|trillion)?\s?"
    r"(?:dolar(?:\s+AS)?|dollars?|rupiah|euro|yuan|ringgit|yen)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    rf"\b\d{{1,3}}(?:[.,]\d{{3}})+(?:,\d+)?\b(?:\s?(?:{_UNITS})\b)?"
    rf"|\b\d+(?:[.,]\d+)?\s?(?:{_UNITS})\b"
    rf"|\b\d+(?:[.,]\d+)?\s+\w+\b"
    r"|\b(?:puluhan|ratusan|ribuan|jutaan|setengah\s+juta|satu\s+juta|dozens|hundreds|thousands"
    r"|millions)\b",
    re.IGNORECASE,
)
_MONTHS = f"{INDONESIAN_MONTHS}|{ENGLISH_MONTHS}|{MONTH_ABBREVIATIONS}"
_WEEKDAYS = f"{INDONESIAN_WEEKDAYS}|Ahad|{ENGLISH_WEEKDAYS}"
_DATE = re.compile(
    rf"\b(?:{_WEEKDAYS})\b(?:\s*\(\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\))?"
    rf"|\b\d{{1,2}}\s+(?:{_MONTHS})\.?(?:\s+\d{{4}})?\b"
    rf"|\b(?:{_MONTHS})\s+\d{{1,2}}(?:,\s+\d{{4}})?\b"
    rf"|\b(?:{_MONTHS})\s+\d{{4}}\b"
    r"|\(\d{1,2}/\d{1,2}(?:/\d{2,4})?\)"
    r"|\b(?:pukul|jam)\s+\d{1,2}[.:]\d{2}(?:\s?(?:WIB|WITA|WIT))?"
    r"|\b(?:19|20)\d{2}\b"
)
_CALENDAR_DATE = re.compile(rf"\d\s+(?:{_MONTHS})|(?:{_MONTHS})\s+\d")
_CLOCK_TIME = re.compile(r"\d[.:]\d")
# Facts also take "menurut ..." and "according to ..." as who said what.
_ATTRIBUTION = re.compile(
    rf"\b(?:{SPEECH_VERBS}|klaim|katakan|menurut|menerangkan|according\s+to|stated)(?:nya)?\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r'"[^"]{12,}"?')
_PROPER_NAME = re.compile(r"\b[A-Z][a-z\u00C0-\u024F]+(?:\s+[A-Z][a-z\u00C0-\u024F]+)+\b")
_PLACE = re.compile(
    r"\b(?:di|ke|dari|in|at|from)\s+(?P<place>[A-Z][a-z\u00C0-\u024F]+(?:\s+[A-Z][a-z\u00C0-\u024F]+)*)"
)
_TITLE_BEFORE = re.compile(
    r"\b(?:Presiden|Wakil|Menteri|Menko|Kepala|Ketua|Direktur|Dirut|Gubernur|Bupati|Wali\s?kota|"
    r"Kapolri|Kapolda|Kapolres|Panglima|Jenderal|Juru\s?bicara|Jubir|Sekretaris|Anggota|Pelatih|"
    r"CEO|President|Minister|Chief|Director|Governor|Mayor|Secretary|spokesperson|"
    r"spokesman|coach|penasihat|pengamat|peneliti|ekonom)\b[\w\s.]{0,40}$",
    re.IGNORECASE,
)
# A dash between two figures is a range ("5.894 - 5.922", "Rp 13.469 - Rp13.529"), not a break.
_CLAUSE_BREAK = re.compile(
    r"[,;:]\s+|(?<![\d%])\s+(?:-|--|\u2013|\u2014)\s+(?!(?:Rp\s?|US\$|\$)?\d)"
)

# How much a reader gains from each kind of fact, before the sentence's importance weighs it.
_KIND_WEIGHT = {
    "number": 3.0,
    "money": 3.2,
    "date": 2.2,
    "quote": 2.0,
    "actor": 1.4,
    "place": 1.0,
}
_KIND_ORDER = ("money", "number", "date", "quote", "actor", "place")
_POSITION_DECAY = 0.12
# Each figure (a number, a month or a weekday) a fact adds to the bullets is worth this much;
# a kind of fact not yet shown is worth its kind weight times this.
_FIGURE_GAIN = 1.0
_NEW_KIND_GAIN = 0.35
_REPEATED_KIND_GAIN = 0.1
_MIN_GAIN = 0.05
_MAX_CLAUSES_PER_FACT = 4
_NEAR_DUPLICATE_OVERLAP = 0.8
# A span of a summary sentence this long (share of its characters) would only repeat it.
_SUMMARY_REPEAT_SHARE = 0.9

_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_FIGURE_WORD = re.compile(rf"\b(?:{_MONTHS}|{_WEEKDAYS})\b")
_CONTENT_WORD = re.compile(r"[^\W_]{3,}")
# A clause that only names the source ("Melansir dari CNN International Selasa (1/3)").
_SOURCE_CLAUSE = re.compile(
    r"^\W*(?:(?:melansir|dilansir|mengutip|dikutip|menukil|seperti\s+(?:dilansir|dikutip|diberitakan)|"
    r"sebagaimana\s+(?:dilansir|dikutip|diberitakan)|menurut\s+(?:laporan|kabar|pemberitaan)|"
    r"as\s+reported\s+by|according\s+to\s+(?:a\s+)?reports?)\b"
    r"|(?:baca|simak|lihat)(?:\s+juga)?\s*:)",  # a related-article link: "(Baca: ...)"
    re.IGNORECASE,
)
# Words that open a subordinate clause or a phrase that can stand as a bullet of its own.
_PHRASE_START = re.compile(
    r"(?<=\s)(?:yang|bahwa|karena|sehingga|setelah|sebelum|ketika|saat|sejak|hingga|sampai|pada|"
    r"dengan|untuk|usai|seusai|meski|meskipun|namun|tetapi|serta|dan|after|before|"
    r"when|while|since|and)\b"
)
_PHRASE_GAIN = 0.85
_FRAGMENT_GAIN = 0.95
_LOWER_WORD = re.compile(r"\b[a-z\u00df-\u00ff]{3,}\b")
_BARE_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_BARE_MONTH = re.compile(
    r"\b(?:Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|"
    r"Desember|January|February|March|June|July|August|October|December)\b"
)
_MONTH_ONLY = re.compile(rf"^(?:{_MONTHS}|{_WEEKDAYS})$")


@dataclass(frozen=True)
class Fact:
    text: str
    kind: str
    sentence: int


@dataclass(frozen=True)
class _Feature:
    kind: str
    start: int
    end: int
    strength: float

    @property
    def value(self) -> float:
        return _KIND_WEIGHT[self.kind] * self.strength


@dataclass(frozen=True)
class _Candidate:
    text: str
    kind: str
    sentence: int
    start: int
    end: int
    importance: float
    value: float  # the strongest feature's kind weight times strength
    figures: frozenset[str]
    words: frozenset[str]
    repeats_summary: bool
    terse: bool
    reads_alone: bool  # starts like a sentence and runs to its end (not a fragment)


def _date_strength(date: str) -> float:
    """A full calendar date says more than a bare weekday or year."""
    if _CALENDAR_DATE.search(date):
        return 1.2
    if "/" in date or _CLOCK_TIME.search(date):
        return 0.8
    return 0.5


def _matches(sentence: str, frequent_names: set[str]) -> list[_Feature]:
    """Every fact-worthy feature in a sentence."""
    found: list[_Feature] = []
    money_spans = [(m.start(), m.end()) for m in _MONEY.finditer(sentence)]
    found += [_Feature("money", s, e, 1.0) for s, e in money_spans]
    date_spans = [(m.start(), m.end()) for m in _DATE.finditer(sentence)]
    found += [_Feature("date", s, e, _date_strength(sentence[s:e])) for s, e in date_spans]
    taken = money_spans + date_spans
    for match in _NUMBER.finditer(sentence):
        inside = any(s <= match.start() < e for s, e in taken)
        has_digit = any(ch.isdigit() for ch in match.group())
        if not inside:
            found.append(_Feature("number", match.start(), match.end(), 1.0 if has_digit else 0.6))
    taken += [(f.start, f.end) for f in found if f.kind == "number"]
    for match in _BARE_FIGURE.finditer(sentence):  # "menit ke-34", "21 - 18", "TH (66)"
        if not any(s <= match.start() < e for s, e in taken):
            found.append(_Feature("number", match.start(), match.end(), 0.4))
    for match in _BARE_MONTH.finditer(sentence):  # "pada Februari lalu"
        if not any(s <= match.start() < e for s, e in taken):
            found.append(_Feature("date", match.start(), match.end(), 0.4))
    attribution = _ATTRIBUTION.search(sentence)
    if attribution:
        named = _PROPER_NAME.search(sentence[attribution.end() : attribution.end() + 80])
        quoted = _QUOTED.search(sentence)
        if named or quoted:
            strength = 1.0 if named and quoted else 0.8 if named else 0.5
            found.append(_Feature("quote", attribution.start(), attribution.end(), strength))
    for match in _PROPER_NAME.finditer(sentence):
        if match.group() in frequent_names:
            titled = _TITLE_BEFORE.search(sentence[: match.start()])
            found.append(_Feature("actor", match.start(), match.end(), 1.0 if titled else 0.5))
    for match in _PLACE.finditer(sentence):
        if not _MONTH_ONLY.match(match.group("place")):
            found.append(_Feature("place", match.start("place"), match.end("place"), 0.8))
    return found


def _frequent_names(sentences: Sequence[str]) -> set[str]:
    counts = Counter(name for s in sentences for name in _PROPER_NAME.findall(s))
    return {name for name, count in counts.items() if count >= 2}


def _clauses(sentence: str) -> list[tuple[int, int]]:
    bounds = [0]
    for match in _CLAUSE_BREAK.finditer(sentence):
        bounds.append(match.start())
        bounds.append(match.end())
    bounds.append(len(sentence))
    return [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]


def _snap_to_words(sentence: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not sentence[start - 1].isspace():
        start -= 1
    while end < len(sentence) and not sentence[end].isspace():
        end += 1
    return start, end


def fact_span(sentence: str, start: int, end: int, *, whole_allowed: bool = True) -> str:
    """The shortest readable verbatim span of `sentence` around [start, end)."""
    if whole_allowed and len(sentence) <= MAX_FACT_CHARS:
        return sentence
    clauses = _clauses(sentence)
    first = next(i for i, (s, e) in enumerate(clauses) if e >= start)
    last = next(i for i, (s, e) in enumerate(clauses) if e >= end)
    lo, hi = first, last
    # Grow the clause window while it stays short, preferring what follows the feature.
    while True:
        grown = False
        for cand in ((lo, hi + 1), (lo - 1, hi)):
            if cand[0] >= 0 and cand[1] < len(clauses):
                length = clauses[cand[1]][1] - clauses[cand[0]][0]
                if length <= MAX_FACT_CHARS * 0.8 and (cand[0], cand[1]) != (0, len(clauses) - 1):
                    lo, hi = cand
                    grown = True
                    break
        if not grown:
            break
    span_start, span_end = clauses[lo][0], clauses[hi][1]
    if span_end - span_start > MAX_FACT_CHARS:
        middle = (start + end) // 2
        span_start = max(0, middle - MAX_FACT_CHARS // 2)
        span_end = min(len(sentence), span_start + MAX_FACT_CHARS)
        span_start, span_end = _snap_to_words(sentence, span_start, span_end)
        if span_end - span_start > MAX_FACT_CHARS:
            span_start, span_end = start, min(end, start + MAX_FACT_CHARS)
    return sentence[span_start:span_end].strip(" ,;:-\u2013\u2014")


def figures_in(text: str) -> frozenset[str]:
    """Numbers (with inner "." or ","), months and weekdays of a text, lower-cased."""
    found = set(_FIGURE.findall(text))
    found |= {word.lower() for word in _FIGURE_WORD.findall(text)}
    return frozenset(found)


def _clause_windows(sentence: str, whole_allowed: bool) -> list[tuple[int, int, bool]]:
    """(start, end, starts_at_a_phrase) of spans that fit in a bullet: 1 to a few consecutive
    clauses, the whole sentence, or a subordinate clause or phrase ("sejak 24 Februari",
    "untuk melayani sekitar 11.000 atlet") running to the end of its clause."""
    clauses = _clauses(sentence)
    windows = []
    for lo in range(len(clauses)):
        if lo + 1 < len(clauses) and _SOURCE_CLAUSE.match(sentence[clauses[lo][0] :]):
            continue  # start after "Melansir dari Reuters," instead
        starts = [(clauses[lo][0], False)]
        starts += [
            (m.start(), True)
            for m in _PHRASE_START.finditer(sentence, clauses[lo][0], clauses[lo][1])
            if m.start() > clauses[lo][0]
        ]
        for start, is_phrase in starts:
            for hi in range(lo, min(len(clauses), lo + _MAX_CLAUSES_PER_FACT)):
                end = clauses[hi][1]
                if end - start > MAX_FACT_CHARS:
                    break
                if (start, end) == (0, len(sentence)) and not whole_allowed:
                    continue
                windows.append((start, end, is_phrase))
    return windows


def _trimmed(sentence: str, start: int, end: int) -> tuple[int, int]:
    piece = sentence[start:end]
    stripped = piece.strip(" ,;:-\u2013\u2014")
    offset = piece.find(stripped)
    return start + offset, start + offset + len(stripped)


def _cut_badly(sentence: str, start: int, text: str) -> bool:
    """A span cut inside a quotation or a parenthesis ("(Baca: ..." of a related link)."""
    before = sentence[:start]
    inside_parenthesis = before.count("(") > before.count(")")
    return inside_parenthesis or text.count('"') % 2 == 1 or text.count("(") != text.count(")")


def _reads_alone(text: str, runs_to_the_end: bool) -> bool:
    first = text[:1]
    return runs_to_the_end and (first.isupper() or first.isdigit() or first in "\"'(")


def _kind_of(features: Sequence[_Feature]) -> tuple[str, float]:
    best = max(features, key=lambda f: (f.value, -_KIND_ORDER.index(f.kind)))
    return best.kind, best.value


def _sentence_candidates(
    index: int, sentence: str, features: list[_Feature], importance: float, in_summary: bool
) -> list[_Candidate]:
    spans = {(start, end): phrase for start, end, phrase in _clause_windows(sentence, True)}
    for feature in features:  # overlong sentences without clause breaks: cut around features
        text = fact_span(sentence, feature.start, feature.end, whole_allowed=False)
        at = sentence.find(text)
        if text and at >= 0:
            spans.setdefault((at, at + len(text)), True)
    candidates = []
    for (raw_start, raw_end), phrase in spans.items():
        start, end = _trimmed(sentence, raw_start, raw_end)
        text = sentence[start:end]
        inside = [f for f in features if start <= f.start and f.end <= end]
        if not inside or len(text.split()) < MIN_FACT_WORDS or len(text) > MAX_FACT_CHARS:
            continue
        if _SOURCE_CLAUSE.match(text) and len(_clauses(text)) == 1:
            continue
        if text != sentence and _cut_badly(sentence, start, text):
            continue
        figures = figures_in(text)
        # Names and a date only ("Senayan, Jakarta Pusat, Senin (27/3)"), or a short span
        # without a figure ("Hasil dari pernyataan dari Rusia"): only to make up three facts.
        terse = len(_LOWER_WORD.findall(text)) < MIN_LOWER_WORDS or (
            not figures and len(text.split()) < MIN_PLAIN_FACT_WORDS
        )
        kind, value = _kind_of(inside)
        candidates.append(
            _Candidate(
                text=text,
                kind=kind,
                sentence=index,
                start=start,
                end=end,
                importance=importance * (_PHRASE_GAIN if phrase else 1.0),
                value=value,
                figures=figures,
                words=frozenset(w.lower() for w in _CONTENT_WORD.findall(text)),
                repeats_summary=in_summary and len(text) >= _SUMMARY_REPEAT_SHARE * len(sentence),
                terse=terse,
                reads_alone=_reads_alone(text, end == len(sentence.rstrip())),
            )
        )
    return candidates


def _candidates(
    sentences: Sequence[str], summary_set: set[str], importance: Sequence[float]
) -> list[_Candidate]:
    names = _frequent_names(sentences[:MAX_FACT_SENTENCES])
    candidates = []
    for index, sentence in enumerate(sentences[:MAX_FACT_SENTENCES]):
        features = _matches(sentence, names)
        if features:
            candidates += _sentence_candidates(
                index, sentence, features, importance[index], sentence in summary_set
            )
    return candidates


def _near_duplicate(a: _Candidate, b: _Candidate) -> bool:
    if a.sentence == b.sentence and a.start < b.end and b.start < a.end:
        return True  # overlapping parts of one sentence
    if a.text == b.text:
        return True
    smaller = min(len(a.words), len(b.words))
    return smaller > 0 and len(a.words & b.words) / smaller >= _NEAR_DUPLICATE_OVERLAP


def _gain(candidate: _Candidate, covered: set[str], kinds_shown: set[str]) -> float:
    new_figures = len(candidate.figures - covered)
    kind_gain = _NEW_KIND_GAIN if candidate.kind not in kinds_shown else _REPEATED_KIND_GAIN
    # A span that reads as a sentence is best; among fragments, shorter ones read better.
    length_share = len(candidate.text) / MAX_FACT_CHARS
    brevity = 1.0 if candidate.reads_alone else _FRAGMENT_GAIN - 0.15 * length_share
    return (
        candidate.importance * brevity * (_FIGURE_GAIN * new_figures + kind_gain * candidate.value)
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
    candidates: Sequence[_Candidate], chosen: list[_Candidate], *, fallback: bool, room: bool
) -> tuple[_Candidate | None, list[_Candidate], float]:
    """The candidate that adds most: as a new bullet (when there is room) or by widening a
    chosen one to more figures; with the facts it replaces. `fallback` admits terse spans
    and whole summary sentences."""
    covered = set().union(*(c.figures for c in chosen))
    kinds_shown = {c.kind for c in chosen}
    best: _Candidate | None = None
    best_replaced: list[_Candidate] = []
    best_gain = 0.0
    for candidate in candidates:
        if (candidate.repeats_summary or candidate.terse) and not fallback:
            continue
        replaced = _replaceable(candidate, chosen)
        if replaced is None or (not replaced and not room):
            continue
        if replaced:  # only worth it for figures the narrower facts did not show
            gain = candidate.importance * _FIGURE_GAIN * len(candidate.figures - covered)
        else:
            gain = _gain(candidate, covered, kinds_shown)
        if gain > best_gain:
            best, best_replaced, best_gain = candidate, replaced, gain
    return best, best_replaced, best_gain


def extract_facts(
    sentences: Sequence[str],
    summary: Sequence[str] = (),
    *,
    limit: int | None = None,
    importance: Sequence[float] | None = None,
) -> list[Fact]:
    """Pick 3 to 7 key facts (fewer only when the article has no more), in article order.

    Facts are chosen greedily: each next one adds the most figures not yet shown and kinds of
    fact not yet shown, weighed by how important its sentence is: a position prior, averaged
    with `importance` (0..1 per sentence, e.g. the ranker's probabilities) when given. A
    chosen clause may later widen to more clauses of its sentence to show more figures.
    """
    wanted = limit if limit is not None else fact_count_for(len(sentences))
    weights = _position_importance(len(sentences))
    if importance is not None:
        # Half the ranker's view, half position: facts also come from the body of the article.
        weights = [(p + w) / 2 for p, w in zip(importance, weights, strict=False)]
    candidates = _candidates(sentences, set(summary), weights)
    chosen: list[_Candidate] = []
    # Terse spans and whole summary sentences only make up the first three facts.
    for fallback in (False, True):
        for _ in range(4 * MAX_FACTS):
            short = len(chosen) < MIN_FACTS
            if fallback and not short:
                break
            best, replaced, gain = _pick(
                candidates, chosen, fallback=fallback, room=len(chosen) < wanted
            )
            if best is None or (not short and gain < _MIN_GAIN):
                break
            chosen = [c for c in chosen if c not in replaced] + [best]
    chosen.sort(key=lambda c: (c.sentence, c.start))
    return [Fact(c.text, c.kind, c.sentence) for c in chosen]
