"""Where a fact may start and end inside a sentence so that it still reads on its own.

A fact is a whole sentence or a verbatim span of one. A span starts at the sentence's start
or after a clause break (", " "; " ": " " - ") with a capital, a digit or an opening quote,
and ends at the sentence's end, before a clause break, or before a word that opens a
subordinate phrase ("setelah", "untuk", "when"). It never breaks inside a quotation or a
parenthesis, between two capitalised words of a name ("Soekarno - Hatta"), or inside a
number range ("5.894 - 5.922").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import SPEECH_VERBS

_PUNCTUATION_BREAK = re.compile(r"[,;:]\s+")
_DASH_BREAK = re.compile(r"\s+(?:--|-|\u2013|\u2014)\s+")
_PHRASE_WORD = re.compile(
    r"\s+(?=(?:yang|bahwa|karena|sehingga|setelah|sebelum|ketika|saat|sejak|hingga|sampai|"
    r"pada|dengan|untuk|usai|seusai|meski|meskipun|namun|tetapi|serta|dan|atau|agar|"
    r"after|before|when|while|since|because|and|but|which|who)\b)"
)
_CAPITALISED_END = re.compile(r"[A-Z][\w.'&]*$")
_SUFFIX_START = re.compile(r"^[a-z]{1,3}\b")
_CAPITALISED_START = re.compile(r"^[A-Z]")
_NUMBER_END = re.compile(r"\d[%\w]*$")
_NUMBER_START = re.compile(r"^(?:Rp\.?\s?|US\$|\$)?\d")
_OPENING = re.compile(r"^(?:\"?[A-Z0-9]|\()")
# A name that opens the rest of a sentence after a lower-case content word: "... kunjungan |
# Menteri Luar Negeri Uruguay ke Indonesia pada 10 hingga 12 Oktober mendatang." Not after a
# function word, where the name belongs to the phrase before ("pertemuan Haris dan | Freddy").
_NAME_AFTER_WORD = re.compile(
    r"(?<=\s)(?P<word>[a-z\u00df-\u00ff][\w'-]*) (?=[A-Z][a-z]|(?:Rp\.?\s?)?\d)"
)
_FUNCTION_WORDS = frozenset(
    """
    dan atau serta di ke dari pada untuk dengan oleh bagi kepada terhadap tentang yang sang si
    para kaum pihak antara asal seperti the a an of to in at on by for from with and or as
    """.split()
)
# A span from the middle of a sentence reads alone when it opens with a subject and its verb:
# a name or a figure, at most a unit and two little words ("itu", "juga"), then a predicate
# word (an Indonesian verb prefix, an auxiliary, an English verb form). "Sharapova kembali
# masuk ke jajaran top 50." and "3.709 orang ini disaring ..." do; "Malaysia, pada 22 - 29
# Agustus.", "Atletico Madrid pada 5 Juli 2017." and "Formula 1 dari Lewis Hamilton setelah
# mencatat ..." (a name inside a noun phrase) do not.
_PREDICATE = re.compile(
    r"(?:me(?:m|n|ng|ny)?|ber|be|di|ter|per|memper|diper)[a-z]{3,}"
    r"|akan|telah|sudah|sedang|masih|tidak|tak|bakal|pernah|resmi|kembali|berhasil|menjadi|"
    r"merupakan|adalah|ialah|hanya|mampu|bisa|dapat|harus|ingin|mulai|sempat|langsung|segera|"
    r"turut|kini|juga|siap|gagal|sukses|naik|turun|tewas|meninggal|menang|kalah|tiba|masuk|"
    r"is|are|was|were|has|have|had|will|would|can|could|said|says|told|won|lost|[a-z]{3,}ed"
)
_NOT_PREDICATES = frozenset(
    "mereka media menit merah meja meter bersama berita dirinya diri dia dinas tersebut "
    "beberapa bersih berbagai dimana".split()
)
_LITTLE_WORDS = frozenset("itu ini tersebut pun juga sendiri kini lalu kemudian akhirnya".split())
_MAX_LITTLE_WORDS = 2
# Lower-case clause openers that lean on what came before: never a subject.
_CONNECTIVE_OPENERS = frozenset(
    "namun tetapi tapi sementara sedangkan karena sehingga agar jika kalau bila ketika saat "
    "setelah sebelum sejak hingga meski meskipun walau walaupun bahwa maka lalu kemudian "
    "sebagaimana seperti dalam atas bawah demi guna tanpa selama menurut bukan bukanlah "
    "ia dia mereka kami kita saya aku beliau hal".split()
)
SOURCE_CLAUSE = re.compile(
    r"^\W*(?:melansir|dilansir|mengutip|dikutip|menukil|seperti\s+(?:dilansir|dikutip|diberitakan)|"
    r"sebagaimana\s+(?:dilansir|dikutip|diberitakan)|menurut\s+(?:laporan|kabar|pemberitaan)|"
    r"as\s+reported\s+by|according\s+to\s+(?:a\s+)?reports?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    opening: str  # "sentence" (its start), "clause", "name" (mid-clause) or "phrase" (no verb)


def _is_predicate(word: str) -> bool:
    return _PREDICATE.fullmatch(word) is not None and word not in _NOT_PREDICATES


def opens_with_subject(text: str, *, common_noun: bool = False) -> bool:
    """A name or a figure (or, with `common_noun`, one or two lower-case nouns: "polisi
    telah ..."), then (after a unit and little words) a predicate word."""
    words = [w.strip("\"'()") for w in re.split(r"[,;:]", text, maxsplit=1)[0].split()]
    index = 0
    while index < len(words) and (words[index][:1].isupper() or words[index][:1].isdigit()):
        index += 1
    if index == 0 and common_noun:
        while index < min(len(words), 2) and _is_noun_like(words[index]):
            index += 1
    if index == 0:
        return False
    unit = index < len(words) and words[index].lower() not in _FUNCTION_WORDS
    if words[index - 1][:1].isdigit() and unit and not _is_predicate(words[index].lower()):
        index += 1  # a unit: "3.709 orang"
    for _ in range(_MAX_LITTLE_WORDS):
        if index < len(words) and words[index].lower() in _LITTLE_WORDS:
            index += 1
    return index < len(words) and _is_predicate(words[index].lower())


def _is_noun_like(word: str) -> bool:
    lowered = word.lower()
    return (
        word[:1].islower()
        and lowered not in _FUNCTION_WORDS
        and lowered not in _LITTLE_WORDS
        and lowered not in _CONNECTIVE_OPENERS
        and not _is_predicate(lowered)
    )


def _balanced_at(sentence: str, position: int) -> bool:
    """Outside any quotation (paired straight quotes) and any parenthesis."""
    before = sentence[:position]
    return before.count('"') % 2 == 0 and before.count("(") <= before.count(")")


def _joins_a_name_or_range(left: str, right: str) -> bool:
    """A dash between two capitalised words or two figures joins them, and so does one
    before a short suffix ("era '70 - an")."""
    left, right = left.rstrip(), right.lstrip()
    if _CAPITALISED_END.search(left) and _CAPITALISED_START.match(right):
        return True
    if _SUFFIX_START.match(right):
        return True
    return bool(_NUMBER_END.search(left) and _NUMBER_START.match(right))


def _breaks(sentence: str) -> list[tuple[int, int, bool]]:
    """(end of the clause before, start of the clause after, may start a span) per break."""
    found = []
    for match in _PUNCTUATION_BREAK.finditer(sentence):
        found.append((match.start(), match.end(), True))
    for match in _DASH_BREAK.finditer(sentence):
        if not _joins_a_name_or_range(sentence[: match.start()], sentence[match.end() :]):
            found.append((match.start(), match.end(), True))
    for match in _PHRASE_WORD.finditer(sentence):
        found.append((match.start(), match.end(), False))
    return [b for b in found if _balanced_at(sentence, b[0]) and 0 < b[0] < len(sentence)]


def _starts(sentence: str) -> list[tuple[int, str, bool]]:
    """(position, opening, runs to the end only) of every place a span may start besides the
    sentence's own start."""
    found: list[tuple[int, str, bool]] = []
    for _end, start, may_start in _breaks(sentence):
        rest = sentence[start:]
        if not may_start or SOURCE_CLAUSE.match(rest):
            continue
        if _OPENING.match(rest):
            found.append((start, "clause" if opens_with_subject(rest) else "phrase", False))
        elif opens_with_subject(rest, common_noun=True):
            found.append((start, "lower", False))  # "..., polisi telah mensterilisasi ..."
    taken = {position for position, _, _ in found}
    for match in _NAME_AFTER_WORD.finditer(sentence):
        start = match.end()
        word = match.group("word")
        if start in taken or word in _FUNCTION_WORDS or word in _CONNECTIVE_OPENERS:
            continue
        if not _balanced_at(sentence, start) or _RANGE_BEFORE.search(sentence[:start]):
            continue
        rest = sentence[start:]
        if opens_with_subject(rest):
            found.append((start, "name", True))
        elif _FIGURE_FIRST.match(rest):
            found.append((start, "phrase", True))  # a figure and what it counts
    return found


_DANGLING = re.compile(
    rf"\b(?:{SPEECH_VERBS}|menyatakan|mengaku|menilai|menyebut|adalah|yakni|yaitu|ialah|"
    r"merupakan|sebagai|seperti|antara\s+lain|including|such\s+as)(?:nya)?\W*$",
    re.IGNORECASE,
)
# "... sekitar | Rp 48,9 miliar antara tahun 2011 dan 2012.": a figure bullet.
_FIGURE_FIRST = re.compile(r"(?:Rp\.?\s?|US\$|\$)?\d")
# A span never ends on a word that needs what follows it ("berdasarkan apa | yang ...",
# "..., hingga | saat ini").
_DANGLING_WORDS = frozenset(
    "apa hal para sang si yang dan atau serta di ke dari pada untuk dengan oleh bagi kepada "
    "terhadap tentang antara hingga sampai sejak saat ketika karena sehingga agar jika bahwa "
    "namun tetapi tapi meski meskipun the a an of to in at on by for from with and or".split()
)
_RANGE_BEFORE = re.compile(r"\d\s*(?:-|\u2013|\u2014|hingga|sampai|to)\s*$")
_RANGE_AFTER = re.compile(r"^\s*(?:-|\u2013|\u2014)\s*\d")
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w.'&]*\s+$")


def date_span(sentence: str, start: int, end: int, tail_chars: int) -> Span | None:
    """A "when" bullet: the date at [start, end) of the sentence and what qualifies it up to
    the next clause boundary when that is within `tail_chars` ("Minggu (20/8) malam WIB");
    None where it would cut a range ("11 - | 17 September"), a name or a quotation."""
    before = sentence[:start]
    if (
        start == 0
        or not _balanced_at(sentence, start)
        or _RANGE_BEFORE.search(before)
        or _CAPITALISED_BEFORE.search(before)
    ):
        return None
    stop = next((e for e in ends_of(sentence) if e >= end), len(sentence))
    if stop - end > tail_chars or not _balanced_at(sentence, stop):
        stop = end
    if _RANGE_AFTER.match(sentence[stop:]) or not _balanced_at(sentence, stop):
        return None
    return Span(start, stop, "date")


def ends_of(sentence: str) -> list[int]:
    """Positions where a readable span may end: not after a word that needs what follows
    ("Kepala Humas Gatot mengatakan | bahwa ...", "yakni | ...")."""
    ends = {len(sentence)}
    for end, _start, _may in _breaks(sentence):
        before = sentence[max(0, end - 30) : end]
        words = before.rstrip(" ,;:").split()
        last = words[-1].lower() if words else ""
        if not _DANGLING.search(before) and last not in _DANGLING_WORDS:
            ends.add(end)
    return sorted(ends)


def readable_spans(sentence: str, max_chars: int, whole: bool = True) -> list[Span]:
    """Spans of at most `max_chars` that read on their own: the whole sentence (when `whole`
    and it fits), its head up to a clause boundary, and clauses or names with their verb (or
    bare phrases, flagged) from its middle."""
    length = len(sentence)
    spans = []
    if whole and length <= max_chars:
        spans.append(Span(0, length, "sentence"))
    ends = ends_of(sentence)
    spans += [Span(0, end, "sentence") for end in ends if end < length and end <= max_chars]
    for start, opening, to_end in _starts(sentence):
        for end in ends:
            if end > start and end - start <= max_chars and (end == length or not to_end):
                spans.append(Span(start, end, opening))
    return spans
