import pytest
from hypothesis import given
from hypothesis import strategies as st

from web.urls import _links_in, _may_hold_a_link, find_urls, normalize_url


def test_finds_links_in_a_message_in_order() -> None:
    message = (
        "Berita hari ini: https://news.detik.com/berita/d-7001/banjir-jakarta dan "
        "http://www.kompas.com/read/2024/03/12/bus-listrik?page=all"
    )
    assert find_urls(message) == [
        "https://news.detik.com/berita/d-7001/banjir-jakarta",
        "http://www.kompas.com/read/2024/03/12/bus-listrik?page=all",
    ]


@pytest.mark.parametrize(
    "message,url",
    [
        ("Baca https://tempo.co/read/123.", "https://tempo.co/read/123"),
        ("(https://tempo.co/read/123)", "https://tempo.co/read/123"),
        ('"https://tempo.co/read/123",', "https://tempo.co/read/123"),
        ("lihat https://tempo.co/read/123; lalu", "https://tempo.co/read/123"),
        ("ini https://tempo.co/read/123!?", "https://tempo.co/read/123"),
        ("«https://tempo.co/read/123»", "https://tempo.co/read/123"),
        ("<https://tempo.co/read/123>", "https://tempo.co/read/123"),
        ("https://tempo.co/read/123…", "https://tempo.co/read/123"),
        ("[https://tempo.co/read/123]", "https://tempo.co/read/123"),
    ],
)
def test_trailing_punctuation_is_not_part_of_the_link(message: str, url: str) -> None:
    assert find_urls(message) == [url]


def test_balanced_parentheses_stay_in_the_link() -> None:
    message = "Lihat https://en.wikipedia.org/wiki/Java_(programming_language), ya"
    assert find_urls(message) == ["https://en.wikipedia.org/wiki/Java_(programming_language)"]


@pytest.mark.parametrize(
    "message,url",
    [
        ("cek www.kompas.com/read/2024/1/1/x ya", "https://www.kompas.com/read/2024/1/1/x"),
        ("sumber: detik.com/berita/d-123.", "https://detik.com/berita/d-123"),
        ("buka republika.co.id/berita/abc", "https://republika.co.id/berita/abc"),
        ("WWW.TEMPO.CO/read/1", "https://WWW.TEMPO.CO/read/1"),
    ],
)
def test_bare_links_get_https(message: str, url: str) -> None:
    assert find_urls(message) == [url]


@pytest.mark.parametrize(
    "message",
    [
        "kirim ke redaksi@kompas.com ya",
        "misalnya e.g. atau i.e. begitu",
        "buka file laporan.pdf dan data.txt",
        "harga naik jadi Rp.5.000 per kilo",
        "Jakarta.Selasa pagi hujan",
        "http:// saja",
        "tidak ada tautan di sini",
        "",
    ],
)
def test_text_without_links_yields_nothing(message: str) -> None:
    assert find_urls(message) == []


def test_repeated_link_is_listed_once() -> None:
    message = "https://a.example.com/x dan lagi https://a.example.com/x"
    assert find_urls(message) == ["https://a.example.com/x"]


def test_only_http_schemes_are_links() -> None:
    assert find_urls("ftp://files.example.com/a javascript:alert(1) file:///etc/passwd") == []


@given(st.text())
def test_find_urls_never_fails_and_returns_http_links(text: str) -> None:
    for url in find_urls(text):
        assert url.lower().startswith(("http://", "https://"))
        assert not any(ch.isspace() for ch in url)


def test_normalize_lowercases_scheme_and_host_and_drops_fragment_and_default_port() -> None:
    assert normalize_url("HTTPS://News.Detik.COM:443/Berita/D-1#komentar") == (
        "https://news.detik.com/Berita/D-1"
    )
    assert normalize_url("http://Example.com:80") == "http://example.com/"


def test_normalize_keeps_a_non_default_port() -> None:
    assert normalize_url("http://example.com:8080/a") == "http://example.com:8080/a"


def test_normalize_drops_tracking_parameters_and_sorts_the_rest() -> None:
    url = (
        "https://kompas.com/read/1?utm_source=wa&page=2&fbclid=abc&gclid=x&UTM_Medium=y"
        "&amp_id=3&mc_eid=9"
    )
    assert normalize_url(url) == "https://kompas.com/read/1?amp_id=3&page=2"


def test_normalize_keeps_repeated_and_blank_parameters_as_written() -> None:
    url = "https://example.com/cari?q=bus%20listrik&tag=b&tag=a&flag"
    assert normalize_url(url) == "https://example.com/cari?flag&q=bus%20listrik&tag=a&tag=b"


def test_normalized_forms_of_the_same_link_are_equal() -> None:
    variants = [
        "https://www.kompas.com/read/2024/03/12/bus?page=all&utm_source=twitter",
        "HTTPS://WWW.KOMPAS.COM/read/2024/03/12/bus?utm_campaign=x&page=all#top",
        "https://www.kompas.com:443/read/2024/03/12/bus?page=all",
    ]
    assert len({normalize_url(url) for url in variants}) == 1


def test_normalize_treats_a_bare_link_as_https() -> None:
    assert normalize_url("www.tempo.co/read/1") == "https://www.tempo.co/read/1"


def test_normalize_ipv6_host() -> None:
    assert normalize_url("http://[2001:DB8::1]:80/x") == "http://[2001:db8::1]/x"


def test_normalize_returns_unparsable_input_unchanged() -> None:
    assert normalize_url("  http://[::1  ") == "http://[::1"


@given(st.text())
def test_normalize_never_fails_and_is_idempotent(text: str) -> None:
    once = normalize_url(text)
    assert normalize_url(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "Hal itu disampaikan kepada Merdeka.com di Jakarta, Senin (5/3).",
        "Seperti dilansir Boldsky.com, minum air hangat baik untuk pencernaan.",
        "Informasi lengkap ada di www.kompas.com setiap hari.",
    ],
)
def test_an_outlet_named_in_a_sentence_is_not_a_link(text: str) -> None:
    assert find_urls(text) == []


# Pieces of links and of prose, mixed at random: the quick check must never hide a link.
_LINK_PIECES = st.sampled_from(
    ["https://", "http://", "www.", "detik", "com", "co.id", ".", "/", "?", "#", ":", " ",
     "berita", "K", "ſ", "ı", "Rp2.5", "Merdeka.com", "(", ")", "-", "\n", "ftp://", "a"]
)  # fmt: skip


@given(st.lists(_LINK_PIECES, max_size=30).map("".join))
def test_the_quick_check_before_the_search_never_changes_what_is_found(text: str) -> None:
    assert find_urls(text) == _links_in(text)


@pytest.mark.parametrize("word", ["a.", "ab.", ".a", "a.b "])
def test_a_long_run_of_dotted_words_is_no_link_and_a_link_after_it_is_found(word: str) -> None:
    # A search from each dot to the next space took 50-65 ms on 4,096 characters of "a.a.a."
    # (quadratic: some 6 s for this much); the check reads each character once.
    text = word * (40_000 // len(word))
    assert not _may_hold_a_link(text)
    assert find_urls(text + " detik.com/berita/1") == ["https://detik.com/berita/1"]


def test_a_link_followed_by_thousands_of_closing_brackets_is_found_without_them() -> None:
    # Each bracket used to be recounted and the link copied: 1.2 s for 40,000 of them.
    assert find_urls("lihat detik.com/berita/1" + ")" * 40_000) == ["https://detik.com/berita/1"]
