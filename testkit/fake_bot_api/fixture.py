"""The ``fake_bot_api`` pytest fixture (kept apart so that the bench needs no pytest)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .server import FakeBotApi


@pytest_asyncio.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """A started :class:`FakeBotApi` on a free port of 127.0.0.1, stopped after the test."""
    async with FakeBotApi() as server:
        yield server
