"""Word lists that several parts of the engine recognise: calendar words and speech verbs."""

from __future__ import annotations

INDONESIAN_WEEKDAYS = r"Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu"
ENGLISH_WEEKDAYS = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
INDONESIAN_MONTHS = (
    r"Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
)
# Only those not spelled like the Indonesian ones (April, September, November are).
ENGLISH_MONTHS = r"January|February|March|May|June|July|August|October|December"
MONTH_ABBREVIATIONS = r"Jan|Feb|Mar|Apr|Jun|Jul|Agu|Agt|Aug|Sep|Sept|Okt|Oct|Nov|Des|Dec"

# Verbs that attribute speech: "..., kata Medinsky", "ujarnya", "he told reporters".
SPEECH_VERBS = (
    r"kata|ujar|ucap|tutur|jelas|terang|ungkap|sebut|tegas|imbuh|tambah|papar|lanjut|"
    r"pungkas|mengatakan|menyebutkan|menjelaskan|menegaskan|mengungkapkan|menuturkan|"
    r"said|says|told|added"
)
