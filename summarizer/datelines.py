"""Outlet prefixes and datelines at the start of an article, in every spacing news sites use.

"Jakarta, CNN Indonesia --", "JAKARTA, KOMPAS.com -", "Merdeka.com-Kementerian ...",
"Kupang (ANTARA News)-Ketua ...", "Singkil, Aceh, (ANTARA News) -", "JUARA.NET, TOKYO -
pasangan ...", "BEIRUT/THE HAGUE, March 7 (Reuters) - ", "(CNN)President ...": the prefix
goes, the sentence stays. A prefix that names an outlet (a web domain, a news agency in
brackets or a known outlet) may touch the dash, run longer and precede a lower-case word;
one that only names a place must look like a dateline (upper case, a comma or a bracket, or a
single word) and be followed by a dash with a space and a capital, unless it is a place in
capitals of five letters or more glued to a capitalised word ("JAKARTA-Wakil Presiden ...";
"Jakarta-Bandung", "KPK-Polri" and "POLRI-TNI" stay). Some sites (Liputan6) write the outlet
and the place in bold with no dash at all: "Liputan6.com, Jakarta London Love Story, film
...": a web domain, a comma and a one-word place (two words for the few places whose first
word is never one alone: "New York", "Banda Aceh") before a capital go too.
"""

from __future__ import annotations

import re

from .vocabulary import MONTH_ABBREVIATIONS, MONTHS, OUTLETS

_DOMAIN = r"(?i:[a-z][\w-]*\.(?:co\.id|com|net|co|id|org|tv))\b"
_WORD = r"[A-Z][\w.&'/-]*"
_PLACE = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
_AGENCY = r"\(\s*[A-Za-z][A-Za-z.\s]{1,20}\)"
_WIRE_DATE = rf"(?:{MONTHS}|{MONTH_ABBREVIATIONS})\.?\s+\d{{1,2}}"
_PART = rf"(?:{_DOMAIN}|{_WIRE_DATE}|{_PLACE})"
_DATELINE = re.compile(
    rf"""^(?P<dateline>
        {_PART}(?:\s*,\s*{_PART}){{0,3}}     # places, outlets and a wire date, comma-separated
        (?:\s*,?\s*{_AGENCY})?                # "(ANTARA News)", "(Reuters)"
    )(?P<before>\s*)(?P<dash>--|-|\u2013|\u2014)(?P<after>\s*)""",
    re.VERBOSE,
)
# "(CNN)President Donald Trump ...": a wire service in brackets, glued to the first word.
_BRACKETED_OUTLET = re.compile(rf"^\(\s*(?:{OUTLETS})\s*\)\s*(?:(?:--|-|\u2013|\u2014)\s*)?")
# The first words of places named in two words, which never stand alone as a dateline.
_TWO_WORD_PLACES = r"New|Banda|Kuala|Hong|Los|Las|San|Santa|Tel|Abu|Buenos|Rio|Sao|Port|Cape"
_UNDASHED = re.compile(
    rf"""^{_DOMAIN}\s*,\s*
        (?:(?:{_TWO_WORD_PLACES})\s+[A-Z][a-z]+|[A-Z][a-z]+|[A-Z]{{2,}})  # "Jakarta", "New York"
        \s+(?=[\"'(]?[A-Z0-9])""",
    re.VERBOSE,
)
_OUTLET = re.compile(rf"{_DOMAIN}|{_AGENCY}|\b(?:{OUTLETS})\b")
_UPPER_PLACE = re.compile(r"^[A-Z][A-Z.&'/ -]+$")
# A place in capitals glued to the dash: long enough not to be an acronym pair's first half,
# and followed by a capitalised word and more of a sentence.
_GLUED_PLACE = re.compile(r"^[A-Z]{5,}(?: [A-Z]{2,}){0,2}$")
_GLUED_SENTENCE = re.compile(r"^[A-Z][a-z]+\s+\S+\s+\S")
_MAX_PLACE_CHARS = 45
_MAX_OUTLET_CHARS = 80
# What may follow a dateline: a sentence (capital, digit, quote or bracket).
_SENTENCE_START = re.compile(r"[\"'(\[]?[A-Z0-9]")
# What is left of a lead after an outlet prefix that is not a sentence ("/2018) malam.").
_MIN_REMAINDER_WORDS = 3


def _looks_like_place(dateline: str) -> bool:
    return (
        len(dateline) <= _MAX_PLACE_CHARS
        and len(re.sub(r"\W", "", dateline)) >= 3
        and (
            "," in dateline
            or "(" in dateline
            or len(dateline.split()) == 1
            or _UPPER_PLACE.match(dateline) is not None
        )
    )


def strip_dateline(line: str) -> str:
    """The first line of an article without its outlet prefix or dateline; "" when the line
    is nothing but an outlet prefix and a scrap ("Merdeka.com -", "Suara.com -,")."""
    bracketed = _BRACKETED_OUTLET.match(line)
    if bracketed is not None and _SENTENCE_START.match(line, bracketed.end()):
        return line[bracketed.end() :]
    match = _DATELINE.match(line)
    if match is None:
        return _without_undashed_dateline(line)
    dateline = match.group("dateline")
    rest = line[match.end() :]
    outlet = _OUTLET.search(dateline) is not None and len(dateline) <= _MAX_OUTLET_CHARS
    scrap = len(re.findall(r"\w+", rest)) < _MIN_REMAINDER_WORDS and not _SENTENCE_START.match(rest)
    if outlet and scrap:
        return ""
    spaced = bool(match.group("after")) or match.group("dash") in "\u2013\u2014"
    if not spaced and not match.group("before") and not outlet:
        if _GLUED_PLACE.match(dateline) and _GLUED_SENTENCE.match(rest):
            return rest  # "JAKARTA-Wakil Presiden Jusuf Kalla ..."
        return line  # "Jakarta-Bandung kini ...": a hyphenated pair, not a dateline
    if outlet:
        return rest if rest[:1].isalnum() or rest[:1] in "\"'([" else line
    if _looks_like_place(dateline) and spaced and _SENTENCE_START.match(rest):
        return rest
    return line


def _without_undashed_dateline(line: str) -> str:
    """The line without "Liputan6.com, Jakarta " (no dash) before a sentence of some words."""
    match = _UNDASHED.match(line)
    if match is None:
        return line
    rest = line[match.end() :]
    return rest if len(re.findall(r"\w+", rest)) >= _MIN_REMAINDER_WORDS else line
