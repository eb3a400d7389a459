"""Links you can trust: what a summary of an extracted article may hold.

Every Indonesian saved page (and the English wire page) must give summaries whose sentences
all come from the page's own article text. Two saved pages carry the furniture that reached summaries before (issue 10): teasers of other
stories inside the article element, captions with "(Foto: ...)" and "(kanan)/(tengah)",
subheadings, "opens new tab" link labels, a standfirst, related and most-read boxes. Every
summary sentence must come from the page's own article text, and none of the furniture may
appear in the extracted text at all. Subheadings are part of the article's text, but not of
its prose, the text a summary quotes from.
"""

from __future__ import annotations

import pytest

from summarizer import summarize
from testkit.news_site import PAGES
from web.charset import decode_html
from web.extract import Article, extract_article

STOCKS_ARTICLE = [
    "JAKARTA, Warta Pasar - Indeks Harga Saham Gabungan (IHSG) ditutup melemah 0,8 persen ke "
    "level 7.050 pada perdagangan Kamis (16/1/2025). Pelemahan dipimpin saham sektor bahan baku "
    "yang turun lebih dari dua persen.",
    "Data Bursa Efek Indonesia menunjukkan investor asing mencatat jual bersih Rp 1,2 triliun di "
    "seluruh pasar. Nilai transaksi harian mencapai Rp 11,4 triliun dengan volume 19 miliar "
    "saham.",
    "Analis pasar modal dari Sekuritas Nusantara, Lestari Wibowo, mengatakan harga komoditas "
    'logam yang turun di pasar global menekan saham tambang. "Investor memilih mengamankan '
    'keuntungan sebelum laporan keuangan kuartal keempat dirilis," kata Lestari.',
    "Di sisi lain, saham perbankan besar justru bergerak stabil. Menurut Lestari, sektor "
    "perbankan masih ditopang ekspektasi pertumbuhan kredit yang solid sepanjang tahun ini.",
    "Ia memperkirakan IHSG bergerak di rentang 7.000 hingga 7.150 pada perdagangan Jumat. Data "
    "inflasi Amerika Serikat yang dirilis pekan depan menjadi perhatian utama pelaku pasar, "
    "menurut laporan Reuters.",
]
STOCKS_FURNITURE = [
    "66,1% responden",  # a teaser of another story, inside the <article> element
    "Taksiran kerugian",  # another teaser
    "Wisuda digelar",  # another teaser
    "Survei: Mayoritas Publik",  # another story's headline
    "Rupiah Menguat Tipis",  # "Baca juga" link
    "Foto:",  # caption
    "(kanan)",  # caption with positions
    "opens new tab",  # screen-reader link label
    "Harga Emas Antam",  # popular sidebar
    "Hak cipta",  # footer
    "Dimas Pratama",  # byline
]
WIRE_ARTICLE = [
    "BEIRUT/THE HAGUE, March 7 (Reuters) - Talks on a ceasefire in southern Lebanon stalled on "
    "Thursday after envoys failed to agree on the withdrawal of armed units from the border "
    "area, three diplomats said.",
    "The negotiations, which began on Oct. 5 under U.S. and French mediation, had been expected "
    "to produce a draft text by the end of the week. Gov. Ellen Marsh of the mediation office "
    'said the parties would meet again "as soon as possible."',
    '"We are not giving up. Both sides still want a deal," said one diplomat, who asked not to '
    "be named because the talks are confidential.",
    "The main disagreement concerns a strip of land about 10 km (6 miles) wide along the "
    "frontier, according to a copy of the draft seen by the newspaper.",
    "A second round of talks is planned for next month, the diplomats said, but no date has "
    "been set. The U.N. Security Council is due to discuss the situation on Monday.",
]
WIRE_FURNITURE = [
    "Envoys left The Hague on Friday",  # standfirst
    "Peace Palace",  # caption
    "opens new tab",
    "Shipping rates",  # related coverage
    "Brent crude",  # most-read teaser
    "Clara Jensen",  # byline
    "All rights reserved",
]


STOCKS_SUBHEADINGS = ["Tekanan Sektor Bahan Baku", "Saham Perbankan Bertahan"]
WIRE_SUBHEADINGS = ["Border dispute"]


BUS_ARTICLE = [  # artikel-id.html
    "BANDUNG, Warta Priangan - Pemerintah Kota Bandung mulai menguji coba tiga unit bus listrik "
    "di jalur Dago sejak Senin pagi. Uji coba berlangsung selama dua bulan sebelum pemerintah "
    "memutuskan apakah armada serupa akan ditambah.",
    "Kepala Dinas Perhubungan Kota Bandung, Asep Supriadi, mengatakan bus listrik dipilih karena "
    "jalur Dago padat kendaraan pada jam berangkat kerja. Menurut dia, penumpang dapat naik "
    "secara gratis selama masa uji coba.",
    '"Kami ingin melihat berapa banyak warga yang mau beralih dari kendaraan pribadi. Datanya '
    'akan kami pakai untuk menyusun jadwal dan tarif," kata Asep di Balai Kota Bandung, Senin '
    "(11/3/2024).",
    "Setiap bus mampu menampung 40 penumpang dan dapat menempuh sekitar 200 kilometer sekali "
    "pengisian daya. Pengisian dilakukan pada malam hari di depo Cicaheum agar tidak mengganggu "
    "jadwal perjalanan.",
    "Sejumlah penumpang menyambut baik uji coba tersebut. Dewi, karyawan swasta yang setiap hari "
    "berangkat dari Dago Atas, mengaku perjalanannya kini lebih tenang karena bus tidak berisik "
    "dan tidak berasap.",
    "Meski demikian, pengamat transportasi dari Institut Teknologi Bandung, Harun Wibisono, "
    "mengingatkan agar pemerintah menyiapkan jalur khusus. Tanpa jalur khusus, kata dia, bus "
    "listrik tetap akan terjebak kemacetan seperti kendaraan lain.",
    "Dinas Perhubungan menargetkan hasil evaluasi uji coba dapat diumumkan pada pertengahan Mei "
    "mendatang.",
]
CAFE_ARTICLE = [  # artikel-latin1.html
    "Kafé Sumber Rasa, salah satu kedai tertua di Jalan Braga, kembali dibuka pada Sabtu setelah "
    "direnovasi selama delapan bulan. Pemiliknya, André Wiratmadja, mempertahankan lantai tegel "
    "dan jendela kayu dari tahun 1930-an.",
    "Menu andalan kafé itu tetap sama, yakni roti bakar, kopi tubruk dan crème brûlée yang "
    'resepnya diwariskan dari juru masak asal Belanda. "Pelanggan lama selalu menanyakan crème '
    'brûlée itu," kata André.',
    "Renovasi menelan biaya sekitar Rp 450 juta. Sebagian dana berasal dari pinjaman koperasi "
    "pedagang Braga, sementara sisanya dari tabungan keluarga yang dikumpulkan selama "
    "bertahun-tahun.",
    "Pengunjung pada hari pertama didominasi warga lanjut usia yang datang bersama cucu mereka. "
    "Beberapa di antaranya mengaku pernah berpacaran di kafé tersebut pada tahun 1970-an.",
    "Kafé Sumber Rasa buka setiap hari mulai pukul tujuh pagi hingga sembilan malam.",
]
PARTY_ARTICLE = [  # artikel-tanpa-p.html
    "KabarSelebritas.test - Seorang penyanyi di Cardiff dikomplain warga karena pesta ulang "
    "tahunnya terdengar hingga dini hari. Polisi setempat menerima puluhan laporan dari tetangga "
    "sejak Sabtu malam.",
    "Lebih dari seratus tamu diundang ke rumah penyanyi tersebut. Musik dari halaman belakang "
    "disebut terdengar sampai jarak lima kilometer.",
    "Pihak kepolisian menyatakan tidak ada penangkapan dalam pengamanan pesta itu. Namun, "
    "penyanyi tersebut harus membayar denda karena melanggar aturan ketertiban umum.",
    '"Kami menghormati hak orang untuk merayakan, tapi tetangga juga butuh tidur," kata juru '
    "bicara kepolisian kepada wartawan.",
]
FILM_ARTICLE = [  # artikel-dateline-tebal.html: "<b>Kabar6.com, Jakarta</b> Senja di Braga, ..."
    "Senja di Braga, film ketiga dari rumah produksi Layar Priangan, menembus satu juta penonton "
    "dalam tiga pekan penayangan. Angka itu menjadikannya film lokal terlaris sepanjang awal "
    "tahun ini.",
    "Produser film tersebut, Bayu Anggara, mengatakan promosi di media sosial sudah dimulai enam "
    "bulan sebelum film tayang. Para pemain juga berkeliling ke dua belas kota untuk menemui "
    "penggemar.",
    '"Kami tidak menyangka antusiasme penonton sebesar ini. Di beberapa bioskop, jadwal tambahan '
    'dibuka hingga tengah malam," kata Bayu di kantornya di kawasan Kemang, Sabtu (15/2/2025).',
    "Jaringan bioskop menambah layar untuk film itu dari 120 pada hari pertama menjadi 210 layar "
    "pada akhir pekan kedua. Penjualan tiket daring juga melonjak pada setiap akhir pekan.",
    "Film yang disutradarai Wulan Sari itu bercerita tentang sepasang musisi jalanan di Bandung "
    "yang bertemu kembali setelah sepuluh tahun berpisah.",
]
GALLERY_CAPTIONS = [  # galeri-foto.html: a photo story, its captions without their credits
    "Kapten timnas Rizky Pratama (kanan) mengangkat trofi bersama pelatih Hendra Gunawan di atas "
    "bus terbuka, Minggu (9/3).",
    "Ribuan suporter memadati Bundaran HI untuk menyambut para pemain yang baru tiba dari Hanoi, "
    "Minggu (9/3).",
    "Penjaga gawang Dimas Ardi (kiri) menyalami suporter cilik di sela arak-arakan, Minggu (9/3).",
    "Bus terbuka yang membawa skuad timnas melintas perlahan di Jalan Sudirman menuju Istana "
    "Merdeka, Minggu (9/3).",
    "Para pemain timnas menyanyikan lagu kebangsaan bersama suporter di depan Istana Merdeka, "
    "Minggu (9/3).",
]


def extracted(name: str) -> Article:
    html, _encoding = decode_html((PAGES / name).read_bytes())
    return extract_article(html)


@pytest.mark.parametrize(
    ("page", "expected"),
    [("berita-saham.html", STOCKS_ARTICLE), ("article-wire.html", WIRE_ARTICLE)],
)
def test_the_prose_is_the_articles_own_paragraphs(page: str, expected: list[str]) -> None:
    assert extracted(page).prose.split("\n\n") == expected


def test_the_text_keeps_the_subheadings_where_the_page_has_them() -> None:
    paragraphs = extracted("berita-saham.html").text.split("\n\n")
    assert paragraphs == [
        *STOCKS_ARTICLE[:2],
        STOCKS_SUBHEADINGS[0],
        STOCKS_ARTICLE[2],
        STOCKS_SUBHEADINGS[1],
        *STOCKS_ARTICLE[3:],
    ]


@pytest.mark.parametrize(
    ("page", "subheading"),
    [
        *[("berita-saham.html", item) for item in STOCKS_SUBHEADINGS],
        *[("article-wire.html", item) for item in WIRE_SUBHEADINGS],
    ],
)
def test_subheadings_are_not_prose(page: str, subheading: str) -> None:
    assert subheading not in extracted(page).prose


@pytest.mark.parametrize(
    ("page", "furniture"),
    [
        *[("berita-saham.html", item) for item in STOCKS_FURNITURE],
        *[("article-wire.html", item) for item in WIRE_FURNITURE],
    ],
)
def test_page_furniture_never_reaches_the_text(page: str, furniture: str) -> None:
    assert furniture not in extracted(page).text


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("berita-saham.html", STOCKS_ARTICLE),
        ("article-wire.html", WIRE_ARTICLE),
        ("artikel-id.html", BUS_ARTICLE),
        ("artikel-latin1.html", CAFE_ARTICLE),
        ("artikel-tanpa-p.html", PARTY_ARTICLE),
        ("artikel-dateline-tebal.html", FILM_ARTICLE),
        ("galeri-foto.html", GALLERY_CAPTIONS),
    ],
)
@pytest.mark.parametrize("length", [3, 5])
def test_every_summary_sentence_is_from_the_article(
    page: str, expected: list[str], length: int
) -> None:
    article_text = "\n\n".join(expected)
    digest = summarize(extracted(page).prose, sentences=length)
    assert digest.summary
    for sentence in digest.summary:
        assert sentence in article_text


def test_an_agreeing_article_of_some_length_is_extracted_with_high_confidence() -> None:
    assert extracted("berita-saham.html").confidence == "high"
    assert extracted("berita-saham.html").pages == 1


def test_a_photo_story_read_from_its_captions_is_low_confidence() -> None:
    html = (
        "<html><head><title>Galeri: Banjir di Bekasi</title></head><body><article>"
        "<figure><img src='a.jpg'><figcaption>Warga mengungsi menggunakan perahu karet di "
        "Bekasi, Senin (3/3/2025). Banjir merendam ratusan rumah di kawasan itu.</figcaption>"
        "</figure><figure><img src='b.jpg'><figcaption>Petugas membagikan makanan kepada "
        "pengungsi di masjid. Bantuan terus berdatangan sejak pagi.</figcaption></figure>"
        "</article></body></html>"
    )
    article = extract_article(html)
    assert "perahu karet" in article.text
    assert article.confidence == "low"


def test_a_bare_text_lead_and_empty_paragraph_separators_keep_the_paragraphs() -> None:
    article = extract_article(
        (PAGES / "artikel-tanpa-p.html").read_text(encoding="utf-8"),
        "https://kabarselebritas.test/berita/2015/11/05/pesta-bising",
    )
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("KabarSelebritas.test - Seorang penyanyi di Cardiff")
    assert paragraphs[1].startswith("Lebih dari seratus tamu")
    assert len(paragraphs) == 4
    assert "Konser Amal" not in article.text
    assert "WIB" not in article.text


def test_hard_wrapped_source_lines_stay_one_paragraph() -> None:
    html = (
        "<html><head><title>Aktris Tampil Memukau</title></head><body><article>"
        "<p>Foto-foto yang beredar di media sosial\n memperlihatkan aktris itu tampil memukau\n"
        " dalam balutan kebaya merah di acara penghargaan film nasional.</p>"
        "<p>Aktris berusia 47 tahun itu pernah meraih penghargaan pemeran utama terbaik\n"
        " pada 2008 dan kini aktif sebagai produser film dokumenter.</p></article></body></html>"
    )
    paragraphs = extract_article(html).text.split("\n\n")
    assert paragraphs[0] == (
        "Foto-foto yang beredar di media sosial memperlihatkan aktris itu tampil memukau dalam "
        "balutan kebaya merah di acara penghargaan film nasional."
    )
    assert len(paragraphs) == 2


def test_an_outlet_and_place_in_bold_without_a_dash_do_not_open_the_summary() -> None:
    summary = summarize(extracted("artikel-dateline-tebal.html").prose, sentences=3).summary
    assert summary[0].startswith("Senja di Braga, film ketiga")


def test_a_photo_storys_captions_keep_no_photographers_credit() -> None:
    text = extracted("galeri-foto.html").text
    assert "REUTERS" not in text
    assert "Agus Salim" not in text
    assert "ANTARA FOTO" not in text


def test_a_photo_story_summary_does_not_open_with_a_caption_placing_people() -> None:
    summary = summarize(extracted("galeri-foto.html").prose, sentences=3).summary
    assert summary[0].startswith("Ribuan suporter memadati Bundaran HI")
    assert not any("(kanan)" in sentence or "(kiri)" in sentence for sentence in summary)


def test_a_photo_story_of_captions_that_all_place_people_keeps_them() -> None:
    html = (
        "<html><head><title>Galeri: Pelantikan Wali Kota</title></head><body><article>"
        "<figure><img src='a.jpg'><figcaption>Wali Kota Andi Saputra (kanan) mengucapkan sumpah "
        "jabatan di gedung DPRD, Senin (3/3/2025). Ratusan undangan hadir dalam acara itu. "
        "(ANTARA FOTO / Budi Hartono)</figcaption></figure><figure><img src='b.jpg'><figcaption>"
        "Wakil Wali Kota Sari Dewi (kiri) menyalami warga seusai pelantikan. Warga datang sejak "
        "pagi. (ANTARA FOTO / Budi Hartono)</figcaption></figure></article></body></html>"
    )
    text = extract_article(html).text
    assert "Andi Saputra (kanan) mengucapkan sumpah" in text
    assert "Budi Hartono" not in text
