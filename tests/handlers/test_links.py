"""The teaser rule and the plan of replies for a message with links."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.links import _REFUSED_LINK, TargetKind, is_full_article, plan_request, refused_links
from handlers.requests import SummaryRequest
from tests.e2e.articles import BANJIR, RATES, TEASER_EN, TEASER_ID
from web.urls import find_urls

URL = "https://www.kompas.com/read/2024/02/04/banjir-jakarta"


def plan_for(text: str, max_links: int = 5):  # type: ignore[no-untyped-def]
    return plan_request(SummaryRequest(text, tuple(find_urls(text))), max_links)


def test_channel_teasers_are_not_full_articles() -> None:
    assert not is_full_article(TEASER_ID.format(url=URL), (URL,))
    assert not is_full_article(TEASER_EN.format(url=URL), (URL,))
    assert not is_full_article("Tolong dibaca, penting: " + URL, (URL,))


def test_whole_articles_are_full_articles(sample_article: str) -> None:
    assert is_full_article(sample_article)
    assert is_full_article(BANJIR)
    assert is_full_article(RATES)


def test_a_teaser_asks_for_the_linked_article() -> None:
    [target] = plan_for(TEASER_ID.format(url=URL)).targets
    assert (target.kind, target.value) == (TargetKind.LINK, URL)


def test_an_article_ending_with_its_link_is_summarized_with_the_link_as_source() -> None:
    [target] = plan_for(BANJIR + "\n\nSumber: " + URL).targets
    assert target.kind is TargetKind.TEXT
    assert target.source_url == URL


def test_an_article_with_a_link_in_the_middle_has_no_source() -> None:
    paragraphs = BANJIR.split("\n\n")
    text = "\n\n".join([*paragraphs[:3], "Baca juga: " + URL, *paragraphs[3:]])
    [target] = plan_for(text).targets
    assert target.kind is TargetKind.TEXT and target.source_url is None


def test_links_come_in_message_order_once_each_up_to_the_cap() -> None:
    links = [f"https://detik.com/berita/{n}" for n in range(7)]
    text = "\n".join([links[0], links[0] + "?utm_source=wa", *links[1:]])
    plan = plan_for(text)
    assert [t.value for t in plan.targets] == links[:5]
    assert plan.beyond_cap == tuple(links[5:])


def test_links_we_never_open_keep_their_place_among_the_others() -> None:
    text = f"{URL}\nftp://files.example.com/a.txt\nhttps://detik.com/b"
    kinds = [t.kind for t in plan_for(text).targets]
    assert kinds == [TargetKind.LINK, TargetKind.REFUSED, TargetKind.LINK]


def test_chit_chat_without_links_plans_nothing() -> None:
    assert plan_for("halo, apa kabar?").empty


_SCHEME_PIECES = st.sampled_from(
    ["ftp://", "sftp://", "FTPS://", "file://", "JavaScript:", "javascr", "ipt", "İpt",
     "ıpt", "java", "ſcript", ":", "//", " ", "host", "/x", "K", "\n", "https://", "a"]
)  # fmt: skip


@given(st.lists(_SCHEME_PIECES, max_size=20).map("".join))
def test_the_quick_check_before_the_refused_link_search_never_hides_one(text: str) -> None:
    assert refused_links(text) == list(dict.fromkeys(_REFUSED_LINK.findall(text)))


@pytest.mark.parametrize("text", ["lihat javascrİpt:alert(1)", "javaſcript:void(0)", "FTP://x/y"])
def test_a_scheme_with_letters_the_search_folds_is_still_refused(text: str) -> None:
    assert refused_links(text) == [text.split()[-1]]
