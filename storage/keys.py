"""Cache keys: one SHA-256 digest over everything that changes a summary."""

from __future__ import annotations

import hashlib


def text_cache_key(engine_version: str, options: str, normalized_text: str) -> str:
    """Key for a summary of pasted text; changes whenever the engine or its options change."""
    return _cache_key("text", engine_version, options, normalized_text)


def url_cache_key(engine_version: str, options: str, normalized_url: str) -> str:
    """Key for a summary of a link; never equal to a text key for the same string."""
    return _cache_key("url", engine_version, options, normalized_url)


def _cache_key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        encoded = part.encode("utf-8", "surrogatepass")
        # Length-prefixing keeps ("ab", "c") and ("a", "bc") apart.
        digest.update(f"{len(encoded)}:".encode())
        digest.update(encoded)
    return f"{kind}:{digest.hexdigest()}"
