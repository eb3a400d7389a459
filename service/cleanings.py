"""Texts cleaned lately, by a hash of the text as it arrived.

The same forward often arrives many times (a channel post shared around a group, a user
sending it again). Cleaning is pure, so its result for the same text is the same; remembering
it spares the repeat a trip to the cleaning worker, which under load waits behind every new
article's cleaning, on the way to what is most often a cache hit.

An OrderedDict rather than `functools.lru_cache`: the cleaning runs in a worker process and is
awaited, and the memory is bounded by the characters kept as well as by the count.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from .records import ArticleRecord

MAX_ENTRIES = 512
MAX_CHARACTERS = 4_000_000  # of cleaned text kept in all (a few MB)


class RecentCleanings:
    def __init__(
        self, max_entries: int = MAX_ENTRIES, max_characters: int = MAX_CHARACTERS
    ) -> None:
        self._max_entries = max_entries
        self._max_characters = max_characters
        self._records: OrderedDict[bytes, ArticleRecord] = OrderedDict()
        self._characters = 0

    @staticmethod
    def key(text: str) -> bytes:
        """What a text is remembered by (hashed once for `get` and `add`)."""
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()

    def get(self, key: bytes) -> ArticleRecord | None:
        record = self._records.get(key)
        if record is not None:
            self._records.move_to_end(key)
        return record

    def add(self, key: bytes, record: ArticleRecord) -> None:
        if len(record.text) > self._max_characters:
            return
        old = self._records.pop(key, None)
        if old is not None:
            self._characters -= len(old.text)
        self._records[key] = record
        self._characters += len(record.text)
        while len(self._records) > self._max_entries or self._characters > self._max_characters:
            _, evicted = self._records.popitem(last=False)
            self._characters -= len(evicted.text)

    def __len__(self) -> int:
        return len(self._records)
