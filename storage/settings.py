"""Per-chat settings and the served counter. These tables never hold message content."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass

from storage.sql import Session, value_rows


class Unchanged(enum.Enum):
    """Marker for "leave this setting as it is" (None means "reset to the default")."""

    UNCHANGED = enum.auto()


UNCHANGED = Unchanged.UNCHANGED


@dataclass(frozen=True)
class ChatSettings:
    """None means "use the bot's default"."""

    chat_id: int
    summary_sentences: int | None = None
    language: str | None = None


def validate_settings(settings: ChatSettings) -> None:
    """Reject values no caller should pass; user input is checked by the handlers first."""
    sentences = settings.summary_sentences
    if sentences is not None and (
        isinstance(sentences, bool) or not isinstance(sentences, int) or sentences < 1
    ):
        raise ValueError(f"summary_sentences must be a positive integer or None, not {sentences!r}")
    language = settings.language
    if language is not None and (not isinstance(language, str) or not language.strip()):
        raise ValueError(f"language must be a non-empty string or None, not {language!r}")


async def read_settings(db: Session, chat_id: int) -> ChatSettings:
    row = await db.fetch_one(
        "SELECT summary_sentences, language FROM chat_settings WHERE chat_id = ?", (chat_id,)
    )
    if row is None:
        return ChatSettings(chat_id)
    sentences, language = row
    return ChatSettings(
        chat_id,
        summary_sentences=None if sentences is None else int(sentences),
        language=None if language is None else str(language),
    )


async def write_settings(db: Session, settings: ChatSettings, now_ms: int) -> None:
    await _ensure_chat(db, settings.chat_id, now_ms)
    await db.execute(
        "INSERT INTO chat_settings (chat_id, summary_sentences, language) VALUES (?, ?, ?)"
        " ON CONFLICT (chat_id) DO UPDATE SET summary_sentences = excluded.summary_sentences,"
        " language = excluded.language",
        (settings.chat_id, settings.summary_sentences, settings.language),
    )


async def add_served(db: Session, served: Counter[int], now_ms: int) -> None:
    """Add to the chats' served counts (chat id -> summaries delivered)."""
    if not served:
        return
    rows, params = value_rows([(chat, now_ms, count) for chat, count in sorted(served.items())])
    await db.execute(
        f"INSERT INTO chats (chat_id, first_seen_ms, served_count) VALUES {rows}"
        " ON CONFLICT (chat_id) DO UPDATE"
        " SET served_count = chats.served_count + excluded.served_count",
        params,
    )


async def count_chats_served(db: Session) -> int:
    row = await db.fetch_one("SELECT COUNT(*) FROM chats WHERE served_count > 0")
    return int(row[0]) if row else 0


async def _ensure_chat(db: Session, chat_id: int, now_ms: int) -> None:
    await db.execute(
        "INSERT INTO chats (chat_id, first_seen_ms, served_count) VALUES (?, ?, 0)"
        " ON CONFLICT (chat_id) DO NOTHING",
        (chat_id, now_ms),
    )
