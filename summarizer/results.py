"""What the engine hands back, as plain frozen dataclasses (no heavy imports here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    """A key fact: verbatim text of sentence `sentence`, and what it reports (`kind`:
    "number", "money", "date", "quote", "actor" or "place")."""

    text: str
    kind: str
    sentence: int
