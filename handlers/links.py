"""What a message asks to summarize: its own text, its links, or both (the teaser rule).

The teaser rule, measured with bench/teasers.py on the headline and meta description of 200
saved news pages (what channels post next to a link) against 923 whole articles: a message
whose own words, links left out, are at least FULL_ARTICLE_CHARS characters in at least
FULL_ARTICLE_SENTENCES sentences is a full article, and its text is summarized (a link at its
end is shown as the source). Anything shorter beside a link (a headline, a teaser, "Tolong
dibaca: URL") is not, and the linked articles are summarized instead, one reply each, in the
order they appear, at most `max_links` of them; identical links (after normalization) count
once. Result: 8 of the 200 teasers are called full articles (all eight are wire pages whose
description holds the whole story), and 899 of the 923 articles (97.4%); the other 24 are
very short items, for which summarizing the linked page instead loses nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from summarizer.sentences import split_sentences
from web.urls import normalize_url

from .documents import DocumentRef
from .requests import SummaryRequest, prose_length

FULL_ARTICLE_CHARS = 800
FULL_ARTICLE_SENTENCES = 4
# Scripts that pack a word into a character or two count their characters more (as the
# chit-chat rule in handlers.requests does).
# Links people type that are not for the web: answered "only http and https links".
_REFUSED_LINK = re.compile(r"(?<![\w/])(?:s?ftps?://|file://|javascript:)[^\s<>\"'«»“”]+", re.I)
_COLON_OF_A_SCHEME = re.compile(r":(?://|(?<=t:))", re.I)
# After a source link only closing words and punctuation may follow.
_TRAILER = re.compile(r"^[\s)\].,;:!?»”’\"'-]*$")


class TargetKind(Enum):
    TEXT = "text"
    LINK = "link"
    REFUSED = "refused"  # a link with a scheme we never fetch
    DOCUMENT = "document"


@dataclass(frozen=True)
class Target:
    """One thing to summarize, answered by one reply."""

    kind: TargetKind
    value: str  # the text, the link, or the document's file name
    source_url: str | None = None  # for a text: the link it ends with
    document: DocumentRef | None = None

    @property
    def label(self) -> str:
        return self.value


@dataclass(frozen=True)
class Plan:
    targets: tuple[Target, ...]
    beyond_cap: tuple[str, ...] = ()  # links left out, named in one note

    @property
    def empty(self) -> bool:
        return not self.targets


@dataclass(frozen=True)
class ProseMeasure:
    chars: int
    sentences: int


def prose_measure(text: str, links: tuple[str, ...] = ()) -> ProseMeasure:
    prose = SummaryRequest(text, links).prose if links else text.strip()
    for refused in refused_links(prose):
        prose = prose.replace(refused, " ")
    chars = prose_length(prose)
    return ProseMeasure(chars, len(split_sentences(prose)))


def is_full_article(text: str, links: tuple[str, ...] = ()) -> bool:
    measure = prose_measure(text, links)
    return measure.chars >= FULL_ARTICLE_CHARS and measure.sentences >= FULL_ARTICLE_SENTENCES


def refused_links(text: str) -> list[str]:
    if not _may_have_refused_link(text):
        return []
    return list(dict.fromkeys(_REFUSED_LINK.findall(text)))


def _may_have_refused_link(text: str) -> bool:
    """Whether `_REFUSED_LINK` can match: a colon before "//" or after a "t" ("javascript:").
    It tries its alternatives at every word, about 75 us for an article of 2,000 characters;
    this looks at the colons only, about 2 us. (Matched with the same case folding, so "ſ" or
    "İ" in a scheme cannot slip past it.)"""
    return _COLON_OF_A_SCHEME.search(text) is not None


def _in_message_order(text: str, links: list[str], refused: list[str]) -> list[Target]:
    """Links as the message orders them (entity links keep their place), the refused ones put
    where they stand in the text."""
    placed: list[tuple[int, Target]] = []
    position = -1
    for link in links:
        found = max(text.find(link), text.find(link.removeprefix("https://")))
        position = found if found >= 0 else position  # an entity link: after the one before
        placed.append((position, Target(TargetKind.LINK, link)))
    placed += [(text.find(link), Target(TargetKind.REFUSED, link)) for link in refused]
    placed.sort(key=lambda item: item[0])  # stable: equal positions keep the message order
    return [target for _, target in placed]


def source_link(text: str, links: tuple[str, ...]) -> str | None:
    """The link a full article ends with ("Sumber: URL"), if it ends with one."""
    for link in reversed(links):
        for form in (link, link.removeprefix("https://")):
            end = text.rfind(form)
            if end >= 0 and _TRAILER.match(text[end + len(form) :]):
                return link
    return None


def plan_request(request: SummaryRequest, max_links: int) -> Plan:
    """The replies a request gets; an empty plan means it holds nothing to summarize."""
    text, links = request.text, request.links
    refused = refused_links(text)
    if (links or refused) and is_full_article(text, links):
        return Plan((Target(TargetKind.TEXT, text, source_link(text, links)),))
    if not links and not refused:
        return Plan((Target(TargetKind.TEXT, text),)) if request.looks_like_article else Plan(())
    targets = _in_message_order(text, _distinct(links), refused)
    return Plan(tuple(targets[:max_links]), tuple(target.value for target in targets[max_links:]))


def document_plan(document: DocumentRef) -> Plan:
    return Plan((Target(TargetKind.DOCUMENT, document.file_name or "", document=document),))


def _distinct(links: tuple[str, ...]) -> list[str]:
    seen: dict[str, str] = {}
    for link in links:
        seen.setdefault(normalize_url(link), link)
    return list(seen.values())
