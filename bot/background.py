"""The loops a running bot keeps in the background: purging, claims, leftovers, and the
replicas' shared send budget."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram.ext import Application

from storage import Storage

from .bot_api import parse_update
from .flood import ReplyPacer
from .updates import UpdateBook

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def purge_periodically(storage: Storage, book: UpdateBook, interval_seconds: float) -> None:
    """Expired cache entries and old receipts go away while the bot runs, not only at start."""
    while True:
        await asyncio.sleep(interval_seconds)
        await storage.purge_expired()
        await book.purge()


async def queue_leftovers(
    application: AnyApplication, book: UpdateBook, *, grace_seconds: float, take_over: bool
) -> None:
    """Queue the updates recorded but never answered that nobody here works on."""
    leftovers = await book.leftovers(grace_seconds=grace_seconds, take_over=take_over)
    for leftover in leftovers:
        try:
            raw = json.loads(leftover.payload)
        except ValueError:
            raw = None
        update = parse_update(raw, application.bot)
        if update is None:
            await book.done(leftover.update_id)  # nothing to answer (logged by parse_update)
            continue
        await application.update_queue.put(update)
    if leftovers:
        log.info("%d updates received earlier are taken up", len(leftovers))


async def keep_claims(book: UpdateBook) -> None:
    while True:
        await asyncio.sleep(book.policy.renew_after_seconds / 2)
        await book.renew_claims()


async def share_send_budget(storage: Storage, pacer: ReplyPacer, interval: float) -> None:
    """Replicas count each other by heartbeat, and each keeps its share of the bot's
    messages a second. While the database cannot count, the last share stands."""
    while True:
        await asyncio.sleep(interval)
        await announce_replica(storage, pacer, interval)


async def announce_replica(storage: Storage, pacer: ReplyPacer, interval: float) -> None:
    replicas = await storage.announce_replica(3 * interval)
    if replicas is not None:
        pacer.share_budget(replicas)


async def sweep_leftovers(application: AnyApplication, book: UpdateBook) -> None:
    """Updates a killed replica left behind are found once their claims expire."""
    interval = book.policy.sweep_seconds
    while True:
        await asyncio.sleep(interval)
        await queue_leftovers(application, book, grace_seconds=interval, take_over=False)
