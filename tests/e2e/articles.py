"""Long articles and channel teasers written for these tests (Indonesian and English)."""

from __future__ import annotations

BANJIR = """JAKARTA - Hujan deras yang mengguyur Jakarta sejak Sabtu malam membuat sedikitnya 78 rukun tetangga (RT) terendam banjir pada Minggu (4/2/2024) pagi. Badan Penanggulangan Bencana Daerah (BPBD) DKI Jakarta mencatat ketinggian air bervariasi antara 30 sentimeter hingga 1,5 meter.

Kepala Pelaksana BPBD DKI Jakarta Isnawa Adji mengatakan, wilayah yang paling parah terdampak berada di Jakarta Timur dan Jakarta Selatan. "Kami sudah mengerahkan personel dan perahu karet ke titik-titik yang airnya paling tinggi. Prioritas kami adalah warga lanjut usia, anak-anak, dan orang sakit," ujar Isnawa di Jakarta, Minggu.

Menurut data BPBD, sebanyak 1.245 warga terpaksa mengungsi ke 19 lokasi pengungsian, mulai dari masjid, sekolah, hingga kantor kelurahan. Pemerintah Provinsi DKI Jakarta menyiapkan dapur umum di setiap lokasi pengungsian dan membagikan selimut, makanan siap saji, serta air bersih.

Banjir kali ini dipicu oleh curah hujan ekstrem yang mencapai 180 milimeter per hari di sejumlah pos pengamatan. Badan Meteorologi, Klimatologi, dan Geofisika (BMKG) menyebut intensitas hujan tersebut termasuk kategori sangat lebat. BMKG memperkirakan hujan dengan intensitas sedang hingga lebat masih akan terjadi hingga sepekan ke depan.

Selain hujan lokal, kiriman air dari wilayah hulu turut memperparah keadaan. Pos pantau Katulampa di Bogor sempat berstatus Siaga 2 pada Minggu dini hari dengan tinggi muka air mencapai 170 sentimeter. Air dari Katulampa biasanya tiba di Jakarta dalam waktu sekitar sembilan hingga sepuluh jam.

Sejumlah ruas jalan utama juga tergenang sehingga lalu lintas tersendat. Polda Metro Jaya mengalihkan arus kendaraan di beberapa titik, antara lain di Jalan Kemang Raya, Jalan Jatinegara Barat, dan kawasan Cawang. Layanan Transjakarta pada empat koridor sempat dihentikan sementara karena jalurnya tidak bisa dilalui.

Warga Kampung Melayu, Siti Aminah (54), mengaku air mulai masuk ke rumahnya sekitar pukul 02.00 WIB. Ia bersama suami dan dua cucunya langsung mengungsi ke lantai dua rumah tetangga. "Barang-barang di lantai bawah tidak sempat diselamatkan. Kulkas dan kasur semuanya terendam," kata Siti.

Penjabat Gubernur DKI Jakarta Heru Budi Hartono meninjau sejumlah lokasi banjir pada Minggu siang. Ia meminta seluruh pompa air stasioner dan mobile dioperasikan penuh. Menurut Heru, saat ini Jakarta memiliki 487 pompa stasioner dan 282 pompa mobile yang tersebar di lima wilayah kota.

Heru juga menyinggung pentingnya normalisasi sungai yang hingga kini belum tuntas. Dari total panjang Kali Ciliwung sekitar 33 kilometer yang direncanakan, baru sekitar 17 kilometer yang sudah dinormalisasi. "Pembebasan lahan terus kami kebut bersama Kementerian PUPR," ujarnya.

Pengamat tata kota dari Universitas Trisakti, Nirwono Joga, menilai banjir yang berulang menunjukkan daya tampung drainase Jakarta sudah jauh tertinggal dari pertumbuhan kota. Ia menyebut sebagian besar saluran air di Jakarta dirancang untuk curah hujan 100 milimeter per hari, jauh di bawah hujan ekstrem yang kini makin sering terjadi.

Nirwono juga mengingatkan bahwa penurunan muka tanah di Jakarta Utara mencapai 10 sentimeter per tahun di beberapa titik. Kondisi ini membuat air semakin sulit dialirkan ke laut tanpa bantuan pompa. Ia mendorong pemerintah memperbanyak ruang terbuka hijau dan sumur resapan di kawasan permukiman padat.

Hingga Minggu sore, BPBD mencatat genangan di 31 RT telah surut. Petugas gabungan dari Dinas Sumber Daya Air, Dinas Pemadam Kebakaran, dan relawan masih membersihkan sisa lumpur di permukiman warga. BPBD mengimbau warga yang tinggal di bantaran sungai tetap waspada dan segera melapor melalui nomor darurat 112 bila air kembali naik.

Dinas Kesehatan DKI Jakarta menyiagakan tenaga medis di setiap lokasi pengungsian. Keluhan yang paling banyak ditemukan adalah gatal-gatal, batuk, pilek, dan diare. Kepala Dinas Kesehatan mengingatkan warga untuk merebus air minum dan menjaga kebersihan tangan setelah membersihkan rumah dari lumpur.

Sementara itu, PLN Unit Induk Distribusi Jakarta Raya memadamkan sementara aliran listrik ke 1.102 gardu di wilayah terdampak demi keselamatan warga. Listrik akan dinyalakan kembali setelah air surut dan instalasi di rumah warga dinyatakan aman oleh petugas."""

RATES = """JAKARTA - Bank Indonesia kept its benchmark interest rate unchanged at 6 percent on Wednesday, saying the level was enough to keep inflation within its target while supporting a currency that has come under pressure from a strong US dollar.

Governor Perry Warjiyo told reporters after the two-day policy meeting that the decision was consistent with the bank's aim of keeping inflation between 1.5 and 3.5 percent this year and next. "The focus of our monetary policy remains pro-stability, especially to strengthen the stabilization of the rupiah exchange rate," he said.

The decision was expected by all 31 economists polled before the meeting. Most of them now expect the central bank to hold rates steady until at least the third quarter, and several said a cut would only come after the US Federal Reserve begins to ease its own policy.

The rupiah has lost about 2 percent against the dollar since the start of the year, trading at around 15,700 per dollar on Wednesday. Bank Indonesia has intervened in the spot and forward markets to smooth the currency's moves, and it has also been selling short-term securities to attract foreign investors.

Annual inflation slowed to 2.57 percent in January, the lowest in nearly three years, helped by lower prices of fuel and some food items. Core inflation, which strips out volatile food and government-set prices, stood at 1.68 percent, well inside the central bank's comfort zone.

Economic growth reached 5.05 percent last year, slightly below the 5.31 percent recorded in 2022, as falling commodity prices weighed on exports. The central bank expects growth of between 4.7 and 5.5 percent this year, supported by household spending ahead of and after the general election.

Warjiyo said credit growth was healthy at around 12 percent year on year and that banks had ample liquidity. He added that the bank would keep using macroprudential incentives to encourage lending to priority sectors such as housing, tourism and small businesses.

Analysts said the bank was in no hurry to lower borrowing costs while global uncertainty remains high. "The central bank is clearly prioritizing the currency over growth for now," said an economist at a regional bank in Singapore, adding that a weaker rupiah would raise the cost of imported goods and could push up inflation later in the year.

Finance Minister Sri Mulyani Indrawati has said the government will keep the budget deficit below 3 percent of gross domestic product, as required by law, despite higher spending on social assistance. The government plans to sell about 666 trillion rupiah of bonds this year to finance the deficit.

Foreign investors sold a net 1.2 trillion rupiah of Indonesian government bonds last month, according to finance ministry data, as yields in the United States rose. The yield on Indonesia's benchmark 10-year bond was 6.6 percent on Wednesday, little changed after the decision.

Business groups have asked the central bank to consider a cut sooner. The Indonesian Chamber of Commerce and Industry said high borrowing costs were delaying investment plans, especially among manufacturers that rely on imported raw materials and machinery priced in dollars.

Property developers also said demand for mortgages had slowed in the last quarter of 2023. Bank Indonesia responded that its loosened loan-to-value rules, which allow buyers to borrow the full price of a first home, remain in place until the end of this year.

Some economists warned that the election could bring new pressure on the rupiah if investors worried about the fiscal plans of the winning candidate. Others said the smooth vote counting so far had reassured markets, and that foreign inflows into stocks had picked up in the week before the decision.

Exporters of coal and palm oil, which enjoyed windfall profits in 2022, have seen their earnings shrink as global prices fell back. The government requires natural resource exporters to keep at least 30 percent of their export proceeds in onshore accounts for three months, a rule that has helped add dollars to the banking system.

Indonesia's foreign exchange reserves stood at 145.1 billion dollars at the end of January, enough to pay for about six months of imports and government external debt, the central bank said.

The central bank's next policy meeting is scheduled for March 19 and 20. Warjiyo said the board would continue to watch the direction of US interest rates, the strength of the dollar and domestic inflation before deciding whether there was room to ease policy."""

TEASER_ID = """Jakarta Dikepung Banjir, 1.245 Warga Mengungsi

Hujan deras sejak Sabtu malam membuat 78 RT di Jakarta terendam. BPBD mengerahkan perahu karet ke titik terparah.

Baca selengkapnya: {url}"""

TEASER_EN = """Bank Indonesia holds rate at 6% to support the rupiah

The central bank kept its benchmark rate unchanged for a fourth month as the currency slid against a strong dollar.

Read more: {url}"""


def article_page(title: str, text: str, *, site: str | None = None, date: str | None = None) -> str:
    """A news page around `text`, as a site would serve it."""
    from html import escape

    meta = [f'<meta property="og:title" content="{escape(title)}">']
    meta.append('<meta property="og:type" content="article">')
    if site:
        meta.append(f'<meta property="og:site_name" content="{escape(site)}">')
    if date:
        meta.append(f'<meta property="article:published_time" content="{date}T08:00:00+07:00">')
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"{''.join(meta)}</head><body><header><nav><a href='/'>Beranda</a></nav></header>"
        f"<main><article><h1>{escape(title)}</h1>{paragraphs}</article></main>"
        "<footer>Hak cipta</footer></body></html>"
    )
