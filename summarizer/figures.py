"""What makes a sentence fact-worthy: money, numbers, dates, quotes, actors and places.

`features_in` finds every such feature of a sentence with its span and strength; `kind_of`
names a span by what it reports. A bare year ("sejak 1969", "musim 2017") or weekday counts
as a figure but does not make a fact a "date": only a calendar date or a time does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .vocabulary import MONTH_ABBREVIATIONS, MONTHS, SPEECH_VERBS, WEEKDAYS

_UNITS = (
    r"%|persen|per\s?sen|percent|juta|miliar|milyar|triliun|ribu|ratus|million|billion|trillion|"
    r"thousand|orang|warga|jiwa|korban|pasien|kasus|unit|buah|ekor|rumah|kilogram|kg|gram|ton|"
    r"km|kilometer|meter|m2|hektare|hektar|ha|liter|derajat|tahun|bulan|hari|jam|menit|detik|"
    r"people|persons|years|cases|dolar|dollars?|rupiah|euro|yuan|ringgit|poin|points|suara|"
    r"kursi|sekolah|desa|negara|provinsi|kabupaten|kali|lantai|mw|megawatt|kwh|gb|mb|gol|goals?"
)
_MONEY = re.compile(
    r"(?:\b(?:Rp|IDR|USD|US\$|S\$|RM)\.?\s?|[$€£¥])\s?\d[\d.,]*(?:\s?(?:juta|miliar|milyar|triliun|"
    r"ribu|million|billion|trillion|[mbkMBT]n?)\b)?"
    r"|\b\d[\d.,]*\s?(?:juta|miliar|milyar|triliun|ribu|million|billion|trillion)?\s?"
    r"(?:dolar(?:\s+AS)?|dollars?|rupiah|euro|yuan|ringgit|yen)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# Counts with a unit or a thousands separator; any number and the word after it ("menit ke-34"
# is caught by the bare figures); vague quantities.
_NUMBER = re.compile(
    rf"(?P<count>\b\d{{1,3}}(?:[.,]\d{{3}})+(?:,\d+)?\b(?:\s?(?:{_UNITS})\b)?"
    rf"|\b\d+(?:[.,]\d+)?\s?(?:{_UNITS})\b)"
    rf"|(?P<other>\b\d+(?:[.,]\d+)?\s+\w+\b)"
    r"|(?P<vague>\b(?:puluhan|ratusan|ribuan|jutaan|setengah\s+juta|satu\s+juta|dozens|hundreds"
    r"|thousands|millions)\b)",
    re.IGNORECASE,
)
_NUMBER_STRENGTH = {"count": 1.0, "other": 0.7, "vague": 0.6}
_VAGUE_NUMBER = re.compile(
    r"\b(?:puluhan|ratusan|ribuan|jutaan|setengah\s+juta|satu\s+juta|dozens|hundreds|thousands"
    r"|millions)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_ALL_MONTHS = f"{MONTHS}|{MONTH_ABBREVIATIONS}"
_DATE = re.compile(
    rf"\b(?:{WEEKDAYS})\b(?:\s*\(\d{{1,2}}/\d{{1,2}}(?:/\s?\d{{2,4}})?\))?"
    rf"|\b\d{{1,2}}\s+(?:{_ALL_MONTHS})\.?(?:\s+\d{{4}})?\b"
    rf"|\b(?:{_ALL_MONTHS})\s+\d{{1,2}}(?:,\s+\d{{4}})?\b"
    rf"|\b(?:{_ALL_MONTHS})\s+\d{{4}}\b"
    r"|\(\d{1,2}/\d{1,2}(?:/\s?\d{2,4})?\)"
    r"|\b(?:pukul|jam)\s+\d{1,2}[.:]\d{2}(?:\s?(?:WIB|WITA|WIT))?"
)
_BARE_MONTH = re.compile(rf"\b(?:{MONTHS})\b")
_CALENDAR_DATE = re.compile(rf"\d\s+(?:{_ALL_MONTHS})|(?:{_ALL_MONTHS})\s+\d|/|\d[.:]\d")
# Facts also take "menurut ..." and "according to ..." as who said what.
_ATTRIBUTION = re.compile(
    rf"\b(?:{SPEECH_VERBS}|klaim|katakan|menurut|menerangkan|according\s+to|stated)(?:nya)?\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r'"[^"]{12,}"?')
PROPER_NAME = re.compile(r"\b[A-Z][a-z\u00C0-\u024F]+(?:\s+[A-Z][a-z\u00C0-\u024F]+)+\b")
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
_MONTH_OR_DAY = re.compile(rf"^(?:{_ALL_MONTHS}|{WEEKDAYS})$")

_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_FIGURE_WORD = re.compile(rf"\b(?:{MONTHS}|{WEEKDAYS})\b")

# How much a reader gains from each kind of fact, before the sentence's importance weighs it.
KIND_WEIGHT = {
    "number": 3.0,
    "money": 3.2,
    "date": 2.2,
    "quote": 2.0,
    "actor": 1.4,
    "place": 1.0,
}
_KIND_ORDER = ("money", "number", "date", "quote", "actor", "place")
# A bare year or weekday is a figure, but reports no date by itself.
_WEAK_DATE = 0.5


@dataclass(frozen=True)
class Feature:
    kind: str
    start: int
    end: int
    strength: float

    @property
    def value(self) -> float:
        return KIND_WEIGHT[self.kind] * self.strength

    @property
    def names_a_date(self) -> bool:
        return self.kind != "date" or self.strength > _WEAK_DATE


def figures_in(text: str) -> frozenset[str]:
    """Numbers (with inner "." or ","), months and weekdays of a text, lower-cased."""
    found = set(_FIGURE.findall(text))
    found |= {word.lower() for word in _FIGURE_WORD.findall(text)}
    return frozenset(found)


def _date_strength(date: str) -> float:
    """A full calendar date or a time says more than a bare weekday."""
    if _CALENDAR_DATE.search(date):
        return 1.2 if re.search(r"[A-Za-z]", date) else 0.8
    return _WEAK_DATE


def _outside(spans: list[tuple[int, int]], position: int) -> bool:
    return not any(s <= position < e for s, e in spans)


def _add_numbers(sentence: str, found: list[Feature], taken: list[tuple[int, int]]) -> None:
    for match in _YEAR.finditer(sentence):  # "pada 2015 silam": a figure, not a date fact
        if _outside(taken, match.start()):
            found.append(Feature("date", match.start(), match.end(), _WEAK_DATE))
            taken.append((match.start(), match.end()))
    for match in _NUMBER.finditer(sentence):
        if _outside(taken, match.start()):
            strength = _NUMBER_STRENGTH[match.lastgroup or "other"]
            found.append(Feature("number", match.start(), match.end(), strength))
    taken += [(f.start, f.end) for f in found if f.kind == "number"]
    for match in _FIGURE.finditer(sentence):  # "menit ke-34", "21 - 18", "TH (66)"
        if _outside(taken, match.start()):
            found.append(Feature("number", match.start(), match.end(), 0.4))


def _figure_features(sentence: str) -> list[Feature]:
    found: list[Feature] = []
    has_digit = _DIGIT.search(sentence) is not None
    taken = [(m.start(), m.end()) for m in _MONEY.finditer(sentence)] if has_digit else []
    found += [Feature("money", s, e, 1.0) for s, e in taken]
    for match in _DATE.finditer(sentence):
        if _outside(taken, match.start()):
            strength = _date_strength(match.group())
            found.append(Feature("date", match.start(), match.end(), strength))
            taken.append((match.start(), match.end()))
    if has_digit:
        _add_numbers(sentence, found, taken)
    else:
        for match in _VAGUE_NUMBER.finditer(sentence):
            found.append(Feature("number", match.start(), match.end(), _NUMBER_STRENGTH["vague"]))
    for match in _BARE_MONTH.finditer(sentence):  # "pada Februari lalu"
        if _outside(taken, match.start()):
            found.append(Feature("date", match.start(), match.end(), _WEAK_DATE))
    return found


def features_in(
    sentence: str, frequent_names: set[str], names: Sequence[re.Match[str]] | None = None
) -> list[Feature]:
    """Every fact-worthy feature of a sentence (`names`: its PROPER_NAME matches, when the
    caller has them)."""
    found = _figure_features(sentence)
    attribution = _ATTRIBUTION.search(sentence)
    if attribution:
        named = PROPER_NAME.search(sentence[attribution.end() : attribution.end() + 80])
        quoted = _QUOTED.search(sentence)
        if named or quoted:
            strength = 1.0 if named and quoted else 0.8 if named else 0.5
            found.append(Feature("quote", attribution.start(), attribution.end(), strength))
    for match in PROPER_NAME.finditer(sentence) if names is None else names:
        if match.group() in frequent_names:
            titled = _TITLE_BEFORE.search(sentence[: match.start()])
            found.append(Feature("actor", match.start(), match.end(), 1.0 if titled else 0.5))
    for match in _PLACE.finditer(sentence):
        if not _MONTH_OR_DAY.match(match.group("place")):
            found.append(Feature("place", match.start("place"), match.end("place"), 0.8))
    return found


def frequent_names(names: Sequence[Sequence[re.Match[str]]]) -> set[str]:
    """Names (PROPER_NAME matches, per sentence) that occur at least twice."""
    counts = Counter(match.group() for matches in names for match in matches)
    return {name for name, count in counts.items() if count >= 2}


def kind_of(features: Sequence[Feature]) -> tuple[str, float]:
    """The kind a span reports (its strongest feature that names one) and its value.

    A bare year or weekday names the kind only when nothing else does."""
    naming = [f for f in features if f.names_a_date] or list(features)
    best = max(naming, key=lambda f: (f.value, -_KIND_ORDER.index(f.kind)))
    return best.kind, max(f.value for f in features)
