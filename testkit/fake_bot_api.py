"""A local fake of the Telegram Bot API for end-to-end tests and the load benchmark.

A real python-telegram-bot ``Bot``/``Application`` talks to it over HTTP on 127.0.0.1 exactly as
it would talk to api.telegram.org: point ``base_url`` at :attr:`FakeBotApi.base_url`.

* Tests inject updates with :meth:`FakeBotApi.private_text`, :meth:`FakeBotApi.group_text`,
  :meth:`FakeBotApi.command`, ... and observe the bot through :attr:`FakeBotApi.calls`,
  :meth:`FakeBotApi.sent_messages` and the ``wait_for*`` helpers.
* Faults (429 with ``retry_after``, other error codes, connections dropped without an answer)
  are queued per method with :meth:`FakeBotApi.fail_next` and :meth:`FakeBotApi.drop_next`.
* Another process (``bench/load.py``) drives the same things over HTTP under ``/_control/``
  (JSON in and out, answers ``{"ok": true, "result": ...}``):
  ``GET health``; ``POST updates`` (a raw update); ``POST inject/<kind>`` with the keyword
  arguments of ``private_text``, ``group_text``, ``command``, ``caption_message``,
  ``photo_message``, ``sticker_message`` or ``callback``; ``GET calls?method=&since=``;
  ``GET messages?chat_id=``; ``GET wait_messages?chat_id=&count=&timeout=`` (408 on timeout);
  ``POST faults`` (``{"method", "kind": "fail"|"drop", ...}`` = fail_next/drop_next kwargs);
  ``POST reset``.
* ``python -m testkit.fake_bot_api --port N`` serves until killed.

The server validates what the real one validates where bots commonly get it wrong: the token,
``chat_id``, text length (1..4096 characters after entity parsing), well-formed HTML /
MarkdownV2 / Markdown (the entity parsers follow TDLib's rules and error messages), inline
keyboard buttons (``callback_data`` of 1..64 bytes), "message is not modified" on edits and
stale callback query ids.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import itertools
import json
import re
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest_asyncio
from aiohttp import web

JsonDict = dict[str, Any]

MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_LONG_POLL_SECONDS = 50.0
DEFAULT_TOKEN = "123456:TEST-token"

_TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")


# --------------------------------------------------------------------------------------------
# Errors as the Bot API reports them
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


class EntityParseError(ValueError):
    """Text markup that Telegram would refuse with "can't parse entities: <reason>"."""


# --------------------------------------------------------------------------------------------
# Formatted text: UTF-16 offsets, HTML / MarkdownV2 / Markdown parsing like TDLib
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class ParsedText:
    """Plain text plus its entities (Bot API ``MessageEntity`` dicts, UTF-16 offsets)."""

    text: str
    entities: list[JsonDict] = field(default_factory=list)


class _TextBuilder:
    """Collects plain text while tracking its length in UTF-16 code units."""

    def __init__(self) -> None:
        self._chars: list[str] = []
        self.utf16_offset = 0

    def append(self, chars: str) -> None:
        for char in chars:
            self._chars.append(char)
            self.utf16_offset += 2 if ord(char) > 0xFFFF else 1

    @property
    def char_count(self) -> int:
        return len(self._chars)

    def text_since(self, char_index: int) -> str:
        return "".join(self._chars[char_index:])

    def text(self) -> str:
        return "".join(self._chars)


def _at(text: str, index: int) -> str:
    """TDLib reads a NUL-terminated buffer; "\\0" past the end keeps its loops faithful."""
    return text[index] if index < len(text) else "\0"


def _is_space(char: str) -> bool:
    return char in " \t\r\n\0\v"


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _entity(kind: str, offset: int, length: int, **extra: str) -> JsonDict:
    return {"type": kind, "offset": offset, "length": length, **extra}


def _sorted_entities(entities: list[JsonDict]) -> list[JsonDict]:
    return sorted(entities, key=lambda entity: (entity["offset"], -entity["length"]))


_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_HTML_SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_HTML_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY = re.compile(r"&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([a-zA-Z]{2,4}));")
_NAME_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_LINK_SCHEME = re.compile(r"(?i)(https?|ftp|tg|ton)://\S+")
_BARE_DOMAIN_LINK = re.compile(
    r"(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,}\S*"
)


def _decode_html_entity(text: str, index: int) -> tuple[str, int] | None:
    """Decodes ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;`` and numeric references at ``index``.

    Anything else (``&nbsp;``, a lone ``&``) is not an error for Telegram: it stays literal.
    """
    match = _HTML_ENTITY.match(text, index)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _HTML_NAMED_ENTITIES.get(name)
        return (char, match.end()) if char else None
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _checked_link(url: str) -> str | None:
    """The URL a text_link gets, or None when Telegram would silently drop the link."""
    url = url.strip()
    if _LINK_SCHEME.fullmatch(url):
        return url
    if _BARE_DOMAIN_LINK.fullmatch(url):
        return f"http://{url}"
    return None


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_start: int
    char_start: int
    byte_offset: int


class _HtmlParser:
    """Telegram's HTML dialect, following TDLib's ``parse_html`` and its error messages."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0
        self.out = _TextBuilder()
        self.open_tags: list[_OpenTag] = []
        self.entities: list[JsonDict] = []

    def parse(self) -> ParsedText:
        text = self.text
        while self.index < len(text):
            char = text[self.index]
            if char == "&":
                decoded = _decode_html_entity(text, self.index)
                if decoded is not None:
                    self.out.append(decoded[0])
                    self.index = decoded[1]
                    continue
            if char != "<":
                self.out.append(char)
                self.index += 1
            elif _at(text, self.index + 1) == "/":
                self._end_tag()
            else:
                self._start_tag()
        if self.open_tags:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.open_tags[-1].name}"'
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        return ParsedText(self.out.text(), _sorted_entities(self.entities))

    def _error_at(self, message: str, index: int) -> EntityParseError:
        return EntityParseError(f"{message} at byte offset {_byte_offset(self.text, index)}")

    def _start_tag(self) -> None:
        text, begin = self.text, self.index
        i = begin + 1
        while not _is_space(_at(text, i)) and _at(text, i) != ">":
            i += 1
        if i >= len(text):
            raise self._error_at("Unclosed start tag", begin)
        tag = text[begin + 1 : i].lower()
        if tag not in _HTML_TAGS:
            raise self._error_at(f'Unsupported start tag "{tag}"', begin)
        argument = ""
        while _at(text, i) != ">":
            i, attribute, value = self._attribute(tag, begin, i)
            argument = _tag_argument(tag, attribute, value, argument)
        if tag == "span" and argument != "spoiler":
            raise self._error_at('Tag "span" must have class "tg-spoiler"', begin)
        self.open_tags.append(
            _OpenTag(tag, argument, self.out.utf16_offset, self.out.char_count, begin)
        )
        self.index = i + 1

    def _attribute(self, tag: str, begin: int, i: int) -> tuple[int, str, str | None]:
        """Parses one ``name=value`` (or a bare ``expandable``); returns the index after it."""
        text = self.text
        while i < len(text) and _is_space(text[i]):
            i += 1
        if _at(text, i) == ">":
            return i, "", None
        name_begin = i
        while not _is_space(_at(text, i)) and _at(text, i) not in "=>":
            i += 1
        name = text[name_begin:i]
        if not name:
            raise self._error_at(f'Empty attribute name in the tag "{tag}"', begin)
        while i < len(text) and _is_space(text[i]):
            i += 1
        if _at(text, i) != "=":
            if tag == "blockquote" and name == "expandable":
                return i, name, None
            raise self._error_at(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}"', begin
            )
        i += 1
        while i < len(text) and _is_space(text[i]):
            i += 1
        if i >= len(text):
            raise self._error_at(f'Unclosed start tag "{tag}"', begin)
        if text[i] in "'\"":
            i, value = self._quoted_value(i)
        else:
            token_begin = i
            while _at(text, i) in _NAME_TOKEN_CHARS:
                i += 1
            value = text[token_begin:i].lower()
            if not _is_space(_at(text, i)) and _at(text, i) != ">":
                raise self._error_at("Unexpected end of name token", token_begin)
        if i >= len(text):
            raise self._error_at("Unclosed start tag", begin)
        return i, name, value

    def _quoted_value(self, i: int) -> tuple[int, str]:
        text = self.text
        quote = text[i]
        i += 1
        value: list[str] = []
        while i < len(text) and text[i] != quote:
            if text[i] == "&":
                decoded = _decode_html_entity(text, i)
                if decoded is not None:
                    value.append(decoded[0])
                    i = decoded[1]
                    continue
            value.append(text[i])
            i += 1
        if i < len(text):
            i += 1
        return i, "".join(value)

    def _end_tag(self) -> None:
        text, begin = self.text, self.index
        if not self.open_tags:
            raise self._error_at("Unexpected end tag", begin)
        i = begin + 2
        while not _is_space(_at(text, i)) and _at(text, i) != ">":
            i += 1
        end_name = text[begin + 2 : i].lower()
        while i < len(text) and _is_space(text[i]):
            i += 1
        if _at(text, i) != ">":
            raise self._error_at("Unclosed end tag", begin)
        open_tag = self.open_tags.pop()
        if end_name and end_name != open_tag.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                f'expected "</{open_tag.name}>", found "</{end_name}>"'
            )
        if self.out.utf16_offset > open_tag.utf16_start:
            self._close_entity(open_tag)
        self.index = i + 1

    def _close_entity(self, tag: _OpenTag) -> None:
        offset = tag.utf16_start
        length = self.out.utf16_offset - offset
        if tag.name in _HTML_SIMPLE_ENTITY_TYPES:
            self.entities.append(_entity(_HTML_SIMPLE_ENTITY_TYPES[tag.name], offset, length))
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit():
                raise EntityParseError("Invalid custom emoji identifier specified")
            self.entities.append(
                _entity("custom_emoji", offset, length, custom_emoji_id=tag.argument)
            )
        elif tag.name == "a":
            url = _checked_link(tag.argument or self.out.text_since(tag.char_start))
            if url is not None:
                self.entities.append(_entity("text_link", offset, length, url=url))
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.argument else "blockquote"
            self.entities.append(_entity(kind, offset, length))
        else:
            self._close_code_or_pre(tag.name, tag.argument, offset, length)

    def _close_code_or_pre(self, name: str, language: str, offset: int, length: int) -> None:
        """``<pre><code class="language-x">`` (either nesting order) is one pre with language."""
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if name == "pre" and same_span and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
        elif name == "code" and same_span and last["type"] == "pre" and language:
            last["language"] = language
        elif name == "pre":
            self.entities.append(_entity("pre", offset, length))
        else:
            extra = {"language": language} if language else {}
            self.entities.append(_entity("code", offset, length, **extra))


def _tag_argument(tag: str, attribute: str, value: str | None, current: str) -> str:
    if tag == "a" and attribute == "href" and value is not None:
        return value
    if tag == "code" and attribute == "class" and value and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and attribute == "emoji-id" and value is not None:
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "1"
    return current


def parse_html(text: str) -> ParsedText:
    """Parses Telegram HTML; raises :class:`EntityParseError` like the real API would."""
    return _HtmlParser(text).parse()


_MARKDOWN_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MARKDOWN_V2_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
    "custom_emoji": "CustomEmoji",
}


@dataclass
class _OpenMarkdownEntity:
    kind: str
    utf16_start: int
    char_start: int
    byte_offset: int
    language: str = ""


class _MarkdownV2Parser:
    """Telegram's MarkdownV2, following TDLib's ``parse_markdown_v2`` and its error messages."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out = _TextBuilder()
        self.open: list[_OpenMarkdownEntity] = []
        self.entities: list[JsonDict] = []
        self.blockquote_start: int | None = None
        self.blockquote_kind = "blockquote"

    def parse(self) -> ParsedText:
        text = self.text
        i = 0
        while i < len(text):
            if i == 0 or text[i - 1] == "\n":
                i = self._line_start(i)
                if i >= len(text):
                    break
            char = text[i]
            if char == "\\" and 0 < ord(_at(text, i + 1)) <= 126:
                self.out.append(text[i + 1])
                i += 2
                continue
            inside_code = bool(self.open) and self.open[-1].kind in ("code", "pre")
            reserved = "`" if inside_code else _MARKDOWN_V2_RESERVED
            if char not in reserved:
                self.out.append(char)
                i += 1
            elif self._ends_open_entity(i):
                i = self._close(i)
            else:
                i = self._open(i)
        if self.open:
            entity = self.open[-1]
            kind = "PreCode" if entity.language else _MARKDOWN_V2_TYPE_NAMES[entity.kind]
            raise EntityParseError(
                f"Can't find end of {kind} entity at byte offset {entity.byte_offset}"
            )
        self._end_blockquote(self.out.utf16_offset)
        return ParsedText(self.out.text(), _sorted_entities(self.entities))

    def _line_start(self, i: int) -> int:
        """Lines starting with ``>`` form a blockquote (``**>`` an expandable one)."""
        text = self.text
        if text.startswith("**>", i) and not self.open:
            self._begin_blockquote(expandable=True)
            return i + 3
        if text.startswith(">", i) and not self.open:
            self._begin_blockquote(expandable=False)
            return i + 1
        if self.blockquote_start is not None:
            self._end_blockquote(self.out.utf16_offset - 1)
        return i

    def _begin_blockquote(self, *, expandable: bool) -> None:
        if self.blockquote_start is None:
            self.blockquote_start = self.out.utf16_offset
            self.blockquote_kind = "expandable_blockquote" if expandable else "blockquote"

    def _end_blockquote(self, end: int) -> None:
        if self.blockquote_start is not None and end > self.blockquote_start:
            length = end - self.blockquote_start
            self.entities.append(_entity(self.blockquote_kind, self.blockquote_start, length))
        self.blockquote_start = None

    def _ends_open_entity(self, i: int) -> bool:
        if not self.open:
            return False
        text, kind = self.text, self.open[-1].kind
        char, next_char = text[i], _at(text, i + 1)
        return {
            "bold": char == "*",
            "italic": char == "_" and next_char != "_",
            "underline": char == "_" and next_char == "_",
            "strikethrough": char == "~",
            "spoiler": char == "|" and next_char == "|",
            "code": char == "`",
            "pre": text.startswith("```", i),
            "text_link": char == "]",
            "custom_emoji": char == "]",
        }[kind]

    def _reserved_error(self, char: str) -> EntityParseError:
        return EntityParseError(
            f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        )

    def _open(self, i: int) -> int:
        text = self.text
        char, begin = text[i], i
        language = ""
        if char == "_" and _at(text, i + 1) == "_":
            kind, i = "underline", i + 2
        elif char in "_*~[":
            kind = {"_": "italic", "*": "bold", "~": "strikethrough", "[": "text_link"}[char]
            i += 1
        elif char == "|" and _at(text, i + 1) == "|":
            kind, i = "spoiler", i + 2
        elif char == "!" and _at(text, i + 1) == "[":
            kind, i = "custom_emoji", i + 2
        elif text.startswith("```", i):
            kind, (i, language) = "pre", _skip_pre_header(text, i + 3)
        elif char == "`":
            kind, i = "code", i + 1
        else:
            raise self._reserved_error(char)
        start = _OpenMarkdownEntity(
            kind, self.out.utf16_offset, self.out.char_count, _byte_offset(text, begin), language
        )
        self.open.append(start)
        return i

    def _close(self, i: int) -> int:
        entity = self.open.pop()
        offset, length = entity.utf16_start, self.out.utf16_offset - entity.utf16_start
        extra: dict[str, str] = {}
        if entity.kind in ("underline", "spoiler"):
            i += 2
        elif entity.kind == "pre":
            i += 3
            if entity.language:
                extra["language"] = entity.language
        elif entity.kind in ("text_link", "custom_emoji"):
            i, url = self._link_target(i, entity)
            if entity.kind == "custom_emoji":
                emoji_id = url.removeprefix("tg://emoji?id=")
                if not emoji_id.isdigit():
                    raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
                extra["custom_emoji_id"] = emoji_id
            else:
                checked = _checked_link(url)
                if checked is None:
                    return i
                extra["url"] = checked
        else:
            i += 1
        if length > 0:
            self.entities.append(_entity(entity.kind, offset, length, **extra))
        return i

    def _link_target(self, i: int, entity: _OpenMarkdownEntity) -> tuple[int, str]:
        """``](url)`` after link text; a missing ``(url)`` means the text itself is the URL."""
        text = self.text
        if _at(text, i + 1) != "(":
            return i + 1, self.out.text_since(entity.char_start)
        i += 2
        url_begin = i
        url: list[str] = []
        while i < len(text) and text[i] != ")":
            if text[i] == "\\" and 0 < ord(_at(text, i + 1)) <= 126:
                url.append(text[i + 1])
                i += 2
                continue
            url.append(text[i])
            i += 1
        if i >= len(text):
            raise EntityParseError(
                f"Can't find end of a URL at byte offset {_byte_offset(text, url_begin)}"
            )
        return i + 1, "".join(url)


def _skip_pre_header(text: str, i: int) -> tuple[int, str]:
    """After an opening ```: an optional language, then one skipped line break."""
    language_end = i
    while not _is_space(_at(text, language_end)) and _at(text, language_end) != "`":
        language_end += 1
    language = ""
    if i != language_end and language_end < len(text) and text[language_end] != "`":
        language, i = text[i:language_end], language_end
    if i < len(text) and text[i] in "\r\n":
        i += 2 if text[i : i + 2] in ("\r\n", "\n\r") else 1
    return i, language


def parse_markdown_v2(text: str) -> ParsedText:
    """Parses Telegram MarkdownV2; raises :class:`EntityParseError` like the real API would."""
    return _MarkdownV2Parser(text).parse()


def parse_markdown(text: str) -> ParsedText:
    """Parses legacy Telegram Markdown (``*bold*``, ``_italic_``, ``[text](url)``, code)."""
    out = _TextBuilder()
    entities: list[JsonDict] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and _at(text, i + 1) in "_*`[":
            out.append(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.append(char)
            i += 1
            continue
        begin = i
        end_char = "]" if char == "[" else char
        is_pre = text.startswith("```", i)
        i += 3 if is_pre else 1
        language = ""
        if is_pre:
            i, language = _skip_pre_header(text, i)
        start = out.utf16_offset
        while i < len(text) and (text[i] != end_char or (is_pre and not text.startswith("```", i))):
            out.append(text[i])
            i += 1
        if i >= len(text):
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        i += 3 if is_pre else 1
        length = out.utf16_offset - start
        if char == "[":
            i, url = _legacy_link_target(text, i)
            checked = _checked_link(url) if url else None
            if checked and length > 0:
                entities.append(_entity("text_link", start, length, url=checked))
        elif length > 0:
            kind = {"_": "italic", "*": "bold", "`": "pre" if is_pre else "code"}[char]
            extra = {"language": language} if is_pre and language else {}
            entities.append(_entity(kind, start, length, **extra))
    return ParsedText(out.text(), _sorted_entities(entities))


def _legacy_link_target(text: str, i: int) -> tuple[int, str]:
    if _at(text, i) != "(":
        return i, ""
    end = text.find(")", i)
    if end == -1:
        return i, ""
    return end + 1, text[i + 1 : end]


def _trim(parsed: ParsedText) -> ParsedText:
    """Telegram strips leading and trailing whitespace from message texts."""
    text = parsed.text
    stripped = text.strip()
    if stripped == text:
        return parsed
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end_limit = lead + utf16_len(stripped)
    entities = []
    for entity in parsed.entities:
        start = max(entity["offset"], lead)
        end = min(entity["offset"] + entity["length"], end_limit)
        if end > start:
            entities.append({**entity, "offset": start - lead, "length": end - start})
    return ParsedText(stripped, entities)


# --------------------------------------------------------------------------------------------
# Entities Telegram detects by itself in messages that users send
# --------------------------------------------------------------------------------------------

_AUTO_ENTITY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("bot_command", re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("url", re.compile(r"(?i)\b(?:https?|ftp)://[^\s<>\"]+|\bwww\.[^\s<>\"]+")),
    ("email", re.compile(r"(?i)\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")),
    (
        "url",
        re.compile(
            r"(?i)\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
            r"(?:com|net|org|id|io|co|info|news|me|dev|app|tv|uk|us|au|sg|my|asia|biz|xyz)"
            r"\b(?:/[^\s<>\"]*)?"
        ),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}\b")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
]
_URL_TRAILING_PUNCTUATION = ".,;:!?'\")]}"


def _trim_url(url: str) -> str:
    while url and url[-1] in _URL_TRAILING_PUNCTUATION:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def detect_entities(text: str) -> list[JsonDict]:
    """Commands, URLs, e-mails, mentions and hashtags the way Telegram marks incoming text."""
    taken: list[tuple[int, int]] = []
    found: list[JsonDict] = []
    for kind, pattern in _AUTO_ENTITY_PATTERNS:
        for match in pattern.finditer(text):
            value = _trim_url(match.group()) if kind == "url" else match.group()
            start, end = match.start(), match.start() + len(value)
            if not value or any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append(_entity(kind, utf16_len(text[:start]), utf16_len(value)))
    return _sorted_entities(found)


# --------------------------------------------------------------------------------------------
# Realistic Update / Message / User / Chat JSON
# --------------------------------------------------------------------------------------------

_DEFAULT_FIRST_NAMES = ("Budi", "Siti", "Agus", "Dewi", "Rina", "Joko", "Ayu", "Eko")


def make_user(user_id: int, *, language_code: str | None = "id") -> JsonDict:
    first_name = _DEFAULT_FIRST_NAMES[user_id % len(_DEFAULT_FIRST_NAMES)]
    user: JsonDict = {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "username": f"{first_name.lower()}{user_id}",
    }
    if language_code:
        user["language_code"] = language_code
    return user


def make_private_chat(user: JsonDict) -> JsonDict:
    return {
        "id": user["id"],
        "first_name": user["first_name"],
        "username": user["username"],
        "type": "private",
    }


def make_group_chat(chat_id: int, *, title: str = "Grup Uji Ringkas") -> JsonDict:
    # Supergroup ids look like -100xxxxxxxxxx; basic groups have short negative ids.
    chat_type = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
    return {"id": chat_id, "title": title, "type": chat_type}


def _photo_sizes(seed: int) -> list[JsonDict]:
    sizes = ((90, 60, 1_412), (320, 213, 19_874), (1280, 853, 142_310))
    return [
        {
            "file_id": f"AgACAgUAAxkBAAI{seed:06d}{index}",
            "file_unique_id": f"AQAD{seed:06d}{index}",
            "width": width,
            "height": height,
            "file_size": size,
        }
        for index, (width, height, size) in enumerate(sizes)
    ]


def _media_payload(media: str, seed: int) -> JsonDict:
    if media == "photo":
        return {"photo": _photo_sizes(seed)}
    if media == "document":
        return {
            "document": {
                "file_name": "artikel.pdf",
                "mime_type": "application/pdf",
                "file_id": f"BQACAgUAAxkBAAI{seed:06d}",
                "file_unique_id": f"AgAD{seed:06d}",
                "file_size": 48_213,
            }
        }
    if media == "video":
        return {
            "video": {
                "duration": 12,
                "width": 1280,
                "height": 720,
                "mime_type": "video/mp4",
                "file_id": f"BAACAgUAAxkBAAI{seed:06d}",
                "file_unique_id": f"AgAD{seed:06d}v",
                "file_size": 1_048_576,
            }
        }
    raise ValueError(f"unknown media kind {media!r}; use photo, document or video")


def _public_copy(message: JsonDict) -> JsonDict:
    """A message as it appears nested in another one (no reply_to_message of its own)."""
    nested = copy.deepcopy(message)
    nested.pop("reply_to_message", None)
    return nested


# --------------------------------------------------------------------------------------------
# Request decoding: PTB sends form-encoded values (JSON-encoded unless already a string)
# --------------------------------------------------------------------------------------------

_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "allowed_updates",
        "commands",
        "scope",
    }
)
_JSON_PARSE_ERRORS = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "entities": "can't parse entities JSON object",
    "reply_parameters": "can't parse reply parameters JSON object",
    "link_preview_options": "can't parse link preview options JSON object",
    "allowed_updates": "can't parse allowed updates JSON object",
}
_INT_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "user_id",
    }
)
_NUMBER_PARAMS = frozenset({"timeout"})
_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
    }
)


def decode_param(name: str, raw: str) -> Any:
    """Turns one wire value into its typed value the way the Bot API reads that parameter."""
    if name in _JSON_PARAMS:
        try:
            return json.loads(raw)
        except ValueError:
            raise bad_request(_JSON_PARSE_ERRORS.get(name, f"can't parse {name}")) from None
    if name == "chat_id":
        return int(raw) if re.fullmatch(r"-?\d+", raw.strip()) else raw
    if name in _INT_PARAMS or name in _NUMBER_PARAMS:
        try:
            number = float(raw)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None
        if name in _INT_PARAMS or number.is_integer():
            return int(number)
        return number
    if name in _BOOL_PARAMS:
        return raw.strip().lower() in ("true", "1")
    return raw


async def read_wire_params(request: web.Request) -> dict[str, str]:
    """Query string plus a form, multipart or JSON body, as the API's string values."""
    wire: dict[str, str] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise bad_request("JSON request body must be an object")
            for name, value in body.items():
                if value is not None:
                    wire[name] = value if isinstance(value, str) else json.dumps(value)
        else:
            form = await request.post()
            for name, value in form.items():
                wire[name] = value if isinstance(value, str) else f"<file {value.filename}>"
    return wire


def decode_params(wire: dict[str, str]) -> JsonDict:
    return {name: decode_param(name, value) for name, value in wire.items()}


# --------------------------------------------------------------------------------------------
# Validation of what bots send
# --------------------------------------------------------------------------------------------

_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
# What getUpdates delivers until a bot asks otherwise (the Bot API's documented default).
_DEFAULT_UPDATE_TYPES = _ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}


def validate_reply_markup(markup: Any) -> JsonDict | None:
    """Checks a reply_markup; returns it when it is an inline keyboard (kept on the message)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request(_JSON_PARSE_ERRORS["reply_markup"])
    if "inline_keyboard" not in markup:
        if {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            return None
        raise bad_request(_JSON_PARSE_ERRORS["reply_markup"])
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" must be an Array of Array')
    for row in rows:
        for button in row:
            _validate_inline_button(button)
    return markup


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = _BUTTON_ACTIONS & button.keys()
    if len(actions) != 1:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and (
        not isinstance(button["url"], str) or _checked_link(button["url"]) is None
    ):
        raise bad_request("BUTTON_URL_INVALID")


def _validate_explicit_entities(text: str, entities: Any) -> list[JsonDict]:
    if not isinstance(entities, list):
        raise bad_request(_JSON_PARSE_ERRORS["entities"])
    text_length = utf16_len(text)
    valid = []
    for entity in entities:
        if not (
            isinstance(entity, dict)
            and isinstance(entity.get("type"), str)
            and isinstance(entity.get("offset"), int)
            and isinstance(entity.get("length"), int)
        ):
            raise bad_request(_JSON_PARSE_ERRORS["entities"])
        if entity["length"] > 0 and entity["offset"] + entity["length"] <= text_length:
            valid.append(entity)
    return _sorted_entities(valid)


def parse_outgoing_text(params: JsonDict) -> ParsedText:
    """The visible text and entities of a sendMessage/editMessageText, or the API's 400."""
    raw = params.get("text")
    if not isinstance(raw, str) or not raw:
        raise bad_request("message text is empty")
    parse_mode = str(params.get("parse_mode") or "")
    try:
        if "entities" in params:
            parsed = ParsedText(raw, _validate_explicit_entities(raw, params["entities"]))
        elif not parse_mode:
            parsed = ParsedText(raw)
        elif parse_mode.lower() == "html":
            parsed = parse_html(raw)
        elif parse_mode.lower() == "markdownv2":
            parsed = parse_markdown_v2(raw)
        elif parse_mode.lower() == "markdown":
            parsed = parse_markdown(raw)
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode}")
    except EntityParseError as error:
        raise bad_request(f"can't parse entities: {error}") from None
    parsed = _trim(parsed)
    if not parsed.text:
        raise bad_request("message text is empty")
    if len(parsed.text) > MAX_MESSAGE_LENGTH:
        raise bad_request("message is too long")
    return parsed


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedCall:
    """One Bot API request as the server answered it.

    ``time`` is the wall-clock arrival time (``time.time()``), comparable across processes.
    ``status`` is the HTTP status answered (0 when the connection was dropped), ``response`` the
    JSON body (None when dropped) and ``fault`` "failed"/"dropped" when an injected fault fired.
    """

    method: str
    params: JsonDict
    time: float
    status: int
    response: JsonDict | None
    fault: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return None if self.response is None else self.response.get("result")

    def to_json(self) -> JsonDict:
        return {
            "method": self.method,
            "params": self.params,
            "time": self.time,
            "status": self.status,
            "response": self.response,
            "fault": self.fault,
        }


@dataclass
class _Fault:
    kind: Literal["fail", "drop"]
    remaining: int
    status: int = 429
    description: str = ""
    retry_after: int | None = None
    after_processing: bool = False


@dataclass
class _StoredMessage:
    message: JsonDict
    from_bot: bool
    parse_mode: str | None = None
    raw_text: str | None = None
    reply_parameters: JsonDict | None = None


@dataclass
class _PendingPoll:
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    superseded: bool = False


_DEFAULT_ERROR_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

MethodHandler = Callable[[JsonDict], Awaitable[Any]]
CallPredicate = Callable[[RecordedCall], bool]


class FakeBotApi:
    """An in-process Telegram Bot API server (see the module docstring)."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "ringkas_test_bot",
        bot_first_name: str = "Ringkas Test",
    ) -> None:
        if not _TOKEN_SHAPE.fullmatch(token):
            raise ValueError(f"token must look like '123456:ABC-def', got {token!r}")
        self.token = token
        self.bot_user: JsonDict = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.calls: list[RecordedCall] = []
        self.webhook_url = ""  # set by setWebhook; updates are then posted by the test itself
        self._methods: dict[str, tuple[str, MethodHandler]] = {
            name.lower(): (name, handler) for name, handler in self._method_table().items()
        }
        self._update_ids = itertools.count(100_000_001)
        self._callback_ids = itertools.count(4_242_000_000_000_000_001)
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0
        self._closing = False
        self._activity = asyncio.Event()
        self._poll: _PendingPoll | None = None
        self._clear_state()

    def _clear_state(self) -> None:
        self._queue: list[JsonDict] = []
        self._allowed_updates: frozenset[str] = _DEFAULT_UPDATE_TYPES
        self._faults: dict[str, list[_Fault]] = {}
        self._chats: dict[int, JsonDict] = {}
        self._messages: dict[tuple[int, int], _StoredMessage] = {}
        self._sent: list[tuple[int, int]] = []
        self._last_message_id: dict[int, int] = {}
        self._open_callback_queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}

    def _method_table(self) -> dict[str, MethodHandler]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "close": self._always_true,
            "logOut": self._always_true,
        }

    # ---- lifecycle ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/_control/{action:.+}", self._handle_control)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        # handler_cancellation: a long poll whose client went away stops waiting at once.
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        self._host = host
        self._port = runner.addresses[0][1]
        self._closing = False

    async def stop(self) -> None:
        self._closing = True
        if self._poll is not None:
            self._poll.wake.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)`` / TELEGRAM_BASE_URL; PTB appends ``{token}/{method}``."""
        if not self._port:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://{self._host}:{self._port}/bot"

    @property
    def control_url(self) -> str:
        return f"http://{self._host}:{self._port}/_control"

    @property
    def polling(self) -> bool:
        """True while a getUpdates long poll is waiting for updates."""
        return self._poll is not None

    @property
    def pending_update_count(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates ``offset``."""
        return len(self._queue)

    def reset(self) -> None:
        """Forgets calls, messages, queued updates and faults (update ids keep increasing)."""
        self.calls.clear()
        self._clear_state()

    # ---- injecting updates -------------------------------------------------------------------

    def inject_update(self, update: JsonDict) -> JsonDict | None:
        """Queues a raw update (a fresh ``update_id`` is assigned) for getUpdates.

        Returns the queued update, or None when the bot's ``allowed_updates`` excludes its type
        (Telegram does not even queue those).
        """
        kinds = [key for key in update if key != "update_id"]
        if len(kinds) != 1 or kinds[0] not in _ALL_UPDATE_TYPES:
            raise ValueError(f"an update holds exactly one known update type, got {kinds}")
        if not isinstance(update[kinds[0]], dict):
            raise ValueError(f"the {kinds[0]} of an update is a JSON object")
        queued = {"update_id": next(self._update_ids), kinds[0]: copy.deepcopy(update[kinds[0]])}
        self._remember_update(queued[kinds[0]])
        if kinds[0] not in self._allowed_updates:
            return None
        self._queue.append(queued)
        if self._poll is not None:
            self._poll.wake.set()
        self._pulse()
        return copy.deepcopy(queued)

    def _remember_update(self, payload: JsonDict) -> None:
        if "chat" in payload and "message_id" in payload:
            self._store_incoming(payload)

    def private_text(
        self,
        text: str,
        *,
        user_id: int = 1001,
        language_code: str | None = "id",
        entities: list[JsonDict] | None = None,
        forward_from_chat: str | None = None,
        reply_to: JsonDict | None = None,
    ) -> JsonDict:
        """A user writes ``text`` to the bot in private; returns the Message dict.

        ``entities=None`` lets the server detect URLs, commands, mentions... like Telegram does;
        ``forward_from_chat`` makes it a message forwarded from the channel of that title.
        """
        user = make_user(user_id, language_code=language_code)
        message = self._text_message(make_private_chat(user), user, text, entities, reply_to)
        if forward_from_chat is not None:
            message["forward_origin"] = self._channel_origin(forward_from_chat)
            message = self._reordered(message)
        return self._deliver_message(message)

    def group_text(
        self,
        text: str,
        *,
        chat_id: int = -1001,
        user_id: int = 1001,
        reply_to: JsonDict | None = None,
        entities: list[JsonDict] | None = None,
        language_code: str | None = "id",
        title: str = "Grup Uji Ringkas",
    ) -> JsonDict:
        """A user writes ``text`` in a group (``reply_to``: a message dict it replies to)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        user = make_user(user_id, language_code=language_code)
        chat = make_group_chat(chat_id, title=title)
        return self._deliver_message(self._text_message(chat, user, text, entities, reply_to))

    def command(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        user_id: int = 1001,
        reply_to: JsonDict | None = None,
        language_code: str | None = "id",
    ) -> JsonDict:
        """``/cmd[@bot] args`` with its bot_command entity; private unless ``chat_id`` < 0."""
        if not re.match(r"/[A-Za-z0-9_]{1,32}(?:@\w+)?(?:\s|$)", text):
            raise ValueError(f"a command starts with /name, got {text!r}")
        user = make_user(user_id, language_code=language_code)
        chat = self._chat_for(chat_id, user)
        return self._deliver_message(self._text_message(chat, user, text, None, reply_to))

    def caption_message(
        self,
        caption: str,
        *,
        media: str = "photo",
        chat_id: int | None = None,
        user_id: int = 1001,
        caption_entities: list[JsonDict] | None = None,
        language_code: str | None = "id",
    ) -> JsonDict:
        """A photo/document/video with a caption (text lives in ``caption``, not ``text``)."""
        user = make_user(user_id, language_code=language_code)
        message = self._base_message(self._chat_for(chat_id, user), user)
        message.update(_media_payload(media, message["message_id"]))
        message["caption"] = caption
        found = detect_entities(caption) if caption_entities is None else caption_entities
        if found:
            message["caption_entities"] = copy.deepcopy(found)
        return self._deliver_message(message)

    def photo_message(
        self,
        *,
        chat_id: int | None = None,
        user_id: int = 1001,
        language_code: str | None = "id",
    ) -> JsonDict:
        """A photo without caption: a message with neither text nor caption."""
        user = make_user(user_id, language_code=language_code)
        message = self._base_message(self._chat_for(chat_id, user), user)
        message.update(_media_payload("photo", message["message_id"]))
        return self._deliver_message(message)

    def sticker_message(
        self,
        *,
        emoji: str = "👍",
        chat_id: int | None = None,
        user_id: int = 1001,
        language_code: str | None = "id",
    ) -> JsonDict:
        user = make_user(user_id, language_code=language_code)
        message = self._base_message(self._chat_for(chat_id, user), user)
        seed = message["message_id"]
        message["sticker"] = {
            "width": 512,
            "height": 512,
            "emoji": emoji,
            "set_name": "UtyaDuck",
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "file_id": f"CAACAgIAAxkBAAI{seed:06d}",
            "file_unique_id": f"AgAD{seed:06d}s",
            "file_size": 20_480,
        }
        return self._deliver_message(message)

    def callback(self, message: JsonDict, data: str, *, user_id: int = 1001) -> str:
        """The user presses an inline button with ``data`` under ``message``; returns the query id.

        The message is sent in its current stored state (after edits) when the server knows it.
        """
        key = (message["chat"]["id"], message["message_id"])
        stored = self._messages.get(key)
        current = stored.message if stored is not None else message
        query_id = str(next(self._callback_ids))
        self._open_callback_queries.add(query_id)
        query = {
            "id": query_id,
            "from": make_user(user_id),
            "message": copy.deepcopy(current),
            "chat_instance": str(7_000_000_000_000_000_000 + key[0]),
            "data": data,
        }
        self.inject_update({"callback_query": query})
        return query_id

    def _chat_for(self, chat_id: int | None, user: JsonDict) -> JsonDict:
        if chat_id is None or chat_id == user["id"]:
            return make_private_chat(user)
        if chat_id > 0:
            raise ValueError("a positive chat_id is a private chat and must equal user_id")
        return self._chats.get(chat_id) or make_group_chat(chat_id)

    def _channel_origin(self, title: str) -> JsonDict:
        channel_id = -1_000_000_000_000 - (sum(map(ord, title)) % 1_000_000_000)
        return {
            "type": "channel",
            "chat": {"id": channel_id, "title": title, "type": "channel"},
            "message_id": 1000 + len(self._messages),
            "date": int(time.time()) - 60,
        }

    def _base_message(self, chat: JsonDict, user: JsonDict) -> JsonDict:
        return {
            "message_id": self._next_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
        }

    def _text_message(
        self,
        chat: JsonDict,
        user: JsonDict,
        text: str,
        entities: list[JsonDict] | None,
        reply_to: JsonDict | None,
    ) -> JsonDict:
        message = self._base_message(chat, user)
        if reply_to is not None:
            message["reply_to_message"] = self._current_public(reply_to)
        message["text"] = text
        found = detect_entities(text) if entities is None else entities
        if found:
            message["entities"] = copy.deepcopy(found)
        return message

    @staticmethod
    def _reordered(message: JsonDict) -> JsonDict:
        """Key order as Telegram sends it; only cosmetic, for readable dumps."""
        order = ["message_id", "from", "chat", "date", "forward_origin", "reply_to_message"]
        head = {key: message[key] for key in order if key in message}
        return {**head, **{k: v for k, v in message.items() if k not in head}}

    def _current_public(self, message: JsonDict) -> JsonDict:
        stored = self._messages.get((message["chat"]["id"], message["message_id"]))
        return _public_copy(stored.message if stored is not None else message)

    def _deliver_message(self, message: JsonDict) -> JsonDict:
        self.inject_update({"message": message})
        return copy.deepcopy(message)

    def _next_message_id(self, chat_id: int) -> int:
        next_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = next_id
        return next_id

    def _store_incoming(self, message: JsonDict) -> None:
        chat = message["chat"]
        self._chats[chat["id"]] = copy.deepcopy(chat)
        key = (chat["id"], message["message_id"])
        self._last_message_id[chat["id"]] = max(
            self._last_message_id.get(chat["id"], 0), message["message_id"]
        )
        self._messages[key] = _StoredMessage(copy.deepcopy(message), from_bot=False)

    # ---- observing the bot -------------------------------------------------------------------

    def sent_messages(self, chat_id: int | None = None) -> list[JsonDict]:
        """Messages the bot sent (current state after edits; deleted ones are left out).

        Each is the Message JSON the API returned, plus ``parse_mode`` and ``raw_text`` (the
        ``text`` parameter as sent, markup included) and ``reply_parameters`` as sent.
        """
        result = []
        for key in self._sent:
            stored = self._messages.get(key)
            if stored is None or (chat_id is not None and key[0] != chat_id):
                continue
            view = copy.deepcopy(stored.message)
            view["parse_mode"] = stored.parse_mode
            view["raw_text"] = stored.raw_text
            view["reply_parameters"] = copy.deepcopy(stored.reply_parameters)
            result.append(view)
        return result

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    async def wait_for(
        self, predicate: CallPredicate | str, timeout: float = 10.0, *, start: int = 0
    ) -> RecordedCall:
        """The first call from index ``start`` on that matches (a predicate or a method name).

        Already recorded calls count; otherwise waits for new ones. Raises TimeoutError listing
        the calls seen so that a failing test says what the bot did instead.
        """
        matches = _as_predicate(predicate)
        index = start
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            activity = self._activity
            while index < len(self.calls):
                call = self.calls[index]
                index += 1
                if matches(call):
                    return call
            if not await self._wait_activity(activity, deadline):
                raise TimeoutError(
                    f"no matching Bot API call within {timeout}s; calls: {self._summary()}"
                )

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[JsonDict]:
        """Waits until the bot has sent at least ``count`` messages to ``chat_id``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            activity = self._activity
            messages = self.sent_messages(chat_id)
            if len(messages) >= count:
                return messages
            if not await self._wait_activity(activity, deadline):
                texts = [message["text"] for message in messages]
                raise TimeoutError(
                    f"expected {count} messages to chat {chat_id} within {timeout}s, "
                    f"got {len(messages)}: {texts}; calls: {self._summary()}"
                )

    async def _wait_activity(self, activity: asyncio.Event, deadline: float) -> bool:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(activity.wait(), remaining)
        return True

    def _pulse(self) -> None:
        self._activity.set()
        self._activity = asyncio.Event()

    def _summary(self, last: int = 15) -> str:
        interesting = [c for c in self.calls if c.method != "getUpdates" or c.result]
        shown = [f"{c.method}({_short(c.params)}) -> {c.status}" for c in interesting[-last:]]
        return "; ".join(shown) or "none"

    # ---- faults ------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` get an error answer without side effects.

        ``retry_after`` is sent (as ``parameters.retry_after``) only with status 429.
        """
        sends_retry_after = status == 429 and retry_after is not None
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if sends_retry_after
                else _DEFAULT_ERROR_DESCRIPTIONS.get(status, "Internal Server Error")
            )
        fault = _Fault(
            "fail",
            times,
            status=status,
            description=description,
            retry_after=retry_after if sends_retry_after else None,
        )
        self._faults.setdefault(method.lower(), []).append(fault)

    def drop_next(self, method: str, times: int = 1, *, after_processing: bool = False) -> None:
        """The next ``times`` calls of ``method`` lose their connection without an answer.

        With ``after_processing`` the call takes effect first (a message is sent) and only the
        answer is lost, as when a network dies on the way back.
        """
        fault = _Fault("drop", times, after_processing=after_processing)
        self._faults.setdefault(method.lower(), []).append(fault)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method.lower())
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault

    # ---- HTTP: the Bot API -------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        arrived = time.time()
        token, method_name = request.match_info["token"], request.match_info["method"]
        if token != self.token:
            # Telegram: 401 for a well-formed but wrong token, 404 for a malformed one.
            status = 401 if _TOKEN_SHAPE.fullmatch(token) else 404
            return _json_response(ApiError(status, _DEFAULT_ERROR_DESCRIPTIONS[status]).to_json())
        entry = self._methods.get(method_name.lower())
        method = entry[0] if entry else method_name
        wire: dict[str, str] = {}
        try:
            wire = await read_wire_params(request)
            params = decode_params(wire)
        except ApiError as error:
            # Recorded with the undecoded values, so a test can see what the bot got wrong.
            return self._answer(method, dict(wire), arrived, error.to_json())
        if entry is None:
            return self._answer(method, params, arrived, ApiError(404, "Not Found").to_json())
        fault = self._take_fault(method)
        if fault is not None and fault.kind == "drop" and not fault.after_processing:
            return self._drop(request, method, params, arrived)
        if fault is not None and fault.kind == "fail":
            error = ApiError(fault.status, fault.description, fault.retry_after)
            return self._answer(method, params, arrived, error.to_json(), fault="failed")
        try:
            body: JsonDict = {"ok": True, "result": await entry[1](params)}
        except ApiError as error:
            body = error.to_json()
        if fault is not None:
            return self._drop(request, method, params, arrived)
        return self._answer(method, params, arrived, body)

    def _answer(
        self,
        method: str,
        params: JsonDict,
        arrived: float,
        body: JsonDict,
        *,
        fault: str | None = None,
    ) -> web.Response:
        status = 200 if body["ok"] else body["error_code"]
        self._record(RecordedCall(method, params, arrived, status, body, fault))
        return _json_response(body)

    def _drop(
        self, request: web.Request, method: str, params: JsonDict, arrived: float
    ) -> web.Response:
        self._record(RecordedCall(method, params, arrived, 0, None, "dropped"))
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=500)  # never reaches the client: the socket is gone

    def _record(self, call: RecordedCall) -> None:
        self.calls.append(call)
        self._pulse()

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        return _json_response(ApiError(404, "Not Found").to_json())

    # ---- Bot API methods ---------------------------------------------------------------------

    async def _always_true(self, params: JsonDict) -> bool:
        return True

    async def _get_me(self, params: JsonDict) -> JsonDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if "allowed_updates" in params:
            self._set_allowed_updates(params["allowed_updates"])
        self._confirm_updates(params.get("offset", 0))
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = min(max(params.get("timeout", 0), 0), MAX_LONG_POLL_SECONDS)
        poll = _PendingPoll()
        if self._poll is not None:
            # Like Telegram: a newer getUpdates ends the waiting one with 409 Conflict.
            self._poll.superseded = True
            self._poll.wake.set()
        self._poll = poll
        try:
            await self._wait_for_updates(poll, timeout)
        finally:
            if self._poll is poll:
                self._poll = None
        if poll.superseded:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return copy.deepcopy(self._queue[:limit])

    async def _wait_for_updates(self, poll: _PendingPoll, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._queue and not poll.superseded and not self._closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(poll.wake.wait(), remaining)
            poll.wake.clear()

    def _set_allowed_updates(self, allowed: Any) -> None:
        if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
            raise bad_request(_JSON_PARSE_ERRORS["allowed_updates"])
        known = frozenset(allowed) & _ALL_UPDATE_TYPES
        self._allowed_updates = known or _DEFAULT_UPDATE_TYPES

    def _confirm_updates(self, offset: int) -> None:
        """A positive offset confirms older updates; a negative one keeps only the last few."""
        if offset > 0:
            self._queue = [update for update in self._queue if update["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]

    async def _set_webhook(self, params: JsonDict) -> bool:
        url = str(params.get("url", ""))
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    async def _delete_webhook(self, params: JsonDict) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    async def _get_webhook_info(self, params: JsonDict) -> JsonDict:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    def _commands_key(self, params: JsonDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise bad_request("can't parse BotCommandScope JSON object")
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _set_my_commands(self, params: JsonDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_NAME.fullmatch(
                str(command.get("command", ""))
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned = [{"command": c["command"], "description": c["description"]} for c in commands]
        self._commands[self._commands_key(params)] = cleaned
        return True

    async def _get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JsonDict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _require_chat(self, params: JsonDict) -> JsonDict:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            username = chat_id.removeprefix("@").lower()
            for chat in self._chats.values():
                if str(chat.get("username", "")).lower() == username:
                    return chat
            raise bad_request("chat not found")
        chat = self._chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _reply_target(self, chat_id: int, params: JsonDict) -> JsonDict | None:
        reply = params.get("reply_parameters")
        if reply is None and "reply_to_message_id" in params:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if reply is None:
            return None
        if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
            raise bad_request(_JSON_PARSE_ERRORS["reply_parameters"])
        target_chat = reply.get("chat_id", chat_id)
        stored = self._messages.get((target_chat, reply["message_id"]))
        if stored is not None:
            return _public_copy(stored.message)
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")

    async def _send_message(self, params: JsonDict) -> JsonDict:
        chat = self._require_chat(params)
        parsed = parse_outgoing_text(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat["id"], params)
        message = self._base_message(chat, self.bot_user)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message["text"] = parsed.text
        if parsed.entities:
            message["entities"] = parsed.entities
        preview = self._link_preview_options(params)
        if preview is not None:
            message["link_preview_options"] = preview
        if markup is not None:
            message["reply_markup"] = markup
        key = (chat["id"], message["message_id"])
        self._messages[key] = _StoredMessage(
            message,
            from_bot=True,
            parse_mode=params.get("parse_mode"),
            raw_text=params["text"],
            reply_parameters=params.get("reply_parameters"),
        )
        self._sent.append(key)
        return copy.deepcopy(message)

    @staticmethod
    def _link_preview_options(params: JsonDict) -> JsonDict | None:
        options = params.get("link_preview_options")
        if options is not None and not isinstance(options, dict):
            raise bad_request(_JSON_PARSE_ERRORS["link_preview_options"])
        if options is None and params.get("disable_web_page_preview"):
            return {"is_disabled": True}
        return options

    def _editable_message(self, params: JsonDict) -> _StoredMessage:
        if "inline_message_id" in params:
            raise bad_request("message to edit not found")
        chat = self._require_chat(params)
        if "message_id" not in params:
            raise bad_request("message identifier is not specified")
        stored = self._messages.get((chat["id"], params["message_id"]))
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    async def _edit_message_text(self, params: JsonDict) -> JsonDict:
        stored = self._editable_message(params)
        parsed = parse_outgoing_text(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        old = stored.message
        if (
            old.get("text") == parsed.text
            and old.get("entities", []) == parsed.entities
            and old.get("reply_markup") == markup
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        old["text"] = parsed.text
        _set_or_drop(old, "entities", parsed.entities or None)
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        _set_or_drop(old, "reply_markup", markup)
        preview = self._link_preview_options(params)
        if preview is not None:
            old["link_preview_options"] = preview
        old["edit_date"] = int(time.time())
        stored.parse_mode = params.get("parse_mode")
        stored.raw_text = params["text"]
        return copy.deepcopy(old)

    async def _edit_message_reply_markup(self, params: JsonDict) -> JsonDict:
        stored = self._editable_message(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        if stored.message.get("reply_markup") == markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        _set_or_drop(stored.message, "reply_markup", markup)
        stored.message["edit_date"] = int(time.time())
        return copy.deepcopy(stored.message)

    async def _delete_message(self, params: JsonDict) -> bool:
        chat = self._require_chat(params)
        key = (chat["id"], params.get("message_id"))
        if self._messages.pop(key, None) is None:
            raise bad_request("message to delete not found")
        return True

    async def _answer_callback_query(self, params: JsonDict) -> bool:
        query_id = params.get("callback_query_id")
        if query_id not in self._open_callback_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text", ""))) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_callback_queries.discard(query_id)
        return True

    async def _send_chat_action(self, params: JsonDict) -> bool:
        self._require_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # ---- HTTP: the control API for other processes --------------------------------------------

    async def _handle_control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        try:
            body = await _control_body(request)
            result = await self._control(action, request, body)
        except (ValueError, TypeError, KeyError) as error:
            return _json_response({"ok": False, "description": f"{type(error).__name__}: {error}"})
        except TimeoutError as error:
            return _json_response({"ok": False, "description": str(error)}, status=408)
        if result is _NOT_FOUND:
            return _json_response({"ok": False, "description": f"unknown action {action!r}"}, 404)
        return _json_response({"ok": True, "result": result}, status=200)

    async def _control(self, action: str, request: web.Request, body: JsonDict) -> Any:
        query = request.query
        if action == "health":
            return {"base_url": self.base_url, "token": self.token, "bot": self.bot_user}
        if action == "updates":
            return self.inject_update(body)
        if action.startswith("inject/"):
            return self._control_inject(action.removeprefix("inject/"), body)
        if action == "calls":
            since = int(query.get("since", 0))
            method = query.get("method")
            picked = [
                call.to_json()
                for call in self.calls[since:]
                if method is None or call.method.lower() == method.lower()
            ]
            return {"calls": picked, "next": len(self.calls)}
        if action == "messages":
            return self.sent_messages(_optional_int(query.get("chat_id")))
        if action == "wait_messages":
            return await self.wait_for_messages(
                int(query["chat_id"]), int(query["count"]), float(query.get("timeout", 10))
            )
        if action == "reset":
            self.reset()
            return True
        if action == "faults":
            self._control_fault(body)
            return True
        return _NOT_FOUND

    def _control_inject(self, kind: str, kwargs: JsonDict) -> Any:
        builders: dict[str, Callable[..., Any]] = {
            "private_text": self.private_text,
            "group_text": self.group_text,
            "command": self.command,
            "caption_message": self.caption_message,
            "photo_message": self.photo_message,
            "sticker_message": self.sticker_message,
            "callback": self.callback,
        }
        if kind not in builders:
            raise ValueError(f"unknown update kind {kind!r}; one of {sorted(builders)}")
        return builders[kind](**kwargs)

    def _control_fault(self, body: JsonDict) -> None:
        spec = dict(body)
        kind, method = spec.pop("kind", "fail"), spec.pop("method")
        if kind == "fail":
            self.fail_next(method, **spec)
        elif kind == "drop":
            self.drop_next(method, **spec)
        else:
            raise ValueError("kind is 'fail' or 'drop'")


_NOT_FOUND = object()


def _as_predicate(predicate: CallPredicate | str) -> CallPredicate:
    if isinstance(predicate, str):
        method = predicate.lower()
        return lambda call: call.method.lower() == method
    return predicate


def _set_or_drop(target: JsonDict, key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


def _short(params: JsonDict, limit: int = 80) -> str:
    text = json.dumps(params, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _optional_int(value: str | None) -> int | None:
    return None if value is None else int(value)


def _json_response(body: JsonDict, status: int | None = None) -> web.Response:
    if status is None:
        status = 200 if body.get("ok") else int(body.get("error_code", 400))
    return web.Response(
        text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )


async def _control_body(request: web.Request) -> JsonDict:
    if not request.can_read_body:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise ValueError("the control API takes a JSON object")
    return body


# --------------------------------------------------------------------------------------------
# pytest fixture and command line entry point
# --------------------------------------------------------------------------------------------


@pytest_asyncio.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """A started :class:`FakeBotApi` on a free port of 127.0.0.1, stopped after the test."""
    async with FakeBotApi() as server:
        yield server


async def serve(host: str, port: int, token: str, bot_username: str) -> None:
    server = FakeBotApi(token, bot_username=bot_username)
    await server.start(host, port)
    print(f"fake Telegram Bot API at {server.base_url} (control: {server.control_url})", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a fake Telegram Bot API until killed.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default="ringkas_test_bot")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port, args.token, args.bot_username))


if __name__ == "__main__":
    main()
