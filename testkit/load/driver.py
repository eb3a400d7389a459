"""Driving the load: the open-loop injection of the plan into the fake Bot API, sampling the
bot's process trees, killing and restarting a replica on schedule, and waiting for answers."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from testkit.documents import article_page, pdf_with_text
from testkit.fake_bot_api import FakeBotApi, JsonDict, RecordedCall

from .botproc import Fleet
from .procfs import TreeUsage, tree_usage
from .workload import DOCUMENT, HELP, PlannedMessage


@dataclass
class Injected:
    """A request as sent: its messages (several for a split paste) and when they went."""

    planned: PlannedMessage
    chat_id: int
    message_ids: list[int]
    first_at: float  # time.time() just before the first message was queued
    last_at: float  # ... and the last one: the user is done, the wait starts
    late: float  # seconds behind the open-loop schedule, worst part

    @property
    def keys(self) -> list[tuple[int, int]]:
        return [(self.chat_id, message_id) for message_id in self.message_ids]


def send(api: FakeBotApi, planned: PlannedMessage, part: str) -> JsonDict:
    """One message of a request, as the user's client sends it."""
    user = planned.chat_id
    if planned.kind == HELP:
        return api.command(part, user_id=user, language_code="id")
    if planned.kind == DOCUMENT:
        data, mime_type = document_of(part, planned.file_format)
        return api.document_message(
            data,
            file_name=f"artikel-{planned.index:04d}.{planned.file_format or 'txt'}",
            mime_type=mime_type,
            user_id=user,
        )
    return api.private_text(part, user_id=user, language_code="id")


def document_of(text: str, file_format: str) -> tuple[bytes, str]:
    """An article as a file of `file_format`, and its MIME type."""
    if file_format == "pdf":
        return pdf_with_text(text, pages=2), "application/pdf"
    if file_format == "html":
        return article_page(text), "text/html"
    return text.encode("utf-8"), "text/plain"


async def inject_all(api: FakeBotApi, plan: Sequence[PlannedMessage]) -> list[Injected]:
    """Open loop: each message goes at start + its offset, whatever the bot is doing."""
    sends = sorted(
        (planned.offset + number * planned.part_gap, position, number)
        for position, planned in enumerate(plan)
        for number in range(len(planned.parts))
    )
    by_position: dict[int, Injected] = {}
    loop = asyncio.get_running_loop()
    start = loop.time()
    for offset, position, number in sends:
        delay = start + offset - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        late = max(0.0, loop.time() - start - offset)
        at = time.time()
        planned = plan[position]
        message = send(api, planned, planned.parts[number])
        injected = by_position.get(position)
        if injected is None:
            injected = by_position[position] = Injected(planned, planned.chat_id, [], at, at, 0.0)
        injected.message_ids.append(message["message_id"])
        injected.last_at = at
        injected.late = max(injected.late, late)
    return [by_position[position] for position in sorted(by_position)]


def reply_target(call: RecordedCall) -> tuple[int, int] | None:
    """(chat_id, message_id) that a successful sendMessage replied to."""
    if call.method != "sendMessage" or not call.ok:
        return None
    reply = call.params.get("reply_parameters")
    message_id = reply.get("message_id") if isinstance(reply, dict) else None
    message_id = message_id or call.params.get("reply_to_message_id")
    chat_id = call.params.get("chat_id")
    if not isinstance(chat_id, int) or not isinstance(message_id, int):
        return None
    return chat_id, message_id


async def wait_for_answers(
    api: FakeBotApi, injected: Sequence[Injected], timeout: float, settle: float
) -> bool:
    """Until every request has a reply (True), or `timeout`; then `settle` s for stragglers."""
    owner = {key: n for n, item in enumerate(injected) for key in item.keys}
    waiting = set(range(len(injected)))
    scanned = 0
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        calls = api.calls
        for call in calls[scanned:]:
            target = reply_target(call)
            if target in owner:
                waiting.discard(owner[target])
        scanned = len(calls)
        await asyncio.sleep(0.1)
    await asyncio.sleep(settle)
    return not waiting


@dataclass
class Sampler:
    """Reads the replicas' process trees every `interval` seconds while running."""

    fleet: Fleet
    interval: float = 0.25
    samples: list[TreeUsage] = field(default_factory=list)

    async def run(self) -> None:
        for count in itertools.count():
            pids = self.fleet.pids
            if pids:  # pages counted once every two seconds: it costs the machine more
                # In a thread: the fake API's event loop would otherwise wait for /proc.
                usage = await asyncio.to_thread(tree_usage, pids, distinct=count % 8 == 0)
                self.samples.append(usage)
            self.fleet.note_peaks()
            await asyncio.sleep(self.interval)


@dataclass(frozen=True)
class Kill:
    """Which replica dies when (seconds into the first step's load), and for how long."""

    replica: int
    at: float
    down_for: float


@dataclass
class KillRecord:
    replica: int
    killed_at: float  # time.time()
    back_at: float | None = None  # ready again


async def kill_and_restart(fleet: Fleet, kill: Kill, timeout: float) -> KillRecord:
    await asyncio.sleep(kill.at)
    fleet.bots[kill.replica].kill()
    record = KillRecord(kill.replica, time.time())
    await asyncio.sleep(kill.down_for)
    await fleet.restart(kill.replica, timeout)
    record.back_at = time.time()
    return record
