"""Datelines and outlet prefixes at the start of an article's first line."""

from __future__ import annotations

import pytest

from summarizer import summarize
from summarizer.datelines import strip_dateline

KALLA = (
    "JAKARTA-Wakil Presiden Jusuf Kalla meminta para kepala daerah mempercepat penyaluran "
    "dana desa sebelum akhir tahun."
)


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (KALLA, KALLA.removeprefix("JAKARTA-")),
        (
            "SURABAYA\u2013Ribuan warga memadati Jalan Tunjungan untuk menyaksikan pawai budaya.",
            "Ribuan warga memadati Jalan Tunjungan untuk menyaksikan pawai budaya.",
        ),
        (
            "KOREA SELATAN-Pemerintah memperpanjang pembatasan sosial hingga dua pekan ke depan.",
            "Pemerintah memperpanjang pembatasan sosial hingga dua pekan ke depan.",
        ),
    ],
)
def test_a_place_in_capitals_glued_to_the_dash_is_a_dateline(line: str, kept: str) -> None:
    assert strip_dateline(line) == kept


@pytest.mark.parametrize(
    "line",
    [
        "Jakarta-Bandung kini hanya dua jam perjalanan dengan kereta cepat.",
        "KPK-Polri sepakat memperkuat kerja sama pemberantasan korupsi di daerah.",
        "POLRI-TNI menggelar apel bersama menjelang perayaan malam tahun baru.",
        "JAKARTA-BANDUNG kini hanya dua jam perjalanan dengan kereta cepat.",
    ],
)
def test_a_hyphenated_pair_or_an_acronym_pair_is_not_a_dateline(line: str) -> None:
    assert strip_dateline(line) == line


def test_a_summary_never_opens_with_a_glued_dateline() -> None:
    article = (
        f"{KALLA}\n\n"
        "Menurut Kalla, banyak desa yang belum menerima dana tahap kedua karena laporan "
        "penggunaan dana tahap pertama terlambat.\n\n"
        "Ia meminta para bupati membantu desa menyusun laporan tepat waktu.\n\n"
        "Kementerian Desa mencatat masih ada ratusan desa yang laporannya belum lengkap."
    )
    digest = summarize(article, sentences=3)
    assert not any(sentence.startswith("JAKARTA") for sentence in digest.summary)
    assert any(sentence.startswith("Wakil Presiden Jusuf Kalla") for sentence in digest.summary)
