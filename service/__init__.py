"""The Telegram-free service: clean once, key once, cache, single flight, limits.

The bot's handlers and the command line both answer through `DigestService`; its CPU work
runs in `ProcessLanes` (worker processes, the bot) or `ThreadLanes` (the command line).
"""

from .digests import Answer, ArticleRecord, DigestLimits, DigestService
from .fairness import acting_for, requester
from .lanes import ProcessLanes, ThreadLanes, WorkLanes, WorkLimits
from .limits import ConversationLimits, RateLimiter, SharedRateLimiter, Slot
from .workers import EngineBusy, EngineCrashed, ShuttingDown, WorkTooSlow

__all__ = [
    "Answer",
    "ArticleRecord",
    "ConversationLimits",
    "DigestLimits",
    "DigestService",
    "EngineBusy",
    "EngineCrashed",
    "ProcessLanes",
    "RateLimiter",
    "SharedRateLimiter",
    "ShuttingDown",
    "Slot",
    "ThreadLanes",
    "WorkLanes",
    "WorkLimits",
    "WorkTooSlow",
    "acting_for",
    "requester",
]
