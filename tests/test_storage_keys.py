from pathlib import Path

import pytest

from storage import parse_database_url, text_cache_key, url_cache_key


def test_relative_sqlite_url_gives_a_relative_path():
    assert parse_database_url("sqlite:///ringkas.db") == Path("ringkas.db")


def test_relative_url_keeps_subdirectories():
    assert parse_database_url("sqlite:///data/ringkas.db") == Path("data/ringkas.db")


def test_four_slashes_give_an_absolute_path():
    assert parse_database_url("sqlite:////var/lib/ringkas/x.db") == Path("/var/lib/ringkas/x.db")


def test_memory_url_means_in_memory_database():
    assert parse_database_url("sqlite:///:memory:") is None


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://user@host/db",
        "ringkas.db",
        "sqlite://ringkas.db",
        "sqlite:///",
        "sqlite:///bad\x00name.db",
        "",
    ],
)
def test_other_urls_are_rejected_with_a_clear_message(url):
    with pytest.raises(ValueError, match="database URL"):
        parse_database_url(url)


def test_cache_key_is_stable_for_the_same_input():
    first = text_cache_key("sumy-1", "sentences=3", "Harga beras naik.")
    assert first == text_cache_key("sumy-1", "sentences=3", "Harga beras naik.")
    assert len(first.split(":", 1)[1]) == 64


@pytest.mark.parametrize(
    "changed",
    [
        ("sumy-2", "sentences=3", "Harga beras naik."),
        ("sumy-1", "sentences=5", "Harga beras naik."),
        ("sumy-1", "sentences=3", "Harga beras turun."),
    ],
)
def test_cache_key_changes_with_engine_options_or_text(changed):
    assert text_cache_key("sumy-1", "sentences=3", "Harga beras naik.") != text_cache_key(*changed)


def test_field_boundaries_cannot_be_shifted_to_collide():
    assert text_cache_key("v1", "ab", "c") != text_cache_key("v1", "a", "bc")


def test_text_and_url_keys_never_collide():
    url = "https://example.com/berita"
    assert text_cache_key("v1", "o", url) != url_cache_key("v1", "o", url)


def test_keys_accept_any_unicode_text():
    assert url_cache_key("v1", "o", "https://contoh.id/\U0001f600\ud800")
