"""Everything the bot says to people, in Indonesian and English.

Texts are Telegram HTML: placeholders are filled with already-escaped values by the caller.
"""

from __future__ import annotations

INTERFACE_LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

LANGUAGE_NAMES = {
    "id": {
        "id": "Indonesia", "en": "Inggris", "ms": "Melayu", "fr": "Prancis", "de": "Jerman",
        "es": "Spanyol", "pt": "Portugis", "it": "Italia", "nl": "Belanda", "ru": "Rusia",
        "ar": "Arab", "zh-cn": "Mandarin", "zh": "Mandarin", "ja": "Jepang", "ko": "Korea",
        "tl": "Tagalog", "vi": "Vietnam", "th": "Thai", "tr": "Turki", "hi": "Hindi",
        "jv": "Jawa", "su": "Sunda", "he": "Ibrani", "fa": "Persia", "ur": "Urdu",
    },
    "en": {
        "id": "Indonesian", "en": "English", "ms": "Malay", "fr": "French", "de": "German",
        "es": "Spanish", "pt": "Portuguese", "it": "Italian", "nl": "Dutch", "ru": "Russian",
        "ar": "Arabic", "zh-cn": "Chinese", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
        "tl": "Tagalog", "vi": "Vietnamese", "th": "Thai", "tr": "Turkish", "hi": "Hindi",
        "jv": "Javanese", "su": "Sundanese", "he": "Hebrew", "fa": "Persian", "ur": "Urdu",
    },
}  # fmt: skip

_TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "start": (
            "Halo! Saya <b>Ringkas</b> 👋 Saya meringkas berita: setiap kalimat diambil apa "
            "adanya dari artikel, ditambah fakta kuncinya.\n\n"
            "Coba sekarang: kirim tautan berita, misalnya\n"
            "<code>https://www.kompas.com/...</code>\n"
            "atau teruskan (forward) teks artikelnya ke sini.\n\n"
            "/help berisi semua perintah dan aturannya."
        ),
        "start_group": (
            "Halo! Saya <b>Ringkas</b> 👋 Di grup, saya hanya bekerja kalau dipanggil:\n"
            "• balas (reply) pesan berisi artikel, tautan, atau berkas dengan /ringkas "
            "(ringkasan) atau /fakta (fakta kunci);\n"
            "• atau tulis <code>/ringkas &lt;tautan&gt;</code>.\n"
            "Pengaturan grup (/panjang, /bahasa) hanya bisa diubah admin. /help untuk "
            "selengkapnya."
        ),
        "group_hello": (
            "Halo semua! Saya <b>Ringkas</b>, peringkas berita 👋\n"
            "Balas (reply) pesan berisi artikel, tautan, atau berkas dengan /ringkas untuk "
            "ringkasan, atau /fakta untuk fakta kunci. Admin bisa mengatur panjang ringkasan "
            "(/panjang) dan bahasa (/bahasa)."
        ),
        "help": (
            "<b>Ringkas</b> merangkum berita untuk Anda.\n\n"
            "• Teruskan (forward) atau tempel teks artikel, atau kirim tautan berita: "
            "saya balas dengan ringkasan dan fakta kuncinya. Teks panjang yang dipecah "
            "Telegram menjadi beberapa pesan saya gabung lagi.\n"
            "• Beberapa tautan dalam satu pesan: masing-masing saya ringkas (paling banyak "
            "{max_links}), satu balasan per tautan.\n"
            "• Berkas: .txt, .pdf (yang berisi teks, bukan hasil pindaian), .docx dan .html, "
            "sampai 20 MB.\n"
            "• Pesan yang Anda sunting: balasan saya ikut diperbarui.\n"
            "• /ringkas: ringkas teks, tautan, atau berkas setelah perintah, atau balas (reply) "
            "sebuah pesan dengan /ringkas. <code>/ringkas 5 ...</code> memberi 5 kalimat.\n"
            "• /fakta: fakta kunci (angka, tanggal, siapa berkata apa).\n"
            "• /panjang N: panjang ringkasan bawaan di obrolan ini (1 sampai 10 kalimat).\n"
            "• /bahasa id atau /bahasa en: bahasa antarmuka.\n"
            "• Di grup: balas pesan dengan /ringkas atau /fakta; /panjang dan /bahasa hanya "
            "untuk admin.\n\n"
            "Setiap kalimat diambil apa adanya dari artikel, tidak dikarang.\n\n"
            "<b>Yang disimpan:</b> hasil ringkasan dan teks artikel, dikunci dengan sidik "
            "(hash) teksnya atau alamat tautannya, tanpa siapa pengirimnya, selama "
            "{retention}; serta pengaturan obrolan ini (panjang ringkasan, bahasa). "
            "Pesan Anda tidak disimpan atas nama Anda."
        ),
        "summary_title": "Ringkasan",
        "facts_title": "Fakta kunci",
        "no_facts": "Tidak ada fakta kunci (angka, tanggal, kutipan) yang menonjol di artikel ini.",
        "article_language": "Artikel berbahasa {language}.",
        "unknown_language": "Bahasa artikel tidak dapat dipastikan; ringkasan dibuat tanpa "
        "aturan khusus bahasa.",
        "generic_language": "Artikel berbahasa {language}; ringkasan dibuat tanpa aturan "
        "khusus bahasa itu.",
        "truncated": "Artikel sangat panjang; hanya bagian awalnya yang dianalisis.",
        "more_pages": (
            "Artikel ini bersambung ke beberapa halaman; hanya {pages} halaman yang terbaca."
        ),
        "extraction_unsure": (
            "Halaman ini sulit dibaca dengan pasti: periksa ringkasan dengan artikel aslinya."
        ),
        "several_links": "Pesan ini berisi {count} tautan; saya meringkas {cap} yang "
        "pertama. Tidak diringkas: {links}",
        "source": "Sumber",
        "facts_heading": "Fakta kunci",
        "button_all_facts": "🔑 Semua fakta ({count})",
        "burst_queued": "Anda mengirim banyak sekaligus 🙂 Sisanya saya kerjakan berurutan; "
        "yang berikutnya dalam sekitar {seconds} detik.",
        "burst_skipped": "Terlalu banyak sekaligus, jadi yang ini tidak saya kerjakan (kirim "
        "ulang sebentar lagi):\n{items}",
        "rate_limited_button": "Pelan-pelan ya 🙂 Coba tombolnya lagi dalam {seconds} detik.",
        "admins_only": "Maaf, di grup ini pengaturan hanya bisa diubah oleh admin grup.",
        "admin_check_failed": "Saya belum bisa memeriksa apakah Anda admin grup ini. Coba "
        "lagi sebentar lagi.",
        "document_too_big": "Berkas ini {size} MB, sedangkan bot Telegram hanya boleh "
        "mengunduh berkas sampai 20 MB. Kirim teksnya atau tautannya saja.",
        "document_unsupported": "Saya bisa membaca berkas .txt, .pdf (yang berisi teks), .docx "
        "dan .html; berkas ini ({name}) bukan salah satunya.",
        "document_no_text": "PDF ini tidak punya lapisan teks (sepertinya hasil pindaian atau "
        "foto halaman), jadi tidak ada teks yang bisa saya baca.",
        "document_encrypted": "Berkas ini dikunci dengan kata sandi, jadi tidak bisa saya buka.",
        "document_corrupt": "Berkas ini rusak atau isinya tidak sesuai jenisnya, jadi tidak "
        "bisa saya baca.",
        "document_empty": "Berkas ini kosong; tidak ada teks untuk diringkas.",
        "document_not_article": "Berkas HTML ini tidak berisi artikel yang bisa diringkas.",
        "document_download_failed": "Berkas ini gagal saya unduh dari Telegram. Coba kirim "
        "ulang sebentar lagi.",
        "document_pages_read": "Dokumen panjang: yang saya baca {pages} halaman pertama dari "
        "{total}.",
        "document_start_read": "Dokumen panjang: yang saya baca hanya bagian awalnya.",
        "button_facts": "🔑 Fakta kunci",
        "button_summary": "📝 Ringkasan",
        "button_longer": "➕ Lebih panjang",
        "button_shorter": "➖ Lebih pendek",
        "hint_short": "Kirimkan teks artikel berita (minimal beberapa kalimat) atau tautannya, "
        "dan saya buatkan ringkasannya. Ketik /help untuk bantuan.",
        "usage_ringkas": "Cara pakai: <code>/ringkas &lt;teks atau tautan&gt;</code>, "
        "<code>/ringkas 5 &lt;teks&gt;</code> untuk 5 kalimat, atau balas (reply) sebuah "
        "pesan berisi artikel dengan /ringkas.",
        "usage_fakta": "Cara pakai: <code>/fakta &lt;teks atau tautan&gt;</code>, atau balas "
        "(reply) sebuah pesan berisi artikel dengan /fakta.",
        "usage_panjang": "Cara pakai: <code>/panjang N</code> dengan N dari 1 sampai 10. "
        "Sekarang: {current} kalimat.",
        "usage_bahasa": "Cara pakai: <code>/bahasa id</code> atau <code>/bahasa en</code>.",
        "length_set": "Siap: ringkasan di obrolan ini kini {count} kalimat.",
        "language_set": "Siap: saya akan menjawab dalam bahasa Indonesia.",
        "setting_not_saved": "Maaf, pengaturan ini tidak bisa saya simpan sekarang, jadi "
        "belum berubah. Silakan coba lagi sebentar lagi.",
        "too_short": "Teks ini terlalu pendek untuk diringkas. Kirimkan artikel yang lebih "
        "panjang (beberapa kalimat) atau tautannya.",
        "empty": "Pesan ini tidak berisi teks untuk diringkas.",
        "no_text": "Saya bisa membaca teks, tautan, dan berkas (.txt, .pdf, .docx, .html). "
        "Foto atau stiker tanpa keterangan tidak bisa diringkas.",
        "error": "Maaf, terjadi kesalahan saat memproses pesan ini. Silakan coba lagi sebentar "
        "lagi.",
        "busy": "Maaf, saya sedang sibuk: banyak artikel sedang antre. Pesan ini tidak saya "
        "ringkas; kirim lagi dalam sekitar {seconds} detik.",
        "too_slow": "Halaman atau teks ini terlalu besar atau terlalu lama diproses, jadi tidak "
        "saya ringkas.",
        "expired": "Artikel ini sudah tidak ada di ingatan saya. Kirim ulang teks atau tautannya.",
        "not_article": "Tautan ini tidak tampak seperti artikel berita (mungkin halaman "
        "depan, daftar berita, tabel, atau video), jadi tidak saya ringkas.",
        "link_refused": "Tautan ini tidak bisa saya buka: {reason}",
        "link_failed": "Halaman ini gagal diambil: {reason}",
        "fetch_invalid_url": "alamatnya tidak valid.",
        "fetch_unsupported_scheme": "hanya tautan http dan https yang didukung.",
        "fetch_blocked_address": "alamat itu tidak boleh diakses (jaringan lokal atau privat).",
        "fetch_dns_failure": "nama situsnya tidak ditemukan.",
        "fetch_too_many_redirects": "terlalu banyak pengalihan (redirect).",
        "fetch_timeout": "situsnya terlalu lama menjawab.",
        "fetch_too_large": "halamannya terlalu besar.",
        "fetch_not_html": "isinya bukan halaman web (misalnya PDF atau gambar).",
        "fetch_http_error": "situsnya menjawab dengan halaman galat (misalnya 404).",
        "fetch_connection_error": "situsnya tidak bisa dihubungi.",
        "command_start": "Mulai",
        "command_help": "Cara memakai bot ini",
        "command_ringkas": "Ringkas teks atau tautan berita",
        "command_fakta": "Fakta kunci dari teks atau tautan berita",
        "command_panjang": "Atur panjang ringkasan (1-10 kalimat)",
        "command_bahasa": "Bahasa antarmuka (id/en)",
        "description": "Ringkas meringkas berita berbahasa Indonesia dan Inggris: kirim "
        "tautan, teks artikel, atau berkas (.txt, .pdf, .docx, .html), dan saya balas dengan "
        "ringkasan singkat plus fakta kuncinya. Setiap kalimat diambil apa adanya dari "
        "artikel. Di grup: balas pesan dengan /ringkas.",
        "short_description": "Ringkasan berita dan fakta kunci dari tautan, teks, atau berkas.",
    },
    "en": {
        "start": (
            "Hello! I am <b>Ringkas</b> 👋 I summarize news: every sentence is taken word for "
            "word from the article, plus its key facts.\n\n"
            "Try it now: send a news link, for example\n"
            "<code>https://www.thejakartapost.com/...</code>\n"
            "or forward an article's text here.\n\n"
            "/help lists every command and rule."
        ),
        "start_group": (
            "Hello! I am <b>Ringkas</b> 👋 In a group I only work when asked:\n"
            "• reply to a message with an article, a link or a file with /ringkas (summary) "
            "or /fakta (key facts);\n"
            "• or write <code>/ringkas &lt;link&gt;</code>.\n"
            "Only admins can change the group's settings (/panjang, /bahasa). /help for more."
        ),
        "group_hello": (
            "Hello everyone! I am <b>Ringkas</b>, a news summarizer 👋\n"
            "Reply to a message with an article, a link or a file with /ringkas for a summary, "
            "or /fakta for the key facts. Admins can set the summary length (/panjang) and "
            "the language (/bahasa)."
        ),
        "help": (
            "<b>Ringkas</b> summarizes news for you.\n\n"
            "• Forward or paste an article's text, or send a news link: I reply with a "
            "summary and its key facts. Long texts that Telegram splits into several "
            "messages are joined again.\n"
            "• Several links in one message: I summarize each (at most {max_links}), one "
            "reply per link.\n"
            "• Files: .txt, .pdf (with text, not a scan), .docx and .html, up to 20 MB.\n"
            "• Messages you edit: my reply is updated too.\n"
            "• /ringkas: summarize the text, link or file after the command, or reply to a "
            "message with /ringkas. <code>/ringkas 5 ...</code> gives 5 sentences.\n"
            "• /fakta: key facts (figures, dates, who said what).\n"
            "• /panjang N: default summary length in this chat (1 to 10 sentences).\n"
            "• /bahasa id or /bahasa en: interface language.\n"
            "• In groups: reply to a message with /ringkas or /fakta; only admins may use "
            "/panjang and /bahasa.\n\n"
            "Every sentence is taken word for word from the article, never invented.\n\n"
            "<b>What is stored:</b> summaries and article texts, keyed by a hash of the text "
            "or by the link's address, without who sent them, for {retention}; and this "
            "chat's settings (summary length, language). Your messages are not stored "
            "under your name."
        ),
        "summary_title": "Summary",
        "facts_title": "Key facts",
        "no_facts": "No key facts (figures, dates, quotes) stand out in this article.",
        "article_language": "The article is in {language}.",
        "unknown_language": "The article's language is unclear; the summary was made without "
        "language-specific rules.",
        "generic_language": "The article is in {language}; the summary was made without "
        "rules specific to that language.",
        "truncated": "The article is very long; only its beginning was analysed.",
        "more_pages": "This article runs over several pages; only {pages} could be read.",
        "extraction_unsure": (
            "This page was hard to read with certainty: check the summary against the article."
        ),
        "several_links": "Your message has {count} links; I summarized the first {cap}. "
        "Not summarized: {links}",
        "source": "Source",
        "facts_heading": "Key facts",
        "button_all_facts": "🔑 All key facts ({count})",
        "burst_queued": "You sent a lot at once 🙂 I will work through the rest in order; "
        "the next one in about {seconds} s.",
        "burst_skipped": "Too many at once, so I did not work on these (send them again in "
        "a moment):\n{items}",
        "rate_limited_button": "Easy there 🙂 Try the button again in {seconds} seconds.",
        "admins_only": "Sorry, in this group only the group's admins can change settings.",
        "admin_check_failed": "I cannot check whether you are an admin of this group right "
        "now. Please try again in a moment.",
        "document_too_big": "This file is {size} MB, and Telegram lets bots download files "
        "of up to 20 MB only. Send its text or its link instead.",
        "document_unsupported": "I can read .txt, .pdf (with text), .docx and .html files; "
        "this file ({name}) is none of them.",
        "document_no_text": "This PDF has no text layer (it looks like a scan or photos of "
        "pages), so there is no text I can read.",
        "document_encrypted": "This file is locked with a password, so I cannot open it.",
        "document_corrupt": "This file is damaged or not what its type says, so I cannot read it.",
        "document_empty": "This file is empty: there is no text to summarize.",
        "document_not_article": "This HTML file holds no article to summarize.",
        "document_download_failed": "I could not download this file from Telegram. Please "
        "send it again in a moment.",
        "document_pages_read": "Long document: I read the first {pages} pages of {total}.",
        "document_start_read": "Long document: I read only its beginning.",
        "button_facts": "🔑 Key facts",
        "button_summary": "📝 Summary",
        "button_longer": "➕ Longer",
        "button_shorter": "➖ Shorter",
        "hint_short": "Send me a news article's text (at least a few sentences) or its link, "
        "and I will summarize it. Type /help for help.",
        "usage_ringkas": "Usage: <code>/ringkas &lt;text or link&gt;</code>, "
        "<code>/ringkas 5 &lt;text&gt;</code> for 5 sentences, or reply to a message with an "
        "article using /ringkas.",
        "usage_fakta": "Usage: <code>/fakta &lt;text or link&gt;</code>, or reply to a "
        "message with an article using /fakta.",
        "usage_panjang": "Usage: <code>/panjang N</code> with N from 1 to 10. Now: {current} "
        "sentences.",
        "usage_bahasa": "Usage: <code>/bahasa id</code> or <code>/bahasa en</code>.",
        "length_set": "Done: summaries in this chat are now {count} sentences long.",
        "language_set": "Done: I will answer in English.",
        "setting_not_saved": "Sorry, I could not save this setting right now, so nothing "
        "changed. Please try again in a moment.",
        "too_short": "This text is too short to summarize. Send a longer article (a few "
        "sentences) or its link.",
        "empty": "This message has no text to summarize.",
        "no_text": "I can read text, links and files (.txt, .pdf, .docx, .html). A photo or "
        "sticker without a caption cannot be summarized.",
        "error": "Sorry, something went wrong while handling this message. Please try again "
        "in a moment.",
        "busy": "Sorry, I am busy: many articles are waiting. I did not summarize this one; "
        "send it again in about {seconds} seconds.",
        "too_slow": "This page or text is too large or took too long to process, so I did not "
        "summarize it.",
        "expired": "I no longer have this article. Send its text or link again.",
        "not_article": "This link does not look like a news article (perhaps a home page, a "
        "list of headlines, a table or a video), so I did not summarize it.",
        "link_refused": "I cannot open this link: {reason}",
        "link_failed": "Fetching this page failed: {reason}",
        "fetch_invalid_url": "the address is not valid.",
        "fetch_unsupported_scheme": "only http and https links are supported.",
        "fetch_blocked_address": "that address may not be accessed (a local or private network).",
        "fetch_dns_failure": "the site's name was not found.",
        "fetch_too_many_redirects": "too many redirects.",
        "fetch_timeout": "the site took too long to answer.",
        "fetch_too_large": "the page is too large.",
        "fetch_not_html": "it is not a web page (a PDF or an image, for example).",
        "fetch_http_error": "the site answered with an error page (a 404, for example).",
        "fetch_connection_error": "the site could not be reached.",
        "command_start": "Start",
        "command_help": "How to use this bot",
        "command_ringkas": "Summarize a news text or link",
        "command_fakta": "Key facts from a news text or link",
        "command_panjang": "Set the summary length (1-10 sentences)",
        "command_bahasa": "Interface language (id/en)",
        "description": "Ringkas summarizes news in Indonesian and English: send a link, an "
        "article's text or a file (.txt, .pdf, .docx, .html) and I reply with a short "
        "summary plus its key facts. Every sentence is taken word for word from the "
        "article. In groups: reply to a message with /ringkas.",
        "short_description": "News summaries and key facts from links, texts and files.",
    },
}

COMMANDS = ("start", "help", "ringkas", "fakta", "panjang", "bahasa")


def interface_language(code: str | None) -> str:
    """The interface language for a Telegram language code ("en-GB" -> "en")."""
    base = (code or "").split("-")[0].lower()
    return base if base in INTERFACE_LANGUAGES else DEFAULT_LANGUAGE


def text(language: str, key: str, /, **values: object) -> str:
    template = _TEXTS.get(language, _TEXTS[DEFAULT_LANGUAGE])[key]
    return template.format(**values) if values else template


MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
        "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
}  # fmt: skip


def month_name(language: str, month: int) -> str:
    return MONTHS.get(language, MONTHS[DEFAULT_LANGUAGE])[month - 1]


def language_name(interface: str, code: str) -> str:
    return LANGUAGE_NAMES[interface].get(code, code)


def command_menu(language: str) -> list[tuple[str, str]]:
    return [(command, text(language, f"command_{command}")) for command in COMMANDS]
