"""The SQLite backend's two connections: reads never queue behind writes, nor behind each
other."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from storage import Storage

BANJIR = "Banjir melanda Jakarta Utara."


@asynccontextmanager
async def write_in_progress(storage: Storage) -> AsyncIterator[None]:
    """A write transaction holds the database's writer for the duration of the block."""
    writing, finish = asyncio.Event(), asyncio.Event()

    async def slow_write(db) -> None:
        async with db.transaction():
            await db.execute("UPDATE chats SET served_count = 0 WHERE chat_id = 0")
            writing.set()
            await finish.wait()

    write = asyncio.create_task(storage._runner.run("slow write", slow_write, None, writes=True))
    await writing.wait()
    try:
        yield
    finally:
        finish.set()
        await write


async def test_a_cache_lookup_does_not_wait_for_a_write_in_progress(tmp_path):
    storage = await Storage.open(tmp_path / "ringkas.db", busy_timeout_ms=1000)
    await storage.put_cached("text:banjir", BANJIR)
    try:
        async with write_in_progress(storage):
            found = await asyncio.wait_for(storage.get_cached("text:banjir"), timeout=5)
        assert found == BANJIR
    finally:
        await storage.close()
    assert storage._runner.backend.available(writes=True) is False  # closed: both connections


async def test_a_read_under_way_does_not_hold_back_another(tmp_path):
    storage = await Storage.open(tmp_path / "ringkas.db", busy_timeout_ms=1000)
    await storage.put_cached("text:banjir", BANJIR)
    backend = storage._runner.backend
    try:
        await storage.get_cached("text:banjir")  # the read connection is open
        async with backend.session(writes=False):  # a read not finished yet
            found = await asyncio.wait_for(storage.get_cached("text:banjir"), timeout=5)
    finally:
        await storage.close()
    assert found == BANJIR


async def test_closing_waits_for_the_reads_under_way(tmp_path):
    storage = await Storage.open(tmp_path / "ringkas.db", busy_timeout_ms=1000)
    await storage.put_cached("text:banjir", BANJIR)
    backend = storage._runner.backend
    await storage.get_cached("text:banjir")
    async with backend.session(writes=False) as db:
        closing = asyncio.create_task(storage.close())
        await asyncio.sleep(0.05)
        rows = await db.fetch_all("SELECT payload FROM cache_entries")
    await closing
    assert rows == [(BANJIR,)]


async def test_a_read_sees_what_the_writer_committed_just_before(tmp_path):
    storage = await Storage.open(tmp_path / "ringkas.db", busy_timeout_ms=1000)
    try:
        assert await storage.get_cached("text:gempa") is None
        await storage.put_cached("text:gempa", "Gempa magnitudo 5,2 mengguncang Cianjur.")
        assert await storage.get_cached("text:gempa") == "Gempa magnitudo 5,2 mengguncang Cianjur."
    finally:
        await storage.close()


async def test_a_lookup_while_closing_gets_no_answer_and_leaves_no_connection_open(tmp_path):
    storage = await Storage.open(tmp_path / "ringkas.db", busy_timeout_ms=1000)
    await storage.put_cached("text:banjir", BANJIR)
    async with write_in_progress(storage):
        closing = asyncio.create_task(storage.close())
        await asyncio.sleep(0.05)  # close() has closed the reader and waits for the writer
        assert await storage.get_cached("text:banjir") is None  # closing: as without a cache
    await closing
    reader = storage._runner.backend._reader  # type: ignore[attr-defined]
    assert reader is None, "a read connection (and its thread) outlived close()"
