from pathlib import Path

import pytest

from storage import DatabaseUrlError, PostgresUrl, parse_database_url


def test_relative_sqlite_url_gives_a_relative_path():
    assert parse_database_url("sqlite:///ringkas.db") == Path("ringkas.db")


def test_relative_url_keeps_subdirectories():
    assert parse_database_url("sqlite:///data/ringkas.db") == Path("data/ringkas.db")


def test_four_slashes_give_an_absolute_path():
    assert parse_database_url("sqlite:////var/lib/ringkas/x.db") == Path("/var/lib/ringkas/x.db")


def test_memory_url_means_in_memory_database():
    assert parse_database_url("sqlite:///:memory:") is None


def test_postgresql_url_names_server_database_and_user():
    url = parse_database_url("postgresql://ringkas:s3cret@db.internal:6543/ringkas_prod")
    assert isinstance(url, PostgresUrl)
    assert (url.host, url.port, url.database, url.user) == (
        "db.internal",
        6543,
        "ringkas_prod",
        "ringkas",
    )


def test_postgres_scheme_alias_and_default_port_are_accepted():
    url = parse_database_url("postgres://ringkas@localhost/ringkas")
    assert isinstance(url, PostgresUrl)
    assert url.port == 5432
    assert url.dsn.startswith("postgresql://")


def test_postgresql_url_never_shows_its_password():
    url = parse_database_url("postgresql://ringkas:s3cret@db:5432/ringkas")
    assert "s3cret" not in str(url)
    assert "s3cret" not in repr(url)
    assert str(url) == "postgresql://ringkas@db:5432/ringkas"


def test_percent_encoded_password_reaches_the_driver_intact():
    url = parse_database_url("postgresql://ringkas:p%40ss%2Fword@db/ringkas")
    assert isinstance(url, PostgresUrl)
    assert "p%40ss%2Fword" in url.dsn


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://user:pw@/ringkas",
        "postgresql://user:pw@db:5432/",
        "postgresql://user:pw@db:notaport/ringkas",
        "postgresql://user:pw@db:99999/ringkas",
    ],
)
def test_incomplete_postgresql_urls_are_rejected_without_the_password(url):
    with pytest.raises(DatabaseUrlError, match="database URL") as raised:
        parse_database_url(url)
    assert "pw" not in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    "url",
    [
        "mysql://user@host/db",
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
