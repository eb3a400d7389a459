"""Prometheus metrics of the updates, and what `GET /metrics` answers.

The metrics live on the registry of service/metrics.py (its docstring says why there is
one); handlers/metrics.py has the replies'. /metrics is served on the webhook port in
webhook mode (bot/webhook.py) and, in polling mode, on METRICS_PORT if set
(bot/metrics_server.py).
"""

from __future__ import annotations

import json
import logging

from prometheus_client import Counter
from prometheus_client.exposition import choose_encoder

from service.metrics import REGISTRY

log = logging.getLogger(__name__)

UPDATE_KINDS = ("message", "edited_message", "callback_query")

UPDATES = Counter(
    "ringkas_updates_received",
    "Updates received from Telegram (copies included), by kind: "
    + ", ".join(UPDATE_KINDS)
    + " or other.",
    ["kind"],
    registry=REGISTRY,
)
SKIPPED = Counter(
    "ringkas_updates_skipped",
    "Updates received but not answered here: copy (a duplicate delivery of one received "
    "before), elsewhere (answered or being answered by another replica).",
    ["reason"],
    registry=REGISTRY,
)

for _kind in (*UPDATE_KINDS, "other"):
    UPDATES.labels(_kind)
for _reason in ("copy", "elsewhere"):
    SKIPPED.labels(_reason)


def update_kind(payload: str) -> str:
    """What an update (its JSON as received) carries: one of UPDATE_KINDS, or "other"."""
    try:
        update = json.loads(payload)
    except ValueError:
        return "other"
    if isinstance(update, dict):
        for kind in UPDATE_KINDS:
            if kind in update:
                return kind
    return "other"


def update_received(payload: str) -> None:
    UPDATES.labels(update_kind(payload)).inc()


def exposition(accept: str) -> tuple[bytes, str]:
    """The metrics, in the format `accept` asks for (Prometheus text by default), and their
    content type."""
    encoder, content_type = choose_encoder(accept)
    return encoder(REGISTRY), content_type
