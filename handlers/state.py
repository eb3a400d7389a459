"""What the handlers remember between updates (in memory): pastes being joined, replies to
edit, admins, greetings, pacing, and what a reply showed beyond its article."""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from service import ConversationLimits, RateLimiter, SharedRateLimiter
from service.keys import extras_key
from storage import ChatSettings, Storage

from .edits import ReplyLog
from .groups import AdminCache, Greeted
from .pacing import Pacer
from .pastes import PasteJoiner
from .render import Extras

MAX_EXTRAS = 5_000
MAX_CHAT_SETTINGS = 10_000
CHAT_SETTINGS_TTL_SECONDS = 60.0

log = logging.getLogger(__name__)


class ExtrasMemory:
    """A pasted text's source link or a document's note, by article id, for the buttons: in
    this process, and in the cache for a press that lands on another replica."""

    def __init__(self, size: int = MAX_EXTRAS) -> None:
        self._size = size
        self._extras: OrderedDict[str, Extras] = OrderedDict()

    def get(self, article_id: str) -> Extras | None:
        return self._extras.get(article_id)

    def put(self, article_id: str, extras: Extras) -> None:
        self._extras[article_id] = extras
        self._extras.move_to_end(article_id)
        while len(self._extras) > self._size:
            self._extras.popitem(last=False)

    async def remember(
        self, storage: Storage, article_id: str, extras: Extras, ttl_seconds: float
    ) -> None:
        if self.get(article_id) == extras or extras == Extras():
            return  # known already (so cached already), or nothing to show
        self.put(article_id, extras)
        await storage.put_cached(extras_key(article_id), _encoded(extras), ttl_seconds)

    async def recall(self, storage: Storage, article_id: str) -> Extras:
        known = self.get(article_id)
        if known is not None:
            return known
        payload = await storage.get_cached(extras_key(article_id))
        extras = _decoded(payload) if payload is not None else Extras()
        self.put(article_id, extras)  # none too: the next press need not look again
        return extras


class ChatSettingsMemory:
    """Each chat's settings as last read or saved here, for a bot that is their only writer
    (polling: one process answers every update), so that a message does not wait for a
    database read of settings that rarely change. Webhook replicas have none: another
    replica may change a chat's settings. Kept `ttl_seconds` at most: while one polling bot
    replaces another (a restart, a deploy), both can take updates for a moment."""

    def __init__(
        self,
        size: int = MAX_CHAT_SETTINGS,
        ttl_seconds: float = CHAT_SETTINGS_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._size = size
        self._ttl = ttl_seconds
        self._clock = clock
        self._settings: OrderedDict[int, tuple[ChatSettings, float]] = OrderedDict()
        self.saves = 0  # seen so far: a read that overlapped one may predate it

    def get(self, chat_id: int) -> ChatSettings | None:
        known = self._settings.get(chat_id)
        if known is None:
            return None
        if self._clock() - known[1] > self._ttl:
            del self._settings[chat_id]
            return None
        self._settings.move_to_end(chat_id)
        return known[0]

    def keep_read(self, settings: ChatSettings, saves_before: int) -> None:
        """Keep settings read from the database, unless a save came while they were read."""
        if self.saves == saves_before:
            self._put(settings)

    def saved(self, chat_id: int, settings: ChatSettings | None) -> None:
        """The chat's settings as a save left them; None when it failed (it may or may not
        have landed: they are read again)."""
        self.saves += 1
        if settings is None:
            self._settings.pop(chat_id, None)
        else:
            self._put(settings)

    def _put(self, settings: ChatSettings) -> None:
        self._settings[settings.chat_id] = (settings, self._clock())
        self._settings.move_to_end(settings.chat_id)
        while len(self._settings) > self._size:
            self._settings.popitem(last=False)


def _encoded(extras: Extras) -> str:
    return json.dumps({"source_url": extras.source_url, "notes": extras.notes})


def _decoded(payload: str) -> Extras:
    try:
        data = json.loads(payload)
        notes = tuple(
            (str(key), tuple((str(name), value) for name, value in values))
            for key, values in data["notes"]
        )
        return Extras(source_url=data["source_url"], notes=notes)
    except (ValueError, TypeError, KeyError):
        log.warning("ignoring unreadable cached extras")
        return Extras()


@dataclass(frozen=True)
class Habits:
    limits: ConversationLimits
    pastes: PasteJoiner
    replies: ReplyLog
    admins: AdminCache
    greeted: Greeted
    pacer: Pacer
    buttons: RateLimiter
    extras: ExtrasMemory
    chat_settings: ChatSettingsMemory | None

    @classmethod
    def create(
        cls,
        limits: ConversationLimits,
        article_limiter: RateLimiter | SharedRateLimiter,
        *,
        sole_writer: bool = False,
    ) -> Habits:
        """`sole_writer`: no other process changes chat settings (polling), so they are
        remembered here once read."""
        return cls(
            limits=limits,
            pastes=PasteJoiner(limits.join_window_seconds, limits.late_part_seconds),
            replies=ReplyLog(),
            admins=AdminCache(limits.admin_cache_seconds),
            greeted=Greeted(),
            pacer=Pacer(article_limiter),
            buttons=RateLimiter(limits.button_requests, limits.button_period_seconds),
            extras=ExtrasMemory(),
            chat_settings=ChatSettingsMemory() if sole_writer else None,
        )
