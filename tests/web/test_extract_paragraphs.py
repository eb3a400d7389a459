"""Which lines of extracted text are furniture: captions, boilerplate, subheadings."""

from __future__ import annotations

import pytest

from web.paragraphs import is_boilerplate, is_caption, without_subheadings


@pytest.mark.parametrize(
    "line",
    [
        "Karyawan melintas di depan layar perdagangan saham di Jakarta. (Foto: Warta Pasar/Rudi)",
        "Mantan pelatih Purwodadi, Gunawan (kanan), dan eks pelatih PSIS, Budi (tengah).",
        "Alat terapi pascastroke temuan mahasiswa UGM. (Bagus Kurniawan/detikcom)",
        "Twitter @Persib Samsul Arif dan Purwaka Yudi gabung dengan skuad Persib Bandung.",
        "Warga memadati Alun-alun Bandung, Minggu (5/1/2025). ANTARA FOTO/Raisan Al Farisi",
        "Envoys arrive for talks in The Hague. (Photo credit: Piroschka van de Wouw)",
    ],
)
def test_captions_are_recognised(line: str) -> None:
    assert is_caption(line)


@pytest.mark.parametrize(
    "line",
    [
        "Pemerintah akan membangun 331 ribu unit rumah di 14 provinsi di Tanah Air. (Mvi/Ali)",
        "Rapat digelar di Istana Negara, Jakarta, Senin (28/2/2022).",
        "Harga cabai rawit di pasar induk naik dua kali lipat dalam sepekan terakhir.",
    ],
    ids=["editor-initials", "date-in-parentheses", "plain"],
)
def test_article_sentences_are_not_captions(line: str) -> None:
    assert not is_caption(line)


@pytest.mark.parametrize(
    "line",
    [
        "Baca juga: Rupiah Menguat Tipis Jelang Rilis Data Neraca Dagang",
        "Related: The 15 Weirdest Galaxies in Our Universe",
        "READ MORE: China plague outbreak confirmed",
        "Sign up for our newsletter to get the day's top stories.",
        "Get the day's top headlines delivered to your inbox every morning.",
        "Redaksi: redaksi[at]detikfinance.com",
        "ihsg, saham, bursa efek indonesia, investor asing, sektor bahan baku",
        "ATENÇÃO: Comentários ofensivos não serão aprovados pelo moderador.",
        "© 2025 Warta Pasar. Hak cipta dilindungi undang-undang.",
        "Get Motor Cycle Monthly delivered every month. Click here for more information.",
        "[button link=”/submit/” type=”big”] Send us YOUR kit review[/button]",
    ],
)
def test_boilerplate_lines_are_recognised(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "More than a third of the company's 12,000 employees will be laid off this week.",
        "The company continued to sign up additional subscribers throughout the week.",
        "Small investors have welcomed the deal, subscribing for many shares.",
        "Choreographer_Jeong Hye Jin, Director_Oh Kyeong Taek, Writer_Kyeong Min Seon, "
        "Composer_Kim Cheol Hwan, Art Director_Park Dong Woo",
        "Salad (1 cup lettuce, ½ cup tomatoes, ½ cup cucumber, 4 oz. chicken, ¼ cup feta)",
    ],
    ids=["more-than", "sign-up-in-prose", "subscribing", "credits", "ingredients"],
)
def test_article_lines_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


def test_a_subheading_between_paragraphs_is_not_prose() -> None:
    paragraphs = [
        "Indeks Harga Saham Gabungan ditutup melemah 0,8 persen pada perdagangan Kamis.",
        "Tekanan Sektor Bahan Baku",
        "Harga komoditas logam yang turun di pasar global menekan saham tambang.",
    ]
    assert without_subheadings(paragraphs) == [paragraphs[0], paragraphs[2]]


def test_a_list_of_short_lines_is_kept() -> None:
    paragraphs = [
        "The band announced the dates of its 50th anniversary tour on Monday.",
        "June 9 – West Palm Beach, FL",
        "June 10 – Tampa, FL",
        "June 14 – Alpharetta, GA",
    ]
    assert without_subheadings(paragraphs) == paragraphs


@pytest.mark.parametrize(
    "line",
    [
        "Tonton video: Banjir Rendam Tiga Kecamatan di Bandung",
        "Simak pula: Harga Cabai Rawit Naik Dua Kali Lipat",
        "Cek juga: Jadwal KRL Berubah Mulai Senin",
    ],
)
def test_related_link_lines_are_furniture_here_as_in_pasted_text(line: str) -> None:
    from summarizer.cleaning import clean_text

    assert clean_text(line) == ""  # the cleaner's rule (summarizer.vocabulary)...
    assert is_boilerplate(line)  # ...is extraction's too


@pytest.mark.parametrize(
    "line",
    [
        "(REUTERS / Danny Moloshok)",
        "Warga antre membeli minyak goreng di Medan, Sabtu (8/3). (ANTARA FOTO / Nova Lestari)",
        "Presiden menyapa warga di Bandung, Senin (3/3). (AP Photo/Achmad Ibrahim)",
    ],
    ids=["credit-only", "antara-foto", "ap-photo"],
)
def test_wire_photographers_credits_make_a_line_a_caption(line: str) -> None:
    assert is_caption(line)


def test_two_parties_in_brackets_do_not_make_a_caption() -> None:
    assert not is_caption("Koalisi dua partai (PDIP/Partai Golkar) menolak usulan itu.")
