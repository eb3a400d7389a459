"""Telling an article from a link or chit-chat in a message."""

from handlers.requests import SummaryRequest
from web.urls import find_urls


def request_for(text: str) -> SummaryRequest:
    return SummaryRequest(text, tuple(find_urls(text)))


def test_a_long_bare_link_is_a_link_not_an_article() -> None:
    text = "kompas.com/read/2023/02/28/rusia-ukraina?" + "utm_source=berbagi&" * 12
    request = request_for(text)
    assert request.links
    assert not request.looks_like_article


def test_an_article_with_a_source_link_is_an_article() -> None:
    article = "Harga cabai rawit di pasar tradisional naik tajam pekan ini. " * 5
    request = request_for(article + "\nSumber: https://example.com/berita/123")
    assert request.looks_like_article


def test_a_few_words_are_chit_chat() -> None:
    assert not request_for("halo bot, apa kabar?").looks_like_article


def test_a_short_chinese_article_counts_as_an_article() -> None:
    article = "今天上午，雅加达发生大规模洪水，数千名居民被迫撤离家园。" * 5
    assert request_for(article).looks_like_article
