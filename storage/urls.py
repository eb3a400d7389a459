"""`DATABASE_URL`: which database to use. SQLite files (the default) or a PostgreSQL server."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

SQLITE_URL_PREFIX = "sqlite:///"
MEMORY_DATABASE = ":memory:"
POSTGRES_SCHEMES = ("postgresql", "postgres")
DEFAULT_POSTGRES_PORT = 5432
EXPECTED = (
    "expected sqlite:///relative/path.db, sqlite:////absolute/path.db, sqlite:///:memory: "
    "or postgresql://user:password@host:port/database"
)


class DatabaseUrlError(ValueError):
    """DATABASE_URL cannot be used; the message is one line and never shows a password."""


@dataclass(frozen=True)
class PoolLimits:
    """How a PostgreSQL backend connects; the values (and their defaults) come from
    bot.settings."""

    size: int  # connections per process at most
    connect_timeout_seconds: float  # the first connection may wait for a server still starting


@dataclass(frozen=True)
class PostgresUrl:
    """A PostgreSQL server and database; `str()` and `repr()` leave the password out."""

    dsn: str = field(repr=False)  # the URL as given, for the driver
    host: str
    port: int
    database: str
    user: str | None

    def __str__(self) -> str:
        user = f"{self.user}@" if self.user else ""
        return f"postgresql://{user}{self.host}:{self.port}/{self.database}"


# Path: a SQLite file; None: an in-memory SQLite database; PostgresUrl: a server.
DatabaseLocation = Path | PostgresUrl | None


def parse_database_url(url: str) -> DatabaseLocation:
    """Map DATABASE_URL to a SQLite path (None: in memory) or a PostgreSQL server."""
    text = url.strip()
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme in POSTGRES_SCHEMES:
        return parse_postgres_url(text)
    if not text.lower().startswith(SQLITE_URL_PREFIX):
        raise DatabaseUrlError(f"unsupported database URL {redact(text)!r}: {EXPECTED}")
    location = text[len(SQLITE_URL_PREFIX) :]
    if not location or "\x00" in location:
        raise DatabaseUrlError(f"database URL {url!r} has no usable file path")
    if location == MEMORY_DATABASE:
        return None
    return Path(location)


def parse_postgres_url(url: str) -> PostgresUrl:
    shown = redact(url)
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_POSTGRES_PORT
    except ValueError as error:
        raise DatabaseUrlError(f"database URL {shown!r} is malformed: {error}") from None
    if not parts.hostname:
        raise DatabaseUrlError(f"database URL {shown!r} names no host: {EXPECTED}")
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise DatabaseUrlError(f"database URL {shown!r} names no database: {EXPECTED}")
    if "\x00" in url:
        raise DatabaseUrlError(f"database URL {shown!r} contains a NUL character")
    user = unquote(parts.username) if parts.username else None
    return PostgresUrl(
        dsn=_normalized(parts), host=parts.hostname, port=port, database=database, user=user
    )


def redact(url: str) -> str:
    """The URL with any password replaced by ***."""
    return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", url)


def _normalized(parts: SplitResult) -> str:
    # The driver accepts only the postgresql:// and postgres:// schemes, in lower case.
    return parts._replace(scheme="postgresql").geturl()
