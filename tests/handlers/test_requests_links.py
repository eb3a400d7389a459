"""A message made of many links is a list of links, however the links overlap."""

from handlers.requests import SummaryRequest
from web.urls import find_urls


def request_for(text: str) -> SummaryRequest:
    return SummaryRequest(text, tuple(dict.fromkeys(find_urls(text))))


def test_links_that_are_prefixes_of_other_links_leave_no_prose_behind() -> None:
    text = "\n".join(f"https://arsip.example.id/berita?i={i}" for i in range(1, 101))
    request = request_for(text)
    assert len(request.links) == 100
    assert request.prose == ""
    assert not request.looks_like_article


def test_a_bare_link_and_its_longer_sibling_are_both_removed() -> None:
    text = (
        "kompas.com/read/2024/banjir dan "
        "kompas.com/read/2024/banjir-jakarta-meluas-ke-tujuh-kecamatan-warga-mengungsi"
    )
    assert request_for(text).prose == "dan"


def test_an_article_with_overlapping_source_links_keeps_its_prose() -> None:
    article = "Harga cabai rawit di pasar tradisional naik tajam pekan ini. " * 5
    links = "Sumber: https://example.com/a?i=1 dan https://example.com/a?i=10"
    request = request_for(article + links)
    assert request.prose == (article + "Sumber:   dan").strip()
    assert request.looks_like_article
