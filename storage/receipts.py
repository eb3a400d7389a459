"""SQL for durable receipt: each raw update until it is answered, and the replies it got.

An update is recorded (its JSON exactly as Telegram sent it, nothing added) before it is
confirmed to Telegram, and marked done once answered; its JSON is then deleted, and only the
update id and times remain, so that a late duplicate is recognised. After a restart the
pending (recorded, not done) updates are finished. Rows older than the age the caller
passes to `purge_updates` are deleted whether done or not: Telegram itself keeps an
unconfirmed update for 24 hours, so that is the natural age (the bot's settings choose it).
`sent_replies` remembers which parts of an answer were delivered (part index -> message id),
so a retry or a restart never sends a part twice; it holds no text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from storage.sql import Session, from_ms, value_rows


class Receipt(enum.Enum):
    NEW = "new"  # recorded now: process it
    KNOWN = "known"  # recorded before (a duplicate delivery or a retry)
    UNSAVED = "unsaved"  # the database could not record it: process it without durability


@dataclass(frozen=True)
class PendingUpdate:
    update_id: int
    payload: str  # the update's JSON as received
    received_at: float  # seconds since the epoch


async def insert_receipts(db: Session, updates: dict[int, str], now_ms: int) -> set[int]:
    """Record the updates (id -> JSON) not known yet, in one statement; the ids that were
    new. One statement for a whole getUpdates batch: every update waits for its receipt
    before it is answered, and one write per update made each wait behind the others."""
    if not updates:
        return set()
    rows, params = value_rows([(u, payload, now_ms, None) for u, payload in updates.items()])
    inserted = await db.fetch_all(
        "INSERT INTO update_receipts (update_id, payload, received_ms, done_ms)"
        f" VALUES {rows} ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
        params,
    )
    return {int(row[0]) for row in inserted}


async def finish_receipts(db: Session, update_ids: set[int], now_ms: int) -> None:
    """Mark answered and forget the JSON; records an id that was never recorded. Two
    statements: run it inside a transaction."""
    if not update_ids:
        return
    ids = sorted(update_ids)
    rows, params = value_rows([(u, None, now_ms, now_ms) for u in ids])
    listed, _ = value_rows([ids])  # one row: "(?, ?, ...)"
    await db.execute(
        "INSERT INTO update_receipts (update_id, payload, received_ms, done_ms)"
        f" VALUES {rows} ON CONFLICT (update_id) DO UPDATE SET payload = NULL,"
        " done_ms = excluded.done_ms",
        params,
    )
    await db.execute(f"DELETE FROM update_claims WHERE update_id IN {listed}", ids)


async def list_pending(db: Session, received_after_ms: int, limit: int) -> list[PendingUpdate]:
    rows = await db.fetch_all(
        "SELECT update_id, payload, received_ms FROM update_receipts"
        " WHERE done_ms IS NULL AND received_ms > ? ORDER BY update_id LIMIT ?",
        (received_after_ms, limit),
    )
    return [PendingUpdate(int(uid), str(payload), from_ms(int(ms))) for uid, payload, ms in rows]


@dataclass(frozen=True)
class SentPart:
    update_id: int
    part_index: int
    message_id: int


async def insert_sent_replies(db: Session, parts: list[SentPart], now_ms: int) -> None:
    """Remember delivered parts; the first message id recorded for a part stays."""
    first: dict[tuple[int, int], int] = {}
    for part in parts:
        first.setdefault((part.update_id, part.part_index), part.message_id)
    if not first:
        return
    rows, params = value_rows([(u, i, message_id, now_ms) for (u, i), message_id in first.items()])
    await db.execute(
        "INSERT INTO sent_replies (update_id, part_index, message_id, sent_ms)"
        f" VALUES {rows} ON CONFLICT (update_id, part_index) DO NOTHING",
        params,
    )


async def read_sent_replies(db: Session, update_id: int) -> dict[int, int]:
    rows = await db.fetch_all(
        "SELECT part_index, message_id FROM sent_replies WHERE update_id = ? ORDER BY part_index",
        (update_id,),
    )
    return {int(part): int(message_id) for part, message_id in rows}


async def delete_old_receipts(db: Session, received_before_ms: int) -> int:
    """Delete receipts (done or not) and sent-reply records older than the cutoff."""
    async with db.transaction():
        receipts = await db.execute(
            "DELETE FROM update_receipts WHERE received_ms <= ?", (received_before_ms,)
        )
        replies = await db.execute(
            "DELETE FROM sent_replies WHERE sent_ms <= ?", (received_before_ms,)
        )
    return receipts + replies
