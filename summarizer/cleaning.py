"""Turn text as users paste it (or as news sites write it) into clean running text.

The output keeps the line structure (runs of blank lines fold into one) because paragraph
breaks always end a sentence. Everything the engine shows is taken verbatim from this cleaned text.
"""

from __future__ import annotations

import re
import unicodedata

from .datelines import strip_dateline
from .vocabulary import RELATED_LINK_VERBS

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
        (?:{RELATED_LINK_VERBS}|tonton|saksikan|cek)[\s_]+(?:juga|pula|video|selengkapnya)\b.*
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
# attributes of an image tag ('Radja Nainggolan "src="...jpg" style="height: 234px"/>'),
# stray tags, and photo credits ("Taylor Swift (Foto: Independent)").
_SCRIPT_BLOCK = re.compile(r"(?://\s*)?<!\s*\[\s*CDATA\s*\[.*?\]\s*\](?:\s*(?:>|&\s*gt\s*;?))?")
_SCRIPT_START = re.compile(
    r"(?://\s*)?<!\s*\[\s*CDATA\s*\[|!?\s*\bfunction\s*\([\w\s,]*\)\s*\{"
    r"|\b(?:fbq|gtag|googletag|dataLayer|_gaq)\s*[.(]|\bvar\s+\w+\s*=[^=]"
    r"|\b(?:document|window)\.[a-zA-Z_]+\s*[(=]"
)
_TAG_ATTRIBUTES = re.compile(
    r"\"?\s*\b(?:src|style|alt|width|height|class|href|srcset)\s*=\s*\"[^\"]*\"?\s*(?:/\s*)?>?"
)
_TAG = re.compile(r"</?[a-zA-Z][\w-]*(?:\s[^<>]{0,300})?/?>")
_PHOTO_CREDIT = re.compile(
    r"\s*[(\[]\s*(?:foto|photo|kredit|credit|sumber\s+foto|dok|dokumentasi|ilustrasi|image|"
    r"gambar|istimewa)\b[^()\[\]]{0,80}[)\]]",
    re.IGNORECASE,
)
# A line left this short after removing an image tag or a credit was its caption.
_MAX_CAPTION_WORDS = 8

_LINE_FINAL = frozenset(".!?\u2026:;\"'")
_SPACES = re.compile(r"[ \f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_characters(text: str) -> str:
    """Unicode NFC, plain quotes and spaces, no control or invisible characters."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    text = text.translate(_QUOTE_TRANSLATION)
    return _SURROGATE.sub("", _CONTROL.sub("", _INVISIBLE.sub("", text)))


def _without_markup(line: str) -> str:
    """The line without scripts, tag remnants and photo credits; "" when what is left was a
    caption."""
    line = _SCRIPT_BLOCK.sub(" ", line)
    script = _SCRIPT_START.search(line)
    if script is not None:
        line = line[: script.start()]
    stripped = _PHOTO_CREDIT.sub("", _TAG.sub(" ", _TAG_ATTRIBUTES.sub(" ", line)))
    if stripped != line:
        rest = stripped.strip(" \"'")
        if len(rest.split()) <= _MAX_CAPTION_WORDS and not rest.endswith((".", "!", "?")):
            return ""
    return stripped


def _clean_line(line: str) -> str:
    line = _without_markup(line)
    line = _URL.sub("", line)
    line = _BRACKETED_RELATED.sub("", line)
    line = _INLINE_RELATED.sub("", line)
    line = _SPACES.sub(" ", line).strip()
    if _JUNK_LINE.match(line):
        return ""
    line = _EDITOR_TAG.sub("", line)
    return line.strip()


def _join_hard_wraps(lines: list[str]) -> list[str]:
    """Re-join a line that was wrapped mid-sentence (next line starts in lower case)."""
    joined: list[str] = []
    for line in lines:
        if joined and joined[-1] and line[:1].islower() and joined[-1][-1] not in _LINE_FINAL:
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


# Stripping can uncover more to strip ("JAKARTA - Bekasi - ..." has two datelines), so the
# cleaning repeats until nothing changes: a second clean_text() of its own output is a no-op.
_MAX_CLEANING_PASSES = 4


def clean_text(text: str) -> str:
    """Clean raw article text, keeping its line structure (runs of blank lines become one).

    Idempotent: clean_text(clean_text(t)) == clean_text(t).
    """
    cleaned = _clean_once(text)
    for _ in range(_MAX_CLEANING_PASSES - 1):
        again = _clean_once(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def _clean_once(text: str) -> str:
    text = normalize_characters(text)
    lines = [_clean_line(line) for line in text.split("\n")]
    # Only the first line of an article can carry a dateline.
    for index, line in enumerate(lines):
        if line:
            lines[index] = strip_dateline(line)
            break
    joined = "\n".join(_join_hard_wraps(lines))
    joined = _BLANK_LINES.sub("\n\n", joined).strip()
    return joined
