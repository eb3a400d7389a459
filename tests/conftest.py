from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from testkit.fake_bot_api import FakeBotApi
from testkit.harness import TOKEN

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session")
def sample_article() -> str:
    return (SEEDS / "rusia-ukraina-negosiasi.txt").read_text(encoding="utf-8")


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Telegram Bot API server on 127.0.0.1 that the bot under test talks to."""
    server = FakeBotApi(TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
