"""The article body a page declares about itself in JSON-LD (`articleBody`): the page's own
word on what its article says.

Few pages publish one (15 of the 173 pages of the extraction benchmark, none of the 38
Indonesian ones), and many publish only a teaser of it (the first 80 words) or a paywalled
article's body. An extraction that agrees with a whole declared body is confident; one that
contradicts it is not. The declared body is not a candidate text of its own here: where a
page's markup holds no article, trafilatura already falls back to it, and on every page of
the benchmark that declares one the extraction from the markup scores as well or better.
"""

from __future__ import annotations

from .text import shared_share, shingles, word_count

# A declared body at least this share of the extraction's length is the whole article; a
# shorter one is a teaser and says nothing about the rest.
WHOLE_BODY_SHARE = 0.8


def declared_agreement(paragraphs: list[str], body: str | None) -> float | None:
    """The share of the extraction's 4-word shingles that the declared body holds; None when
    the page declares no body or only a teaser of it."""
    if not body:
        return None
    words = sum(word_count(paragraph) for paragraph in paragraphs)
    if word_count(body) < WHOLE_BODY_SHARE * words:
        return None
    return shared_share(shingles(paragraphs), shingles([body]))
