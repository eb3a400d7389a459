"""The stop words of trafilatura's last fallback (jusText), narrowed to the languages Ringkas
reads.

When trafilatura falls back to jusText on a page whose language it was not told, it builds
one stop list of all 100 of jusText's languages (~154,000 words), and jusText copies it into
a lower-cased set: about 25 MB in every worker process that extracts such a page, for text
Ringkas summarizes only in Indonesian and English. Narrowed to Indonesian, English and Malay
(its close neighbour), the fallback keeps ~1,600 words. On the extraction benchmark's 173
pages and the 38 saved Indonesian and English pages the extracted text is the same
(`bench/extract.py`, docs/benchmarks.md "Link extraction").

trafilatura reads the list from a module global (`trafilatura.external.JT_STOPLIST`, built on
first use when empty); setting it is the only way to choose it without telling trafilatura
the page's language, which would also make it discard pages whose `<html lang>` disagrees.
"""

from __future__ import annotations

import trafilatura.external
from justext import get_stoplist

READER_LANGUAGES = ("Indonesian", "English", "Malay")


def narrow_justext_stoplist() -> None:
    """Make trafilatura's jusText fallback use the stop words of READER_LANGUAGES."""
    words = {word for language in READER_LANGUAGES for word in get_stoplist(language)}
    # typed None in trafilatura: empty until its first jusText fallback fills it
    trafilatura.external.JT_STOPLIST = tuple(sorted(words))  # type: ignore[assignment]
