"""Cleaning: site furniture goes, the article's own sentences stay, text comes out normalized."""

from __future__ import annotations

import pytest

from summarizer.cleaning import clean_text

FIRST = "Banjir merendam ratusan rumah warga di Kecamatan Muara Gembong sejak Kamis malam."
SECOND = "Petugas gabungan mengevakuasi warga lanjut usia dengan perahu karet."


def article_lines(cleaned: str) -> list[str]:
    return [line for line in cleaned.split("\n") if line]


@pytest.mark.parametrize(
    "junk",
    [
        "Baca juga: Polisi Tangkap Pencuri Motor di Bekasi",
        "Baca Juga:",
        "BACA JUGA: Harga Cabai Rawit Tembus Rp 100 Ribu per Kilogram",
        "Simak juga: Video Detik-detik Tanggul Jebol di Karawang",
        "Simak juga video berikut ini",
        "Lihat juga: Foto-foto Banjir di Jakarta Timur",
        "[Gambas:Video 20detik]",
        "ADVERTISEMENT",
        "SCROLL TO CONTINUE WITH CONTENT",
    ],
)
def test_promo_and_related_link_lines_are_dropped(junk: str) -> None:
    cleaned = clean_text(f"{FIRST}\n{junk}\n{SECOND}")
    assert article_lines(cleaned) == [FIRST, SECOND]


def test_related_link_marker_inside_a_paragraph_is_cut_off() -> None:
    raw = f"{FIRST} Baca juga: Kecelakaan Beruntun di Tol Cipali\n{SECOND}"
    assert article_lines(clean_text(raw)) == [FIRST, SECOND]


def test_several_furniture_lines_in_a_row_leave_only_the_article() -> None:
    raw = "\n".join(
        [
            FIRST,
            "ADVERTISEMENT",
            "SCROLL TO CONTINUE WITH CONTENT",
            "[Gambas:Video 20detik]",
            "Simak juga video berikut ini",
            SECOND,
        ]
    )
    assert article_lines(clean_text(raw)) == [FIRST, SECOND]


@pytest.mark.parametrize("tag", ["(vyp/kna)", "(rsa)", "(dal/wis)", "[ant]"])
def test_trailing_editor_tag_is_removed(tag: str) -> None:
    assert clean_text(f"{FIRST}\n{SECOND} {tag}") == f"{FIRST}\n{SECOND}"


def test_a_run_of_editor_tags_is_removed_whole() -> None:
    tags = " (ant/rsa) (aa) [ded] (yul) (wis)"
    assert clean_text(f"{FIRST}\n{SECOND}{tags}") == f"{FIRST}\n{SECOND}"


def test_editor_tag_at_the_end_of_a_paragraph_is_removed() -> None:
    assert clean_text(f"{FIRST} (vyp)\n\n{SECOND}") == f"{FIRST}\n\n{SECOND}"


@pytest.mark.parametrize(
    "line",
    [
        "Warga melapor ke Badan Penanggulangan Bencana Daerah (BPBD)",
        "Hujan deras kembali turun pada Senin (28/2)",
    ],
)
def test_a_meaningful_trailing_parenthesis_is_kept(line: str) -> None:
    assert clean_text(line) == line


def test_bare_urls_are_removed_from_running_text() -> None:
    raw = "Data lengkap dimuat di https://bpbd.bekasikab.go.id/laporan?id=3 dan www.bmkg.go.id kemarin."
    cleaned = clean_text(raw)
    assert "http" not in cleaned
    assert "www." not in cleaned
    assert ".go.id" not in cleaned
    assert "  " not in cleaned
    assert cleaned.startswith("Data lengkap dimuat di")
    assert cleaned.endswith("kemarin.")


def test_a_line_that_is_only_a_url_disappears() -> None:
    raw = f"https://www.cnnindonesia.com/nasional/20230113-banjir-bekasi\n{FIRST}"
    assert clean_text(raw) == FIRST


@pytest.mark.parametrize(
    "dateline",
    [
        "Jakarta, CNN Indonesia --",
        "JAKARTA, KOMPAS.com -",
        "Jakarta (ANTARA) -",
        "Liputan6.com, Jakarta -",
        "TEMPO.CO, Jakarta -",
        "Jakarta -",
    ],
)
def test_leading_dateline_is_removed_and_the_sentence_kept(dateline: str) -> None:
    assert clean_text(f"{dateline} {FIRST}\n{SECOND}") == f"{FIRST}\n{SECOND}"


def test_only_the_first_line_can_carry_a_dateline() -> None:
    later = "Bekasi, Jawa Barat - Petugas gabungan terus menyisir permukiman warga."
    assert clean_text(f"{FIRST}\n{later}") == f"{FIRST}\n{later}"


def test_curly_quotes_become_plain_quotes() -> None:
    raw = "\u201cKami siap bertanding,\u201d kata pelatih. Pemain menjawab \u2018siap\u2019 dengan lantang."
    assert clean_text(raw) == (
        "\"Kami siap bertanding,\" kata pelatih. Pemain menjawab 'siap' dengan lantang."
    )


def test_low_and_guillemet_quotes_become_plain_quotes() -> None:
    raw = "Ia menyebutnya \u201epemulihan\u201c dan \u00abtitik balik\u00bb bagi ekonomi daerah."
    assert clean_text(raw) == 'Ia menyebutnya "pemulihan" dan "titik balik" bagi ekonomi daerah.'


def test_runs_of_spaces_and_tabs_become_one_space() -> None:
    raw = "Harga  beras\t\tnaik   lagi di  pasar tradisional."
    assert clean_text(raw) == "Harga beras naik lagi di pasar tradisional."


@pytest.mark.parametrize(
    "space",
    ["\u00a0", "\u202f", "\u2007", "\u2009", "\u2002", "\u3000"],
    ids=["nbsp", "narrow-nbsp", "figure", "thin", "en", "ideographic"],
)
def test_unicode_spaces_become_plain_spaces(space: str) -> None:
    raw = f"Harga{space}beras naik lagi di pasar tradisional."
    assert clean_text(raw) == "Harga beras naik lagi di pasar tradisional."


def test_invisible_characters_are_removed() -> None:
    raw = "\ufeffPeme\u200brintah menyiapkan ban\u00adtuan untuk war\u200dga."
    assert clean_text(raw) == "Pemerintah menyiapkan bantuan untuk warga."


def test_control_characters_are_removed() -> None:
    assert clean_text("Harga\x07 beras\x1b naik.") == "Harga beras naik."


def test_runs_of_blank_lines_fold_into_one_paragraph_break() -> None:
    raw = f"\n\n  {FIRST}   \n\n\n\n\n{SECOND}\n\n\n"
    assert clean_text(raw) == f"{FIRST}\n\n{SECOND}"


def test_a_hard_wrapped_sentence_is_joined_again() -> None:
    raw = "Petugas gabungan mengevakuasi warga\nlanjut usia dengan perahu karet."
    assert clean_text(raw) == SECOND


def test_windows_line_endings_clean_like_unix_line_endings() -> None:
    raw = f"Petugas gabungan mengevakuasi warga\nlanjut usia dengan perahu karet.\n{FIRST}"
    assert clean_text(raw.replace("\n", "\r\n")) == clean_text(raw)


def test_text_that_is_only_furniture_cleans_to_nothing() -> None:
    raw = "Baca juga: Banjir Rendam Karawang\nADVERTISEMENT\nhttps://example.com/berita\n   \n"
    assert clean_text(raw) == ""


def test_a_dateline_whose_dash_touches_the_first_word_is_removed() -> None:
    raw = "JAKARTA (Pos Kota) \u2013Presiden Joko Widodo meresmikan jalan tol baru di Bekasi."
    assert clean_text(raw) == "Presiden Joko Widodo meresmikan jalan tol baru di Bekasi."


def test_a_hyphenated_place_pair_is_not_taken_for_a_dateline() -> None:
    raw = "Jakarta-Bandung kini hanya dua jam perjalanan dengan kereta cepat."
    assert clean_text(raw) == raw


def test_related_link_lines_written_with_an_underscore_are_dropped() -> None:
    raw = "Harga cabai naik tajam.\nBaca_Juga: Harga Bawang Turun\nPedagang mengeluh."
    assert "Baca" not in clean_text(raw)


def test_a_bracketed_related_link_inside_a_sentence_is_dropped() -> None:
    raw = "Harga cabai naik tajam (Baca: Harga Bawang Turun) dan pedagang mengeluh."
    assert clean_text(raw) == "Harga cabai naik tajam dan pedagang mengeluh."


# ---- outlet prefixes, wire datelines and page furniture (round 2) ---------------------------


@pytest.mark.parametrize(
    "prefix",
    [
        "Merdeka.com-",
        "Suara.com-",
        "JUARA.net-",
        "Merdeka.com - ",
        "JAKARTA, KOMPAS.com - ",
        "New York (ANTARA News) - ",
        "Kupang (ANTARA News)-",
        "Singkil, Aceh, (ANTARA News) - ",
        "Perserikatan Bangsa-Bangsa/PBB, New York (ANTARA News) - ",
        "JAKARTA (Pos Kota)-",
        "blokTuban.com - ",
    ],
)
def test_an_outlet_prefix_in_any_spacing_goes_and_the_sentence_stays(prefix: str) -> None:
    assert clean_text(f"{prefix}{FIRST}\n{SECOND}") == f"{FIRST}\n{SECOND}"


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        (
            "BEIRUT/THE HAGUE, March 7 (Reuters) - Syria denied using chemical weapons in the war.",
            "Syria denied using chemical weapons in the war.",
        ),
        (
            "(CNN)President Joe Biden signed the bill into law on Friday afternoon.",
            "President Joe Biden signed the bill into law on Friday afternoon.",
        ),
        (
            "LONDON (Reuters) - British inflation fell to its lowest level in two years.",
            "British inflation fell to its lowest level in two years.",
        ),
    ],
)
def test_wire_service_datelines_go(raw: str, kept: str) -> None:
    assert clean_text(raw) == kept


def test_an_outlet_prefix_before_a_lower_case_word_still_goes() -> None:
    raw = "JUARA.NET, TOKYO - pasangan ganda putri nasional menang dalam tiga gim."
    assert clean_text(raw) == "pasangan ganda putri nasional menang dalam tiga gim."


@pytest.mark.parametrize("scrap", ["Merdeka.com -", "Suara.com -,", "Suara.com -/2018) malam."])
def test_a_first_line_that_is_only_an_outlet_prefix_disappears(scrap: str) -> None:
    assert clean_text(f"{scrap}\n\n{FIRST}\n\n{SECOND}") == f"{FIRST}\n\n{SECOND}"


@pytest.mark.parametrize(
    "line",
    [
        "Manchester United - Liverpool berakhir imbang tanpa gol di Old Trafford.",
        "Sung Ji-hyun melaju ke perempat final setelah menang dua gim langsung.",
        "Coca-Cola menaikkan harga minuman kemasan mulai bulan depan.",
    ],
)
def test_a_name_with_a_dash_at_the_start_is_not_an_outlet_prefix(line: str) -> None:
    assert clean_text(line) == line


def test_direction_marks_are_removed() -> None:
    raw = "Suara.com - \u200eAparat kepolisian menjaga vihara\u200f sejak pagi."
    assert clean_text(raw) == "Aparat kepolisian menjaga vihara sejak pagi."


@pytest.mark.parametrize(
    "caption",
    [
        "Taylor Swift (Foto: Independent)",
        "(Kredit: juara.net)",
        "Tim Cook, CEO Apple (Foto: Reuters)",
        "Dara Khosrowshahi [Foto: Recode]",
    ],
)
def test_a_photo_caption_line_with_its_credit_is_dropped(caption: str) -> None:
    assert clean_text(f"{caption}\n\n{FIRST}") == FIRST


def test_a_photo_credit_inside_a_sentence_is_cut_out() -> None:
    raw = "Taylor Swift (Foto: Independent) merilis lagu baru pada Jumat malam."
    assert clean_text(raw) == "Taylor Swift merilis lagu baru pada Jumat malam."


def test_the_remnant_of_an_image_tag_is_dropped_with_its_caption() -> None:
    raw = (
        f"{FIRST}\n\n"
        'Radja Nainggolan "src="https://cdns.klimg.com/bola.net/library/upload/radja.jpg" '
        'style="height: 234px; width: 468px; "/>\n\n'
        f"{SECOND}"
    )
    assert clean_text(raw) == f"{FIRST}\n\n{SECOND}"


@pytest.mark.parametrize(
    "script",
    [
        "//<![CDATA[!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?"
        "n.callMethod.apply(n,arguments):n.queue.push(arguments)};}(window, document);//]]>",
        "//<! [CDATA [var google_conversion_id = 835791977; var google_remarketing_only = true;//]] & gt;",
        "fbq('init', '2335665099992855'); fbq('track', 'PageView');",
    ],
)
def test_stray_javascript_never_reaches_the_text(script: str) -> None:
    cleaned = clean_text(f"{FIRST}\n\n{script}\n\n{SECOND}")
    assert cleaned == f"{FIRST}\n\n{SECOND}"


def test_a_script_after_a_sentence_on_the_same_line_is_cut_off() -> None:
    raw = f"{FIRST} [CDATA[! function(f, b, e, v) {{if(f.fbq)return;}}\n{SECOND}"
    assert clean_text(raw) == f"{FIRST}\n{SECOND}"


def test_pasted_markup_that_is_not_furniture_is_kept_as_text() -> None:
    raw = 'Petugas menempelkan tautan <a href="x">jadwal baru</a> di papan stasiun.'
    assert clean_text(raw) == raw


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        (
            "Kursus ini mengusung konsep \u00e2\u20ac\u0153Belajar Sambil Memasak\u00e2\u20ac\x9d bagi pemula.",
            'Kursus ini mengusung konsep "Belajar Sambil Memasak" bagi pemula.',
        ),
        ("It\u00e2\u20ac\u2122s a new record for the club.", "It's a new record for the club."),
    ],
)
def test_utf8_read_as_windows_1252_is_repaired(raw: str, repaired: str) -> None:
    assert clean_text(raw) == repaired


@pytest.mark.parametrize(
    "raw",
    [
        "JAKARTA - Bekasi - Banjir merendam ratusan rumah warga sejak Kamis malam.",
        "Merdeka.com -\n\nJAKARTA, KOMPAS.com - Harga cabai naik lagi hari ini.",
        "Harga cabai naik.\nBaca\njuga: Harga bawang turun\nPedagang mengeluh.",
        "e\u200b\u0301 Kata terakhir (Foto: Istimewa)\n\n\n(vyp) https://x.id\n",
    ],
)
def test_cleaning_twice_changes_nothing(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        (
            "Kabar6.com, Jakarta Senja di Braga, film ketiga rumah produksi itu, laris manis.",
            "Senja di Braga, film ketiga rumah produksi itu, laris manis.",
        ),
        (
            "Kabar6.com, New York Presiden Joko Widodo tiba di markas PBB pada Senin pagi.",
            "Presiden Joko Widodo tiba di markas PBB pada Senin pagi.",
        ),
    ],
    ids=["one-word-place", "two-word-place"],
)
def test_an_outlet_domain_and_place_without_a_dash_go(raw: str, kept: str) -> None:
    assert clean_text(f"{raw}\n{SECOND}") == f"{kept}\n{SECOND}"


@pytest.mark.parametrize(
    "line",
    [
        "Kabar6.com, menemui kedua produser film itu di kantornya di Senayan.",
        "Detik.com, Jakarta dan Bandung diguyur hujan deras sejak pagi.",
    ],
    ids=["outlet-as-subject", "place-in-a-list"],
)
def test_an_outlet_domain_that_opens_a_sentence_stays(line: str) -> None:
    assert clean_text(line) == line


def test_a_wire_photographers_credit_goes_and_a_credit_only_line_disappears() -> None:
    raw = (
        "Suporter memadati Bundaran HI, Minggu (9/3). (REUTERS / Agus Salim)\n\n"
        "(ANTARA FOTO / Nova Lestari)\n\n"
        f"{FIRST}"
    )
    assert clean_text(raw) == f"Suporter memadati Bundaran HI, Minggu (9/3).\n\n{FIRST}"


def test_two_parties_in_brackets_are_not_a_photo_credit() -> None:
    line = "Koalisi dua partai (PDIP/Partai Golkar) menolak usulan itu."
    assert clean_text(line) == line
