"""Shared pieces of the IndoSum benchmarks: loading, folds, detokenizing, ROUGE and figures.

IndoSum's `dev.jsonl` (750 articles) and `train.jsonl` (1,396 more, disjoint) are read at run
time from ../shared (next to the project) or from `--data PATH ...`; nothing from them is
stored in the project. Quality figures are cross-validated over both files: every article
belongs to one of `FOLDS` folds, fixed by a hash of its id, so every variant and every
benchmark sees the same folds. The fixed split for a final check trains on train.jsonl and
tests on dev.jsonl.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from summarizer.vocabulary import INDONESIAN_MONTHS, INDONESIAN_WEEKDAYS  # noqa: E402

DATA_DIR = PROJECT_ROOT.parent / "shared" / "data" / "indosum"
DEFAULT_DATA = DATA_DIR / "dev.jsonl"
TRAIN_DATA = DATA_DIR / "train.jsonl"
ALL_DATA = (DEFAULT_DATA, TRAIN_DATA)
FOLDS = 5
CATEGORIES = ("tajuk utama", "olahraga", "showbiz", "teknologi", "hiburan", "inspirasi")

Tokens = list[str]

# Tokens that attach to the token before them ("Kamis (5/5)," not "Kamis ( 5 / 5 ) ,").
_ATTACH_LEFT = frozenset(",.;:!?)]}%\u201d\u2019") | {"...", "\u2026", "'s", "n't"}
# Tokens that attach to the token after them.
_ATTACH_RIGHT = frozenset("([{$\u201c\u2018") | {"US$", "S$", "Rp."}
_OPENING_CURLY = {"\u201c", "\u2018"}
_CLOSING_CURLY = {"\u201d", "\u2019"}
_STRAIGHT_QUOTES = {'"', "'"}
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Article:
    """One IndoSum article: gold sentences (tokens), reference summary, labels."""

    id: str
    category: str
    paragraphs: list[list[Tokens]]
    summary: list[Tokens]
    gold_labels: list[list[bool]]
    split: str = ""  # the file it came from: "dev" or "train"

    @property
    def sentences(self) -> list[Tokens]:
        return [sentence for paragraph in self.paragraphs for sentence in paragraph]

    @property
    def labels(self) -> list[bool]:
        return [label for paragraph in self.gold_labels for label in paragraph]

    @property
    def reference(self) -> str:
        return " ".join(" ".join(sentence) for sentence in self.summary)


def _clean_token(token: str) -> str:
    return _WHITESPACE.sub(" ", token).strip()


def _paragraph_tokens(article_paragraph: list[Tokens]) -> list[list[str]]:
    return [
        [t for t in (_clean_token(tok) for tok in sentence) if t] for sentence in article_paragraph
    ]


def load_articles(path: Path = DEFAULT_DATA) -> list[Article]:
    articles = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            paragraphs = [_paragraph_tokens(p) for p in row["paragraphs"]]
            articles.append(
                Article(
                    id=row["id"],
                    category=row["category"],
                    paragraphs=paragraphs,
                    summary=row["summary"],
                    gold_labels=row["gold_labels"],
                    split=path.stem,
                )
            )
    return articles


def load_corpus(paths: Sequence[Path] = ALL_DATA) -> list[Article]:
    """Articles of several IndoSum files, in file order."""
    return [article for path in paths for article in load_articles(path)]


def fold_of(article: Article, folds: int = FOLDS) -> int:
    """The cross-validation fold of an article: a hash of its id, the same in every run."""
    digest = hashlib.sha256(article.id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % folds


def fixed_split(articles: Sequence[Article]) -> tuple[list[Article], list[Article]]:
    """(train, test) for the final check: train.jsonl trains, dev.jsonl tests."""
    train = [a for a in articles if a.split != "dev"]
    test = [a for a in articles if a.split == "dev"]
    return train, test


@dataclass(frozen=True)
class Detokenized:
    """Running text of an article, with the character span of every gold sentence."""

    text: str
    spans: list[tuple[int, int]]  # (start, end) per gold sentence, in order
    paragraph_of: list[int]  # paragraph index per gold sentence


def _hyphenated(previous: str, following: str) -> bool:
    """Whether a `-` token between these was a hyphen ("bentrokan-bentrokan", "ke-25")."""
    if previous.isalpha() and following.isalpha() and previous.islower() and following.islower():
        return True  # "diotak - atik", "non - removable"
    left, right = previous.lower(), following.lower()
    return right.startswith(left) or (left == "ke" and right[:1].isdigit())


class _Joiner:
    """Joins tokens into running text, tracking whether a straight quote opens or closes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.glue_next = True  # no space before the next token
        self.open_quotes: dict[str, bool] = {'"': False, "'": False}

    def _emit(self, text: str, space_before: bool) -> None:
        if space_before:
            self.parts.append(" ")
            self.length += 1
        self.parts.append(text)
        self.length += len(text)

    def add(
        self, token: str, previous: str | None, following: str | None, *, sentence_edge: str = ""
    ) -> None:
        space = not self.glue_next
        glue_after = False
        if token in _STRAIGHT_QUOTES:
            # Where the gold segmentation says it, a quote at a sentence's start opens and one
            # at its end closes; elsewhere quotes alternate within the paragraph.
            closing = self.open_quotes[token]
            if sentence_edge == "first" and following not in (None, ",", ".", "!", "?"):
                closing = False
            elif sentence_edge == "last" or following in (None, ",", ".", "!", "?", ";"):
                closing = True
            self.open_quotes[token] = not closing
            if closing:
                space = False
            else:
                glue_after = True
        elif token in _OPENING_CURLY:
            glue_after = True
        elif token in _ATTACH_LEFT or token in _CLOSING_CURLY:
            space = False
        elif token in _ATTACH_RIGHT:
            glue_after = True
        elif token == "/":
            space = False
            glue_after = True
        elif token == "-" and following == "-":
            glue_after = True  # "- -" was "--"
        elif token == "-" and previous is not None and following is not None:
            if _hyphenated(previous, following):
                space = False
                glue_after = True
        elif token.startswith("-") and len(token) > 1 and token[1:].isalpha():
            space = False  # "Instagram -nya"
        self._emit(token, space and bool(self.parts))
        self.glue_next = glue_after

    def start_of_sentence(self) -> int:
        return self.length + (0 if self.glue_next or not self.parts else 1)

    def paragraph_break(self) -> None:
        self.parts.append("\n\n")
        self.length += 2
        self.glue_next = True
        self.open_quotes = {'"': False, "'": False}


def detokenize(article: Article) -> Detokenized:
    """Undo the token spacing; paragraphs are separated by a blank line."""
    joiner = _Joiner()
    spans: list[tuple[int, int]] = []
    paragraph_of: list[int] = []
    for paragraph_index, paragraph in enumerate(article.paragraphs):
        if paragraph_index and joiner.parts:
            joiner.paragraph_break()
        flat = [token for sentence in paragraph for token in sentence]
        position = 0
        for sentence in paragraph:
            start = joiner.start_of_sentence()
            for offset, token in enumerate(sentence):
                previous = flat[position - 1] if position else None
                following = flat[position + 1] if position + 1 < len(flat) else None
                edge = "first" if offset == 0 else "last" if offset == len(sentence) - 1 else ""
                joiner.add(token, previous, following, sentence_edge=edge)
                position += 1
            spans.append((start, joiner.length))
            paragraph_of.append(paragraph_index)
    text = "".join(joiner.parts)
    return Detokenized(text, spans, paragraph_of)


class RougeTokenizer:
    """ROUGE tokens as in the IndoSum README: lower-case `\\w+` runs, no stemming."""

    _TOKEN = re.compile(r"\w+")

    def tokenize(self, text: str) -> list[str]:
        return self._TOKEN.findall(text.lower())


def rouge_scorer():  # type: ignore[no-untyped-def]
    from rouge_score import rouge_scorer as rs

    return rs.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=RougeTokenizer())


@dataclass
class RougeTotals:
    """Running means of ROUGE-1/2/L F1 (x100)."""

    r1: float = 0.0
    r2: float = 0.0
    rl: float = 0.0
    count: int = 0

    def add(self, scores: dict) -> None:  # type: ignore[type-arg]
        self.r1 += scores["rouge1"].fmeasure
        self.r2 += scores["rouge2"].fmeasure
        self.rl += scores["rougeL"].fmeasure
        self.count += 1

    def means(self) -> tuple[float, float, float]:
        n = max(self.count, 1)
        return (100 * self.r1 / n, 100 * self.r2 / n, 100 * self.rl / n)


# --- key figures -------------------------------------------------------------------------

_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"\w+")
# Indonesian month and weekday names, as `\w+` words (the engine's own list).
FIGURE_WORDS = frozenset(
    word.lower()
    for word in f"{INDONESIAN_MONTHS}|{INDONESIAN_WEEKDAYS}".split("|")
    if _WORD.fullmatch(word)
)


def figures_of(text: str) -> set[str]:
    """Digit runs (with inner `.`/`,`) and Indonesian month or weekday names, lower-cased."""
    lowered = text.lower()
    found = set(_FIGURE.findall(lowered))
    found |= {word for word in _WORD.findall(lowered) if word in FIGURE_WORDS}
    return found


def iter_category(articles: Sequence[Article], category: str | None) -> Iterator[Article]:
    return (a for a in articles if category is None or a.category == category)


def data_argument(parser, default: Path = DEFAULT_DATA) -> None:  # type: ignore[no-untyped-def]
    parser.add_argument(
        "--data", type=Path, default=default, help=f"IndoSum jsonl (default {default})"
    )


def corpus_argument(parser) -> None:  # type: ignore[no-untyped-def]
    names = " ".join(str(p) for p in ALL_DATA)
    parser.add_argument(
        "--data",
        type=Path,
        nargs="+",
        default=list(ALL_DATA),
        help=f"IndoSum jsonl files (default: {names})",
    )
