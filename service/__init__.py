"""The Telegram-free service: clean once, key once, cache, single flight, limits.

The bot's handlers and the command line both answer through `DigestService`.
"""

from .digests import Answer, ArticleRecord, DigestLimits, DigestService
from .limits import ConversationLimits, RateLimiter, SharedRateLimiter, Slot

__all__ = [
    "Answer",
    "ArticleRecord",
    "ConversationLimits",
    "DigestLimits",
    "DigestService",
    "RateLimiter",
    "SharedRateLimiter",
    "Slot",
]
