"""Import sumy's LexRank without what Ringkas never uses from it.

Importing `sumy.summarizers.lex_rank` imports sumy's stemmers, which import NLTK's Snowball
stemmers, whose package import loads all of NLTK (about 0.25 s) and, when SciPy is installed,
`scipy.stats` (about 60 MB and 0.7 s more), only for sumy's own `Stemmer` class. Ringkas
passes its own stemmer to sumy, so NLTK is not needed: while sumy is imported, `nltk`,
`nltk.stem` and `nltk.stem.snowball` are stand-ins, and the last one imports the real module
(SciPy hidden, which NLTK treats as optional) the first time anyone reads from it. sumy
behaves the same; it just does not pay for NLTK until it uses it. The same goes for
`requests`, which sumy imports only to fetch URLs.
"""

from __future__ import annotations

import importlib
import itertools
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_NLTK_CHAIN = ("nltk", "nltk.stem", "nltk.stem.snowball")


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


class _OnFirstUse(types.ModuleType):
    """Stands in for a module and imports the real one when an attribute is first read
    (taking itself and its stand-in parents out of `sys.modules` first)."""

    stand_ins: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        for stand_in in self.stand_ins:
            if isinstance(sys.modules.get(stand_in), types.ModuleType) and getattr(
                sys.modules[stand_in], "_ringkas_stand_in", False
            ):
                del sys.modules[stand_in]
        with without_optional_scipy():
            real = importlib.import_module(self.__name__)
        return getattr(real, name)


def _stand_in_chain(chain: tuple[str, ...]) -> list[types.ModuleType]:
    """Stand-ins for a dotted module and its parents; only the last imports on first use."""
    modules: list[types.ModuleType] = [types.ModuleType(name) for name in chain[:-1]]
    last = _OnFirstUse(chain[-1])
    last.stand_ins = chain
    modules.append(last)
    for parent, child in itertools.pairwise(modules):
        setattr(parent, child.__name__.rsplit(".", 1)[-1], child)
    for module in modules:
        module._ringkas_stand_in = True  # type: ignore[attr-defined]
    return modules


@contextmanager
def on_first_use(*chains: tuple[str, ...]) -> Iterator[None]:
    """While the block runs, `import` of these modules binds stand-ins."""
    stand_ins = [
        module
        for chain in chains
        if not any(name in sys.modules for name in chain)
        for module in _stand_in_chain(chain)
    ]
    sys.modules.update({module.__name__: module for module in stand_ins})
    try:
        yield
    finally:
        for module in stand_ins:
            if sys.modules.get(module.__name__) is module:
                del sys.modules[module.__name__]


@contextmanager
def light_sumy() -> Iterator[None]:
    """Import sumy's summarizers inside this block: NLTK (for sumy's stemmers) and requests
    (for sumy's URL fetching) load only if sumy ever uses them."""
    with without_optional_scipy(), on_first_use(_NLTK_CHAIN, ("requests",)):
        yield
