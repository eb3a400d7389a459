"""The per-user limit as people meet it (handlers/pacing.py): what is skipped is named once."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest

from handlers import pacing
from handlers.pacing import Pacer
from service import RateLimiter

LINK = "https://www.kompas.com/read/2024/02/05/harga-beras-naik"
TEXT = (
    "Harga beras medium di Pasar Induk Cipinang naik menjadi Rp13.500 per kilogram pada Senin, "
    "tertinggi sejak awal tahun."
)


class Spawner:
    """Stands in for Application.create_task: starts the task and keeps it."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[None]] = []

    def __call__(
        self, coroutine: Coroutine[Any, Any, None], *, name: str | None = None
    ) -> asyncio.Task[None]:
        task = asyncio.create_task(coroutine, name=name)
        self.tasks.append(task)
        return task


async def test_articles_skipped_in_one_burst_are_named_in_one_note_started_by_spawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pacing, "SKIP_NOTE_DELAY_SECONDS", 0.0)
    pacer = Pacer(RateLimiter(1, 60.0, max_wait=0.0))  # one article a minute, no waiting
    notes: list[list[str]] = []
    spawn = Spawner()

    async def notice(seconds: int) -> None:
        raise AssertionError("nothing waits: there is no queued notice")

    async def skip_note(labels: list[str]) -> None:
        notes.append(labels)

    admitted = [
        await pacer.admit(7, label, notice, skip_note, spawn) for label in ("halo", LINK, TEXT)
    ]
    await asyncio.gather(*spawn.tasks)

    assert admitted == [True, False, False]
    assert [task.get_name() for task in spawn.tasks] == ["skip-note-7"]
    assert notes == [[LINK, pacing.label_of(TEXT)]]
    assert notes[0][1].endswith("…")  # a long text is named by its first words
