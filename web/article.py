"""An article read from a page: what extraction returns and the service keeps.

Its own module, free of the extraction machinery: the cleaning worker receives articles from
the workers that extract them and must not load trafilatura and lxml only to unpickle one.
"""

from __future__ import annotations

from dataclasses import dataclass

HIGH, LOW = "high", "low"


@dataclass(frozen=True)
class Article:
    title: str | None
    site: str | None
    date: str | None  # ISO yyyy-mm-dd
    text: str  # paragraphs separated by a blank line
    url: str | None
    # "high": the text is long enough and the two extractions agree; "low": say so to the
    # reader rather than presenting the summary confidently (web.extract's CONFIDENT_*).
    confidence: str = HIGH
    pages: int = 1  # pages of a paginated article that were read (web.pages)
    more_pages: bool = False  # the article goes on over pages that could not be read

    @property
    def prose(self) -> str:
        """The text a summary may quote: `text` without its subheadings (short lines without
        a full stop between paragraphs), which are part of the article but not sentences."""
        from .paragraphs import without_subheadings

        return "\n\n".join(without_subheadings(self.text.split("\n\n")))
