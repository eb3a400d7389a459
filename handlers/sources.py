"""How a source is named under a title: the site's own name and a date written the reader's way.

Page metadata often names a site by its social-media handle ("VIVAcoid", "Mediaindonesia")
because trafilatura falls back on twitter:site when og:site_name is missing. The big
Indonesian outlets get their name from a small table; for the rest, a name that is only the
host squeezed together gives way to the host itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

# How the outlets write their own names (mastheads), by registered domain.
SITE_NAMES = {
    "antaranews.com": "ANTARA News",
    "beritasatu.com": "Beritasatu",
    "bisnis.com": "Bisnis.com",
    "cnbcindonesia.com": "CNBC Indonesia",
    "cnnindonesia.com": "CNN Indonesia",
    "detik.com": "detikcom",
    "idntimes.com": "IDN Times",
    "inews.id": "iNews.id",
    "jakartaglobe.id": "Jakarta Globe",
    "jawapos.com": "Jawa Pos",
    "jpnn.com": "JPNN.com",
    "kapanlagi.com": "KapanLagi.com",
    "katadata.co.id": "Katadata",
    "kompas.com": "Kompas.com",
    "kompas.id": "Kompas.id",
    "kompas.tv": "Kompas TV",
    "kontan.co.id": "Kontan",
    "kumparan.com": "kumparan",
    "liputan6.com": "Liputan6.com",
    "mediaindonesia.com": "Media Indonesia",
    "merdeka.com": "Merdeka.com",
    "metrotvnews.com": "Metro TV News",
    "okezone.com": "Okezone",
    "pikiran-rakyat.com": "Pikiran Rakyat",
    "republika.co.id": "Republika",
    "sindonews.com": "SINDOnews",
    "suara.com": "Suara.com",
    "tempo.co": "Tempo.co",
    "thejakartapost.com": "The Jakarta Post",
    "tirto.id": "Tirto.id",
    "tribunnews.com": "Tribunnews.com",
    "viva.co.id": "VIVA.co.id",
    "voaindonesia.com": "VOA Indonesia",
}
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]")


def _host(url: str | None) -> str | None:
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _known(host: str) -> str | None:
    for domain, name in SITE_NAMES.items():
        if host == domain or host.endswith("." + domain):
            return name
    return None


def site_name(metadata_name: str | None, url: str | None) -> str | None:
    """The name to show for a page's site: table, else metadata, else the host."""
    host = _host(url)
    if host:
        known = _known(host)
        if known:
            return known
    if not metadata_name:
        return host
    if host and _is_squeezed_host(metadata_name, host):
        return host
    return metadata_name


def _is_squeezed_host(name: str, host: str) -> bool:
    """'VIVAcoid' for viva.co.id, 'Mediaindonesia' for mediaindonesia.com: a handle."""
    squeezed = _NOT_ALPHANUMERIC.sub("", name.lower())
    labels = host.split(".")
    candidates = {"".join(labels), labels[0], "".join(labels[:-1])}
    return " " not in name.strip() and squeezed in candidates


def reader_date(
    iso: str | None, language: str, month_name: Callable[[str, int], str]
) -> str | None:
    """'2023-11-02' as '2 November 2023' (month names in `language`); other input unchanged."""
    if not iso:
        return None
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {month_name(language, day.month)} {day.year}"
