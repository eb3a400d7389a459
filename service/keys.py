"""The one id and key scheme: what an article is called, and where its digests are cached.

An article id names the content: a hash of the cleaned text for pasted text, of the
normalized link for a link. Cache keys are built from it, the engine version and the
options, so a new engine or other options never read an old digest.
"""

from __future__ import annotations

import hashlib

from summarizer import ENGINE_VERSION

TEXT_PREFIX = "t"
LINK_PREFIX = "u"
_ID_HEX_DIGITS = 31  # with the prefix, 32 characters: short enough for callback data


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:_ID_HEX_DIGITS]


def text_article_id(cleaned_text: str) -> str:
    return TEXT_PREFIX + _hash(cleaned_text)


def link_article_id(normalized_url: str) -> str:
    return LINK_PREFIX + _hash(normalized_url)


def is_link_article(article_id: str) -> bool:
    return article_id.startswith(LINK_PREFIX)


def article_key(article_id: str) -> str:
    """Where the article itself (text and page metadata) is cached, for the buttons."""
    return f"article:{article_id}"


def extras_key(article_id: str) -> str:
    """Where what a reply showed beyond the article (a pasted text's source link, a
    document's note) is cached, for a button pressed on another replica."""
    return f"extras:{article_id}"


def digest_key(article_id: str, sentences: int, language: str | None = None) -> str:
    """Where one digest of an article is cached."""
    return f"digest:{ENGINE_VERSION}:{sentences}:{language or '-'}:{article_id}"
