"""The extractive summary: N sentences, verbatim, in article order, without repeats."""

from __future__ import annotations

import json

import pytest

from summarizer import (
    DEFAULT_SENTENCES,
    MAX_SENTENCES,
    MIN_SENTENCES,
    ArticleError,
    Digest,
    summarize,
)
from summarizer.cleaning import clean_text
from summarizer.engine import select_summary
from summarizer.sentences import split_sentences
from summarizer.words import tools_for

FLOOD = """Jakarta, CNN Indonesia -- Banjir merendam sedikitnya 1.250 rumah di tiga kecamatan di Kabupaten Bekasi, Jawa Barat, sejak Kamis (12/1) malam. Hujan deras yang turun selama enam jam membuat Sungai Cikarang meluap.

Kepala Badan Penanggulangan Bencana Daerah (BPBD) Kabupaten Bekasi, Dodi Supriyadi, mengatakan ketinggian air mencapai 150 sentimeter di beberapa titik. "Kami sudah mengevakuasi 3.400 warga ke tempat yang lebih aman," kata Dodi Supriyadi kepada wartawan, Jumat (13/1).

Menurut Dodi Supriyadi, dua orang meninggal dunia karena tersengat listrik saat membersihkan rumah. Seorang anak berusia tujuh tahun juga dilaporkan hilang terseret arus di Desa Sukamekar.

Pemerintah daerah telah mendirikan 14 posko pengungsian dan dapur umum. Bantuan logistik senilai Rp 1,3 miliar disalurkan kepada para pengungsi melalui posko tersebut.

Baca juga: Banjir Rendam Ratusan Rumah di Karawang

Bupati Bekasi Dani Ramdan meminta warga tetap waspada karena hujan diperkirakan masih turun hingga akhir pekan. Ia juga menetapkan status tanggap darurat selama 14 hari ke depan.

Badan Meteorologi, Klimatologi, dan Geofisika (BMKG) memperkirakan curah hujan di wilayah Jawa Barat meningkat hingga 50 persen pada Januari 2023. Warga yang tinggal di bantaran sungai diminta segera mengungsi jika air kembali naik.

Sementara itu, PLN memadamkan aliran listrik di 27 gardu untuk mencegah korban tambahan. Listrik akan dinyalakan kembali setelah air surut dan instalasi dinyatakan aman. (vyp/kna)
"""

TRANSPORT = """The city council approved a new public transport plan on Tuesday after a debate that lasted more than seven hours. The plan adds four new bus lines and extends the tram network by 12 kilometres.

Council leader Maria Jensen said the project would cost about $450 million over the next decade. "This is the biggest investment in public transport our city has ever made," Maria Jensen told reporters after the vote.

Opponents argued that the money should be spent on road repairs instead. They pointed out that more than 60 percent of residents still drive to work every day.

Construction of the first tram extension is expected to begin in March 2024. The new bus lines will start running in the autumn, according to the transport department.

Local business owners along the planned route welcomed the decision. Many of them said that better connections would bring more customers to the old town.

The council will review the budget again next year. A public consultation on the exact route of the tram will open in January.
"""


def sentences_of(article: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(clean_text(article))]


def paragraphs_with_one_repeated(article: str, repeated: int) -> str:
    paragraphs = [p for p in article.strip().split("\n\n") if not p.startswith("Baca juga")]
    return "\n\n".join([*paragraphs, paragraphs[repeated]])


def test_default_summary_has_three_sentences() -> None:
    assert DEFAULT_SENTENCES == 3
    assert len(summarize(FLOOD).summary) == 3


@pytest.mark.parametrize("count", range(MIN_SENTENCES, MAX_SENTENCES + 1))
def test_summary_has_the_requested_number_of_sentences(count: int) -> None:
    digest = summarize(FLOOD, sentences=count)
    assert len(digest.summary) == count
    assert len(set(digest.summary)) == count


def test_a_short_article_gives_all_its_sentences_when_more_are_asked_for() -> None:
    article = (
        "Harga cabai rawit di pasar tradisional Bekasi naik menjadi Rp 100 ribu per kilogram. "
        "Pedagang menyebut pasokan dari petani berkurang karena hujan deras."
    )
    digest = summarize(article, sentences=5)
    assert digest.sentences_total == 2
    assert list(digest.summary) == sentences_of(article)


@pytest.mark.parametrize("count", [0, -1, MAX_SENTENCES + 1, 100])
def test_summary_length_out_of_range_is_rejected(count: int) -> None:
    with pytest.raises(ValueError) as raised:
        summarize(FLOOD, sentences=count)
    assert not isinstance(raised.value, ArticleError)


@pytest.mark.parametrize("article", [FLOOD, TRANSPORT], ids=["indonesian", "english"])
def test_summary_sentences_are_verbatim_from_the_article(article: str) -> None:
    digest = summarize(article, sentences=MAX_SENTENCES)
    cleaned = clean_text(article)
    for sentence in digest.summary:
        assert sentence in cleaned
        assert sentence in article  # the articles here need no character normalization


@pytest.mark.parametrize("article", [FLOOD, TRANSPORT], ids=["indonesian", "english"])
def test_summary_sentences_are_whole_sentences_of_the_article(article: str) -> None:
    digest = summarize(article, sentences=5)
    split = sentences_of(article)
    assert digest.sentences_total == len(split)
    assert [split[index] for index in digest.summary_indices] == list(digest.summary)


@pytest.mark.parametrize("count", [2, 4, 7])
def test_summary_keeps_article_order(count: int) -> None:
    digest = summarize(FLOOD, sentences=count)
    assert list(digest.summary_indices) == sorted(set(digest.summary_indices))
    cleaned = clean_text(FLOOD)
    positions = [cleaned.index(sentence) for sentence in digest.summary]
    assert positions == sorted(positions)


def test_summary_never_shows_dateline_related_links_or_editor_tags() -> None:
    shown = " ".join(summarize(FLOOD, sentences=MAX_SENTENCES).summary)
    for furniture in ("CNN Indonesia", "--", "Baca juga", "Karawang", "(vyp/kna)"):
        assert furniture not in shown


@pytest.mark.parametrize("repeated", [0, 1, 3])
@pytest.mark.parametrize("count", [1, 3, 5])
def test_a_repeated_paragraph_is_not_summarized_twice(repeated: int, count: int) -> None:
    article = paragraphs_with_one_repeated(FLOOD, repeated)
    summary = summarize(article, sentences=count).summary
    assert len(summary) == count
    assert len(set(summary)) == count


def test_a_slightly_reworded_repeat_is_a_near_duplicate() -> None:
    lead = (
        "Banjir merendam sedikitnya 1.250 rumah di tiga kecamatan di Kabupaten Bekasi, "
        "Jawa Barat, sejak Kamis malam."
    )
    reworded = (
        "Sedikitnya 1.250 rumah di tiga kecamatan di Kabupaten Bekasi, Jawa Barat, "
        "terendam banjir sejak Kamis malam."
    )
    article = FLOOD.replace("Jakarta, CNN Indonesia -- ", "").replace(
        "Banjir merendam sedikitnya 1.250 rumah di tiga kecamatan di Kabupaten Bekasi, "
        "Jawa Barat, sejak Kamis (12/1) malam.",
        f"{lead} {reworded}",
    )
    for count in (2, 3, 5):
        summary = summarize(article, sentences=count).summary
        assert not (lead in summary and reworded in summary)


def test_an_english_article_is_summarized() -> None:
    digest = summarize(TRANSPORT)
    assert digest.language.code == "en"
    assert len(digest.summary) == 3
    assert all(sentence in TRANSPORT for sentence in digest.summary)


def test_the_same_article_always_gives_the_same_digest() -> None:
    assert summarize(FLOOD, sentences=4) == summarize(FLOOD, sentences=4)


@pytest.mark.parametrize("text", ["", "   \n\n\t  ", "\u200b\ufeff"])
def test_empty_text_is_an_empty_article(text: str) -> None:
    with pytest.raises(ArticleError) as raised:
        summarize(text)
    assert raised.value.code == "empty"


def test_text_that_is_only_site_furniture_is_an_empty_article() -> None:
    text = "Baca juga: Banjir Rendam Karawang\nADVERTISEMENT\nhttps://www.example.com/berita/1\n"
    with pytest.raises(ArticleError) as raised:
        summarize(text)
    assert raised.value.code == "empty"


@pytest.mark.parametrize(
    "text",
    [
        "Banjir surut.",
        "Banjir surut. Warga pulang.",
        # One long sentence is not an article.
        "Banjir yang merendam sedikitnya 1.250 rumah di tiga kecamatan di Kabupaten Bekasi "
        "sejak Kamis malam akhirnya surut pada Sabtu pagi setelah hujan berhenti turun.",
    ],
)
def test_too_short_text_is_refused(text: str) -> None:
    with pytest.raises(ArticleError) as raised:
        summarize(text)
    assert raised.value.code == "too-short"
    assert str(raised.value)


def test_digest_as_a_dict_has_the_documented_shape() -> None:
    digest = summarize(FLOOD)
    data = digest.to_dict()
    assert list(data) == ["language", "language_confidence", "summary", "facts", "sentences_total"]
    assert data["language"] == "id"
    assert isinstance(data["language_confidence"], float)
    assert 0.0 <= data["language_confidence"] <= 1.0
    assert data["summary"] == list(digest.summary)
    assert data["sentences_total"] == digest.sentences_total == len(sentences_of(FLOOD))
    assert data["facts"]
    for fact in data["facts"]:
        assert list(fact) == ["text", "kind", "sentence"]
        assert isinstance(fact["text"], str)
        assert isinstance(fact["kind"], str)
        assert isinstance(fact["sentence"], int)
    assert json.loads(json.dumps(data)) == data


def test_digest_dict_has_null_language_when_it_cannot_be_told() -> None:
    bilingual = (
        "Banjir merendam ratusan rumah. Floods submerged hundreds of homes. "
        "Petugas mengevakuasi warga. Officers evacuated residents."
    )
    data = summarize(bilingual).to_dict()
    assert data["language"] is None
    assert len(data["summary"]) == 3


def test_digest_is_a_frozen_value() -> None:
    digest = summarize(FLOOD)
    assert isinstance(digest, Digest)
    with pytest.raises(AttributeError):
        digest.summary = ()  # type: ignore[misc]


# ---- round 2: near-duplicates and debris ----------------------------------------------------

SHORT_LEAD = "Harga cabai rawit naik tajam."
CONTAINING = (
    "Harga cabai rawit naik tajam di pasar tradisional Bekasi hingga Rp 100 ribu per kilogram "
    "karena pasokan dari petani di Garut dan Cianjur berkurang akibat hujan deras."
)
OTHERS = [
    "Pedagang mengeluh pembeli mulai mengurangi belanja mereka.",
    "Dinas Perdagangan berjanji menggelar operasi pasar pekan depan.",
    "Warga berharap harga kembali normal sebelum Lebaran tiba.",
]


def test_a_longer_sentence_containing_a_short_chosen_one_is_not_its_repeat() -> None:
    sentences = [SHORT_LEAD, CONTAINING, *OTHERS]
    scores = [5.0, 4.0, 1.0, 0.5, 0.2]
    chosen = select_summary(sentences, scores, 3, tools_for("id"))
    assert chosen[:2] == [0, 1]


def test_a_short_sentence_inside_a_chosen_longer_one_is_its_repeat() -> None:
    sentences = [CONTAINING, SHORT_LEAD, *OTHERS]
    scores = [5.0, 4.0, 1.0, 0.5, 0.2]
    chosen = select_summary(sentences, scores, 3, tools_for("id"))
    assert 1 not in chosen


@pytest.mark.parametrize(
    "debris",
    [
        "Merdeka.com-",
        "JAKARTA, KOMPAS.com - ",
        "Jakarta, CNN Indonesia -- ",
        "Bekasi (ANTARA News)-",
    ],
)
def test_a_summary_never_opens_with_outlet_debris(debris: str) -> None:
    digest = summarize(debris + FLOOD.split(" -- ", 1)[1])
    shown = [*digest.summary, *(fact.text for fact in digest.facts)]
    assert not any(text.startswith(debris.strip()[:6]) for text in shown)
    assert digest.summary[0].startswith("Banjir merendam")


def test_scripts_credits_and_image_remnants_never_reach_the_summary_or_facts() -> None:
    paragraphs = FLOOD.strip().split("\n\n")
    furniture = [
        "Dodi Supriyadi (Foto: Istimewa)",
        "//<![CDATA[!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){};}(window);//]]>",
        'Banjir Bekasi "src="https://cdn.example.id/foto/banjir.jpg" style="height: 234px"/>',
    ]
    article = "\n\n".join(p for pair in zip(paragraphs, furniture * 3, strict=False) for p in pair)
    digest = summarize(article, sentences=10)
    shown = " ".join([*digest.summary, *(fact.text for fact in digest.facts)])
    for piece in ("Foto:", "CDATA", "function(", "src=", "style=", ".jpg"):
        assert piece not in shown
