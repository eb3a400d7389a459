"""Formatted text as Telegram reads it: UTF-16 offsets and its HTML dialect.

The parser follows TDLib's ``parse_html`` and its error messages, so a bot that sends markup
Telegram would refuse gets the same "can't parse entities" answer here. The bot only sends
HTML, so the fake has no Markdown parsers: a Markdown ``parse_mode`` is refused (see
validation.py) rather than silently accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .wire import JsonDict


class EntityParseError(ValueError):
    """Text markup that Telegram would refuse with "can't parse entities: <reason>"."""


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
        self._pieces: list[str] = []
        self.char_count = 0
        self.utf16_offset = 0

    def append(self, chars: str) -> None:
        self._pieces.append(chars)
        self.char_count += len(chars)
        self.utf16_offset += len(chars) if chars.isascii() else utf16_len(chars)

    def text_since(self, char_index: int) -> str:
        return self.text()[char_index:]

    def text(self) -> str:
        return "".join(self._pieces)


# Plain text runs to the next character that may start markup: it is taken a run at a time,
# not a character at a time (the benchmarks' fake server parses every reply the bot sends).
_MARKUP_START = re.compile("[&<]")


def _at(text: str, index: int) -> str:
    """TDLib reads a NUL-terminated buffer; "\\0" past the end keeps its loops faithful."""
    return text[index] if index < len(text) else "\0"


def _is_space(char: str) -> bool:
    return char in " \t\r\n\0\v"


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def entity(kind: str, offset: int, length: int, **extra: str) -> JsonDict:
    return {"type": kind, "offset": offset, "length": length, **extra}


def sorted_entities(entities: list[JsonDict]) -> list[JsonDict]:
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


def checked_link(url: str) -> str | None:
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
                found = _MARKUP_START.search(text, self.index + 1)
                end = found.start() if found else len(text)
                self.out.append(text[self.index : end])
                self.index = end
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
        return ParsedText(self.out.text(), sorted_entities(self.entities))

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
            self.entities.append(entity(_HTML_SIMPLE_ENTITY_TYPES[tag.name], offset, length))
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit():
                raise EntityParseError("Invalid custom emoji identifier specified")
            self.entities.append(
                entity("custom_emoji", offset, length, custom_emoji_id=tag.argument)
            )
        elif tag.name == "a":
            url = checked_link(tag.argument or self.out.text_since(tag.char_start))
            if url is not None:
                self.entities.append(entity("text_link", offset, length, url=url))
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.argument else "blockquote"
            self.entities.append(entity(kind, offset, length))
        else:
            self._close_code_or_pre(tag.name, tag.argument, offset, length)

    def _close_code_or_pre(self, name: str, language: str, offset: int, length: int) -> None:
        """``<pre><code class="language-x">`` (either nesting order) is one pre with language."""
        last: JsonDict = self.entities[-1] if self.entities else {}
        same_span = bool(last) and (last["offset"], last["length"]) == (offset, length)
        if name == "pre" and same_span and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
        elif name == "code" and same_span and last["type"] == "pre" and language:
            last["language"] = language
        elif name == "pre":
            self.entities.append(entity("pre", offset, length))
        else:
            extra = {"language": language} if language else {}
            self.entities.append(entity("code", offset, length, **extra))


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


def trim(parsed: ParsedText) -> ParsedText:
    """Telegram strips leading and trailing whitespace from message texts."""
    text = parsed.text
    stripped = text.strip()
    if stripped == text:
        return parsed
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end_limit = lead + utf16_len(stripped)
    entities = []
    for item in parsed.entities:
        start = max(item["offset"], lead)
        end = min(item["offset"] + item["length"], end_limit)
        if end > start:
            entities.append({**item, "offset": start - lead, "length": end - start})
    return ParsedText(stripped, entities)
