"""Sentence splitting for Indonesian and English news text.

A rule-based splitter: a boundary is sentence-final punctuation (with any closing quotes or
brackets) followed by white space and something that can start a sentence, unless the word
before the full stop is a known abbreviation, an initial or a list number. Ideographic full
stops (。！？) end a sentence with or without a space after them. Line breaks
always end a sentence (the cleaner has already re-joined hard-wrapped lines). Sentences longer than
`MAX_SENTENCE_CHARS` are cut at clause boundaries so that no single piece is unreadable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SENTENCE_CHARS = 600

# Never end a sentence: titles and other abbreviations that are always followed by a name or
# a number, and are never an everyday word ("kota.", "ibu.", "gubernur." end sentences).
_TITLE_ABBREVIATIONS = frozenset(
    """
    dr drs dra prof ir h hj kh sdr sdri bpk yth jl jln kec kab kel prov
    pt cv ud tn ny nn mr mrs ms messrs lt capt sgt hon gov pres st mt
    vs jr sr mgr ks kol kapt brigjen mayjen letjen supt cmdr adm
    kompol kombes akbp ipda iptu aiptu bripka irjen komjen
    """.split()
)
# Titles that are also everyday words in lower case ("50 sen.", "gen.", "one more rep."):
# they do not end a sentence only when written with a capital ("Sen. Warren", "Gen. Andika").
_CAPITALISED_TITLES = frozenset("sen gen rep col rev bro".split())
# May end a sentence: only when the next word starts with a capital letter.
_AMBIGUOUS_ABBREVIATIONS = frozenset(
    """
    dll dsb dst dkk tbk inc ltd co corp etc al ca approx est
    """.split()
)
# End a sentence unless a number follows: "No. 12", "Oct. 5", "Jan. 3, 2024", "hal. 12",
# "Art. 5" (but "He said no. Then...", "Prices rose in Jan. Traders...", "Banyak hal. Itu..."
# end there).
_BEFORE_NUMBER_ABBREVIATIONS = frozenset(
    """
    no nos nomor nr jan feb mar apr jun jul aug agu agt sep sept oct okt nov dec des
    hal art ayat ps pp vol fig ft
    """.split()
)
# Dotted forms ("U.S.", "a.n.", "s.d.", "S.H.", "M.Si.", "Ph.D.") never end a sentence when
# followed by a capital in the middle of a line; these are the exceptions that usually do.
_DOTTED_FINAL = frozenset({"a.m.", "p.m."})

_CLOSERS = "\"')]}\u300d\u300f\uff09"
_OPENERS = "\"'([{"
# Full stops of spaced scripts: . ! ? … and Arabic ؟, Urdu ۔, Devanagari ।.
_FINAL = ".!?\u2026\u061f\u06d4\u0964"
# Ideographic full stops (。！？) end a sentence even with no space after them.
_WIDE_FINAL = "\u3002\uff01\uff1f"
# A run of punctuation is matched only from its first character and never given back
# (possessive quantifiers): a run of n full stops costs n steps, not n * n.
_BOUNDARY = re.compile(
    rf"""(?<![{_FINAL}])
        (?P<end>[{_FINAL}]++[{re.escape(_CLOSERS)}]*+)(?P<space>\s++)(?=\S)
      | (?<![{_WIDE_FINAL}])(?P<wide>[{_WIDE_FINAL}]++[{re.escape(_CLOSERS)}]*+)
        (?P<wide_space>\s*+)(?=\S)
    """,
    re.VERBOSE,
)
# How much text around a full stop decides whether it ends a sentence: the word before it
# and the start of what follows. Bounded, so that splitting stays linear in the text.
_CONTEXT_CHARS = 64
_EDITOR_TAG = re.compile(r"[(\[][a-z*][\w*/ .-]{0,30}[)\]]")
_WORD_BEFORE = re.compile(r"(\S+)$")
_DOTTED_ABBREVIATION = re.compile(r"^(?:[A-Za-z]{1,3}\.){2,}$")
_INITIAL = re.compile(r"^[A-Z]\.$")
_LIST_NUMBER = re.compile(r"^\(?\d{1,2}[.)]$")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=\u2013|\u2014|--)")


@dataclass(frozen=True)
class Sentence:
    """One sentence, with where it stands in the text it came from."""

    text: str
    paragraph: int
    start: int
    end: int


def _is_boundary(before: str, end_punctuation: str, after: str, at_line_start: bool) -> bool:
    """Decide whether `before` + `end_punctuation` ends a sentence that `after` follows.
    `before` ends with the word before the punctuation; `at_line_start` says whether that
    word is all the sentence holds so far."""
    if not end_punctuation.startswith(".") or end_punctuation.startswith("..."):
        return True
    match = _WORD_BEFORE.search(before)
    if match is None:
        return True
    word = match.group(1).lstrip(_OPENERS)
    bare = word.lower()
    if bare in _TITLE_ABBREVIATIONS:
        return False
    if bare in _CAPITALISED_TITLES:
        return not word[:1].isupper()
    if bare in _BEFORE_NUMBER_ABBREVIATIONS:
        return not after[:1].isdigit()
    if bare in _AMBIGUOUS_ABBREVIATIONS:
        return not after.startswith(("(", "["))  # "PT Astra International Tbk. (ASII)"
    dotted = word + "."
    if _DOTTED_ABBREVIATION.match(dotted):
        return dotted.lower() in _DOTTED_FINAL
    if _INITIAL.match(dotted):
        return False
    # "1. Pertama" at the start of a line is a list item, not a sentence.
    return not (_LIST_NUMBER.match(dotted) and at_line_start)


def _can_start_sentence(rest: str) -> bool:
    """Whether text after a full stop can open a sentence: a capital, a digit, a letter of a
    script without case (Arabic, Hebrew, Thai, CJK...), or an editor's tag like "(ant/rsa)"."""
    if _EDITOR_TAG.match(rest):
        return True
    first = rest.lstrip(_OPENERS)[:1]
    return first.isupper() or first.isdigit() or (first.isalpha() and not first.islower())


def _split_line(line: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) within one line of text.

    A quotation of several sentences is split like any other text, as news corpora
    segment it (keeping whole quotations together costs a fifth of the boundaries on
    IndoSum: bench/quality.py); an attribution after a quote ("...," kata dia.) never starts
    a sentence of its own, since it starts in lower case."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        if match.group("wide"):
            spans.append((start, match.end("wide")))
            start = match.end("wide_space")
            continue
        end = match.end("end")
        punctuation = match.group("end").rstrip(_CLOSERS)
        after = line[match.end("space") : match.end("space") + _CONTEXT_CHARS]
        if not _can_start_sentence(after):
            continue
        before_start = max(start, match.start("end") - _CONTEXT_CHARS)
        before = line[before_start : match.start("end")]
        at_line_start = before_start == start and not before.strip().count(" ")
        if _is_boundary(before, punctuation, after, at_line_start):
            spans.append((start, end))
            start = match.end("space")
    if start < len(line):
        spans.append((start, len(line)))
    return spans


def _cut_long(text: str, start: int, limit: int) -> list[tuple[int, int]]:
    """Cut an overlong sentence at clause breaks (or spaces) into pieces of at most `limit`."""
    pieces: list[tuple[int, int]] = []
    offset = 0
    while len(text) - offset > limit:
        window = text[offset : offset + limit]
        cut = None
        for pattern in (_CLAUSE_BREAK, re.compile(r"\s+")):
            breaks = [m for m in pattern.finditer(window) if m.start() > limit // 3]
            if breaks:
                cut = breaks[-1]
                break
        if cut is None:
            pieces.append((start + offset, start + offset + limit))
            offset += limit
            continue
        pieces.append((start + offset, start + offset + cut.start()))
        offset += cut.end()
    if offset < len(text):
        pieces.append((start + offset, start + len(text)))
    return pieces


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of each non-blank line; a blank line starts a new paragraph."""
    lines: list[tuple[int, int, int]] = []
    paragraph = 0
    position = 0
    previous_blank = False
    for raw in text.split("\n"):
        start = position
        position += len(raw) + 1
        if not raw.strip():
            previous_blank = True
            continue
        if lines and previous_blank:
            paragraph += 1
        lead = start + (len(raw) - len(raw.lstrip()))
        lines.append((lead, start + len(raw.rstrip()), paragraph))
        previous_blank = False
    return lines


def split_sentences(text: str, *, max_chars: int = MAX_SENTENCE_CHARS) -> list[Sentence]:
    """Split cleaned text into sentences, in order; `text[s.start:s.end] == s.text`."""
    sentences: list[Sentence] = []
    for line_start, line_end, paragraph in _lines(text):
        line = text[line_start:line_end]
        for start, end in _split_line(line):
            piece = line[start:end].strip()
            if not piece:
                continue
            absolute = line_start + start + (len(line[start:end]) - len(line[start:end].lstrip()))
            for cut_start, cut_end in _cut_long(piece, absolute, max_chars):
                sentences.append(Sentence(text[cut_start:cut_end], paragraph, cut_start, cut_end))
    return sentences
