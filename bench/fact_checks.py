"""What a reader would notice about the key facts, counted: fragments, cuts, repeats, recall.

For every fact of a digest: is it verbatim in the cleaned article; does it start in lower
case or in the middle of a word; is one of its ends cut inside a name ("Anies | Baswedan"),
a number range ("5.894 - | 5.922") or a quotation; does it repeat a summary sentence (holds
80% or more of the words of one summary sentence, so it adds nothing to it); which figures
of the reference summary it shows (alone, and together with the summary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from common import figures_of

from summarizer import Digest
from summarizer.spans import opens_with_subject
from summarizer.vocabulary import MONTHS

REPEAT_SHARE = 0.8
_WORD = re.compile(r"\w+")
_CAPITALISED = re.compile(r"^[A-Z][\w'.]*$")
_JOINER = re.compile(r"^[\s\-\u2013\u2014]*$")  # only spaces and dashes between two words
_RANGE_AFTER = re.compile(r"^\s*[-\u2013\u2014]+\s*(?:Rp\.?\s?|US\$|\$)?\d")
_RANGE_BEFORE = re.compile(r"\d\s*[-\u2013\u2014]+\s*(?:Rp\.?\s?|US\$|\$)?$")
_YEAR_ONLY = re.compile(r"\b(?:19|20)\d{2}\b")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
# A calendar date beside a year: "(4/11)", "4 November", "November 4", "Juli 2016", "10.30".
_CALENDAR = re.compile(
    r"\d{1,2}\s*/\s*\d{1,2}|\b\d{1,2}\s+[A-Z][a-z]+\b|\b[A-Z][a-z]+\s+\d{1,2}\b"
    rf"|\b(?:{MONTHS})\s+(?:19|20)\d{{2}}\b|\d[.:]\d\d"
)
# What precedes the ")" of a "1) ... 2) ..." list marker.
_MARKER_BEFORE = re.compile(r"(?:^|\s)(?:\d{1,2}|[a-z])$")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _last_word(text: str) -> str:
    words = text.split()
    return words[-1].strip("\"'(),;:") if words else ""


def _first_word(text: str) -> str:
    words = text.split()
    return words[0].strip("\"'(),;:") if words else ""


def cut_inside_name(sentence: str, start: int, end: int) -> bool:
    """A boundary between two capitalised words joined only by spaces or dashes."""
    fact = sentence[start:end]
    if start > 0:
        before = sentence[:start]
        gap = before[len(before.rstrip(" -\u2013\u2014")) :]
        joined = _JOINER.match(gap) and before.rstrip()[-1:] not in ",;:."
        if joined and _CAPITALISED.match(_last_word(before) or "-"):
            return bool(_CAPITALISED.match(_first_word(fact) or "-"))
    if end < len(sentence):
        after = sentence[end:]
        gap = after[: len(after) - len(after.lstrip(" -\u2013\u2014"))]
        joined = _JOINER.match(gap) and fact.rstrip()[-1:] not in ",;:."
        if joined and _CAPITALISED.match(_first_word(after) or "-"):
            return bool(_CAPITALISED.match(_last_word(fact) or "-"))
    return False


def cut_inside_range(sentence: str, start: int, end: int) -> bool:
    fact = sentence[start:end].strip()
    if end < len(sentence) and fact[-1:].isdigit() and _RANGE_AFTER.match(sentence[end:]):
        return True
    if fact[-1:] in "-\u2013\u2014":
        return True
    first = fact.lstrip("Rp$US. ")[:1]
    return start > 0 and first.isdigit() and _RANGE_BEFORE.search(sentence[:start]) is not None


def without_list_markers(sentence: str) -> str:
    """The sentence with the ")" of "1)"-style list markers (a ")" that closes no "(") blanked."""
    chars = list(sentence)
    depth = 0
    for index, char in enumerate(sentence):
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif char == ")" and _MARKER_BEFORE.search(sentence, 0, index):
            chars[index] = " "
    return "".join(chars)


def cut_inside_quote(sentence: str, start: int, end: int) -> bool:
    """A boundary inside a quotation or a parenthesis of its sentence ("1)"-style list markers
    are no parentheses)."""
    if start == 0 and end >= len(sentence.rstrip()):
        return False
    sentence = without_list_markers(sentence)
    fact = sentence[start:end]
    opens_inside = sentence[:start].count('"') % 2 == 1 and not fact.startswith('"')
    closes_inside = (
        end < len(sentence) and sentence[:end].count('"') % 2 == 1 and not fact.endswith('"')
    )
    in_parenthesis = sentence[:start].count("(") > sentence[:start].count(")")
    unbalanced = fact.count("(") != fact.count(")")
    return opens_inside or closes_inside or in_parenthesis or unbalanced


def starts_badly(sentence: str, start: int, fact: str) -> bool:
    """Starts in lower case, or in the middle of a word."""
    first = next((ch for ch in fact if ch.isalnum()), "")
    mid_word = start > 0 and sentence[start - 1].isalnum()
    return first.islower() or mid_word


def repeats_summary(fact: str, summary: tuple[str, ...]) -> bool:
    """The fact holds REPEAT_SHARE or more of the words of one summary sentence."""
    words = _words(fact)
    return any(
        len(words & shown) >= REPEAT_SHARE * len(shown)
        for shown in (_words(s) for s in summary)
        if shown
    )


def inside_summary(fact: str, summary: tuple[str, ...]) -> bool:
    """Most of the fact's own words (REPEAT_SHARE) come from one summary sentence."""
    words = _words(fact)
    return bool(words) and any(len(words & _words(s)) >= REPEAT_SHARE * len(words) for s in summary)


def date_label_wrong(kind: str, fact: str) -> bool:
    """A "date" fact whose only date is a bare year although it reports a quantity (another
    number besides years): "Dubai menyambut 14,24 juta wisatawan selama 2017" is a number."""
    if kind != "date" or _CALENDAR.search(fact) or not _YEAR_ONLY.search(fact):
        return False
    return bool(_FIGURE.findall(_YEAR_ONLY.sub(" ", fact)))


@dataclass
class FactChecks:
    digests: int = 0
    facts: int = 0
    verbatim: int = 0
    over_200: int = 0
    whole_sentences: int = 0
    bad_start: int = 0
    cut_name: int = 0
    cut_range: int = 0
    cut_quote: int = 0
    repeats: int = 0
    inside: int = 0
    year_dates: int = 0
    bare_phrases: int = 0
    fewer_than_3: int = 0
    more_than_7: int = 0
    figures_total: int = 0
    figures_facts: int = 0
    figures_shown: int = 0
    figures_article: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[str]] = field(default_factory=dict)

    def _note(self, problem: str, text: str) -> None:
        self.samples.setdefault(problem, []).append(text)

    def add(self, reference: str, cleaned: str, sentences: list[str], digest: Digest) -> None:
        """One digest; `reference` is the reference summary ("" for an article without one:
        no key-figure recall)."""
        self.digests += 1
        self.fewer_than_3 += len(digest.facts) < 3
        self.more_than_7 += len(digest.facts) > 7
        for fact in digest.facts:
            self._add_fact(fact.text, fact.kind, sentences[fact.sentence], cleaned, digest)
        wanted = figures_of(reference)
        if wanted:
            facts = figures_of(" ".join(f.text for f in digest.facts))
            shown = facts | figures_of(" ".join(digest.summary))
            self.figures_total += len(wanted)
            self.figures_facts += len(wanted & facts)
            self.figures_shown += len(wanted & shown)
            self.figures_article += len(wanted & figures_of(cleaned))

    def _add_fact(self, text: str, kind: str, sentence: str, cleaned: str, digest: Digest) -> None:
        self.facts += 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.verbatim += text in cleaned
        self.over_200 += len(text) > 200
        start = sentence.find(text)
        end = start + len(text)
        self.whole_sentences += text == sentence
        checks = {
            "bad_start": starts_badly(sentence, start, text),
            "cut_name": cut_inside_name(sentence, start, end),
            "cut_range": cut_inside_range(sentence, start, end),
            "cut_quote": cut_inside_quote(sentence, start, end),
            "repeats": repeats_summary(text, digest.summary),
            "inside": inside_summary(text, digest.summary),
            "year_dates": date_label_wrong(kind, text),
            "bare_phrases": start > 0 and not opens_with_subject(text),
        }
        for name, failed in checks.items():
            if failed:
                setattr(self, name, getattr(self, name) + 1)
                self._note(name, text)

    def rows(self) -> list[tuple[str, str, str]]:
        """(measure, value, target) rows for the report."""
        n = max(self.facts, 1)
        figures = max(self.figures_total, 1)

        def share(count: int) -> str:
            return f"{100 * count / n:.1f}% ({count})"

        rows = [
            ("facts (per digest)", f"{self.facts} ({self.facts / max(self.digests, 1):.2f})", ""),
            ("verbatim in the cleaned article", share(self.verbatim), "100%"),
            ("digests with fewer than 3 / more than 7 facts",
             f"{self.fewer_than_3} / {self.more_than_7}", "0 / 0"),
            ("whole sentences", share(self.whole_sentences), ""),
            ("start in lower case or mid-word", share(self.bad_start), "<= 5%"),
            ("cut inside a name", share(self.cut_name), "0"),
            ("cut inside a number range", share(self.cut_range), "0"),
            ("cut inside a quotation or parenthesis", share(self.cut_quote), "0"),
            ("repeat a summary sentence (hold >= 80% of its words)", share(self.repeats), "0"),
            ("mostly words of one summary sentence (>= 80% of the fact's words)",
             share(self.inside), ""),
            ("'date' facts with only a year that report a quantity", share(self.year_dates), "0"),
            ("from mid-sentence without a subject and verb (bare phrases)",
             share(self.bare_phrases), ""),
            ("over 200 characters", share(self.over_200), ""),
        ]  # fmt: skip
        if not self.figures_total:
            return rows
        return [
            *rows,
            ("key-figure recall: summary + facts", f"{self.figures_shown / figures:.3f}",
             ">= 0.95"),
            ("key-figure recall: facts alone", f"{self.figures_facts / figures:.3f}", ">= 0.85"),
            ("key figures anywhere in the cleaned article", f"{self.figures_article / figures:.3f}",
             ""),
        ]  # fmt: skip
