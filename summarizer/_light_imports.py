"""Keep sumy's import from pulling in SciPy.

Sumy's summarizers import its stemmers, which import NLTK, whose package import loads
`scipy.stats` when SciPy is installed, only for collocation statistics that Ringkas never
uses. That costs about 60 MB of resident memory and 0.7 s of start-up. NLTK treats SciPy as
optional (it catches the ImportError), so SciPy is hidden while sumy is first imported and
made importable again right after.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_optional_scipy() -> Iterator[None]:
    if "scipy" in sys.modules or "nltk" in sys.modules:
        yield  # already loaded by someone else: nothing to save
        return
    sys.modules["scipy"] = None  # type: ignore[assignment]  # makes `import scipy` fail
    try:
        yield
    finally:
        if sys.modules.get("scipy", 0) is None:
            del sys.modules["scipy"]
