"""The Telegram-free service: clean once, key once, cache, single flight, limits.

The bot's handlers and the command line both answer through `DigestService`; its CPU work
runs in `ProcessLanes` (worker processes, the bot) or `ThreadLanes` (the command line).

Names are loaded on first use (PEP 562): the worker processes import `service.records` and
`service.zygote`, and must not load the storage drivers and metrics with them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .digests import Answer, DigestLimits, DigestService
    from .fairness import acting_for, requester
    from .lanes import ProcessLanes, ThreadLanes, WorkLanes, WorkLimits
    from .limits import ConversationLimits, RateLimiter, SharedRateLimiter, Slot
    from .records import ArticleRecord
    from .workers import EngineBusy, EngineCrashed, ShuttingDown, WorkTooSlow

_HOMES = {
    "Answer": "digests",
    "DigestLimits": "digests",
    "DigestService": "digests",
    "acting_for": "fairness",
    "requester": "fairness",
    "ProcessLanes": "lanes",
    "ThreadLanes": "lanes",
    "WorkLanes": "lanes",
    "WorkLimits": "lanes",
    "ConversationLimits": "limits",
    "RateLimiter": "limits",
    "SharedRateLimiter": "limits",
    "Slot": "limits",
    "ArticleRecord": "records",
    "EngineBusy": "workers",
    "EngineCrashed": "workers",
    "ShuttingDown": "workers",
    "WorkTooSlow": "workers",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'service' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
