"""What the service's worker processes compute: an article's record (cleaned text and page
metadata) and its digest.

The worker processes import this module to run these functions: it imports only the engine
(summarizer) and, when a page is read, web extraction; never storage, metrics or the
network stack, which would otherwise be loaded in every worker.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarizer import CleanText, Digest, clean_article, summarize_clean

from .keys import text_article_id

if TYPE_CHECKING:
    from web.article import Article


@dataclass(frozen=True)
class ArticleRecord:
    """An article as the cache keeps it: cleaned text plus, for links, page metadata."""

    article_id: str
    text: str
    truncated: bool = False
    url: str | None = None
    title: str | None = None
    site: str | None = None
    date: str | None = None
    # From extraction (links and HTML): "low" when the page's readings disagreed or the text
    # is short; `pages` read of a paginated article, `more_pages` when some could not be.
    confidence: str = "high"
    pages: int = 1
    more_pages: bool = False

    @property
    def unsure(self) -> bool:
        return self.confidence != "high" or self.more_pages

    @property
    def clean(self) -> CleanText:
        return CleanText(self.text, self.truncated)


def compute_digest(article: CleanText, sentences: int, language: str | None) -> Digest:
    """Run the engine (CPU-bound; called in the heavy lane)."""
    return summarize_clean(article, sentences=sentences, language=language)


def cleaned_record(text: str) -> ArticleRecord:
    """Pasted text, cleaned once. Pasted markup (a page source, or prose with tags) is read
    as a browser shows it: through the link path's extraction when it is a whole page, else
    as its visible text, so tags and scripts are never summarized."""
    from web.markup import looks_like_markup, text_of_markup

    if looks_like_markup(text):
        from web.extract import extract_article
        from web.policy import NotAnArticle

        try:
            page = extract_article(text)
        except NotAnArticle:
            text = text_of_markup(text)
        else:
            cleaned = clean_article(page.prose)
            return record_from_page(text_article_id(cleaned.text), None, page, cleaned)
    cleaned = clean_article(text)
    return ArticleRecord(text_article_id(cleaned.text), cleaned.text, cleaned.truncated)


def record_from_page(
    article_id: str, url: str | None, page: Article, cleaned: CleanText | None = None
) -> ArticleRecord:
    """A page's article; summaries quote its prose (its text without subheadings)."""
    cleaned = cleaned or clean_article(page.prose)
    return ArticleRecord(
        article_id,
        cleaned.text,
        cleaned.truncated,
        url=url,
        title=page.title,
        site=page.site,
        date=page.date,
        confidence=page.confidence,
        pages=page.pages,
        more_pages=page.more_pages,
    )


_WARM_UP_TEXT = (
    "Pemerintah kota mengumumkan jadwal baru angkutan umum pada Senin (5/5). Jadwal itu "
    "berlaku mulai pekan depan di seluruh wilayah kota. Menurut kepala dinas perhubungan, "
    "perubahan ini mengurangi waktu tunggu penumpang hingga 20 persen. Warga menyambut baik "
    "kebijakan tersebut."
)


def warm_engine() -> None:
    """Load what the lanes' work loads on first use (the engine's tables and models, page
    extraction), so that the workers forked after it share one copy instead of each
    loading its own."""
    import web.extract
    import web.page_reading  # the heavy lane's extraction steps (not web.pages: httpx)
    from summarizer import clean_article, summarize_clean
    from summarizer.language import warm_up as warm_up_language
    from summarizer.words import warm_up as warm_up_words

    warm_up_language()
    warm_up_words("id")
    warm_up_words("en")
    summarize_clean(clean_article(_WARM_UP_TEXT), sentences=2, language=None)
    with contextlib.suppress(Exception):  # NotAnArticle: only the code paths are warmed
        web.extract.extract_article(f"<html><body><p>{_WARM_UP_TEXT}</p></body></html>")
