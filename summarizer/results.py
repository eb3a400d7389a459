"""What the engine hands back, as plain frozen dataclasses (no heavy imports here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    """A key fact: verbatim text of sentence `sentence`, and what it reports (`kind`:
    "number", "money", "date", "quote", "actor", "place", or "statement": a plain sentence
    that makes up three facts when an article has too few of the others)."""

    text: str
    kind: str
    sentence: int
