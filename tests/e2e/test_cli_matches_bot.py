"""The command line and the bot give the same summary and facts for the same text.

Both go through the service, which cleans the text once; texts with outlet datelines,
editor tags and "Baca juga" lines are where the two once disagreed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from handlers.render import COMPACT_FACTS, FACT_ICONS, closed_quotes
from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import running_bot
from tests.conftest import SQLITE_ONLY

PROJECT = Path(__file__).resolve().parents[2]

ENGLISH = (
    "JAKARTA (Reuters) - Indonesia's central bank held its benchmark rate at 6.00% on "
    "Wednesday, as expected, saying it wanted to keep the rupiah stable.\n\n"
    "Bank Indonesia governor Perry Warjiyo told a news conference that inflation was within "
    "the bank's target range of 1.5% to 3.5% this year.\n\n"
    '"The decision is consistent with our pro-stability policy," Warjiyo said.\n\n'
    "Read also: Rupiah weakens past 16,000 per dollar\n\n"
    "All 29 economists polled by Reuters had expected the bank to hold its rate, and most "
    "see cuts starting in the fourth quarter.\n\n"
    "The rupiah has lost about 4% against the dollar since January."
)

EDITOR_TAGS = (
    "Jakarta, CNN Indonesia -- Pemerintah menaikkan harga bahan bakar minyak bersubsidi "
    "mulai Sabtu (3/9) pukul 14.30 WIB.\n\n"
    "Baca juga: Daftar Harga BBM Terbaru di Seluruh SPBU\n\n"
    "Harga Pertalite naik dari Rp7.650 menjadi Rp10.000 per liter, sementara Solar naik dari "
    "Rp5.150 menjadi Rp6.800 per liter.\n\n"
    '"Ini adalah pilihan terakhir pemerintah," kata Presiden Joko Widodo di Istana Merdeka.\n\n'
    "Menurut Menteri Keuangan Sri Mulyani, anggaran subsidi energi tahun ini sudah mencapai "
    "Rp502,4 triliun.\n\n"
    "Pemerintah juga menyiapkan bantuan langsung tunai senilai Rp12,4 triliun untuk 20,65 "
    "juta keluarga. (vyp/kna)"
)


def texts(sample_article: str) -> dict[str, str]:
    return {
        "double dateline": "JAKARTA - Bekasi - " + sample_article,
        "editor tags and baca juga": EDITOR_TAGS,
        "english wire": ENGLISH,
    }


def cli_digest(text: str) -> dict:
    """What `ringkasbot summarize - --json` prints for `text`, run as its own process."""
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "summarize", "-", "--json"],
        input=text.encode(),
        capture_output=True,
        cwd=PROJECT,
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout)


_NUMBERED = re.compile(r"^\d+\. (.*)$")
_FACT_LINE = re.compile("^(" + "|".join(map(re.escape, {*FACT_ICONS.values(), "•"})) + ") (.*)$")


def summary_lines(reply_text: str) -> list[str]:
    return [m.group(1) for line in reply_text.splitlines() if (m := _NUMBERED.match(line))]


def facts_shown(reply_text: str) -> list[tuple[str, str]]:
    """Every fact line of a reply, as (icon, text), in order."""
    return [m.groups() for line in reply_text.splitlines() if (m := _FACT_LINE.match(line))]


def cli_summary(digest: dict) -> list[str]:
    """The CLI's summary as the bot shows it (a quotation cut mid-way gets its mark)."""
    return [closed_quotes(sentence) for sentence in digest["summary"]]


def cli_facts(digest: dict) -> list[tuple[str, str]]:
    return [(FACT_ICONS.get(fact["kind"], "•"), fact["text"]) for fact in digest["facts"]]


@SQLITE_ONLY  # storage is incidental here
async def test_cli_and_bot_give_the_same_summary_and_facts(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    expected = {name: cli_digest(text) for name, text in texts(sample_article).items()}
    async with running_bot(api, bot_database):
        for name, text in texts(sample_article).items():
            summary = api.private_text(text)
            [summary_reply] = await api.wait_for_messages(summary["chat"]["id"], 1)
            facts = api.command("/fakta " + text, user_id=summary["from"]["id"] + 1)
            [facts_reply] = await api.wait_for_messages(facts["chat"]["id"], 1)
            digest = expected[name]
            assert digest["facts"], name  # each text has facts to compare
            # The same lists both ways: nothing missing, nothing added, the same order.
            assert summary_lines(summary_reply["text"]) == cli_summary(digest), name
            assert facts_shown(facts_reply["text"]) == cli_facts(digest), name
            # The first reply shows the first facts under the summary.
            compact = cli_facts(digest)[:COMPACT_FACTS]
            assert facts_shown(summary_reply["text"]) == compact, name
            api.reset()


def test_the_double_dateline_is_gone_from_the_cli_summary(sample_article: str) -> None:
    digest = cli_digest("JAKARTA - Bekasi - " + sample_article)
    assert digest["summary"][0].startswith("Ketegangan")
