"""Sentence splitting: where Indonesian and English news sentences end, and where they do not."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.sentences import MAX_SENTENCE_CHARS, split_sentences
from tests.conftest import run_python


def texts_of(text: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(text)]


@pytest.mark.parametrize(
    "sentences",
    [
        ["Dr. Andi Wijaya dan Prof. Budi Santoso hadir dalam seminar itu.", "Keduanya pakar gizi."],
        ["Pengajian dipimpin H. Ahmad Fauzi dan Hj. Siti Aminah.", "Ratusan jemaah datang."],
        ["Terdakwa didampingi advokat Rina Wulandari S.H. M.H. dalam sidang.", "Sidang ditunda."],
        ["Rektor, Prof. Dr. Ari Kuncoro, S.E., M.A., M.B.A., membuka acara.", "Acara meriah."],
        ["Lulusan program M.Si. IPB itu kini meneliti padi di BRIN.", "Hasilnya terbit."],
        ["Laba PT. Telkom Indonesia Tbk. mencapai Rp 20 triliun.", "Investor menyambut baik."],
        ["Saham PT Astra International Tbk. (ASII) naik 2 persen.", "Investor menyambut baik."],
        ["Kantornya di Jl. Gatot Subroto No. 12, Kec. Setiabudi.", "Gedung itu baru."],
        ["Posko didirikan di Kab. Bogor dan Kab. Bekasi.", "Relawan berdatangan."],
        ["Mereka membawa beras, minyak, gula, dll.", "Bantuan itu dibagikan."],
        ["Mereka membawa beras, minyak, gula, dsb.", "Bantuan itu dibagikan."],
        ["Donasi dikirim ke rekening a.n. Yayasan Peduli Banjir.", "Terima kasih."],
        ["Pendaftaran dibuka 1 s.d. 5 Maret.", "Semua warga boleh ikut."],
        ["Mr. Smith met senators from the U.S. Senate on Monday.", "He spoke for an hour."],
        ["He works for the U.S. Department of State.", "He lives in Washington."],
    ],
    ids=[
        "dr-prof",
        "h-hj",
        "sh-mh",
        "academic-titles",
        "msi-before-capital",
        "pt-tbk",
        "tbk-before-ticker",
        "jl-no-kec",
        "kab",
        "dll",
        "dsb",
        "a.n.",
        "s.d.",
        "mr-us",
        "us-before-capital",
    ],
)
def test_abbreviations_do_not_end_a_sentence(sentences: list[str]) -> None:
    assert texts_of(" ".join(sentences)) == sentences


@pytest.mark.parametrize(
    "sentences",
    [
        ["Berat sapi kurban itu 176,6 kilogram.", "Harganya mencapai Rp 85 juta."],
        ["Harganya Rp 1.500.000 per ekor.", "Pembeli tetap ramai."],
        ["Harganya Rp 1.500.000.", "Pembeli tetap ramai."],
        ["Inflation rose 3.5% in January.", "Prices kept climbing."],
        ["Ekonomi tumbuh 5,31 persen pada 2022.", "Angka itu di atas target."],
        ["Rapat dimulai pukul 10.30 WIB.", "Semua anggota hadir."],
    ],
    ids=["decimal-comma", "thousands", "thousands-at-end", "decimal-point", "percent", "time"],
)
def test_numbers_with_separators_stay_inside_their_sentence(sentences: list[str]) -> None:
    assert texts_of(" ".join(sentences)) == sentences


def test_day_and_date_in_parentheses_stay_inside_their_sentence() -> None:
    sentences = [
        "Rapat digelar Senin (28/2) di Istana Negara.",
        "Hasilnya diumumkan Selasa (1/3).",
        "Semua pihak setuju.",
    ]
    assert texts_of(" ".join(sentences)) == sentences


@pytest.mark.parametrize(
    "sentences",
    [
        ["Presiden Susilo B. Yudhoyono hadir di acara itu.", "Ia memberi sambutan."],
        ["Novel karya J. K. Rowling laris di Jakarta.", "Tokonya kehabisan stok."],
        ["Tersangka berinisial A. S. ditangkap polisi.", "Ia kini ditahan."],
    ],
)
def test_initials_do_not_end_a_sentence(sentences: list[str]) -> None:
    assert texts_of(" ".join(sentences)) == sentences


def test_quoted_speech_keeps_its_quotes_and_attribution() -> None:
    sentences = [
        '"Kami siap bertanding," kata pelatih Shin Tae-yong.',
        '"Semua pemain dalam kondisi fit."',
        "Latihan berjalan lancar.",
    ]
    assert texts_of(" ".join(sentences)) == sentences


def test_a_question_inside_quotes_ends_with_its_closing_quote() -> None:
    sentences = ['Wartawan bertanya, "Kapan bantuan datang?"', "Pejabat itu diam saja."]
    assert texts_of(" ".join(sentences)) == sentences


def test_exclamation_and_question_marks_end_sentences() -> None:
    sentences = ["Tolong!", "Apakah ada yang mendengar?", "Tidak ada jawaban."]
    assert texts_of(" ".join(sentences)) == sentences


def test_an_ellipsis_before_a_capital_ends_the_sentence() -> None:
    for ellipsis in ("...", "\u2026"):
        sentences = [f"Ia ragu{ellipsis}", "Lalu ia pergi tanpa pamit."]
        assert texts_of(" ".join(sentences)) == sentences


def test_an_ellipsis_before_a_lower_case_word_does_not() -> None:
    assert texts_of("Ia ragu... lalu pergi tanpa pamit. Semua diam.") == [
        "Ia ragu... lalu pergi tanpa pamit.",
        "Semua diam.",
    ]


def test_a_line_break_always_ends_a_sentence() -> None:
    text = (
        "Judul tanpa titik\nPetugas mengevakuasi warga dengan perahu karet\nBanjir surut sore hari."
    )
    assert texts_of(text) == [
        "Judul tanpa titik",
        "Petugas mengevakuasi warga dengan perahu karet",
        "Banjir surut sore hari.",
    ]


def test_a_line_break_ends_a_sentence_even_after_an_abbreviation() -> None:
    assert texts_of("Acara dibuka oleh Dr.\nTamu undangan berdatangan.") == [
        "Acara dibuka oleh Dr.",
        "Tamu undangan berdatangan.",
    ]


def test_a_blank_line_starts_a_new_paragraph() -> None:
    text = "Banjir melanda Bekasi.\n\nWarga mengungsi. Posko dibuka.\nBantuan datang."
    assert [s.paragraph for s in split_sentences(text)] == [0, 1, 1, 1]


def test_every_sentence_is_a_verbatim_span_of_the_text() -> None:
    text = (
        "  Jakarta dilanda banjir.   Warga mengungsi ke masjid! \n\n"
        '"Kami butuh selimut," ujar Siti. Bantuan Rp 1.500.000 datang Senin (28/2).\n'
        "Dr. Andi memeriksa pengungsi..."
    )
    sentences = split_sentences(text)
    assert len(sentences) == 5
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()


def test_sentences_come_in_text_order_without_overlapping() -> None:
    text = "Satu kalimat. Dua kalimat!\nTiga kalimat?\n\nEmpat kalimat."
    sentences = split_sentences(text)
    for before, after in itertools.pairwise(sentences):
        assert before.end <= after.start


def test_an_overlong_run_without_punctuation_is_cut_into_readable_pieces() -> None:
    text = "a" * 50_000
    pieces = split_sentences(text)
    assert len(pieces) > 1
    assert all(len(piece.text) <= MAX_SENTENCE_CHARS for piece in pieces)
    assert "".join(piece.text for piece in pieces) == text


def test_an_overlong_sentence_of_words_is_cut_between_words() -> None:
    words = [f"kata{index}" for index in range(7_000)]
    text = " ".join(words)  # about 50,000 characters, no punctuation
    pieces = split_sentences(text)
    assert len(pieces) > 1
    assert all(len(piece.text) <= MAX_SENTENCE_CHARS for piece in pieces)
    assert " ".join(piece.text for piece in pieces).split() == words


def test_text_without_words_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \n") == []


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"aB1 .,!?\"'()\n\u2026", "Dr.", "U.S.", "...", "kata ", "Rp 1.500"]),
        max_size=120,
    ).map("".join)
)
def test_any_text_splits_into_verbatim_ordered_spans(text: str) -> None:
    previous_end = 0
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text.strip() == sentence.text != ""
        assert sentence.start >= previous_end
        assert len(sentence.text) <= MAX_SENTENCE_CHARS
        previous_end = sentence.end


@pytest.mark.parametrize(
    "sentences",
    [
        ["Talks resumed on Oct. 5 in Geneva after a week of delays.", "Both sides sent envoys."],
        ["The law takes effect Jan. 1, 2025, across the state.", "Officials expect delays."],
        ["Gov. Gavin Newsom signed the bill on Tuesday.", "Critics vowed to sue."],
        ["The U.S. Senate passed the measure late on Monday.", "The House votes next."],
        ["Proposition No. 12 was approved by voters.", "Farmers protested."],
        ["Sidang digelar pada 5 Okt. 2023 di Jakarta.", "Hakim menunda putusan."],
        ["Kantor itu berada di Jalan Merdeka No. 17 Bandung.", "Gedungnya baru."],
        ["Gubernur bertemu Lt. Gen. Santoso di Surabaya.", "Mereka membahas banjir."],
    ],
    ids=["oct", "jan", "gov", "u.s.", "no.", "okt", "no.-id", "lt-gen"],
)
def test_month_and_number_abbreviations_do_not_end_a_sentence(sentences: list[str]) -> None:
    assert texts_of(" ".join(sentences)) == sentences


@pytest.mark.parametrize(
    "sentences",
    [
        ["Asked whether he would resign, he said no.", "He left the room."],
        ["Prices rose sharply in Jan.", "Traders stayed calm."],
    ],
    ids=["said-no", "month-at-end"],
)
def test_the_same_words_end_a_sentence_when_no_number_follows(sentences: list[str]) -> None:
    assert texts_of(" ".join(sentences)) == sentences


@pytest.mark.parametrize(
    "sentences",
    [
        ["Banjir melanda kota.", "Ribuan warga mengungsi."],
        ["Bantuan diserahkan kepada sang ibu.", "Ia menangis haru."],
        ["Warga mengeluhkan banyak hal.", "Pemerintah berjanji membenahi."],
        ["Surat itu ditandatangani gubernur.", "Isinya larangan mudik."],
        ["The museum is closing its gallery of modern art.", "Visitors were upset."],
        ["Harga permen naik 50 sen.", "Pedagang mengeluh."],
        ["Pelaku ditangkap seorang brigadir.", "Ia kini ditahan di Polres."],
    ],
    ids=["kota", "ibu", "hal", "gubernur", "art", "sen", "brigadir"],
)
def test_everyday_words_end_a_sentence_even_when_they_can_be_a_title(
    sentences: list[str],
) -> None:
    assert texts_of(" ".join(sentences)) == sentences


@pytest.mark.parametrize(
    "sentences",
    [
        ["Sen. Elizabeth Warren questioned the nominee.", "He declined to answer."],
        ["Panglima Gen. Andika Perkasa meninjau lokasi.", "Ia didampingi pejabat daerah."],
        ["Rep. Nancy Mace filed the bill.", "It has no cosponsors."],
        ["Aturan itu ada di hal. 12 dokumen tersebut.", "Dokumen itu sudah publik."],
        ["The ruling rests on Art. 5 of the treaty.", "Lawyers disagree."],
    ],
    ids=["sen", "gen", "rep", "hal-before-number", "art-before-number"],
)
def test_titles_and_page_abbreviations_still_do_not_end_a_sentence(
    sentences: list[str],
) -> None:
    assert texts_of(" ".join(sentences)) == sentences


@pytest.mark.parametrize(
    "sentences",
    [
        ['"Kami siap. Semua pemain fit," kata pelatih itu.', "Latihan berjalan lancar."],
        ["“Harga naik,” kata pedagang di Pasar Minggu.", "Stok cabai menipis."],
        ['"Is it safe?" asked a resident of Jakarta.', "Officials did not answer."],
    ],
    ids=["attribution-after-two-sentences", "curly-attribution", "question-attribution"],
)
def test_an_attribution_after_a_quote_stays_with_its_quote(sentences: list[str]) -> None:
    texts = texts_of(" ".join(sentences))
    assert texts[-1] == sentences[-1]
    assert any(text.endswith(sentences[0].split(" ")[-1]) for text in texts[:-1])


def test_an_inch_mark_does_not_open_a_quotation() -> None:
    assert texts_of('He bought a 34" monitor. She said "fine." They left.') == [
        'He bought a 34" monitor.',
        'She said "fine."',
        "They left.",
    ]


# Quadratic splitting took 56 s for 32,000 characters of "..."; at 300,000 characters it
# would take hours. Linear splitting takes a fraction of a second, so a generous limit of a
# minute (for the whole run, in a child process that can be stopped) cannot flake.
_PUNCTUATION_RUNS = ["...", ". ", "a. ", "1. b. ", "!?", '" ', "\u2026", "Dr. "]
_SPLIT_RUNS = f"""
from summarizer.sentences import split_sentences
for run in {_PUNCTUATION_RUNS!r}:
    text = "Kata " + run * (300_000 // len(run)) + " Akhir."
    pieces = split_sentences(text)
    assert "".join(p.text for p in pieces).replace(" ", "") == text.replace(" ", "")
print("ok")
"""


def test_splitting_is_linear_in_runs_of_punctuation() -> None:
    done = run_python(_SPLIT_RUNS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_a_run_of_ellipses_at_the_very_end_of_the_text_is_split_in_one_pass() -> None:
    """The issue's exact trigger: "..." repeated with nothing after it (no space, no word).
    Quadratic splitting needed minutes for this; linear splitting a few milliseconds."""
    text = "Kata " + "..." * 20_000
    sentences = split_sentences(text)
    assert sentences[0].text.startswith("Kata ...")
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in sentences)
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert [s.start for s in sentences] == sorted(s.start for s in sentences)
    assert "".join(s.text for s in sentences).replace(" ", "") == text.replace(" ", "")
