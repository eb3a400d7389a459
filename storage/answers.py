"""SQL for what the bot answered: for each message it answered lately, a digest of what it
summarized (the handlers' signature of the plan) and the ids of its replies, so that an edit
of the message updates those replies in place on whichever replica the edit lands, and after
a restart. It holds ids and a hash, no text."""

from __future__ import annotations

import json
from dataclasses import dataclass

from storage.sql import Session, value_rows


@dataclass(frozen=True)
class AnsweredMessage:
    chat_id: int
    message_id: int
    signature: str  # what the answer depends on, hashed by the handlers
    replies: tuple[int, ...]  # the bot's reply messages, in order
    expires_ms: int


async def upsert_answered(db: Session, answered: list[AnsweredMessage]) -> None:
    """Remember each message's latest answer (of several for one message, the last given)."""
    latest = {(a.chat_id, a.message_id): a for a in answered}
    if not latest:
        return
    rows, params = value_rows(
        [
            (a.chat_id, a.message_id, a.signature, json.dumps(a.replies), a.expires_ms)
            for a in latest.values()
        ]
    )
    await db.execute(
        "INSERT INTO answered_messages (chat_id, message_id, signature, replies, expires_ms)"
        f" VALUES {rows} ON CONFLICT (chat_id, message_id) DO UPDATE SET"
        " signature = excluded.signature, replies = excluded.replies,"
        " expires_ms = excluded.expires_ms",
        params,
    )


async def read_answered(
    db: Session, chat_id: int, message_id: int, now_ms: int
) -> AnsweredMessage | None:
    row = await db.fetch_one(
        "SELECT signature, replies, expires_ms FROM answered_messages"
        " WHERE chat_id = ? AND message_id = ? AND expires_ms > ?",
        (chat_id, message_id, now_ms),
    )
    if row is None:
        return None
    signature, replies, expires_ms = row
    try:
        reply_ids = tuple(int(reply) for reply in json.loads(replies))
    except (ValueError, TypeError):
        return None  # not written by this code: as if unknown (the edit gets a new reply)
    return AnsweredMessage(chat_id, message_id, str(signature), reply_ids, int(expires_ms))


async def delete_answered(db: Session, chat_id: int, message_id: int) -> None:
    await db.execute(
        "DELETE FROM answered_messages WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
    )


async def delete_expired_answered(db: Session, now_ms: int) -> int:
    return await db.execute("DELETE FROM answered_messages WHERE expires_ms <= ?", (now_ms,))
