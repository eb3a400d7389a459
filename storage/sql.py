"""The small interface the queries run on, so one SQL text serves SQLite and PostgreSQL.

Queries are written once, in the SQL both databases accept (ON CONFLICT ... DO UPDATE,
RETURNING, partial indexes), with `?` placeholders; the PostgreSQL session numbers them.
Times are integer milliseconds computed in Python (never NOW() or datetime SQL), so both
databases store and compare the same numbers.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

Row = tuple[Any, ...]
Params = Sequence[object]


class Dialect(enum.Enum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


class Session(Protocol):
    """One connection, borrowed for one operation. Statements outside `transaction()` commit
    on their own."""

    dialect: Dialect

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        ...

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None: ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    def transaction(self) -> AbstractAsyncContextManager[None]: ...


class FaultKind(enum.Enum):
    BUSY = "busy"  # locked by another connection: skip the database for a moment
    GONE = "gone"  # server unreachable or connection lost: skip it until it comes back
    ERROR = "error"  # anything else (disk full, read-only, corrupt page)


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    message: str


class StorageClosedError(Exception):
    """The backend was closed (or lost its database) while an operation waited for it."""


def to_ms(seconds: float) -> int:
    """Seconds (a clock reading or a duration) as integer milliseconds."""
    return round(seconds * 1000)


def from_ms(milliseconds: int) -> float:
    return milliseconds / 1000


def value_rows(rows: Sequence[Params]) -> tuple[str, Params]:
    """The `VALUES` list of a multi-row statement, "(?, ?), (?, ?)", and its parameters in one
    flat tuple. Every row is as wide as the first."""
    row = "(" + ", ".join("?" * len(rows[0])) + ")"
    return ", ".join([row] * len(rows)), tuple(value for values in rows for value in values)


@functools.lru_cache(maxsize=256)
def numbered_placeholders(sql: str) -> str:
    """`?` placeholders as PostgreSQL's `$1, $2, ...`. The queries in this package hold no
    `?` inside string literals, so a plain scan is enough."""
    pieces = sql.split("?")
    numbered = [pieces[0]]
    for number, piece in enumerate(pieces[1:], start=1):
        numbered.append(f"${number}{piece}")
    return "".join(numbered)


class DatabaseUnavailableError(RuntimeError):
    """The configured database server cannot be used at start; the message is one line."""
