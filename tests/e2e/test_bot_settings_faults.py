"""/panjang and /bahasa tell the truth: when the database cannot save a setting, the user is
told it was not saved (in their language), and the setting works again once it can.

SQLite only: the faults are another connection holding the SQLite file's write lock, and a
file that cannot be written at all (immutable, so even root cannot)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest

from bot import texts
from bot.settings import DEFAULTS
from testkit.fake_bot_api import FakeBotApi, JsonDict
from testkit.harness import answers_to, is_reply_to, running_bot
from tests.e2e.test_bot_faults import immutable

FAULTS = ["locked", "read-only"]


@contextmanager
def write_locked(database: Path) -> Iterator[None]:
    """Another connection holds the write lock (WAL readers still get through)."""
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


async def wait_out_lock_backoff() -> None:
    """After a lock, storage skips writes for the busy timeout so requests do not pile up."""
    await asyncio.sleep(DEFAULTS.database_busy_timeout_ms / 1000 + 0.2)


@asynccontextmanager
async def unwritable_bot(api: FakeBotApi, database: Path, fault: str) -> AsyncIterator[None]:
    """A running bot whose database takes no writes while the block runs."""
    if fault == "locked":
        async with running_bot(api, database):
            with write_locked(database):
                yield
        return
    async with running_bot(api, database):
        pass  # the database file now exists
    with immutable(database):
        async with running_bot(api, database):
            yield


async def reply_to(api: FakeBotApi, sent: JsonDict) -> str:
    await api.wait_for(is_reply_to(sent), timeout=15)
    [reply] = answers_to(api, sent)
    return str(reply["text"])


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_length_that_could_not_be_saved_is_reported_not_confirmed(
    api: FakeBotApi, tmp_path: Path, fault: str
) -> None:
    async with unwritable_bot(api, tmp_path / "ringkas.db", fault):
        refused = await reply_to(api, api.command("/panjang 5"))
    assert refused == texts.text("id", "setting_not_saved")


async def test_a_length_is_saved_again_once_the_lock_is_gone(
    api: FakeBotApi, tmp_path: Path
) -> None:
    database = tmp_path / "ringkas.db"
    async with running_bot(api, database):
        with write_locked(database):
            refused = await reply_to(api, api.command("/panjang 5"))
        await wait_out_lock_backoff()
        saved = await reply_to(api, api.command("/panjang 5"))
    assert refused == texts.text("id", "setting_not_saved")
    assert saved == texts.text("id", "length_set", count=5)


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_language_that_could_not_be_saved_is_reported_in_the_users_language(
    api: FakeBotApi, tmp_path: Path, fault: str
) -> None:
    async with unwritable_bot(api, tmp_path / "ringkas.db", fault):
        refused_en = await reply_to(api, api.command("/bahasa id", language_code="en"))
        refused_id = await reply_to(api, api.command("/bahasa en", user_id=2002))
        usage = await reply_to(api, api.command("/panjang", language_code="en"))
    assert refused_en == texts.text("en", "setting_not_saved")
    assert refused_id == texts.text("id", "setting_not_saved")
    assert usage.startswith("Usage"), "the English user's chat was not switched to Indonesian"
