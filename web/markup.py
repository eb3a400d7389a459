"""Is a text HTML markup (a pasted page source, an .html file) rather than prose?"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

MARKUP_MIN_ELEMENTS = 2  # kinds of elements opened and closed that make text markup

# HTML elements by name, for telling markup from prose that mentions a "<" or an email address.
_HTML_TAGS = frozenset(
    """
    a abbr address article aside audio b blockquote body br button canvas caption center cite
    code dd details div dl dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4
    h5 h6 head header hr html i iframe img input label li link main mark meta nav noscript
    object ol option p picture pre q s script section select small source span strong style sub
    summary sup svg table tbody td template textarea tfoot th thead time title tr u ul video
    """.split()
)
_ACTIVE_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "svg", "template"})
_OPENING_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]{0,10})(?:\s[^<>]{0,2000})?/?>")
_CLOSING_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9]{0,10})\s*>")
_DOCUMENT_START = ("<!doctype html", "<html", "<?xml", "<head", "<body")


def looks_like_markup(text: str) -> bool:
    """Whether `text` is HTML markup (a pasted page source, an .html file) rather than prose:
    it starts like an HTML document, or it holds a script/style/iframe element, or elements of
    two kinds opened and closed. Prose that mentions "<b>" or "<redaksi@kompas.com>", or
    compares "x < y", is not markup. Linear in the text."""
    if text.lstrip()[:20].lower().startswith(_DOCUMENT_START):
        return True
    opened = {name.lower() for name in _OPENING_TAG.findall(text)} & _HTML_TAGS
    if not opened:
        return False
    closed = {name.lower() for name in _CLOSING_TAG.findall(text)}
    paired = opened & closed
    return bool(paired & _ACTIVE_TAGS) or len(paired) >= MARKUP_MIN_ELEMENTS


# Elements whose content is never text a reader sees.
_INVISIBLE = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg")
_BLOCKS = frozenset(
    "address article aside blockquote body br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
    "h5 h6 header hr li main nav ol p pre section table td th tr ul".split()
)


# Inline elements that, opening a line, label what follows: "<b>Berita</b> Banjir ...".
_LABELS = frozenset({"b", "strong", "label"})
_KICKER = re.compile(r"[^\W_]+(?: [^\W_]+){0,3}")  # a few words, no punctuation


class _Pieces:
    """Text pieces in order, and whether the current line holds only white space so far."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self.line_is_blank = True

    def append(self, piece: str) -> None:
        self._pieces.append(piece)
        if "\n" in piece:
            self.line_is_blank = not piece.rsplit("\n", 1)[1].strip()
        elif piece.strip():
            self.line_is_blank = False

    def text(self) -> str:
        return "".join(self._pieces)


def _is_kicker(label: etree._Element) -> bool:
    """A label of a few words without punctuation before a capital ("<b>Berita</b> Banjir"):
    a block of its own. A bold dateline ("<b>JAKARTA</b> - ...", "<b>Kabar6.com,
    Jakarta</b> ...") or bold words inside a sentence stay in their line."""
    tail = (label.tail or "").lstrip()
    return bool(_KICKER.fullmatch("".join(label.itertext()).strip())) and tail[:1].isupper()


def text_of_markup(markup: str) -> str:
    """The text a browser would show for a piece of markup that holds no whole article:
    invisible elements (scripts, styles, frames) dropped, tags removed, entities decoded,
    block elements as line breaks. Never raises."""
    import lxml.html  # only pasted markup needs the parser
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for element in list(root.iter(*_INVISIBLE)):
        parent = element.getparent()
        if parent is not None:
            # Keep what follows the element (its tail), drop the element itself.
            element.drop_tree()
    pieces = _Pieces()
    labels: set[etree._Element] = set()  # bold or label elements that open a line
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCKS:
                pieces.append("\n")
            if tag in _LABELS and pieces.line_is_blank:
                labels.add(element)
            pieces.append(element.text or "")
        else:
            if tag in _BLOCKS or (element in labels and _is_kicker(element)):
                pieces.append("\n")
            if element is not root:
                pieces.append(element.tail or "")
    lines = (" ".join(line.split()) for line in pieces.text().split("\n"))
    return "\n\n".join(line for line in lines if line)
