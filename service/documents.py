"""Documents into text: plain text in any common encoding, PDF with a text layer, .docx, .html.

Telegram-free: the bot reads a document's bytes from Telegram and the command line reads a
file, and both turn them into article text here. Each way a document cannot be read has its
own error code, so that people are told which it is (a scan without text is not a broken
file, and neither is a locked one).

The bot runs `read_document` in the heavy lane's worker processes (DigestService.
read_document), under the lane's deadline: this module imports only the standard library
when loaded, and each parser (pypdf, lxml, trafilatura, charset detection) on first use.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePath

log = logging.getLogger(__name__)


class DocumentKind(Enum):
    TEXT = "text"
    PDF = "pdf"
    DOCX = "docx"
    HTML = "html"


class DocumentErrorCode(Enum):
    UNSUPPORTED = "unsupported"  # a type we do not read (images, .doc, spreadsheets, ...)
    EMPTY = "empty"  # no bytes, or only white space
    CORRUPT = "corrupt"  # claims a type but is not a readable file of that type
    ENCRYPTED = "encrypted"  # needs a password
    NO_TEXT = "no_text"  # a PDF without a text layer: a scan or photos of pages
    NOT_ARTICLE = "not_article"  # an HTML page without an article in it


class DocumentError(Exception):
    def __init__(self, code: DocumentErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True)
class DocumentLimits:
    """How much of a document is read (the defaults live in bot.settings)."""

    max_pages: int
    max_chars: int


@dataclass(frozen=True)
class DocumentText:
    text: str
    kind: DocumentKind
    truncated: bool  # the page or character cap cut the document short
    pages_read: int | None = None
    pages_total: int | None = None


_EXTENSIONS = {
    ".txt": DocumentKind.TEXT,
    ".text": DocumentKind.TEXT,
    ".md": DocumentKind.TEXT,
    ".pdf": DocumentKind.PDF,
    ".docx": DocumentKind.DOCX,
    ".html": DocumentKind.HTML,
    ".htm": DocumentKind.HTML,
    ".xhtml": DocumentKind.HTML,
}
_MIME_TYPES = {
    "text/plain": DocumentKind.TEXT,
    "text/markdown": DocumentKind.TEXT,
    "application/pdf": DocumentKind.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DocumentKind.DOCX,
    "text/html": DocumentKind.HTML,
    "application/xhtml+xml": DocumentKind.HTML,
}
_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
# Office files locked with a password are OLE compound files, not zip archives.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A PDF page of a scan yields no letters, or a few stray ones from a stamp or page number.
MIN_PDF_LETTERS_PER_PAGE = 20
# The XML of a .docx body is read up to this size (a zip can unpack to far more than it holds).
MAX_DOCX_XML_BYTES = 40 * 1024 * 1024
_WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_LETTER = re.compile(r"[^\W\d_]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def document_kind(
    file_name: str | None, mime_type: str | None, head: bytes = b""
) -> DocumentKind | None:
    """The kind of a document from its name, its MIME type or its first bytes; None: unread.

    The first bytes win over the name: a PDF saved as "artikel.txt" is still a PDF.
    """
    if head.startswith(_PDF_MAGIC):
        return DocumentKind.PDF
    suffix = PurePath(file_name or "").suffix.lower()
    by_name = _EXTENSIONS.get(suffix)
    by_mime = _MIME_TYPES.get((mime_type or "").split(";")[0].strip().lower())
    kind = by_name or by_mime
    if kind is None and not suffix and (mime_type or "").startswith("text/"):
        return DocumentKind.TEXT
    return kind


def read_document(
    data: bytes, file_name: str | None, mime_type: str | None, limits: DocumentLimits
) -> DocumentText:
    """The text of a document. Raises DocumentError.

    CPU work, seconds for a large PDF: the bot runs it in the heavy lane, under its deadline.
    """
    kind = document_kind(file_name, mime_type, data[:8])
    if kind is None:
        raise DocumentError(DocumentErrorCode.UNSUPPORTED, f"cannot read {file_name or 'this'}")
    if not data.strip():
        raise DocumentError(DocumentErrorCode.EMPTY, "the file is empty")
    if kind is DocumentKind.PDF:
        return _read_pdf(data, limits)
    if kind is DocumentKind.DOCX:
        return _capped(_read_docx(data), kind, limits)
    if kind is DocumentKind.HTML:
        return _capped(_article_of_html(data), kind, limits)
    return _capped(decode_text(data), kind, limits)


# --- plain text ------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Text in any common encoding: a byte-order mark, else UTF-8, else detection.

    Raises DocumentError for bytes that are not text (a binary file named .txt).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked_text(data[len(bom) :].decode(codec, errors="replace"))
    if b"\x00" in data:
        # UTF-16 without a byte-order mark has a zero in every other byte of Latin text.
        text = _utf16_without_bom(data)
        if text is None:
            raise DocumentError(DocumentErrorCode.CORRUPT, "binary data, not text")
        return _checked_text(text)
    try:
        return _checked_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only for text that is not UTF-8

    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DocumentError(DocumentErrorCode.CORRUPT, "not text in any known encoding")
    return _checked_text(str(best))


def _utf16_without_bom(data: bytes) -> str | None:
    even_zeros = data[0::2].count(0)
    odd_zeros = data[1::2].count(0)
    half = len(data) // 2
    if odd_zeros > 0.3 * half and even_zeros < 0.05 * half:
        codec = "utf-16-le"
    elif even_zeros > 0.3 * half and odd_zeros < 0.05 * half:
        codec = "utf-16-be"
    else:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _checked_text(text: str) -> str:
    if not text.strip():
        raise DocumentError(DocumentErrorCode.EMPTY, "the file has no text")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > 0.01 * len(text):
        raise DocumentError(DocumentErrorCode.CORRUPT, "binary data, not text")
    return text


def _capped(text: str, kind: DocumentKind, limits: DocumentLimits) -> DocumentText:
    if not text.strip():
        raise DocumentError(DocumentErrorCode.EMPTY, "the file has no text")
    if len(text) <= limits.max_chars:
        return DocumentText(text, kind, truncated=False)
    cut = text.rfind("\n", 0, limits.max_chars)
    cut = cut if cut > limits.max_chars // 2 else limits.max_chars
    return DocumentText(text[:cut], kind, truncated=True)


# --- PDF -------------------------------------------------------------------------------------


def _read_pdf(data: bytes, limits: DocumentLimits) -> DocumentText:
    from pypdf import PdfReader  # loads only when a PDF comes
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about every odd byte
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opened_without_password(reader):
            raise DocumentError(DocumentErrorCode.ENCRYPTED, "the PDF needs a password")
        total = len(reader.pages)
        pages: list[str] = []
        chars = 0
        for page in reader.pages[: limits.max_pages]:
            text = page.extract_text() or ""
            pages.append(text)
            chars += len(text)
            if chars >= limits.max_chars:
                break
    except (FileNotDecryptedError, DependencyError):
        raise DocumentError(DocumentErrorCode.ENCRYPTED, "the PDF needs a password") from None
    except DocumentError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise DocumentError(DocumentErrorCode.CORRUPT, f"unreadable PDF: {error}") from None
    except RecursionError:
        raise DocumentError(DocumentErrorCode.CORRUPT, "unreadable PDF (too deep)") from None
    letters = sum(len(_LETTER.findall(page)) for page in pages)
    if letters < MIN_PDF_LETTERS_PER_PAGE * max(1, len(pages)) // 2:
        raise DocumentError(DocumentErrorCode.NO_TEXT, "the PDF has no text layer (a scan?)")
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    capped = _capped(text, DocumentKind.PDF, limits)
    truncated = capped.truncated or len(pages) < total
    return DocumentText(capped.text, DocumentKind.PDF, truncated, len(pages), total)


def _opened_without_password(reader: object) -> bool:
    """Many PDFs are "encrypted" only to restrict printing: they open with an empty password."""
    from pypdf import PasswordType, PdfReader

    assert isinstance(reader, PdfReader)
    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:  # an unknown or unavailable cipher is as closed as a password
        return False


# --- .docx -----------------------------------------------------------------------------------


def _read_docx(data: bytes) -> str:
    if data.startswith(_OLE_MAGIC):
        raise DocumentError(DocumentErrorCode.ENCRYPTED, "the document needs a password")
    if not data.startswith(_ZIP_MAGIC):
        raise DocumentError(DocumentErrorCode.CORRUPT, "not a .docx file")
    from lxml import etree

    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as archive,
            archive.open("word/document.xml") as member,
        ):
            xml = member.read(MAX_DOCX_XML_BYTES + 1)
        if len(xml) > MAX_DOCX_XML_BYTES:
            raise DocumentError(DocumentErrorCode.CORRUPT, "the document is too large inside")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(xml, parser)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError, EOFError) as error:
        raise DocumentError(DocumentErrorCode.CORRUPT, f"unreadable .docx: {error}") from None
    paragraphs = []
    for paragraph in root.iter(f"{_WORD_NAMESPACE}p"):
        pieces = []
        for node in paragraph.iter(f"{_WORD_NAMESPACE}t", f"{_WORD_NAMESPACE}tab"):
            pieces.append(node.text or "" if node.tag == f"{_WORD_NAMESPACE}t" else " ")
        line = "".join(pieces).strip()
        if line:
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


# --- HTML ------------------------------------------------------------------------------------


def _article_of_html(data: bytes) -> str:
    from web.charset import decode_html
    from web.extract import extract_article  # trafilatura loads only when an HTML file comes
    from web.policy import NotAnArticle

    html, _ = decode_html(data)
    try:
        return extract_article(html).text
    except NotAnArticle as error:
        raise DocumentError(DocumentErrorCode.NOT_ARTICLE, str(error)) from None
