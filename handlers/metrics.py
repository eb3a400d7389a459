"""Prometheus metrics of the replies: what went out, what could not, and what failed.

On the registry of service/metrics.py (its docstring says why there is one). Kinds and
layers are fixed sets: a label never carries a chat, a user or any text.
"""

from __future__ import annotations

from types import TracebackType

from prometheus_client import Counter

from service.metrics import REGISTRY

# What a reply is: a summary or the key facts of an article; "failure" when the article
# could not be summarized (fetch refused, too short, busy...); "error" for an unexpected
# fault; "command" answers (/help, /start...); "button" re-renders; "notice" for the rest
# (a burst queued or skipped, a note beside the answers, a welcome in a group).
REPLY_KINDS = ("summary", "facts", "failure", "error", "command", "button", "notice")
# Why a reply could not go out (handlers.services): Telegram refused it (400), the bot may not
# write there (403), or it outlasted the retries (an outage) or the bot stopped.
SEND_FAILURES = ("rejected", "forbidden", "lost")
# Where an unexpected exception was raised: the project's packages, the Telegram library.
LAYERS = ("summarizer", "web", "service", "storage", "handlers", "bot", "telegram")

REPLIES = Counter(
    "ringkas_replies",
    "Replies sent or edited, by kind: " + ", ".join(REPLY_KINDS) + ".",
    ["kind"],
    registry=REGISTRY,
)
SEND_FAILED = Counter(
    "ringkas_send_failures",
    "Bot API calls of the handlers (replies, edits, typing) that failed for good: "
    "rejected, forbidden or lost.",
    ["reason"],
    registry=REGISTRY,
)
ERRORS = Counter(
    "ringkas_errors",
    "Unexpected exceptions while handling an update, by the layer that raised them ("
    + ", ".join(LAYERS)
    + " or other).",
    ["layer"],
    registry=REGISTRY,
)

for _kind in REPLY_KINDS:
    REPLIES.labels(_kind)
for _reason in SEND_FAILURES:
    SEND_FAILED.labels(_reason)


def replied(kind: str, sent: object) -> None:
    """Count a reply of `kind` if it went out (`sent`: what the send returned, None if not)."""
    if sent is not None:
        REPLIES.labels(kind if kind in REPLY_KINDS else "notice").inc()


def layer_of(error: BaseException) -> str:
    """The layer of the innermost frame of `error`'s traceback that belongs to one."""
    layer = "other"
    frame: TracebackType | None = error.__traceback__
    while frame is not None:
        module = str(frame.tb_frame.f_globals.get("__name__", ""))
        top = module.partition(".")[0]
        if top in LAYERS:
            layer = top
        frame = frame.tb_next
    return layer


def count_error(error: BaseException | None) -> None:
    ERRORS.labels("other" if error is None else layer_of(error)).inc()
