"""The address guard's URL check: host names that no resolver accepts are invalid URLs."""

from __future__ import annotations

import pytest

from web import FetchError, FetchErrorCode
from web.guard import checked_url

INVALID_HOSTS = [
    pytest.param("http://a..com/berita", id="empty label"),
    pytest.param("https://.kompas.com/berita", id="leading empty label"),
    pytest.param("https://kompas.com../berita", id="two trailing dots"),
    pytest.param("http://" + "a" * 64 + ".com/berita", id="label of 64 characters"),
    pytest.param("http://" + "berita." * 40 + "com/", id="name over 253 characters"),
    pytest.param("http://xn--a.com/berita", id="invalid IDN"),
    pytest.param("http://xn--.com/berita", id="empty IDN"),
    pytest.param("http://www.xn--a.co.id/berita", id="invalid IDN label inside"),
]


@pytest.mark.parametrize("url", INVALID_HOSTS)
def test_host_names_no_resolver_accepts_are_invalid_urls(url: str) -> None:
    with pytest.raises(FetchError) as raised:
        checked_url(url)
    assert raised.value.code is FetchErrorCode.INVALID_URL


@pytest.mark.parametrize(
    "url",
    [
        "https://" + "a" * 63 + ".com/berita",
        "https://www.kompas.com./read/2024/berita",
        "https://xn--bcher-kva.de/buch",
        "https://bücher.de/buch",
        "http://[2001:db8::1]/berita",
        "http://203.0.113.7/berita",
    ],
)
def test_valid_host_names_pass_the_check(url: str) -> None:
    assert checked_url(url).host
