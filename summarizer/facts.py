"""Key facts: short verbatim spans of sentences that carry figures, dates, quotes and actors.

Each fact is a whole sentence or a clause of one (never rewritten), tagged with what makes it
a fact and the index of the sentence it came from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

MAX_FACT_CHARS = 200
MIN_FACTS = 3
MAX_FACTS = 7
MAX_FACT_SENTENCES = 200
MIN_FACT_WORDS = 5

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
_MONTHS = (
    r"Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember|"
    r"January|February|March|May|June|July|August|October|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Agu|Agt|Aug|Sep|Sept|Okt|Oct|Nov|Des|Dec"
)
_WEEKDAYS = (
    r"Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Ahad|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)
_DATE = re.compile(
    rf"\b(?:{_WEEKDAYS})\b(?:\s*\(\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\))?"
    rf"|\b\d{{1,2}}\s+(?:{_MONTHS})\.?(?:\s+\d{{4}})?\b"
    rf"|\b(?:{_MONTHS})\s+\d{{1,2}}(?:,\s+\d{{4}})?\b"
    rf"|\b(?:{_MONTHS})\s+\d{{4}}\b"
    r"|\(\d{1,2}/\d{1,2}(?:/\d{2,4})?\)"
    r"|\b(?:pukul|jam)\s+\d{1,2}[.:]\d{2}(?:\s?(?:WIB|WITA|WIT))?"
    r"|\b(?:19|20)\d{2}\b"
)
_ATTRIBUTION = re.compile(
    r"\b(?:kata|ujar|ucap|tutur|jelas|terang|ungkap|sebut|tegas|imbuh|tambah|papar|klaim|"
    r"lanjut|pungkas|katakan|menurut|mengatakan|menyebutkan|menjelaskan|menegaskan|"
    r"mengungkapkan|menuturkan|menerangkan|said|says|told|according\s+to|stated|added)"
    r"(?:nya)?\b",
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
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+(?:-|--|\u2013|\u2014)\s+")

# How much a reader gains from each kind of fact, before position and density adjust it.
_KIND_WEIGHT = {
    "number": 3.0,
    "money": 3.2,
    "date": 2.2,
    "quote": 2.0,
    "actor": 1.4,
    "place": 1.0,
}
_KIND_ORDER = ("number", "money", "date", "quote", "actor", "place")
_POSITION_DECAY = 0.12


@dataclass(frozen=True)
class Fact:
    text: str
    kind: str
    sentence: int


@dataclass(frozen=True)
class _Candidate:
    text: str
    kind: str
    sentence: int
    start: int
    score: float


def _date_strength(date: str) -> float:
    """A full calendar date says more than a bare weekday or year."""
    if re.search(rf"\d\s+(?:{_MONTHS})|(?:{_MONTHS})\s+\d", date):
        return 1.2
    if "/" in date or re.search(r"\d[.:]\d", date):
        return 0.8
    return 0.5


def _matches(sentence: str, frequent_names: set[str]) -> list[tuple[str, int, int, float]]:
    """(kind, start, end, strength) of every fact-worthy feature in a sentence."""
    found: list[tuple[str, int, int, float]] = []
    money_spans = [(m.start(), m.end()) for m in _MONEY.finditer(sentence)]
    found += [("money", s, e, 1.0) for s, e in money_spans]
    date_spans = [(m.start(), m.end()) for m in _DATE.finditer(sentence)]
    found += [("date", s, e, _date_strength(sentence[s:e])) for s, e in date_spans]
    taken = money_spans + date_spans
    for match in _NUMBER.finditer(sentence):
        inside = any(s <= match.start() < e for s, e in taken)
        has_digit = any(ch.isdigit() for ch in match.group())
        if not inside:
            found.append(("number", match.start(), match.end(), 1.0 if has_digit else 0.6))
    attribution = _ATTRIBUTION.search(sentence)
    if attribution:
        named = _PROPER_NAME.search(sentence[attribution.end() : attribution.end() + 80])
        quoted = _QUOTED.search(sentence)
        if named or quoted:
            strength = 1.0 if named and quoted else 0.8 if named else 0.5
            found.append(("quote", attribution.start(), attribution.end(), strength))
    for match in _PROPER_NAME.finditer(sentence):
        if match.group() in frequent_names:
            titled = _TITLE_BEFORE.search(sentence[: match.start()])
            found.append(("actor", match.start(), match.end(), 1.0 if titled else 0.5))
    for match in _PLACE.finditer(sentence):
        found.append(("place", match.start("place"), match.end("place"), 0.8))
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


def _candidates(sentences: Sequence[str], summary_indices: set[int]) -> list[_Candidate]:
    names = _frequent_names(sentences[:MAX_FACT_SENTENCES])
    candidates = []
    for index, sentence in enumerate(sentences[:MAX_FACT_SENTENCES]):
        features = _matches(sentence, names)
        if not features:
            continue
        kinds = {kind for kind, *_ in features}
        density = 0.25 * (len(kinds) - 1) + 0.1 * min(len(features), 5)
        position = 1.0 / (1.0 + _POSITION_DECAY * index)
        for kind, start, end, strength in features:
            text = fact_span(sentence, start, end, whole_allowed=index not in summary_indices)
            if len(text.split()) < MIN_FACT_WORDS:
                continue
            score = (_KIND_WEIGHT[kind] * strength + density) * position
            candidates.append(_Candidate(text, kind, index, sentence.find(text), score))
    return candidates


def _overlaps(a: _Candidate, b: _Candidate) -> bool:
    return a.sentence == b.sentence and (a.text in b.text or b.text in a.text)


def fact_count_for(sentence_count: int) -> int:
    return max(MIN_FACTS, min(MAX_FACTS, 3 + sentence_count // 8))


def extract_facts(
    sentences: Sequence[str], summary: Sequence[str] = (), *, limit: int | None = None
) -> list[Fact]:
    """Pick 3 to 7 key facts (fewer only when the article has no more), in article order."""
    wanted = limit if limit is not None else fact_count_for(len(sentences))
    summary_set = set(summary)
    summary_indices = {i for i, s in enumerate(sentences) if s in summary_set}
    ranked = sorted(_candidates(sentences, summary_indices), key=lambda c: -c.score)
    fresh = [c for c in ranked if c.text not in summary_set]
    repeats = [c for c in ranked if c.text in summary_set]

    chosen: list[_Candidate] = []

    def take(candidate: _Candidate) -> None:
        if len(chosen) < wanted and not any(_overlaps(candidate, c) for c in chosen):
            chosen.append(candidate)

    # One of each kind first (in order of usefulness), then the best of the rest.
    for kind in _KIND_ORDER:
        best = next((c for c in fresh if c.kind == kind), None)
        if best is not None and best.score >= 0.5:
            take(best)
    for candidate in fresh + repeats:
        if len(chosen) >= wanted:
            break
        if candidate in repeats and len(chosen) >= MIN_FACTS:
            break
        take(candidate)
    chosen.sort(key=lambda c: (c.sentence, c.start))
    return [Fact(c.text, c.kind, c.sentence) for c in chosen]
