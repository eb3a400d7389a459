"""A chat's webhook posts are queued in the order they arrived, whatever each one waits for."""

from __future__ import annotations

import asyncio

from bot.arrivals import ArrivalOrder


async def queue_after(
    order: ArrivalOrder, chat: int | None, delay: float, name: str, queued: list[str]
) -> None:
    async with order.turn(chat):
        await asyncio.sleep(delay)  # recording this one in the database is slow
        queued.append(name)


async def test_a_chats_second_post_waits_for_its_first_even_when_the_first_is_slower() -> None:
    order, queued = ArrivalOrder(), []
    await asyncio.gather(
        queue_after(order, 1001, 0.2, "part 1", queued),
        queue_after(order, 1001, 0.0, "part 2", queued),
    )
    assert queued == ["part 1", "part 2"]


async def test_other_chats_do_not_wait() -> None:
    order, queued = ArrivalOrder(), []
    await asyncio.gather(
        queue_after(order, 1001, 0.2, "Budi", queued),
        queue_after(order, 2002, 0.0, "Siti", queued),
        queue_after(order, None, 0.0, "no chat", queued),
    )
    assert queued == ["Siti", "no chat", "Budi"]


async def test_a_chat_is_forgotten_once_its_posts_are_queued() -> None:
    order, queued = ArrivalOrder(), []
    await asyncio.gather(*(queue_after(order, 1001, 0.01, str(n), queued) for n in range(3)))
    assert len(order) == 0
