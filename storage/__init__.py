"""Storage layer: result cache, chat settings, usage stats and the state replicas share, on
SQLite (aiosqlite, the default) or PostgreSQL (asyncpg). Every SQL statement lives here."""

from storage.answers import AnsweredMessage
from storage.receipts import PendingUpdate, Receipt
from storage.schema import SCHEMA_VERSION
from storage.settings import UNCHANGED, ChatSettings, Unchanged
from storage.shared import RateLimitHit
from storage.sql import DatabaseUnavailableError
from storage.store import Storage, StorageStats
from storage.urls import (
    DatabaseLocation,
    DatabaseUrlError,
    PoolLimits,
    PostgresUrl,
    parse_database_url,
)

__all__ = [
    "SCHEMA_VERSION",
    "UNCHANGED",
    "AnsweredMessage",
    "ChatSettings",
    "DatabaseLocation",
    "DatabaseUnavailableError",
    "DatabaseUrlError",
    "PendingUpdate",
    "PoolLimits",
    "PostgresUrl",
    "RateLimitHit",
    "Receipt",
    "Storage",
    "StorageStats",
    "Unchanged",
    "parse_database_url",
]
