"""Database faults degrade the storage to "no cache"; they never raise into the bot.

SQLite only: these are faults of a SQLite file (locks, permissions, corruption, deletion);
PostgreSQL outages are in test_postgres.py."""

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage import ChatSettings, Storage
from storage.sqlite import SqliteBackend
from tests.conftest import FakeClock

REPO_ROOT = Path(__file__).resolve().parents[2]
BUSY_TIMEOUT_MS = 50

LOCK_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute(f"PRAGMA locking_mode = {sys.argv[2]}")
connection.execute("BEGIN EXCLUSIVE")
connection.execute("PRAGMA user_version")  # touch the file so the lock is really taken
print("locked", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""

CRASHING_WRITER = """
import asyncio, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from storage import Storage

async def main():
    storage = await Storage.open(Path(sys.argv[1]), busy_timeout_ms=1000)
    async def write(number):
        key = f"text:{number}"
        await storage.put_cached(key, key + "x" * (number % 40 * 250))
        if storage.degraded_reason is not None:
            print("FAULT", storage.degraded_reason, flush=True)
        else:
            print(key, flush=True)
    number = 0
    while True:
        await asyncio.gather(*(write(number + offset) for offset in range(8)))
        number += 8

asyncio.run(main())
"""


@contextlib.contextmanager
def lock_held_by_another_process(path: Path, locking_mode: str = "NORMAL"):
    """NORMAL blocks writers only (WAL readers go on); EXCLUSIVE blocks readers too."""
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(path), locking_mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.communicate("release\n", timeout=10)


@contextlib.contextmanager
def read_only(path: Path):
    """Make a file or directory read-only, for root too (which ignores permission bits)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)]).returncode != 0:
        pytest.skip("running as root and cannot set the immutable attribute")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


async def wait_out_lock_backoff() -> None:
    await asyncio.sleep(2 * BUSY_TIMEOUT_MS / 1000)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "ringkas.db"


@pytest.fixture
async def populated(db_path):
    """A closed database holding one cache entry and one chat's settings."""
    storage = await Storage.open(db_path, busy_timeout_ms=1000)
    await storage.put_cached("text:old", "old summary")
    await storage.update_chat_settings(42, summary_sentences=4, language="id")
    await storage.close()
    return db_path


def warnings_logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


async def test_write_lock_held_elsewhere_skips_writes_with_a_warning(populated, caplog):
    storage = await Storage.open(populated, busy_timeout_ms=BUSY_TIMEOUT_MS)
    with lock_held_by_another_process(populated):
        await storage.put_cached("text:new", "new summary")
        assert "locked" in storage.degraded_reason
        assert warnings_logged(caplog)
        await storage.note_chat_served(42)
        assert await storage.update_chat_settings(42, language="en") is None
    await wait_out_lock_backoff()
    assert await storage.get_cached("text:new") is None
    assert (await storage.stats()).chats_served == 0
    await storage.close()


async def test_cached_results_are_still_read_while_another_process_writes(populated):
    storage = await Storage.open(populated, busy_timeout_ms=BUSY_TIMEOUT_MS)
    with lock_held_by_another_process(populated):
        await storage.put_cached("text:new", "new summary")
        assert await storage.get_cached("text:old") == "old summary"
        assert await storage.get_chat_settings(42) == ChatSettings(42, 4, "id")
    await storage.close()


async def test_storage_works_again_once_a_write_lock_is_released(populated):
    storage = await Storage.open(populated, busy_timeout_ms=BUSY_TIMEOUT_MS)
    with lock_held_by_another_process(populated):
        await storage.put_cached("text:new", "lost")
    await wait_out_lock_backoff()
    await storage.put_cached("text:new", "new summary")
    assert await storage.get_cached("text:new") == "new summary"
    assert storage.degraded_reason is None
    await storage.close()


async def test_file_locked_exclusively_at_startup_behaves_as_no_cache(populated, caplog):
    with lock_held_by_another_process(populated, "EXCLUSIVE"):
        storage = await Storage.open(populated, busy_timeout_ms=BUSY_TIMEOUT_MS)
        assert "locked" in storage.degraded_reason
        assert warnings_logged(caplog)
        assert await storage.get_cached("text:old") is None
        await wait_out_lock_backoff()
        assert await storage.get_chat_settings(42) == ChatSettings(42)
        await wait_out_lock_backoff()
        assert await storage.update_chat_settings(42, language="en") is None
        await wait_out_lock_backoff()
        await storage.put_cached("text:new", "lost")
        await storage.note_chat_served(42)
        assert "locked" in (await storage.stats()).degraded
    await wait_out_lock_backoff()
    assert await storage.get_cached("text:old") == "old summary"
    assert await storage.get_chat_settings(42) == ChatSettings(42, 4, "id")
    assert storage.degraded_reason is None
    await storage.close()


async def test_new_file_locked_at_startup_is_migrated_once_released(tmp_path):
    path = tmp_path / "ringkas.db"
    sqlite3.connect(path).close()
    with lock_held_by_another_process(path, "EXCLUSIVE"):
        storage = await Storage.open(path, busy_timeout_ms=BUSY_TIMEOUT_MS)
        await storage.put_cached("k", "lost")
    await wait_out_lock_backoff()
    await storage.put_cached("k", "payload")
    assert await storage.get_cached("k") == "payload"
    assert storage.degraded_reason is None
    await storage.close()


async def test_read_only_file_serves_cached_results_and_skips_writes(populated, caplog):
    with read_only(populated):
        storage = await Storage.open(populated, busy_timeout_ms=1000)
        assert "read-only" in storage.degraded_reason
        assert warnings_logged(caplog)
        assert await storage.get_cached("text:old") == "old summary"
        assert await storage.get_chat_settings(42) == ChatSettings(42, 4, "id")
        await storage.put_cached("text:new", "new summary")
        assert await storage.get_cached("text:new") is None
        assert await storage.update_chat_settings(42, language="en") is None
        await storage.note_chat_served(42)
        stats = await storage.stats()
        await storage.close()
    assert (stats.cache_entries, stats.hits, stats.misses) == (1, 1, 1)
    assert stats.degraded == storage.degraded_reason


async def test_database_in_read_only_directory_is_still_readable(populated):
    with read_only(populated.parent):
        storage = await Storage.open(populated, busy_timeout_ms=1000)
        assert storage.degraded_reason is not None
        assert await storage.get_cached("text:old") == "old summary"
        await storage.put_cached("text:new", "new summary")
        await storage.close()
    reopened = await Storage.open(populated, busy_timeout_ms=1000)
    assert await reopened.get_cached("text:new") is None
    await reopened.close()


async def test_new_database_in_read_only_directory_runs_without_cache(tmp_path, caplog):
    path = tmp_path / "ringkas.db"
    with read_only(tmp_path):
        storage = await Storage.open(path, busy_timeout_ms=1000)
        await storage.put_cached("k", "payload")
        assert await storage.get_cached("k") is None
        assert await storage.update_chat_settings(1, summary_sentences=3) is None
        stats = await storage.stats()
        await storage.close()
    assert "no cache" in storage.degraded_reason
    assert stats.degraded == storage.degraded_reason
    assert warnings_logged(caplog)
    assert not path.exists()


async def test_directory_that_cannot_be_created_means_no_cache(tmp_path):
    with read_only(tmp_path):
        storage = await Storage.open(tmp_path / "data" / "ringkas.db", busy_timeout_ms=1000)
        assert await storage.get_cached("k") is None
        await storage.close()
    assert "cannot create directory" in storage.degraded_reason


async def test_garbage_file_is_moved_aside_and_recreated(db_path, caplog):
    garbage = os.urandom(8192)
    db_path.write_bytes(garbage)

    storage = await Storage.open(db_path, busy_timeout_ms=1000)
    await storage.put_cached("k", "payload")
    assert await storage.get_cached("k") == "payload"
    assert storage.degraded_reason is None
    await storage.close()

    moved = list(db_path.parent.glob("ringkas.db.corrupt-*"))
    assert [path.read_bytes() for path in moved] == [garbage]
    assert any("corrupt" in message for message in warnings_logged(caplog))


async def test_file_with_damaged_pages_is_moved_aside_and_recreated(db_path):
    storage = await Storage.open(db_path, busy_timeout_ms=1000)
    for number in range(100):
        await storage.put_cached(f"text:{number}", "x" * 500)
    await storage.close()
    with db_path.open("r+b") as database_file:
        database_file.seek(3 * 4096)
        database_file.write(b"\xff" * 4096)

    reopened = await Storage.open(db_path, busy_timeout_ms=1000)
    assert await reopened.get_cached("text:1") is None
    await reopened.put_cached("text:1", "fresh")
    assert await reopened.get_cached("text:1") == "fresh"
    await reopened.close()
    assert len(list(db_path.parent.glob("ringkas.db.corrupt-*"))) == 1


def run_writer_until_killed(path: Path, keys_before_kill: int) -> list[str]:
    """Run CRASHING_WRITER, SIGKILL it mid-stream and return every key it reported committed."""
    writer = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, str(path), str(REPO_ROOT)],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = []
    try:
        while len(lines) < keys_before_kill:
            line = writer.stdout.readline()
            if not line:
                break
            lines.append(line)
    finally:
        writer.send_signal(signal.SIGKILL)
        rest, _ = writer.communicate(timeout=10)
    lines.extend(rest.splitlines(keepends=True))
    complete = [line.strip() for line in lines if line.endswith("\n")]
    assert writer.returncode == -signal.SIGKILL
    assert not [line for line in complete if not line.startswith("text:")]
    return complete


async def test_every_committed_entry_survives_sigkill_during_writes(db_path):
    committed = run_writer_until_killed(db_path, keys_before_kill=400)
    assert len(committed) >= 400

    storage = await Storage.open(db_path, busy_timeout_ms=1000)
    assert storage.degraded_reason is None
    missing = [key for key in committed if await storage.get_cached(key) is None]
    await storage.close()
    assert missing == []
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


@pytest.mark.parametrize(
    "deleted",
    [("ringkas.db",), ("ringkas.db", "ringkas.db-wal", "ringkas.db-shm")],
    ids=["database file", "with its wal and shm"],
)
async def test_database_deleted_while_running_is_rescued_and_reopened(populated, caplog, deleted):
    storage = await Storage.open(populated, busy_timeout_ms=1000)
    await storage.put_cached("text:before", "written before the deletion")
    for name in deleted:
        with contextlib.suppress(FileNotFoundError):
            (populated.parent / name).unlink()

    await storage.put_cached("text:after", "written after the deletion")
    await storage.close()

    assert any("deleted" in message for message in warnings_logged(caplog))
    assert populated.is_file()
    reopened = await Storage.open(populated, busy_timeout_ms=1000)
    assert await reopened.get_cached("text:old") == "old summary"
    assert await reopened.get_cached("text:before") == "written before the deletion"
    assert await reopened.get_cached("text:after") == "written after the deletion"
    assert await reopened.get_chat_settings(42) == ChatSettings(42, 4, "id")
    assert reopened.degraded_reason is None
    await reopened.close()
    assert not list(populated.parent.glob("*.rescue-*"))


async def restore_a_backup_over(path: Path, tmp_path: Path) -> None:
    """An operator restores a backup (holding "text:restored") over the database file."""
    backup = tmp_path / "restored" / "ringkas.db"
    storage = await Storage.open(backup, busy_timeout_ms=1000)
    await storage.put_cached("text:restored", "from the backup")
    await storage.close()
    os.replace(backup, path)


async def test_database_replaced_while_running_is_reopened(populated, tmp_path, caplog):
    storage = await Storage.open(populated, busy_timeout_ms=1000)
    assert await storage.get_cached("text:old") == "old summary"
    await restore_a_backup_over(populated, tmp_path)

    assert await storage.get_cached("text:restored") == "from the backup"
    assert await storage.get_cached("text:old") is None
    await storage.close()
    assert any("replaced" in message for message in warnings_logged(caplog))


async def storage_checking_every_minute(path: Path, clock: FakeClock) -> Storage:
    backend = await SqliteBackend.open(
        path, busy_timeout_ms=1000, file_check_seconds=60.0, monotonic=clock
    )
    return Storage(backend, busy_timeout_ms=1000, clock=time.time)


async def test_a_replaced_database_is_noticed_once_the_check_interval_has_passed(
    populated, tmp_path, clock
):
    storage = await storage_checking_every_minute(populated, clock)
    assert await storage.get_cached("text:old") == "old summary"
    await restore_a_backup_over(populated, tmp_path)

    assert await storage.get_cached("text:restored") is None  # within the minute
    clock.now += 61
    assert await storage.get_cached("text:restored") == "from the backup"
    await storage.close()


async def test_writes_to_a_database_deleted_between_checks_are_rescued_at_close(populated, clock):
    storage = await storage_checking_every_minute(populated, clock)
    await storage.put_cached("text:before", "written before the deletion")
    populated.unlink()
    await storage.put_cached("text:after", "written after the deletion, unnoticed")
    await storage.close()

    reopened = await Storage.open(populated, busy_timeout_ms=1000)
    assert await reopened.get_cached("text:old") == "old summary"
    assert await reopened.get_cached("text:after") == "written after the deletion, unnoticed"
    await reopened.close()


async def test_database_directory_deleted_while_running_is_recreated_with_the_data(tmp_path):
    path = tmp_path / "data" / "ringkas.db"
    storage = await Storage.open(path, busy_timeout_ms=1000)
    await storage.put_cached("text:before", "kept")
    shutil.rmtree(path.parent)

    await storage.put_cached("text:after", "kept too")
    await storage.close()

    reopened = await Storage.open(path, busy_timeout_ms=1000)
    assert await reopened.get_cached("text:before") == "kept"
    assert await reopened.get_cached("text:after") == "kept too"
    await reopened.close()
