"""Storage layer: SQLite (aiosqlite) result cache, chat settings and usage stats."""

from storage.database import SCHEMA_VERSION, parse_database_url
from storage.settings import ChatSettings
from storage.store import UNCHANGED, Storage, StorageStats

__all__ = [
    "SCHEMA_VERSION",
    "UNCHANGED",
    "ChatSettings",
    "Storage",
    "StorageStats",
    "parse_database_url",
]
