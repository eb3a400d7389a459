"""Measure how Telegram Desktop would cut long pastes (the rule in handlers/pastes.py).

Telegram Desktop (Ui::Text CutPart) cuts a text over 4,096 characters at the best break
after half the limit: a paragraph break, else a line break, else a sentence end, else a
clause end, else a space; the last of the best kind wins. This replays that on the IndoSum
development articles and the extraction benchmark's article bodies (read from ../shared)
and prints the lengths of the non-final parts, and how many whole articles fall in the
lengths that make the bot wait for a next part.

    python bench/pastes.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import detokenize, load_articles
from handlers.pastes import NEAR_LIMIT_CHARS, WAIT_CHARS

LIMIT = 4096
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
_SENTENCE_END = frozenset(".?!…")
_CLAUSE_END = frozenset(",:;")


def _level(text: str, index: int) -> int:
    char = text[index]
    if char == "\n":
        return 15 if text[index + 1 : index + 2] == "\n" else 13
    if char == " ":
        before = text[index - 1]
        return 10 if before in _SENTENCE_END else 8 if before in _CLAUSE_END else 6
    return 4 if not text[index - 1].isalnum() else 2


def cut(text: str) -> tuple[str, str]:
    """One part as Telegram Desktop cuts it, and the rest."""
    if len(text) <= LIMIT:
        return text, ""
    good, level = LIMIT, 0
    for index in range(LIMIT // 2 + 1, LIMIT):
        current = _level(text, index)
        if current >= level:
            good, level = index, current
    return text[:good], text[good:]


def parts(text: str) -> list[str]:
    found = []
    while text:
        part, text = cut(text)
        found.append(part.strip())
        text = text.lstrip()
    return found


def main() -> None:
    texts = [detokenize(article).text for article in load_articles()]
    with (SHARED / "extraction" / "ground-truth.jsonl").open(encoding="utf-8") as handle:
        texts += [json.loads(line)["articleBody"] for line in handle]
    split = [parts(text) for text in texts if len(text) > LIMIT]
    lengths = sorted(len(part) for pieces in split for part in pieces[:-1])
    waiting = sum(length >= WAIT_CHARS for length in lengths)
    whole = [len(text) for text in texts]
    print(
        f"{len(texts)} articles, {len(split)} over {LIMIT} characters, "
        f"{len(lengths)} non-final parts: min {lengths[0]}, p1 {lengths[len(lengths) // 100]}, "
        f"p5 {lengths[len(lengths) // 20]}, median {lengths[len(lengths) // 2]}; "
        f"{waiting / len(lengths):.1%} at least {WAIT_CHARS} (the bot waits after them), "
        f"all at least {NEAR_LIMIT_CHARS}: {lengths[0] >= NEAR_LIMIT_CHARS}"
    )
    in_wait = sum(WAIT_CHARS <= n <= LIMIT for n in whole) / len(whole)
    in_near = sum(NEAR_LIMIT_CHARS <= n < WAIT_CHARS for n in whole) / len(whole)
    print(
        f"whole articles of {WAIT_CHARS}-{LIMIT} characters (answered 1 s later): {in_wait:.1%}; "
        f"of {NEAR_LIMIT_CHARS}-{WAIT_CHARS - 1} (answered at once, joinable): {in_near:.1%}"
    )


if __name__ == "__main__":
    main()
