"""SQL for the state replicas share: rate-limit counters, request claims, update claims and
the heartbeats by which replicas count each other.

A claim is a row with an expiry time: whoever inserts it (or finds the old one expired and
takes it over) owns the work until it releases the row or the time runs out, so a replica
that crashed mid-work blocks nobody for longer than the claim's time to live.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.sql import Session


@dataclass(frozen=True)
class RateLimitHit:
    allowed: bool  # count <= limit
    count: int  # requests of the user in this window, this one included
    shared: bool  # False: the database could not count it (allowed; apply a local limit)


async def add_rate_hit(db: Session, user_id: int, window_start_ms: int, expires_ms: int) -> int:
    """Count one request of the user in this window; returns the window's count so far."""
    row = await db.fetch_one(
        "INSERT INTO rate_limits (user_id, window_start_ms, hits, expires_ms)"
        " VALUES (?, ?, 1, ?)"
        " ON CONFLICT (user_id, window_start_ms) DO UPDATE SET hits = rate_limits.hits + 1"
        " RETURNING hits",
        (user_id, window_start_ms, expires_ms),
    )
    return int(row[0]) if row else 1


async def take_request_claim(
    db: Session, request_key: str, owner: str, now_ms: int, expires_ms: int
) -> bool:
    """Insert the claim, or take over an expired one; False while someone holds it."""
    changed = await db.execute(
        "INSERT INTO request_claims (request_key, owner, expires_ms) VALUES (?, ?, ?)"
        " ON CONFLICT (request_key) DO UPDATE SET owner = excluded.owner,"
        " expires_ms = excluded.expires_ms WHERE request_claims.expires_ms <= ?",
        (request_key, owner, expires_ms, now_ms),
    )
    return changed == 1


async def drop_request_claim(db: Session, request_key: str, owner: str) -> None:
    await db.execute(
        "DELETE FROM request_claims WHERE request_key = ? AND owner = ?", (request_key, owner)
    )


async def request_claimed(db: Session, request_key: str, now_ms: int) -> bool:
    """True while an unexpired claim on the key exists."""
    row = await db.fetch_one(
        "SELECT 1 FROM request_claims WHERE request_key = ? AND expires_ms > ?",
        (request_key, now_ms),
    )
    return row is not None


async def take_update_claim(db: Session, update_id: int, now_ms: int, expires_ms: int) -> bool:
    """Claim an update nobody holds and nobody has answered yet (see receipts)."""
    async with db.transaction():
        answered = await db.fetch_one(
            "SELECT 1 FROM update_receipts WHERE update_id = ? AND done_ms IS NOT NULL",
            (update_id,),
        )
        if answered is not None:
            return False
        changed = await db.execute(
            "INSERT INTO update_claims (update_id, expires_ms) VALUES (?, ?)"
            " ON CONFLICT (update_id) DO UPDATE SET expires_ms = excluded.expires_ms"
            " WHERE update_claims.expires_ms <= ?",
            (update_id, expires_ms, now_ms),
        )
    return changed == 1


async def drop_update_claim(db: Session, update_id: int) -> None:
    await db.execute("DELETE FROM update_claims WHERE update_id = ?", (update_id,))


async def beat(db: Session, replica_id: str, now_ms: int, expires_ms: int) -> int:
    """Announce this replica until `expires_ms`; returns how many replicas are live, this
    one included."""
    async with db.transaction():
        await db.execute(
            "INSERT INTO replica_heartbeats (replica_id, expires_ms) VALUES (?, ?)"
            " ON CONFLICT (replica_id) DO UPDATE SET expires_ms = excluded.expires_ms",
            (replica_id, expires_ms),
        )
        row = await db.fetch_one(
            "SELECT COUNT(*) FROM replica_heartbeats WHERE expires_ms > ?", (now_ms,)
        )
    return max(1, int(row[0])) if row else 1


async def drop_beat(db: Session, replica_id: str) -> None:
    await db.execute("DELETE FROM replica_heartbeats WHERE replica_id = ?", (replica_id,))


async def delete_expired_shared(db: Session, now_ms: int) -> int:
    """Delete finished rate-limit windows, expired claims and the heartbeats of replicas
    gone quiet; returns how many rows."""
    deleted = 0
    for table in ("rate_limits", "request_claims", "update_claims", "replica_heartbeats"):
        deleted += await db.execute(f"DELETE FROM {table} WHERE expires_ms <= ?", (now_ms,))
    return deleted
