"""What users send, shaped as Telegram delivers it: users and chats, the entities Telegram
detects in typed text, media payloads, and long texts split the way clients split them."""

from __future__ import annotations

import re

from .markup import entity, sorted_entities, utf16_len
from .validation import MAX_MESSAGE_LENGTH
from .wire import JsonDict

_TLDS = "com|net|org|id|io|co|info|news|me|dev|app|tv|uk|us|au|sg|my|asia|biz|xyz"
# Each kind, its pattern, and a quicker one that any match contains: most texts (articles
# pasted whole) have no mention, hashtag or e-mail, and the fake server should not spend the
# benchmarks' CPU looking for them at every word.
_AUTO_ENTITY_PATTERNS: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    (
        "bot_command",
        re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])"),
        re.compile("/"),
    ),
    (
        "url",
        re.compile(r"(?i)\b(?:https?|ftp)://[^\s<>\"]+|\bwww\.[^\s<>\"]+"),
        re.compile(r"(?i)://|www\."),
    ),
    (
        "email",
        re.compile(r"(?i)\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b"),
        re.compile("@"),
    ),
    (
        "url",
        re.compile(
            r"(?i)\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
            rf"(?:{_TLDS})"
            r"\b(?:/[^\s<>\"]*)?"
        ),
        re.compile(rf"(?i)\.(?:{_TLDS})\b"),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}\b"), re.compile("@")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*"), re.compile("#")),
]
_URL_TRAILING_PUNCTUATION = ".,;:!?'\")]}"


def _trim_url(url: str) -> str:
    while url and url[-1] in _URL_TRAILING_PUNCTUATION:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


_SPACE = re.compile(r"\s")


def _words_holding(text: str, needed: re.Pattern[str]) -> list[tuple[int, int]]:
    """The stretches between white space that hold a match of `needed`, as (start, end).

    No entity pattern matches across white space, so each stretch can be searched alone,
    with the same matches as a search of the whole text (a stretch starts after a space,
    where a search of the whole text is never inside a match). A bare domain's pattern is
    tried at every word; news articles name their outlet ("Liputan6.com") often enough that
    searching every word took a fifth of the fake server's time under load."""
    spans: list[tuple[int, int]] = []
    for hint in needed.finditer(text):
        if spans and hint.start() < spans[-1][1]:
            continue
        start = text.rfind(" ", 0, hint.start()) + 1  # any white space before will do
        after = _SPACE.search(text, hint.end())
        spans.append(
            (max(start, spans[-1][1] if spans else 0), after.start() if after else len(text))
        )
    return spans


def detect_entities(text: str) -> list[JsonDict]:
    """Commands, URLs, e-mails, mentions and hashtags the way Telegram marks incoming text."""
    taken: list[tuple[int, int]] = []
    found: list[JsonDict] = []
    for kind, pattern, needed in _AUTO_ENTITY_PATTERNS:
        matches = (
            match
            for start, end in _words_holding(text, needed)
            for match in pattern.finditer(text, start, end)
        )
        for match in matches:
            value = _trim_url(match.group()) if kind == "url" else match.group()
            start, end = match.start(), match.start() + len(value)
            if not value or any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append(entity(kind, utf16_len(text[:start]), utf16_len(value)))
    return sorted_entities(found)


def split_like_client(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """A long text cut into messages of at most ``limit`` characters, as Telegram clients do.

    Sending is the client's job: Telegram Desktop and the mobile apps cut a long paste at the
    last line break that keeps the part over half the limit, else after the last sentence end,
    else at the last space, else hard at the limit; each part is sent trimmed, one after the
    other.
    """
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut_point(rest[: limit + 1], limit)
        part, rest = rest[:cut].strip(), rest[cut:].strip()
        if part:
            parts.append(part)
    if rest:
        parts.append(rest)
    return parts


_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)]*\s")


def _cut_point(window: str, limit: int) -> int:
    half = limit // 2
    newline = window.rfind("\n", 0, limit)
    if newline > half:
        return newline + 1
    ends = [match.end() for match in _SENTENCE_END.finditer(window, half) if match.end() <= limit]
    if ends:
        return ends[-1]
    space = max(window.rfind(" ", 0, limit), window.rfind("\t", 0, limit))
    if space > half:
        return space + 1
    return limit


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
