"""Word lists and character classes that several parts of the engine recognise, in one place:
calendar words, speech verbs, connectives, related-link markers, outlet names and CJK scripts.
"""

from __future__ import annotations

INDONESIAN_WEEKDAYS = r"Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu"
ENGLISH_WEEKDAYS = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
INDONESIAN_MONTHS = (
    r"Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
)
# Only those not spelled like the Indonesian ones (April, September, November are).
ENGLISH_MONTHS = r"January|February|March|May|June|July|August|October|December"
MONTH_ABBREVIATIONS = r"Jan|Feb|Mar|Apr|Jun|Jul|Agu|Agt|Aug|Sep|Sept|Okt|Oct|Nov|Des|Dec"
# Every month name written out, Indonesian and English.
MONTHS = f"{INDONESIAN_MONTHS}|{ENGLISH_MONTHS}"
WEEKDAYS = f"{INDONESIAN_WEEKDAYS}|Ahad|{ENGLISH_WEEKDAYS}"

# Verbs that attribute speech: "..., kata Medinsky", "ujarnya", "he told reporters".
SPEECH_VERBS = (
    r"kata|ujar|ucap|tutur|jelas|terang|ungkap|sebut|tegas|imbuh|tambah|papar|lanjut|"
    r"pungkas|mengatakan|menyebutkan|menjelaskan|menegaskan|mengungkapkan|menuturkan|"
    r"said|says|told|added"
)

# Words that open a sentence leaning on the one before it (a pronoun or a connective): such
# a sentence reads badly on its own, at the top of a summary or as a bullet.
CONNECTIVES = frozenset(
    """
    ia dia mereka beliau kami kita saya aku ini itu tersebut hal namun tetapi tapi sementara
    sedangkan selain kemudian lalu bahkan padahal meski meskipun walau walaupun sebelumnya
    selanjutnya adapun karena sehingga maka jadi pun juga sebab apalagi atau dan serta begitu
    makanya akibatnya kendati menurutnya katanya nah oleh
    he she they it this that these those but however meanwhile also and so yet still moreover
    his her their its
    """.split()
)

# Verbs that announce a link to another article: "Baca juga: ...", "(Simak: ...)".
RELATED_LINK_VERBS = r"baca|simak|lihat"
# How a line that links to another article or a video opens: "Baca juga", "Simak pula",
# "Tonton video", "Baca selengkapnya" (case-insensitive; "_" as some sites write it).
RELATED_LINK_OPENER = (
    rf"(?:{RELATED_LINK_VERBS}|tonton|saksikan|cek)[\s_]+(?:juga|pula|video|selengkapnya)\b"
)

# Chinese and Japanese characters (kana, Han), and Korean Hangul. Chinese and Japanese are
# written without spaces between words; Korean is spaced, but a word holds fewer characters.
HAN_AND_KANA = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HANGUL = r"\uac00-\ud7af"
CJK_CHARACTERS = HAN_AND_KANA + HANGUL

# News outlets whose name opens a lead ("Merdeka.com -", "JAKARTA, KOMPAS.com -",
# "New York (ANTARA News) -"); a name ending in a web domain is recognised without a list.
OUTLETS = (
    r"ANTARA(?:\s+News)?|Antaranews(?:\.com)?|KOMPAS(?:\.com)?|Kompas|TEMPO(?:\.CO)?|"
    r"Tempo(?:\.co)?|CNN(?:\s+Indonesia)?|Reuters|AFP|AP|Bernama|Xinhua|BBC|"
    r"Liputan6(?:\.com)?|Okezone|Detik(?:com)?|detikcom|Republika|Tribunnews(?:\.com)?|"
    r"VIVA(?:\.co\.id)?|Suara\.com|Merdeka\.com|JUARA\.net|Bola\.com|Kumparan|kumparan|"
    r"Beritasatu|Sindonews|Metrotvnews|Medcom|Jawapos|JPNN"
)

# A wire or staff photographer's credit in brackets: "(REUTERS / Danny Moloshok)", "(AP
# Photo/Evan Vucci)", "(ANTARA FOTO/Nova Wahyudi)", "(Kabar6.com/Herman Zakaria)": a photo
# agency or a web domain, a slash, and a person's name of two to four capitalised words.
# Case-sensitive. (Editor initials, "(Mvi/Ali)", and party pairs, "(PDIP/Partai Golkar)",
# are not credits.)
PHOTO_AGENCIES = r"REUTERS|Reuters|AFP|AP|ANTARA|Antara|EPA(?:-EFE)?|XINHUA|Xinhua|Bernama|Getty"
PHOTO_CREDIT = (
    rf"\(\s*(?:(?:{PHOTO_AGENCIES})(?:\s+(?:FOTO|Foto|Photo|PHOTO|Images))?"
    r"|[A-Za-z][\w-]*\.(?:com|co\.id|id|net|co))"
    r"\s*/\s*[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){1,3}\s*\)"
)
