"""`ringkasbot stats` reads the bot's database through the service, as the bot opens it."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import DEFAULTS
from service import DigestService, ThreadLanes
from storage import Storage, StorageStats

PASAR = (
    "Harga beras medium di Pasar Induk Cipinang naik menjadi Rp13.500 per kilogram pada Senin "
    "(5/2), tertinggi sejak awal tahun.\n\n"
    "Kepala Bidang Perdagangan DKI Jakarta mengatakan kenaikan dipicu mundurnya masa panen di "
    "Jawa Barat dan Jawa Tengah karena hujan yang terlambat datang.\n\n"
    '"Pasokan yang masuk ke Cipinang turun hampir 20 persen dibanding bulan lalu," ujarnya.\n\n'
    "Badan Pangan Nasional menyiapkan operasi pasar di 200 titik untuk menahan harga sampai "
    "panen raya pada Maret."
)


async def bot_summarized(database: Path, text: str) -> None:
    """What a bot on `database` leaves after answering `text`: its article and digest."""
    storage = await Storage.open(database, busy_timeout_ms=DEFAULTS.database_busy_timeout_ms)
    lanes = ThreadLanes()
    service = DigestService(storage, lanes, DEFAULTS.fetch_policy(), DEFAULTS.digest_limits())
    await service.from_text(text, 3)
    await service.flush()
    await storage.close()
    await lanes.close(grace=0.0)


def test_stats_are_the_services_answer_on_the_bots_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(bot_summarized(tmp_path / "ringkas.db", PASAR))
    asked: list[StorageStats] = []
    service_stats = DigestService.stats

    async def watched(self: DigestService) -> StorageStats:
        asked.append(await service_stats(self))
        return asked[-1]

    monkeypatch.setattr(DigestService, "stats", watched)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)

    assert main(["stats"]) == 0

    out = capsys.readouterr().out
    assert [stats.cache_entries for stats in asked] == [2]
    assert re.search(r"^Cache entries +2$", out, re.MULTILINE)
    assert re.search(r"^Database +ringkas\.db$", out, re.MULTILINE)
