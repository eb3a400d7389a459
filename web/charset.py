"""Decoding an HTML body: byte-order mark, declared charset, then detection."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG: these labels mean windows-1252 on the web, which is a superset of ISO-8859-1.
_WEB_ALIASES = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252"}


def _codec_name(label: str | None) -> str | None:
    """A Python codec for a charset label, only if it is ASCII-compatible like HTML needs."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    name = _WEB_ALIASES.get(name, name)
    try:
        if "<meta>".encode(name) != b"<meta>":
            return None
    except (UnicodeError, LookupError):
        return None
    return name


def _charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.I)
    return match.group(1) if match else None


def _charset_from_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def _decodes_as(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML body; returns (text, codec name).

    Order: byte-order mark, then the declared charset (HTTP header, then <meta>), then
    detection. Bytes that are valid UTF-8 and not plain ASCII are taken as UTF-8 even when
    the page declares otherwise (old pages often declare ISO-8859-1 and serve UTF-8), and a
    page that declares UTF-8 but is not valid UTF-8 falls through to detection.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace"), codec
    declared = _codec_name(_charset_from_content_type(content_type)) or _codec_name(
        _charset_from_meta(body)
    )
    as_utf8 = _decodes_as(body, "utf-8")
    if as_utf8 is not None and (declared in (None, "utf-8") or not body.isascii()):
        return as_utf8, "utf-8"
    if declared is not None and declared != "utf-8":
        text = _decodes_as(body, declared)
        if text is not None:
            return text, declared
    detected = _detected_codec(body)
    if detected is not None:
        text = _decodes_as(body, detected)
        if text is not None:
            return text, detected
    return body.decode("cp1252", errors="replace"), "cp1252"


# Single-byte Latin code pages that detection confuses on short Western text; for the
# Indonesian and English pages this bot reads, windows-1252 is the right one of them.
_LATIN_CODECS = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "iso8859-2", "iso8859-9", "iso8859-15", "mac-roman"}
)


# Encodings that web pages actually use (the WHATWG Encoding Standard), so that detection
# does not settle on a DOS code page such as cp775 for a short Western page.
_WEB_ENCODINGS = (
    "utf_8", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "cp874", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6",
    "iso8859_7", "iso8859_8", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
    "iso8859_16", "koi8_r", "koi8_u", "mac_roman", "gb18030", "big5", "euc_jp", "shift_jis",
    "iso2022_jp", "euc_kr",
)  # fmt: skip


def _detected_codec(body: bytes) -> str | None:
    best = charset_normalizer.from_bytes(body, cp_isolation=list(_WEB_ENCODINGS)).best()
    codec = _codec_name(best.encoding) if best is not None else None
    return "cp1252" if codec in _LATIN_CODECS else codec
