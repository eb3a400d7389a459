"""The plan of a load: who sends what, when.

The mix: new articles, repeats of earlier ones (cache hits once the first is answered), long
articles sent as one message, links to the local news site, long pastes that the client
splits into consecutive messages, and articles sent as documents: .txt, .pdf (with a text
layer) and .html (a saved page), in turn. Probes ride along: a
user re-sending an article that is surely cached, and a user sending /help, each
``probe_every`` seconds, to show what answers that need no engine cost under load.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from testkit.fake_bot_api import split_like_client
from testkit.news_site import NewsSite

from .articles import Page, fresh_texts, joined_text, page_url

NEW = "new"
REPEAT = "repeat"
LONG = "long"
LINK = "link"
SPLIT = "split"
DOCUMENT = "document"
HELP = "help"
CACHED_PROBE = "cached probe"
WARM_UP = "warm-up"
MIX_KINDS = (NEW, REPEAT, LONG, LINK, SPLIT, DOCUMENT)
DOCUMENT_FORMATS = ("txt", "pdf", "html")  # documents take these in turn

FIRST_USER_ID = 7_000_001
FIRST_PROBE_USER_ID = 8_000_001
PROBE_USERS = 30  # probes rotate among these users so that none nears the per-user limit


@dataclass(frozen=True)
class Mix:
    new: float
    repeat: float
    long: float
    link: float
    split: float
    document: float
    link_repeat: float  # share of link messages that repeat an earlier link
    repeat_gap: float  # seconds: a repeat picks among contents first sent at least this long ago
    long_range: tuple[int, int]  # characters of a long article (one message)
    split_range: tuple[int, int]  # characters of a long paste (several messages)
    split_gap: float  # seconds between the parts of a long paste

    def weights(self) -> tuple[float, ...]:
        return (self.new, self.repeat, self.long, self.link, self.split, self.document)


@dataclass(frozen=True)
class PlannedMessage:
    """One request: ``parts`` are the messages sent (several for a split paste)."""

    index: int
    offset: float  # seconds after the start of the load
    chat_id: int
    kind: str
    parts: tuple[str, ...]
    content: str  # identity of what is summarized: the article text, or the page slug
    first: int | None  # index of the first request with the same content (repeats only)
    part_gap: float = 0.0
    file_format: str = ""  # documents: "txt", "pdf" or "html"

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)

    @property
    def is_probe(self) -> bool:
        return self.kind in (HELP, CACHED_PROBE, WARM_UP)


Earlier = tuple[float, str, int]  # offset, content, index of a first sending


def link_message(url: str, rng: random.Random) -> str:
    return rng.choice((url, f"Tolong ringkas ini ya {url}", f"{url} menurutmu gimana?"))


class Planner:
    """Decides each request in turn; repeats pick among contents sent `repeat_gap` s before.

    One planner serves every step of a run, so that no article is fresh twice.
    """

    def __init__(
        self, mix: Mix, articles: Sequence[str], site: NewsSite, pages: Sequence[Page], seed: int
    ) -> None:
        self.mix = mix
        self.articles = articles
        self.site = site
        self.rng = random.Random(seed)
        self._fresh = fresh_texts(articles)
        self._pages = iter(pages)
        self._texts: list[Earlier] = []
        self._links: list[Earlier] = []
        self._documents = 0
        self.next_index = 0

    def next_step(self) -> None:
        """A new step's offsets start again at 0; what earlier steps sent is old enough."""
        self._texts = [(float("-inf"), content, index) for _, content, index in self._texts]
        self._links = [(float("-inf"), content, index) for _, content, index in self._links]

    def _take_index(self) -> int:
        index = self.next_index
        self.next_index += 1
        return index

    def message(self, offset: float, chat_id: int) -> PlannedMessage:
        kind = self.rng.choices(MIX_KINDS, self.mix.weights())[0]
        index = self._take_index()
        if kind == LINK:
            return self._link(index, offset, chat_id)
        if kind == REPEAT:
            earlier = self._earlier(self._texts, offset)
            if earlier is not None:
                _, text, first = earlier
                return PlannedMessage(index, offset, chat_id, REPEAT, (text,), text, first)
            kind = NEW  # nothing old enough to repeat yet
        if kind == SPLIT:
            text = joined_text(self.articles, self.rng, *self.mix.split_range)
            parts = tuple(split_like_client(text))
            return PlannedMessage(
                index, offset, chat_id, SPLIT, parts, text, None, self.mix.split_gap
            )
        text = joined_text(self.articles, self.rng, *self.mix.long_range) if kind == LONG else (
            self.new_text()
        )  # fmt: skip
        if kind == DOCUMENT:
            file_format = DOCUMENT_FORMATS[self._documents % len(DOCUMENT_FORMATS)]
            self._documents += 1
            return PlannedMessage(
                index, offset, chat_id, kind, (text,), text, None, file_format=file_format
            )
        self._texts.append((offset, text, index))
        return PlannedMessage(index, offset, chat_id, kind, (text,), text, None)

    def new_text(self) -> str:
        text = next(self._fresh, None)
        if text is None:
            raise RuntimeError("the corpus has no more distinct articles for this many messages")
        return text

    def warm_up(self, chat_id: int) -> PlannedMessage:
        """An article sent before the load, so that the cached probe re-sends a cached one."""
        text = self.new_text()
        return PlannedMessage(self._take_index(), 0.0, chat_id, WARM_UP, (text,), text, None)

    def probe(self, kind: str, offset: float, chat_id: int, warm: PlannedMessage) -> PlannedMessage:
        index = self._take_index()
        if kind == HELP:
            return PlannedMessage(index, offset, chat_id, HELP, ("/help",), "/help", None)
        return PlannedMessage(
            index, offset, chat_id, CACHED_PROBE, warm.parts, warm.content, warm.index
        )

    def _earlier(self, pool: list[Earlier], offset: float) -> Earlier | None:
        eligible = [entry for entry in pool if entry[0] <= offset - self.mix.repeat_gap]
        return self.rng.choice(eligible) if eligible else None

    def _link(self, index: int, offset: float, chat_id: int) -> PlannedMessage:
        earlier = None
        if self.rng.random() < self.mix.link_repeat:
            earlier = self._earlier(self._links, offset)
        if earlier is None:
            page = next(self._pages, None)
            if page is None:
                raise RuntimeError("the news site has no more pages for this many links")
            slug, first = page.slug, None
            self._links.append((offset, slug, index))
        else:
            _, slug, first = earlier
        text = link_message(page_url(self.site, slug), self.rng)
        return PlannedMessage(index, offset, chat_id, LINK, (text,), slug, first)


# A person pastes or forwards one article, then another: seconds apart, never the three
# seconds within which the bot takes a message for the next part of a split paste
# (handlers/pastes.py SENT_TOGETHER_SECONDS).
HUMAN_GAP_SECONDS = 6.0


def chats_for(rate: float, chats: int, per_minute: int) -> int:
    """Enough chats that round-robin keeps each under ``per_minute`` messages a minute and
    its messages at least HUMAN_GAP_SECONDS apart."""
    needed = int(rate * 60 / max(per_minute, 1)) + 1
    apart = math.ceil(rate * HUMAN_GAP_SECONDS)
    return max(chats, needed, apart)


def build_plan(
    count: int,
    rate: float,
    chats: int,
    planner: Planner,
    *,
    probe_every: float = 0.0,
    warm: PlannedMessage | None = None,
) -> list[PlannedMessage]:
    """Request i at i / rate seconds to chat i mod `chats` (round-robin), plus the probes."""
    plan = [planner.message(i / rate, FIRST_USER_ID + i % chats) for i in range(count)]
    if probe_every > 0 and warm is not None:
        duration = (count - 1) / rate
        for n in range(int(duration / probe_every) + 1):
            offset = n * probe_every + probe_every / 2  # between two mix messages
            for kind_number, kind in enumerate((CACHED_PROBE, HELP)):
                user = FIRST_PROBE_USER_ID + (2 * n + kind_number) % PROBE_USERS
                plan.append(planner.probe(kind, offset, user, warm))
    return sorted(plan, key=lambda planned: planned.offset)


def busiest_chat_minute(plan: Sequence[PlannedMessage]) -> int:
    """Most requests one chat sends within 60 s (the bot's per-user limit counts these)."""
    offsets: dict[int, list[float]] = {}
    for planned in plan:
        offsets.setdefault(planned.chat_id, []).append(planned.offset)
    busiest = 0
    for times in offsets.values():
        start = 0
        for end, at in enumerate(times):
            while times[start] <= at - 60.0 + 1e-6:
                start += 1
            busiest = max(busiest, end - start + 1)
    return busiest
