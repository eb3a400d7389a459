"""`ringkasbot migrate` and `ringkasbot stats` on PostgreSQL: the documented way off SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from storage import PostgresUrl, Storage
from tests.conftest import POSTGRES_POOL


async def _sqlite_cache(path: Path) -> None:
    storage = await Storage.open(path, busy_timeout_ms=1000)
    await storage.put_cached("digest:contoh", '{"ringkasan": "Harga beras naik."}', 3600)
    await storage.note_chat_served(4242)
    await storage.close()


async def test_migrate_copies_the_sqlite_cache_into_postgresql(
    tmp_path: Path,
    postgres_url: PostgresUrl,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "ringkas.db"
    await _sqlite_cache(source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", postgres_url.dsn)

    code = await _in_thread(["migrate", "--from", f"sqlite:///{source}"])

    assert code == 0
    assert "cache_entries" in capsys.readouterr().out
    copied = await Storage.open(postgres_url, busy_timeout_ms=1000, pool=POSTGRES_POOL)
    try:
        assert await copied.get_cached("digest:contoh") == '{"ringkasan": "Harga beras naik."}'
    finally:
        await copied.close()


async def test_stats_reads_postgresql_and_names_the_server_without_its_password(
    tmp_path: Path,
    postgres_url: PostgresUrl,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    storage = await Storage.open(postgres_url, busy_timeout_ms=1000, pool=POSTGRES_POOL)
    await storage.note_chat_served(4242)
    await storage.close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", postgres_url.dsn)

    code = await _in_thread(["stats"])

    out = capsys.readouterr().out
    assert code == 0
    assert str(postgres_url) in out
    assert "Chats served" in out


def test_migrate_without_a_target_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["migrate", "--from", "sqlite:///ringkas.db"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_migrate_from_a_missing_file_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["migrate", "--from", "sqlite:///hilang.db", "--to", "sqlite:///baru.db"])
    assert code in (1, 2)
    assert capsys.readouterr().err.startswith("ringkasbot: ")
    assert not (tmp_path / "hilang.db").exists()


async def _in_thread(argv: list[str]) -> int:
    """The CLI runs its own event loop: call it from a worker thread of this test's loop."""
    import asyncio

    return await asyncio.to_thread(main, argv)
