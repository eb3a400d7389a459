"""What the handlers remember between updates (in memory): pastes being joined, replies to
edit, admins, greetings, pacing, and what a reply showed beyond its article."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from service import ConversationLimits, RateLimiter, SharedRateLimiter

from .edits import ReplyLog
from .groups import AdminCache, Greeted
from .pacing import Pacer
from .pastes import PasteJoiner
from .render import Extras

MAX_EXTRAS = 5_000


class ExtrasMemory:
    """A pasted text's source link or a document's note, by article id, for the buttons."""

    def __init__(self, size: int = MAX_EXTRAS) -> None:
        self._size = size
        self._extras: OrderedDict[str, Extras] = OrderedDict()

    def get(self, article_id: str) -> Extras:
        return self._extras.get(article_id, Extras())

    def put(self, article_id: str, extras: Extras) -> None:
        if extras == Extras():
            return
        self._extras[article_id] = extras
        self._extras.move_to_end(article_id)
        while len(self._extras) > self._size:
            self._extras.popitem(last=False)


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

    @classmethod
    def create(
        cls, limits: ConversationLimits, article_limiter: RateLimiter | SharedRateLimiter
    ) -> Habits:
        return cls(
            limits=limits,
            pastes=PasteJoiner(limits.join_window_seconds, limits.late_part_seconds),
            replies=ReplyLog(),
            admins=AdminCache(limits.admin_cache_seconds),
            greeted=Greeted(),
            pacer=Pacer(article_limiter),
            buttons=RateLimiter(limits.button_requests, limits.button_period_seconds),
            extras=ExtrasMemory(),
        )
