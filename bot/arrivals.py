"""Each chat's webhook updates enter the update queue in the order their posts arrived.

Posts are handled concurrently, and each first waits for its update to be recorded in the
database (bot/updates.py), which takes longer for some than for others: without a turn per
chat, the second part of a split paste could be queued before the first and not be seen
as its next part (handlers/pastes.py). Different chats never wait for each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ArrivalOrder:
    def __init__(self) -> None:
        self._turns: dict[int, tuple[asyncio.Lock, int]] = {}  # chat -> (lock, holders)

    @asynccontextmanager
    async def turn(self, chat_id: int | None) -> AsyncIterator[None]:
        """Wait for the chat's earlier posts (none for an update without a chat)."""
        if chat_id is None:
            yield
            return
        lock, holders = self._turns.get(chat_id, (asyncio.Lock(), 0))
        self._turns[chat_id] = (lock, holders + 1)
        try:
            async with lock:  # asyncio.Lock wakes its waiters first come, first served
                yield
        finally:
            lock, holders = self._turns[chat_id]
            if holders == 1:
                del self._turns[chat_id]
            else:
                self._turns[chat_id] = (lock, holders - 1)

    def __len__(self) -> int:
        """Chats with a post in progress."""
        return len(self._turns)
