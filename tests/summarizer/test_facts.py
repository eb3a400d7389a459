"""Key facts: short verbatim spans carrying figures, dates, quotes and who said what."""

from __future__ import annotations

import re

import pytest

from summarizer import Digest, summarize
from summarizer.cleaning import clean_text
from summarizer.facts import extract_facts
from summarizer.sentences import split_sentences

FACT_KINDS = {"number", "money", "date", "quote", "actor", "place", "statement"}
MAX_FACT_CHARS = 200

SUBSIDY = """Pemerintah mengalokasikan anggaran subsidi energi sebesar Rp 1,3 triliun untuk menstabilkan harga gas elpiji di daerah terpencil. Kebijakan ini mulai berlaku pada 1 Maret 2023.

Menteri Keuangan Sri Mulyani menjelaskan bahwa subsidi tersebut akan disalurkan secara bertahap melalui PT Pertamina. "Kami ingin memastikan masyarakat kecil tetap bisa membeli gas dengan harga terjangkau," kata Sri Mulyani di Jakarta, Rabu (15/2).

Menurut data Badan Pusat Statistik, harga gas elpiji di wilayah timur Indonesia naik hingga 50 persen dalam enam bulan terakhir. Kenaikan itu membuat banyak pedagang kecil kesulitan menjalankan usaha.

Ekonom Universitas Indonesia Faisal Basri menilai langkah pemerintah sudah tepat, tetapi belum cukup. "Subsidi harus tepat sasaran agar tidak dinikmati oleh orang mampu," ujar Faisal Basri.

Sebanyak 2,5 juta rumah tangga diperkirakan akan menerima manfaat dari program ini. Pemerintah juga akan menambah 300 pangkalan elpiji baru di Papua dan Maluku.

Sri Mulyani menambahkan bahwa evaluasi program akan dilakukan setiap tiga bulan. Hasil evaluasi pertama dijadwalkan diumumkan pada Juni 2023.
"""

EARTHQUAKE = """A magnitude 6.2 earthquake struck the southern coast of the island early on Sunday, damaging more than 1,200 homes. The quake hit at a depth of 10 kilometres, according to the national geological agency.

At least 14 people were killed and 230 others were injured, disaster agency spokesman Abdul Muhari said on Monday. "Our teams are still searching the collapsed buildings for survivors," Abdul Muhari told reporters in the provincial capital.

The government has set aside $25 million for emergency aid and reconstruction. About 40 percent of the damaged houses are beyond repair, officials estimate.

Electricity was restored to most districts by Monday evening. Schools in the worst-hit areas will stay closed until March 15.

Aftershocks continued through the night and frightened residents slept outside their homes. The agency warned that stronger tremors could follow in the coming days.
"""


def sentences_of(article: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(clean_text(article))]


def assert_facts_are_well_formed(article: str, digest: Digest) -> None:
    cleaned = clean_text(article)
    split = sentences_of(article)
    texts = [fact.text for fact in digest.facts]
    assert len(texts) == len(set(texts)), "two facts are identical"
    for fact in digest.facts:
        assert fact.kind in FACT_KINDS
        assert 0 < len(fact.text) <= MAX_FACT_CHARS
        assert 0 <= fact.sentence < digest.sentences_total
        assert fact.text in split[fact.sentence]
        assert fact.text in cleaned


@pytest.mark.parametrize("article", [SUBSIDY, EARTHQUAKE], ids=["indonesian", "english"])
@pytest.mark.parametrize("count", [1, 3, 10])
def test_a_normal_article_gets_three_to_seven_well_formed_facts(article: str, count: int) -> None:
    digest = summarize(article, sentences=count)
    assert 3 <= len(digest.facts) <= 7
    assert_facts_are_well_formed(article, digest)


def test_the_sample_article_gets_three_to_seven_well_formed_facts(sample_article: str) -> None:
    digest = summarize(sample_article)
    assert 3 <= len(digest.facts) <= 7
    assert_facts_are_well_formed(sample_article, digest)


def test_facts_come_in_article_order() -> None:
    facts = summarize(SUBSIDY).facts
    sentence_order = [fact.sentence for fact in facts]
    assert sentence_order == sorted(sentence_order)


@pytest.mark.parametrize("article", [SUBSIDY, EARTHQUAKE], ids=["indonesian", "english"])
def test_facts_do_not_repeat_the_summary(article: str) -> None:
    digest = summarize(article)
    assert not {fact.text for fact in digest.facts} & set(digest.summary)


def test_facts_skip_summary_sentences_when_there_are_other_candidates() -> None:
    sentences = sentences_of(SUBSIDY)
    summary = sentences[:3]
    facts = extract_facts(sentences, summary)
    assert len(facts) >= 3
    assert not {fact.text for fact in facts} & set(summary)


def test_money_is_a_fact_with_its_unit() -> None:
    facts = extract_facts(sentences_of(SUBSIDY))
    assert any(fact.kind == "money" and "Rp 1,3 triliun" in fact.text for fact in facts)


def test_a_percentage_is_a_fact_with_its_unit() -> None:
    facts = extract_facts(sentences_of(SUBSIDY))
    assert any("50 persen" in fact.text for fact in facts)


def test_casualty_figures_are_a_number_fact() -> None:
    sentences = [
        "Sedikitnya 12 orang tewas dan 30 lainnya luka-luka dalam kecelakaan bus di Tol Cipali.",
        "Bus yang membawa rombongan peziarah itu terguling setelah menabrak pembatas jalan.",
        "Polisi masih menyelidiki penyebab kecelakaan tersebut.",
        "Para korban luka dibawa ke rumah sakit terdekat untuk mendapat perawatan.",
    ]
    facts = extract_facts(sentences)
    assert any(
        fact.kind == "number" and "12 orang tewas" in fact.text and fact.sentence == 0
        for fact in facts
    )


def test_a_figure_in_an_overlong_sentence_is_cut_out_with_its_unit() -> None:
    long_sentence = (
        "Dalam rapat kerja dengan Komisi XI DPR, Menteri Keuangan Sri Mulyani menyampaikan bahwa "
        "pemerintah telah menyiapkan dana cadangan sebesar Rp 1,3 triliun untuk program bantuan "
        "sosial bagi keluarga miskin, sementara sisa anggaran tahun ini akan dialihkan ke "
        "pembangunan jalan dan jembatan di daerah tertinggal yang selama ini sulit dijangkau."
    )
    assert len(long_sentence) > MAX_FACT_CHARS
    sentences = [
        "Pemerintah menggelar rapat koordinasi dengan para kepala daerah.",
        long_sentence,
        "Rapat itu berlangsung hingga malam hari tanpa jeda.",
    ]
    money = [fact for fact in extract_facts(sentences) if fact.kind == "money"]
    assert len(money) == 1
    assert "Rp 1,3 triliun" in money[0].text
    assert len(money[0].text) <= MAX_FACT_CHARS
    assert money[0].text in long_sentence


@pytest.mark.parametrize(
    ("date", "sentence"),
    [
        ("1 Maret 2023", "Kebijakan subsidi elpiji yang baru mulai berlaku pada 1 Maret 2023."),
        (
            "Minggu (5/3)",
            "Kecelakaan bus rombongan peziarah itu terjadi pada Minggu (5/3) dini hari.",
        ),
        ("March 15", "Schools in the worst-hit areas will stay closed until March 15."),
    ],
)
def test_dates_are_facts(date: str, sentence: str) -> None:
    sentences = [
        "Warga bergotong royong membersihkan selokan yang tersumbat sampah.",
        sentence,
        "Mereka berharap lingkungan menjadi lebih bersih dan sehat.",
    ]
    facts = extract_facts(sentences)
    assert any(fact.kind == "date" and date in fact.text for fact in facts)


@pytest.mark.parametrize(
    "quote",
    [
        '"Kami berharap pasokan sayur kembali normal minggu depan," kata Budi Santoso.',
        '"Kerugian pedagang cukup besar karena banyak barang rusak," ujar Siti Rahmawati.',
        "Menurut Budi Santoso, sebagian pedagang sudah meminta keringanan sewa kios.",
        '"We are still searching the collapsed buildings," Abdul Muhari told reporters.',
    ],
    ids=["kata", "ujar", "menurut", "english"],
)
def test_attributed_statements_are_quote_facts(quote: str) -> None:
    sentences = [
        "Pasar induk kembali ramai setelah banjir surut.",
        quote,
        "Para pedagang mulai membersihkan kios dari lumpur dan sampah.",
        "Pengelola pasar belum memberikan tanggapan atas permintaan tersebut.",
    ]
    facts = extract_facts(sentences)
    assert any(fact.kind == "quote" and fact.sentence == 1 for fact in facts)


def test_english_money_and_percentages_are_facts() -> None:
    facts = extract_facts(sentences_of(EARTHQUAKE))
    assert any(fact.kind == "money" and "$25 million" in fact.text for fact in facts)
    assert any("14 people" in fact.text for fact in facts)


def test_text_without_figures_or_dates_gets_no_figure_or_date_facts() -> None:
    sentences = [
        "Warga bergotong royong membersihkan selokan yang tersumbat sampah.",
        "Kegiatan itu diikuti oleh anak muda dan orang tua dari kampung sekitar.",
        "Mereka berharap lingkungan menjadi lebih bersih dan sehat.",
    ]
    kinds = {fact.kind for fact in extract_facts(sentences)}
    assert not kinds & {"number", "money", "date"}


def test_a_month_is_not_a_place() -> None:
    sentences = [
        "The consultation on the new tram route will open in January.",
        "Residents can send their comments by post or online.",
        "The council will publish all comments afterwards on its website.",
    ]
    assert all(fact.kind != "place" for fact in extract_facts(sentences))


@pytest.mark.parametrize("article", [SUBSIDY, EARTHQUAKE], ids=["indonesian", "english"])
@pytest.mark.parametrize("count", [1, 3, 5])
def test_a_repeated_paragraph_never_gives_the_same_fact_twice(article: str, count: int) -> None:
    paragraphs = article.strip().split("\n\n")
    for repeated in range(len(paragraphs)):
        repeating = "\n\n".join([*paragraphs, paragraphs[repeated]])
        texts = [fact.text for fact in summarize(repeating, sentences=count).facts]
        assert len(texts) == len(set(texts)), f"paragraph {repeated} repeated: {texts}"


@pytest.mark.parametrize("article", [SUBSIDY, EARTHQUAKE], ids=["indonesian", "english"])
@pytest.mark.parametrize("count", [1, 3, 5])
def test_an_article_pasted_twice_never_gives_the_same_fact_twice(article: str, count: int) -> None:
    digest = summarize(f"{article}\n\n{article}", sentences=count)
    texts = [fact.text for fact in digest.facts]
    assert len(texts) == len(set(texts))


def test_a_range_between_two_figures_is_not_cut_into_two_facts() -> None:
    sentences = [
        "Indeks harga saham ditutup menguat 9,55 poin ke level 5.914 setelah bergerak di antara "
        "5.894 - 5.922 pada awal pekan ini, Senin (9/10), di tengah sentimen positif dari luar.",
        "Investor membukukan transaksi sebesar Rp 4,55 triliun dengan volume 6,31 miliar saham.",
    ]
    facts = extract_facts(sentences)
    assert not any(fact.text.startswith("5.922") for fact in facts)
    assert not any(fact.text.endswith("5.894") for fact in facts)


# ---- facts a reader can use (round 2) -------------------------------------------------------


def words_of(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


@pytest.mark.parametrize("article", [SUBSIDY, EARTHQUAKE], ids=["indonesian", "english"])
@pytest.mark.parametrize("count", [1, 3, 5])
def test_facts_start_like_a_sentence(article: str, count: int) -> None:
    split = sentences_of(article)
    for fact in summarize(article, sentences=count).facts:
        sentence = split[fact.sentence]
        start = sentence.index(fact.text)
        assert not fact.text[0].islower(), fact.text
        assert start == 0 or not sentence[start - 1].isalnum(), fact.text


@pytest.mark.parametrize("article", [SUBSIDY, EARTHQUAKE], ids=["indonesian", "english"])
@pytest.mark.parametrize("count", [1, 3, 5])
def test_no_fact_holds_most_of_a_summary_sentence(article: str, count: int) -> None:
    digest = summarize(article, sentences=count)
    for fact in digest.facts:
        for shown in map(words_of, digest.summary):
            assert len(words_of(fact.text) & shown) < 0.8 * len(shown), fact.text


def test_the_sample_article_facts_start_like_sentences_and_repeat_no_summary_sentence(
    sample_article: str,
) -> None:
    digest = summarize(sample_article)
    assert 3 <= len(digest.facts) <= 7
    for fact in digest.facts:
        assert not fact.text[0].islower(), fact.text
        for shown in map(words_of, digest.summary):
            assert len(words_of(fact.text) & shown) < 0.8 * len(shown), fact.text


def test_a_fact_is_never_cut_inside_a_name() -> None:
    sentences = [
        "Gubernur DKI Jakarta mengumumkan kebijakan baru soal transportasi umum.",
        "Pasangan calon gubernur Anies Rasyid Baswedan dan calon wakil gubernur Sandiaga "
        "Salahuddin Uno menerima dukungan dari 12 partai politik dalam pertemuan di Jakarta "
        "Selatan, yang dipimpin oleh ketua tim pemenangan Mardani Ali Sera, pada Jumat (4/11) "
        "malam, setelah rapat panjang yang berlangsung selama lebih dari enam jam.",
        "Pertemuan itu berlangsung tertutup bagi wartawan.",
    ]
    for fact in extract_facts(sentences):
        assert not fact.text.startswith(("Baswedan", "Salahuddin", "Uno ", "Ali Sera", "Sera")), (
            fact.text
        )
        assert not fact.text.endswith(("Anies", "Sandiaga", "Mardani", "Ali")), fact.text


def test_a_fact_is_never_cut_inside_a_quotation() -> None:
    sentences = [
        "Pemerintah menaikkan harga bahan bakar minyak mulai pekan depan.",
        '"Kami sudah menghitung dampaknya, termasuk kenaikan harga 12 persen untuk bensin dan '
        "8 persen untuk solar, dan kami yakin daya beli masyarakat tetap terjaga sampai akhir "
        'tahun," kata Menteri Energi Arifin Tasrif kepada wartawan di Jakarta, Selasa (6/9).',
        "Sejumlah serikat buruh menolak rencana tersebut.",
    ]
    for fact in extract_facts(sentences):
        sentence = next(s for s in sentences if fact.text in s)
        start = sentence.index(fact.text)
        end = start + len(fact.text)
        if (start, end) != (0, len(sentence)):
            assert sentence[:start].count('"') % 2 == 0, fact.text
            assert sentence[:end].count('"') % 2 == 0 or fact.text.endswith('"'), fact.text


def test_a_quantity_with_a_year_is_a_number_fact_not_a_date() -> None:
    sentences = [
        "Dubai mencatat lonjakan wisatawan dari Asia Tenggara.",
        "Kota itu menyambut lebih dari 14,24 juta wisatawan global selama 2017.",
        "Pemerintah setempat menargetkan angka yang lebih tinggi tahun depan.",
    ]
    fact = next(f for f in extract_facts(sentences) if f.sentence == 1)
    assert fact.kind == "number"


def test_the_date_of_a_summary_sentence_can_stand_as_a_when_bullet() -> None:
    sentences = [
        "Penyanyi Katy Perry merilis lagu terbarunya bertajuk Chained to the Rhythm, pada "
        "Jumat (10/2).",
        "Lagu itu diproduksi bersama Max Martin dan Ali Payami.",
        "Video musiknya akan dirilis beberapa pekan lagi.",
    ]
    facts = extract_facts(sentences, summary=sentences[:1])
    assert any(f.text.startswith("Jumat (10/2)") and f.kind == "date" for f in facts)


def test_a_figure_of_a_summary_sentence_comes_with_what_it_counts() -> None:
    sentences = [
        "Pria asal Portugal itu dituduh melakukan penggelapan pajak sebesar 3,3 juta euro atau "
        "sekitar Rp 48,9 miliar antara tahun 2011 dan 2012.",
        "Pengacaranya membantah semua tuduhan tersebut.",
        "Sidang berikutnya akan digelar bulan depan.",
    ]
    facts = extract_facts(sentences, summary=sentences[:1])
    bullet = next(f.text for f in facts if "Rp 48,9 miliar" in f.text)
    assert bullet[0].isdigit() or bullet.startswith("Rp")
    assert bullet.endswith("antara tahun 2011 dan 2012.")


def test_a_fact_never_starts_with_a_source_clause_it_does_not_finish() -> None:
    sentences = [
        "Melansir dari CNN International Selasa (1/3), delegasi Rusia dan Ukraina bertemu di "
        "perbatasan Belarusia kemarin.",
        "Pertemuan berlangsung selama lima jam tanpa kesepakatan.",
        "Kedua pihak sepakat bertemu lagi pekan depan.",
    ]
    for fact in extract_facts(sentences, summary=sentences[:1]):
        assert not fact.text.startswith("Melansir"), fact.text


# ---- articles without figures: whole sentences make up three facts ---------------------------

HOUSEPLANTS = """Musim hujan membawa kelembapan yang tinggi bagi tanaman hias yang ada di rumah.

Banyak pemilik tanaman justru kebingungan ketika daun mulai menguning dan akarnya membusuk.

Berikut beberapa cara sederhana untuk merawat tanaman hias selama musim hujan:

Kurangi penyiraman

Tanah yang terlalu basah membuat akar tanaman sulit bernapas dan mudah membusuk.

Periksa kelembapan tanah dengan jari sebelum menyiram tanaman kembali.

Pindahkan pot ke tempat teduh

Hujan deras dapat merusak daun yang lembut dan menghanyutkan lapisan tanah paling atas.

Letakkan pot di teras atau di bawah atap agar tanaman tetap mendapat cahaya tanpa terkena hujan.

Pastikan pot memiliki lubang pembuangan

Air yang menggenang di dasar pot menjadi tempat yang nyaman bagi jamur dan hama tanaman.

Tambahkan kerikil di dasar pot supaya air dapat mengalir keluar dengan lancar.
"""

LAPTOP_BATTERY = """A laptop battery slowly loses its capacity with every charge and every hot afternoon.

Most owners only notice when the machine can no longer last through a short meeting.

Here are some simple habits that keep a battery healthy for longer:

Avoid the extremes

Keeping the charge between a fifth and four fifths puts the least strain on the cells.

Unplug the charger now and then instead of leaving the laptop on it all day.

Keep it cool

Heat wears a battery out faster than anything else you can do to it.

Never leave the laptop in a parked car or under a blanket while it is working hard.

Update the system regularly

Newer software often manages power better than the version that came with the machine.

Let the laptop sleep when you walk away rather than leaving the screen on at full brightness.
"""


@pytest.mark.parametrize("article", [HOUSEPLANTS, LAPTOP_BATTERY], ids=["indonesian", "english"])
@pytest.mark.parametrize("count", [1, 3, 5])
def test_a_listicle_without_figures_still_gets_three_well_formed_facts(
    article: str, count: int
) -> None:
    digest = summarize(article, sentences=count)
    assert 3 <= len(digest.facts) <= 7
    assert_facts_are_well_formed(article, digest)


@pytest.mark.parametrize("article", [HOUSEPLANTS, LAPTOP_BATTERY], ids=["indonesian", "english"])
def test_statement_facts_are_whole_sentences_outside_the_summary(article: str) -> None:
    digest = summarize(article)
    split = sentences_of(article)
    statements = [fact for fact in digest.facts if fact.kind == "statement"]
    assert statements
    for fact in statements:
        assert fact.text == split[fact.sentence]
        assert fact.sentence not in digest.summary_indices
        assert fact.text[0].isupper() and fact.text.endswith((".", "!"))
        for shown in map(words_of, digest.summary):
            assert len(words_of(fact.text) & shown) < 0.8 * len(shown), fact.text


def test_statements_only_make_up_three_facts() -> None:
    assert len(summarize(HOUSEPLANTS).facts) == 3


def test_a_question_a_list_heading_or_its_introduction_is_no_statement() -> None:
    sentences = [
        "Pernahkah kamu merasa mudah lelah meski sudah tidur cukup lama setiap malam?",
        "Berikut beberapa kebiasaan kecil yang bisa membuat tubuh lebih bugar setiap hari:",
        "Minum air putih",
        "Tubuh yang kekurangan cairan akan terasa lemas dan sulit berkonsentrasi saat bekerja.",
    ]
    facts = extract_facts(sentences)
    assert [(fact.kind, fact.sentence) for fact in facts] == [("statement", 3)]


def test_an_article_with_enough_figures_gets_no_statement() -> None:
    kinds = {fact.kind for fact in summarize(SUBSIDY).facts}
    assert "statement" not in kinds


def test_a_dateline_left_in_the_body_is_no_fact() -> None:
    sentences = [
        "Perusahaan teknologi asal Turki memperkenalkan layanan pembayaran digital baru.",
        "ISTANBUL, 23 Februari 2016 (Antara/PRNewswire) -",
        "Layanan itu sudah dipakai oleh 2,5 juta pelanggan di 12 negara sejak diluncurkan.",
        "Perusahaan berencana membuka kantor cabang di Jakarta pada tahun depan.",
    ]
    assert all(fact.sentence != 1 for fact in extract_facts(sentences))
