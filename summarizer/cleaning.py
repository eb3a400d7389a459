"""Turn text as users paste it (or as news sites write it) into clean running text.

The output keeps the line structure (runs of blank lines fold into one) because paragraph
breaks always end a sentence. Everything the engine shows is taken verbatim from this cleaned text.
"""

from __future__ import annotations

import re
import unicodedata

from .datelines import strip_dateline
from .vocabulary import PHOTO_CREDIT, RELATED_LINK_OPENER, RELATED_LINK_VERBS

_QUOTE_TRANSLATION = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00a0": " ",
        "\u1680": " ",
        **{chr(code): " " for code in range(0x2000, 0x200B)},
        "\u202f": " ",
        "\u205f": " ",
        "\u3000": " ",
        "\t": " ",
        "\r": "\n",
        "\u2028": "\n",
        "\u2029": "\n\n",
        "\u0085": "\n",
    }
)

# Zero-width and other invisible format characters that break word matching.
# Direction marks ("Suara.com - \u200eAparat ...") included.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u180e]")
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# Lone surrogates (from broken JSON or UTF-16 input) cannot be encoded, stored or sent.
_SURROGATE = re.compile("[\ud800-\udfff]")

# Whole lines that are site furniture, not article text (matched case-insensitively).
_JUNK_LINE = re.compile(
    rf"""^\W*(?:
        {RELATED_LINK_OPENER}.*
      | \[?gambas:.*
      | advertisement\W*
      | iklan\W*
      | scroll\s+(?:down\s+)?to\s+(?:continue|resume)(?:\s+with\s+content)?\W*
      | read\s+(?:also|more)\s*:.*
      | (?:related|see\s+also)\s*:.*
      | artikel\s+ini\s+(?:telah|sudah)\s+tayang\s+di\b.*
      | (?:dapatkan|ikuti)\s+(?:update|berita|informasi)\b.*(?:google\s+news|whatsapp|telegram).*
      | (?:editor|penulis|reporter|pewarta|penyunting|sumber\s+foto)\s*:.{{0,80}}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# A related-link marker inside a line ("... terluka. Baca juga: Judul lain"): cut from it.
_INLINE_RELATED = re.compile(rf"\s*\b(?i:{RELATED_LINK_VERBS})\s+[Jj]uga\s*:.*$")
# The same in brackets, mid-sentence: "naik tajam (Baca: Harga cabai turun) dan ...".
_BRACKETED_RELATED = re.compile(
    rf"\s*[(\[]\s*(?:{RELATED_LINK_VERBS})(?:\s+juga)?\s*:[^)\]]*[)\]]", re.IGNORECASE
)

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)

# Editor initials at the end of an article or paragraph: "(vyp/kna)", "(rsa)", "[ant]".
_EDITOR_TAG = re.compile(r"\s*[(\[]\s*[a-z]{2,4}(?:\s*/\s*[a-z]{2,4}){0,3}\s*[)\]]\s*$")

# Page furniture that leaks into copied text: scripts ("//<![CDATA[!function(f,b,e ..."), the
# attributes of an image tag ('Radja Nainggolan "src="...jpg" style="height: 234px"/>') and
# photo credits ("Taylor Swift (Foto: Independent)").
_SCRIPT_BLOCK = re.compile(
    r"(?://\s*)?(?:<!\s*)?\[\s*CDATA\s*\[.*?\]\s*\](?:\s*(?:>|&\s*gt\s*;?))?"
)
_SCRIPT_START = re.compile(
    r"(?://\s*)?(?:<!\s*)?\[\s*CDATA\s*\[|!?\s*\bfunction\s*\([\w\s,]*\)\s*\{"
    r"|\b(?:fbq|gtag|googletag|dataLayer|_gaq)\s*[.(]|\bvar\s+\w+\s*=[^=]"
    r"|\b(?:document|window)\.[a-zA-Z_]+\s*[(=]"
)
# Only what is left of an image tag: the text of pasted markup is shown as it is (escaped).
_TAG_ATTRIBUTES = re.compile(r"\"?\s*\b(?:src|style|srcset)\s*=\s*\"[^\"]*\"?\s*(?:/\s*)?>?")
_PHOTO_CREDIT = re.compile(
    r"\s*[(\[]\s*(?:foto|photo|kredit|credit|sumber\s+foto|dok|dokumentasi|ilustrasi|image|"
    r"gambar|istimewa)\b[^()\[\]]{0,80}[)\]]"
    # "(REUTERS / Danny Moloshok)": case matters, it tells an agency from a party's initials.
    rf"|\s*(?-i:{PHOTO_CREDIT})",
    re.IGNORECASE,
)
# A line left this short after removing an image tag or a credit was its caption.
_MAX_CAPTION_WORDS = 8

_LINE_FINAL = frozenset(".!?\u2026:;\"'")
_SPACES = re.compile(r"[ \f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


# UTF-8 read as Windows-1252 on some pages: "â€œKerja sama ...â€\x9d kata Menteri".
_MOJIBAKE = {
    "\u00e2\u20ac\u0153": '"',
    "\u00e2\u20ac\x9d": '"',
    "\u00e2\u20ac\u2122": "'",
    "\u00e2\u20ac\u02dc": "'",
    "\u00e2\u20ac\u201d": "\u2014",
    "\u00e2\u20ac\u201c": "\u2013",
    "\u00e2\u20ac\u00a6": "\u2026",
    "\u00e2\u20ac": '"',
}
_MOJIBAKE_PATTERN = re.compile("|".join(re.escape(k) for k in _MOJIBAKE))


def normalize_characters(text: str) -> str:
    """Unicode NFC, plain quotes and spaces, no control or invisible characters, common
    mojibake repaired. Idempotent."""
    text = text.replace("\r\n", "\n")
    if "\u00e2\u20ac" in text:
        text = _MOJIBAKE_PATTERN.sub(lambda m: _MOJIBAKE[m.group()], text)
    text = text.translate(_QUOTE_TRANSLATION)
    text = _SURROGATE.sub("", _CONTROL.sub("", _INVISIBLE.sub("", text)))
    # After the removals (a removed character can leave a letter and an accent side by
    # side); translated again for the few characters NFC maps onto one that is translated.
    return unicodedata.normalize("NFC", text).translate(_QUOTE_TRANSLATION)


_SCRIPT_HINTS: tuple[str, ...] = (
    *("CDATA", "function", "fbq", "gtag", "googletag", "dataLayer", "_gaq", "var "),
    *("document.", "window."),
)


def _without_markup(line: str) -> str:
    """The line without scripts, tag remnants and photo credits; "" when what is left was a
    caption. (Cheap substring checks first: most lines have none of these.)"""
    if any(hint in line for hint in _SCRIPT_HINTS):
        line = _SCRIPT_BLOCK.sub(" ", line)
        script = _SCRIPT_START.search(line)
        if script is not None:
            line = line[: script.start()]
    stripped = line
    if "=" in stripped:
        stripped = _TAG_ATTRIBUTES.sub(" ", stripped)
    if "(" in stripped or "[" in stripped:
        stripped = _PHOTO_CREDIT.sub("", stripped)
    if stripped != line:
        rest = stripped.strip(" \"'")
        if len(rest.split()) <= _MAX_CAPTION_WORDS and not rest.endswith((".", "!", "?")):
            return ""
    return stripped


def _clean_line(line: str) -> str:
    line = _without_markup(line)
    lowered = line.lower()
    if "http" in lowered or "www." in lowered:
        line = _URL.sub("", line)
    if ":" in line:
        line = _BRACKETED_RELATED.sub("", line)
        if "juga" in lowered:
            line = _INLINE_RELATED.sub("", line)
    line = _SPACES.sub(" ", line).strip()
    if _JUNK_LINE.match(line):
        return ""
    return _without_editor_tags(line).strip()


# The longest editor tag ("[ abcd / abcd / abcd / abcd ]") is 29 characters: by now every
# white space in a line is a single space (normalize_characters, then _SPACES above).
_EDITOR_TAG_REACH = 64


def _without_editor_tags(line: str) -> str:
    """The line without the editors' initials at its end ("(ant)", "[ded/yul]"), however
    many there are: all at once, so that cleaning its own output changes nothing. Each tag
    is looked for near the end, so a line of thousands costs as little as one."""
    end = len(line)
    while line.endswith((")", "]"), 0, end):
        tag = _EDITOR_TAG.search(line, max(0, end - _EDITOR_TAG_REACH), end)
        if tag is None:
            break
        end = tag.start()
    return line[:end]


def _settled_line(line: str, settled: set[str]) -> str:
    """`_clean_line` repeated until the line no longer changes (removing one thing can
    uncover another); `settled` remembers lines known not to change."""
    for _ in range(_MAX_CLEANING_PASSES):
        if line in settled:
            return line
        cleaned = _clean_line(line)
        if cleaned == line:
            settled.add(line)
            return line
        line = cleaned
    return line


def _join_hard_wraps(lines: list[str]) -> list[str]:
    """Re-join a line that was wrapped mid-sentence (next line starts in lower case)."""
    joined: list[str] = []
    for line in lines:
        if joined and joined[-1] and line[:1].islower() and joined[-1][-1] not in _LINE_FINAL:
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


# Stripping can uncover more to strip ("JAKARTA - Bekasi - ..." has two datelines; a
# re-joined line can hold a whole "Baca juga:" marker): each step repeats until nothing
# changes, so a second clean_text() of its own output is a no-op.
_MAX_CLEANING_PASSES = 4


def _strip_first_dateline(lines: list[str]) -> bool:
    """Strip datelines from the article's first non-empty line (only it can carry one; a
    line that was nothing but an outlet prefix hands the role to the next); True when
    something changed."""
    changed = False
    for index, line in enumerate(lines):
        while line:
            stripped = strip_dateline(line).strip()
            if stripped == line:
                return changed
            lines[index] = line = stripped
            changed = True
    return changed


def clean_text(text: str) -> str:
    """Clean raw article text, keeping its line structure (runs of blank lines become one).

    Idempotent: clean_text(clean_text(t)) == clean_text(t).
    """
    settled: set[str] = set()
    lines = [_settled_line(line, settled) for line in normalize_characters(text).split("\n")]
    for _ in range(_MAX_CLEANING_PASSES):
        changed = _strip_first_dateline(lines)
        joined = _join_hard_wraps(lines)
        if len(joined) != len(lines):
            changed = True
            joined = [_settled_line(line, settled) for line in joined]
        lines = joined
        if not changed:
            break
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
