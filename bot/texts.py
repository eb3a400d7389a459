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
        "help": (
            "<b>Ringkas</b> merangkum berita untuk Anda.\n\n"
            "• Teruskan (forward) atau tempel teks artikel, atau kirim tautan berita: "
            "saya balas dengan ringkasan.\n"
            "• /ringkas: ringkas teks atau tautan setelah perintah, atau balas (reply) sebuah "
            "pesan dengan /ringkas. <code>/ringkas 5 ...</code> memberi 5 kalimat.\n"
            "• /fakta: fakta kunci (angka, tanggal, siapa berkata apa).\n"
            "• /panjang N: panjang ringkasan bawaan di obrolan ini (1 sampai 10 kalimat).\n"
            "• /bahasa id atau /bahasa en: bahasa antarmuka.\n\n"
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
        "several_links": "Pesan berisi {count} tautan; yang saya ringkas tautan pertama.",
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
        "too_short": "Teks ini terlalu pendek untuk diringkas. Kirimkan artikel yang lebih "
        "panjang (beberapa kalimat) atau tautannya.",
        "empty": "Pesan ini tidak berisi teks untuk diringkas.",
        "no_text": "Saya hanya bisa membaca teks dan tautan. Kirimkan teks artikel atau "
        "tautannya (foto atau stiker tanpa keterangan tidak bisa diringkas).",
        "rate_limited": "Pelan-pelan ya 🙂 Anda sudah mengirim banyak permintaan. "
        "Coba lagi dalam {seconds} detik.",
        "error": "Maaf, terjadi kesalahan saat memproses pesan ini. Silakan coba lagi sebentar "
        "lagi.",
        "busy": "Maaf, saya sedang sibuk: banyak artikel sedang antre. Pesan ini tidak saya "
        "ringkas; kirim lagi dalam sekitar {seconds} detik.",
        "too_slow": "Halaman atau teks ini terlalu besar atau terlalu lama diproses, jadi tidak "
        "saya ringkas.",
        "expired": "Artikel ini sudah tidak ada di ingatan saya. Kirim ulang teks atau tautannya.",
        "not_article": "Tautan ini tidak tampak seperti artikel berita (mungkin halaman "
        "depan, daftar berita, atau video), jadi tidak saya ringkas.",
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
        "command_start": "Mulai dan bantuan",
        "command_help": "Cara memakai bot ini",
        "command_ringkas": "Ringkas teks atau tautan berita",
        "command_fakta": "Fakta kunci dari teks atau tautan berita",
        "command_panjang": "Atur panjang ringkasan (1-10 kalimat)",
        "command_bahasa": "Bahasa antarmuka (id/en)",
    },
    "en": {
        "help": (
            "<b>Ringkas</b> summarizes news for you.\n\n"
            "• Forward or paste an article's text, or send a news link: I reply with a "
            "summary.\n"
            "• /ringkas: summarize the text or link after the command, or reply to a message "
            "with /ringkas. <code>/ringkas 5 ...</code> gives 5 sentences.\n"
            "• /fakta: key facts (figures, dates, who said what).\n"
            "• /panjang N: default summary length in this chat (1 to 10 sentences).\n"
            "• /bahasa id or /bahasa en: interface language.\n\n"
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
        "several_links": "Your message has {count} links; I summarized the first one.",
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
        "too_short": "This text is too short to summarize. Send a longer article (a few "
        "sentences) or its link.",
        "empty": "This message has no text to summarize.",
        "no_text": "I can only read text and links. Send an article's text or link (a photo "
        "or sticker without a caption cannot be summarized).",
        "rate_limited": "Easy there 🙂 You have sent a lot of requests. Try again in "
        "{seconds} seconds.",
        "error": "Sorry, something went wrong while handling this message. Please try again "
        "in a moment.",
        "busy": "Sorry, I am busy: many articles are waiting. I did not summarize this one; "
        "send it again in about {seconds} seconds.",
        "too_slow": "This page or text is too large or took too long to process, so I did not "
        "summarize it.",
        "expired": "I no longer have this article. Send its text or link again.",
        "not_article": "This link does not look like a news article (perhaps a home page, a "
        "list of headlines or a video), so I did not summarize it.",
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
        "command_start": "Start and help",
        "command_help": "How to use this bot",
        "command_ringkas": "Summarize a news text or link",
        "command_fakta": "Key facts from a news text or link",
        "command_panjang": "Set the summary length (1-10 sentences)",
        "command_bahasa": "Interface language (id/en)",
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


def language_name(interface: str, code: str) -> str:
    return LANGUAGE_NAMES[interface].get(code, code)


def command_menu(language: str) -> list[tuple[str, str]]:
    return [(command, text(language, f"command_{command}")) for command in COMMANDS]
