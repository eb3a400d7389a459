"""Texts cleaned lately are remembered by the text as it arrived, within bounds."""

from __future__ import annotations

from service.cleanings import RecentCleanings
from service.records import ArticleRecord

key = RecentCleanings.key

BANJIR = "Banjir setinggi 1,5 meter merendam 300 rumah di Jakarta Utara, Senin (5/2)."
GEMPA = "Gempa magnitudo 5,2 mengguncang Cianjur pada Minggu pagi."


def record(text: str) -> ArticleRecord:
    return ArticleRecord(article_id="text:" + text[:8], text=text.strip())


def test_a_text_cleaned_before_is_found_again() -> None:
    cleanings = RecentCleanings()
    cleanings.add(key(BANJIR + "  \n"), record(BANJIR))
    assert cleanings.get(key(BANJIR + "  \n")) == record(BANJIR)


def test_the_same_words_arriving_differently_are_cleaned_again() -> None:
    cleanings = RecentCleanings()
    cleanings.add(key(BANJIR), record(BANJIR))
    assert cleanings.get(key(BANJIR + "\n")) is None


def test_past_its_count_the_longest_unused_is_forgotten_first() -> None:
    cleanings = RecentCleanings(max_entries=2)
    cleanings.add(key(BANJIR), record(BANJIR))
    cleanings.add(key(GEMPA), record(GEMPA))
    cleanings.get(key(BANJIR))
    beras = "Harga beras naik 10 persen."
    cleanings.add(key(beras), record(beras))
    assert cleanings.get(key(BANJIR)) is not None
    assert cleanings.get(key(GEMPA)) is None


def test_the_characters_kept_stay_within_their_bound() -> None:
    cleanings = RecentCleanings(max_characters=len(BANJIR) + len(GEMPA) - 1)
    cleanings.add(key(BANJIR), record(BANJIR))
    cleanings.add(key(GEMPA), record(GEMPA))
    assert len(cleanings) == 1
    assert cleanings.get(key(GEMPA)) is not None


def test_a_text_longer_than_the_bound_is_not_kept() -> None:
    cleanings = RecentCleanings(max_characters=10)
    cleanings.add(key(BANJIR), record(BANJIR))
    assert len(cleanings) == 0
