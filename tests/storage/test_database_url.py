from pathlib import Path

import pytest

from storage import parse_database_url


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
