"""From trafilatura's extracted body to the article's paragraphs, without what a reader would
not call the article: captions, link labels, "read also" and newsletter lines, the headline
itself and other stories' headlines. Subheadings belong to the article's text, but not to
what a summary may quote (without_subheadings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from summarizer.vocabulary import PHOTO_CREDIT as PHOTO_CREDIT_PATTERN
from summarizer.vocabulary import RELATED_LINK_OPENER

from .text import SENTENCE_END, WORD, comparable, is_prose, normalize_space, word_count

SUBHEADING_MAX_WORDS = 12  # a line this short without a full stop is a heading or label
BOILERPLATE_MAX_WORDS = 40
LIST_MIN_ITEMS = 3
TAG_LINE_MIN_PARTS = 5  # a line of this many comma-separated keywords is a tag list
TAG_MAX_WORDS = 4
DATE_LINE_MAX_WORDS = 9  # newsletter/follow-us lines are short; longer ones are prose

_DATE_TIME = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b.*\b\d{1,2}[:.]\d{2}\b"
    r"|\b\d{1,2}[:.]\d{2}\s*(?:WIB|WITA|WIT|GMT|UTC|[AP]M)\b",
    re.IGNORECASE,
)
_NOT_TAGS = re.compile(r"[()_:;]")  # credits and ingredient lists have these; tag lines do not
_BULLET = re.compile(r"^(?:[-*•·▪►]|\d{1,2}[.)])\s+")
_LINK_LABEL = re.compile(
    r"\s*,?\s*[(\[]?\b(?:opens|open|opens in|buka(?:\s+di)?)\s+(?:a\s+)?(?:new|baru)\s+"
    r"(?:tab|window|jendela)\b[)\]]?",
    re.IGNORECASE,
)
_SEE_ALSO = re.compile(
    rf"^[\[(]?(?:{RELATED_LINK_OPENER}"
    r"|berita terkait|artikel terkait|read also|also read|read more"
    r"|see also|also on \S+|don'?t miss|scroll to continue|lanjut(?:kan)? membaca"
    r"|halaman (?:selanjutnya|berikutnya)|next page|previous page)\b"
    # Words that also open sentences count only as a whole line or before a colon.
    r"|^[\[(]?(?:related|more|watch|watch now|most read|popular|trending|advertisement"
    r"|iklan|sponsored|selanjutnya|comments?|komentar|recommended)\b\s*(?::|$|\W*$)",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    # Calls to action, at the start of a line.
    r"^(?:sign up|subscribe|follow (?:us|@|him|her|them|me)|click here|download (?:the|our)"
    r"|get (?:the|our) (?:app|newsletter)|join (?:us|our)|like this story|share this"
    r"|dapatkan (?:update|informasi|berita)|ikuti (?:kami|kanal|saluran|akun|berita)"
    r"|klik di ?sini|unduh aplikasi|gabung(?:lah)? (?:di|ke|dengan)|berlangganan)\b"
    # Furniture words anywhere in a short line.
    r"|\b(?:newsletters?|inbox|all rights reserved|hak cipta dilindungi|click here"
    r"|pemasangan iklan|informasi iklan"
    r"|tell us what you think|klik di ?sini|moderat(?:or|ion|ed|ore)|moderador)\b|©|ⓒ"
    # WordPress shortcodes left in the text: [button link=...]
    r"|^\[/?[a-z_]+(?:\s[^\]]*)?\]"
    r"|\b[\w.+-]+(?:@|\[at\])[\w-]+\.[\w.]+",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:by|oleh|penulis|reporter|pewarta|editor|editing by|reporting by|sumber|source"
    r"|foto|photo|image|gambar|ilustrasi|video|credit|kredit|tags?|topik|updated|diperbarui"
    r"|redaksi|hubungi|contact|kontak"
    r"|published|dipublikasikan)\s*[:|]",
    re.IGNORECASE,
)
# A photographer's credit closing a caption: "(REUTERS / Danny Moloshok)" (the pattern the
# cleaner drops from pasted text too).
# A caption-only text runs the captions together after their credits ("... Minggu (9/3).
# (REUTERS / Agus Salim)Ribuan suporter ..."): a credit ends a caption there.
PHOTO_CREDIT = re.compile(rf"\s*{PHOTO_CREDIT_PATTERN}\s*")
# Where a caption places the people in its picture.
_POSITIONS = re.compile(r"\((?:kanan|kiri|tengah|ka|ki|right|left|center|centre)\)", re.IGNORECASE)
_CAPTION = re.compile(
    rf"(?-i:{PHOTO_CREDIT.pattern})|{_POSITIONS.pattern}|"
    r"[(\[](?:foto|photo|image|gambar|dok|dokumentasi|ist|istimewa|credit|kredit"
    r"|image credit|photo credit|sumber foto)\b[^)\]]*[)\]]\s*$"
    r"|\b(?:ANTARA FOTO|AP Photo|AFP Photo|Getty Images|Shutterstock|iStock(?:photo)?)\b"
    # A photographer's credit closing the line: "(Bagus Kurniawan/detikcom)".
    # (Editor initials, "(Mvi/Ali)", close real paragraphs: a credit names a person.)
    r"|\([A-Z][a-z]+(?: [A-Z][\w.]*)+\s*/\s*[A-Za-z][^()/]{1,30}\)\s*$"
    # A credit opening it: "Twitter @Persib", "Dok. Humas", "KOMPAS.com/Rina".
    r"|^(?:twitter|instagram|facebook|youtube|tiktok)\s*@\w+|^dok\.|^[A-Z][\w.]+\.com/\w",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Block:
    """One block of extracted text and what trafilatura saw it as: p, head, item, quote or
    row (of a table)."""

    text: str
    kind: str


def _inline_text(element: etree._Element) -> str:
    """Text of an element with its line breaks (<lb/>) as newlines and the page source's own
    line breaks as "\r" (see _resolve_soft_breaks)."""
    parts: list[str] = [_soft(element.text)]
    for child in element:
        parts.append("\n" if child.tag == "lb" else _inline_text(child))
        parts.append(_soft(child.tail))
    return "".join(parts)


def _soft(text: str | None) -> str:
    return text.replace("\r", " ").replace("\n", "\r") if text else ""


def _resolve_soft_breaks(text: str) -> str:
    """A source line break ends a paragraph after a finished sentence ("<p><p>" between
    paragraphs, as some sites write them) and is a space inside one (hard-wrapped source)."""
    lines: list[str] = []
    for segment in text.split("\n"):
        joined: list[str] = []
        for piece in segment.split("\r"):
            piece = piece.strip()
            if piece and joined and not SENTENCE_END.search(joined[-1]):
                joined[-1] = f"{joined[-1]} {piece}"
            elif piece:
                joined.append(piece)
        lines.extend(joined)
    return "\n".join(lines)


def body_blocks(body: etree._Element | None) -> list[Block]:
    """The blocks of trafilatura's output tree, in order; one block per line of text."""
    if body is None:
        return []
    blocks: list[Block] = []
    stack: list[tuple[etree._Element, str]] = [(child, "") for child in reversed(body)]
    while stack:
        element, inherited = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "row":  # a table row reads as one line, its cells side by side
            cells = (normalize_space(_inline_text(cell).replace("\r", " ")) for cell in element)
            line = " ".join(cell for cell in cells if cell)
            if line:
                blocks.append(Block(line, "row"))
            continue
        if tag in ("list", "quote", "div", "table"):
            kind = {"list": "item", "quote": "quote"}.get(tag, inherited)
            if len(element):
                stack.extend((child, kind) for child in reversed(element))
                if (element.text or "").strip():
                    blocks.append(Block(normalize_space(element.text or ""), kind or "p"))
                continue
        kind = "head" if tag == "head" else (inherited or "p")
        for line in _resolve_soft_breaks(_inline_text(element)).split("\n"):
            if line.strip():
                blocks.append(Block(normalize_space(line), kind))
    return blocks


def _is_label(block: Block) -> bool:
    """A short line that does not end like a sentence: a subheading, or an item of a list."""
    return word_count(block.text) <= SUBHEADING_MAX_WORDS and not SENTENCE_END.search(
        block.text.rstrip(":;,")
    )


def without_subheadings(paragraphs: list[str]) -> list[str]:
    """The paragraphs a summary may quote: without subheadings, the short lines without a
    full stop that stand alone between paragraphs ("Tekanan Sektor Bahan Baku"). Runs of such
    lines are lists (tour dates, a table of results) and stay."""
    labels = [_is_label(Block(paragraph, "p")) for paragraph in paragraphs]
    kept: list[str] = []
    for position, paragraph in enumerate(paragraphs):
        alone = not (position > 0 and labels[position - 1]) and not (
            position + 1 < len(paragraphs) and labels[position + 1]
        )
        if not (labels[position] and alone):
            kept.append(paragraph)
    return kept


def _captions(block: Block) -> list[str]:
    """The captions of a photo story's block, without their credits."""
    return [caption for caption in PHOTO_CREDIT.split(block.text) if caption.strip()]


def is_caption(text: str) -> bool:
    return bool(_CAPTION.search(text)) and word_count(text) <= 60


def places_people(text: str) -> bool:
    """Whether a caption says where people stand in its picture: "Taylor Swift (kanan)"."""
    return bool(_POSITIONS.search(text))


def _is_date_line(text: str) -> bool:
    """ "Kamis, 05/11/2015 10:08 WIB": a date and a time, the line of a listing entry."""
    return word_count(text) <= DATE_LINE_MAX_WORDS and bool(_DATE_TIME.search(text))


def _is_tag_line(text: str) -> bool:
    """ "ihsg, saham, bursa efek, ...": keywords separated by commas, not a sentence."""
    parts = text.split(",")
    if len(parts) < TAG_LINE_MIN_PARTS or SENTENCE_END.search(text) or _NOT_TAGS.search(text):
        return False
    return sum(word_count(part) for part in parts) <= TAG_MAX_WORDS * len(parts)


def is_boilerplate(text: str) -> bool:
    if _SEE_ALSO.match(text) or _BYLINE.match(text) or _is_tag_line(text) or _is_date_line(text):
        return True
    return word_count(text) <= BOILERPLATE_MAX_WORDS and bool(_BOILERPLATE.search(text))


def clean_blocks(
    blocks: list[Block],
    own_headlines: set[str],
    other_headlines: set[str],
    *,
    photo_story: bool = False,
) -> list[str]:
    """The article's paragraphs: furniture lines dropped, duplicates and the non-prose lines
    before the first and after the last prose paragraph (dates, bylines) left out.

    `own_headlines` and `other_headlines` are compared after `comparable()`. A photo story's
    prose is its captions: `photo_story` keeps them."""
    seen: set[str] = set()
    kept: list[Block] = []
    if photo_story:  # the captions are the story; their photographers' credits are not
        blocks = [Block(caption, block.kind) for block in blocks for caption in _captions(block)]
    for block in blocks:
        text = _BULLET.sub("", _LINK_LABEL.sub("", block.text)).strip()
        if not WORD.search(text):
            continue
        key = comparable(text)
        if key in own_headlines or key in other_headlines or (key in seen and is_prose(text)):
            continue
        if is_boilerplate(text) or (is_caption(text) and not photo_story):
            continue
        seen.add(key)
        kept.append(Block(text, block.kind))
    paragraphs = [block.text for block in kept]
    prose = [i for i, paragraph in enumerate(paragraphs) if is_prose(paragraph)]
    if not prose:
        return []
    start, end = prose[0], prose[-1] + 1
    # Before the first prose paragraph, lines without a full stop are dates and bylines.
    while start > 0 and not _is_label(Block(paragraphs[start - 1], "p")):
        start -= 1
    # After the last one, a list (tour dates, results) belongs to the article; a line or two
    # without a full stop is a byline or a date.
    if len(paragraphs) - end >= LIST_MIN_ITEMS:
        end = len(paragraphs)
    while end < len(paragraphs) and not _is_label(Block(paragraphs[end], "p")):
        end += 1
    return paragraphs[start:end]
