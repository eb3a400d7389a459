"""Generated hostile pages: an article buried in tens of thousands of links (issue 11)."""

from __future__ import annotations

_PARAGRAPHS = (
    "Pemerintah Kota Bandung mulai menguji coba bus listrik di jalur Dago pada Senin pagi.",
    "Sepuluh armada melayani penumpang dari terminal Dago hingga kawasan Simpang setiap hari.",
    "Tarif uji coba ditetapkan gratis selama dua pekan pertama, kata kepala dinas perhubungan.",
    "Warga menyambut baik layanan ini karena bus berangkat setiap lima belas menit sekali.",
)


def many_links_page(links: int = 20_000) -> str:
    """An article page followed by `links` headline-like links in one list, about 55 bytes
    per link (20,000 links: about 1.1 MB)."""
    items = "".join(
        f'<li><a href="/b/{i}">Kabar nomor {i} dari kota</a></li>' for i in range(links)
    )
    body = "".join(f"<p>{paragraph}</p>" for paragraph in _PARAGRAPHS)
    return (
        "<html><head><title>Bus Listrik Diuji di Dago</title></head><body>"
        f"<article><h1>Bus Listrik Diuji di Dago</h1>{body}</article>"
        f"<aside><ul>{items}</ul></aside></body></html>"
    )
