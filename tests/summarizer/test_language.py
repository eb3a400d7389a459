"""Language detection: Indonesian and English first, others recognized, no guessing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer import detect_language, summarize

REPO = Path(__file__).resolve().parents[2]

INDONESIAN = (
    "Pemerintah provinsi menyiapkan posko pengungsian bagi warga yang terdampak banjir di "
    "wilayah selatan kota. Petugas juga membagikan makanan dan selimut kepada para pengungsi."
)
ENGLISH = (
    "The government has opened emergency shelters for residents affected by the flooding in "
    "the southern part of the city. Volunteers are handing out food and blankets."
)
FRENCH = (
    "Le gouvernement a ouvert des abris d'urgence pour les habitants touchés par les "
    "inondations dans le sud de la ville. Des bénévoles distribuent de la nourriture."
)
GERMAN = (
    "Die Regierung hat Notunterkünfte für die Bewohner eröffnet, die von den Überschwemmungen "
    "im Süden der Stadt betroffen sind. Freiwillige verteilen Essen und Decken."
)
# Half Indonesian, half English (each sentence followed by its translation): no one language.
BILINGUAL = (
    "Banjir merendam ratusan rumah. Floods submerged hundreds of homes. "
    "Petugas mengevakuasi warga. Officers evacuated residents."
)


@pytest.mark.parametrize(("text", "code"), [(INDONESIAN, "id"), (ENGLISH, "en")], ids=["id", "en"])
def test_first_class_languages_are_detected_with_a_confidence(text: str, code: str) -> None:
    guess = detect_language(text)
    assert guess.code == code
    assert guess.is_first_class
    assert 0.8 <= guess.confidence <= 1.0
    assert guess.source == "detected"


@pytest.mark.parametrize(("text", "code"), [(FRENCH, "fr"), (GERMAN, "de")], ids=["fr", "de"])
def test_other_languages_are_detected_but_not_first_class(text: str, code: str) -> None:
    guess = detect_language(text)
    assert guess.code == code
    assert not guess.is_first_class
    assert 0.0 < guess.confidence <= 1.0


def test_other_languages_are_still_summarized() -> None:
    article = "\n\n".join([FRENCH, FRENCH.replace("Le gouvernement", "La mairie"), GERMAN])
    digest = summarize(article, sentences=2)
    assert digest.language.code == "fr"
    assert not digest.language.is_first_class
    assert len(digest.summary) == 2
    assert all(sentence in article for sentence in digest.summary)


@pytest.mark.parametrize(
    "text", ["", "OK", "Halo semua", "Rapat hari ini", "12345 67890 !!! 2023-01-13"]
)
def test_too_short_text_has_no_language(text: str) -> None:
    guess = detect_language(text)
    assert guess.code is None
    assert not guess.is_first_class


def test_links_and_numbers_do_not_count_as_words() -> None:
    text = "https://www.example.com/berita/2023/01/13/banjir 1.250 3.400 27 14 2023"
    assert detect_language(text).code is None


@pytest.mark.parametrize(
    "text",
    [
        BILINGUAL,
        "Harga beras naik lagi minggu ini. The price of rice went up again this week.",
        "qwertyuiop asdfghjkl zxcvbnm qwertyuiop asdfghjkl zxcvbnm",
        "zzz qqq xxx zzz qqq xxx zzz qqq xxx zzz qqq",
        "hahahaha wkwkwkwk hahahaha wkwkwkwk hahaha",
    ],
    ids=["bilingual", "bilingual-pair", "keyboard-rows", "letter-noise", "chat-laughter"],
)
def test_undecidable_text_gets_no_language_rather_than_a_guess(text: str) -> None:
    assert detect_language(text).code is None


def test_the_same_text_always_gets_the_same_answer() -> None:
    texts = [INDONESIAN, ENGLISH, FRENCH, BILINGUAL]
    first = [detect_language(text) for text in texts]
    for _ in range(10):
        assert [detect_language(text) for text in reversed(texts)] == list(reversed(first))


def test_the_answer_does_not_depend_on_the_process() -> None:
    script = (
        "from summarizer import detect_language; import sys; "
        "print(detect_language(sys.argv[1]), detect_language(sys.argv[2]))"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, BILINGUAL, GERMAN],
            cwd=REPO,
            env=os.environ | {"PYTHONHASHSEED": hash_seed},
            stdout=subprocess.PIPE,
            text=True,
        )
        for hash_seed in ("1", "2")
    ]
    answers = {process.communicate(timeout=120)[0] for process in processes}
    assert all(process.returncode == 0 for process in processes)
    answers.add(f"{detect_language(BILINGUAL)} {detect_language(GERMAN)}\n")
    assert len(answers) == 1


def test_an_explicit_language_wins_over_detection() -> None:
    guess = detect_language(ENGLISH, override="id")
    assert guess.code == "id"
    assert guess.source == "override"


def test_an_explicit_language_wins_in_the_engine() -> None:
    article = f"{INDONESIAN}\n\n{INDONESIAN.replace('provinsi', 'kota')}"
    assert summarize(article).language.code == "id"
    assert summarize(article, language="en").language.code == "en"


def test_the_packed_ngram_table_holds_langdetects_own_probabilities() -> None:
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    from summarizer.language import _factory

    reference = DetectorFactory()
    reference.load_profile(PROFILES_DIRECTORY)
    ours = _factory()
    assert ours.langlist == reference.langlist
    table = ours.word_lang_prob_map
    assert len(table) == len(reference.word_lang_prob_map)
    assert all(table[ngram] == row for ngram, row in reference.word_lang_prob_map.items())


def test_the_packed_ngram_table_knows_no_ngram_langdetect_lacks() -> None:
    from summarizer.language import _factory

    table = _factory().word_lang_prob_map
    assert "ir" in table and "物" in table  # one hashed buffer, two different strings
    assert "qqq" not in table and "ñ7x" not in table and 5 not in table


def test_a_table_whose_hashes_collide_is_built_again_with_a_salt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from summarizer import language

    unsalted = language._key
    expected = language._factory().word_lang_prob_map["ang"]

    def colliding(ngram: str, salt: bytes = b"") -> int:
        return hash(ngram[:1]) if salt == b"" else unsalted(ngram, salt)

    monkeypatch.setattr(language, "_key", colliding)
    factory = language._factory.__wrapped__()
    table = factory.word_lang_prob_map
    assert table._salt != b"" and len(table) > 80_000
    assert table["ang"] == expected
