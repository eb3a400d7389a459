"""The SQLite backend's two connections: reads never queue behind writes."""

import asyncio

from storage import Storage


async def test_a_cache_lookup_does_not_wait_for_a_write_in_progress(tmp_path):
    storage = await Storage.open(tmp_path / "ringkas.db", busy_timeout_ms=1000)
    await storage.put_cached("text:banjir", "Banjir melanda Jakarta Utara.")
    writing, finish = asyncio.Event(), asyncio.Event()

    async def slow_write(db) -> None:
        async with db.transaction():
            await db.execute("UPDATE chat_settings SET language = 'en' WHERE chat_id = 0")
            writing.set()
            await finish.wait()

    backend = storage._runner.backend
    write = asyncio.create_task(storage._runner.run("slow write", slow_write, None, writes=True))
    await writing.wait()
    try:
        found = await asyncio.wait_for(storage.get_cached("text:banjir"), timeout=5)
        assert found == "Banjir melanda Jakarta Utara."
    finally:
        finish.set()
        await write
        await storage.close()
    assert backend.available(writes=True) is False  # closed: both connections


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
    await storage.put_cached("text:banjir", "Banjir melanda Jakarta Utara.")
    writing, finish = asyncio.Event(), asyncio.Event()

    async def slow_write(db) -> None:
        async with db.transaction():
            await db.execute("UPDATE chats SET served_count = 0 WHERE chat_id = 0")
            writing.set()
            await finish.wait()

    backend = storage._runner.backend
    write = asyncio.create_task(storage._runner.run("slow write", slow_write, None, writes=True))
    await writing.wait()
    closing = asyncio.create_task(storage.close())
    await asyncio.sleep(0.05)  # close() has closed the reader and waits for the write lock
    assert await storage.get_cached("text:banjir") is None  # closing: as without a cache
    finish.set()
    await write
    await closing
    assert backend._reader is None, "reader connection (and its thread) leaked past close()"
