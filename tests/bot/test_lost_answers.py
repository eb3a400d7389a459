"""A sendMessage whose answer was lost: which failures may have delivered it, how the
delivered copy is found and the retry's deleted, and when the pacer must not look at all
(bot/lost_answers.py). Telegram is a small in-memory chat here; tests/e2e/test_bot_faults.py
runs the same against the fake Bot API server."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from telegram import Update
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from bot.flood import DeliveryPolicy, ReplyPacer
from bot.lost_answers import ChatTrail, is_unsure
from handlers.services import note_update

CHAT = 1001
QUICK = DeliveryPolicy(first_backoff_seconds=0.01, max_backoff_seconds=0.05, retry_seconds=5)
SUMMARY = "<b>Ringkasan</b>\nBanjir merendam 78 RT di Jakarta."
OTHER_REPLY = "<b>Ringkasan</b>\nBank Indonesia menahan suku bunga di 6 persen."


def caused(error: TelegramError, cause: Exception) -> TelegramError:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "unsure"),
    [
        (caused(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused")), False),
        (caused(TimedOut(), httpx.ConnectTimeout("connect")), False),
        (caused(TimedOut("Pool timeout"), httpx.PoolTimeout("pool")), False),
        (NetworkError("Bad Gateway"), False),
        (NetworkError("Internal Server Error"), False),
        (BadRequest("Bad Request: chat not found"), False),
        (caused(TimedOut(), httpx.ReadTimeout("read")), True),
        (
            caused(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("gone")),
            True,
        ),
        (caused(NetworkError("httpx.ReadError"), httpx.ReadError("reset")), True),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_only_failures_after_the_request_left_are_unsure(
    error: TelegramError, unsure: bool
) -> None:
    assert is_unsure(error) is unsure


def test_a_chats_trail_keeps_only_its_last_128_ids_of_ours() -> None:
    trail = ChatTrail()
    trail.add_ours(*range(1, 101))
    trail.add_ours(*range(101, 201))
    assert trail.ours == list(range(73, 201))


async def test_a_wait_on_a_chats_trail_ends_at_its_next_change() -> None:
    trail = ChatTrail()
    trail.note_change()  # nobody waits: nothing is kept
    change = trail.next_change()
    assert not change.is_set()
    trail.note_change()
    assert change.is_set()
    assert not trail.next_change().is_set()


@dataclass
class Stored:
    author: str  # "bot" or "user"
    text: str


@dataclass
class Chat:
    """One private chat as Telegram keeps it, answering PTB's `_do_post(endpoint, data)`.

    `faults` says what happens to the next sendMessage calls: "lost" delivers the message and
    loses the answer (a read timeout), "refused" never reaches Telegram, "cut" dies on the way
    without effect, "slow" delivers at once and answers 0.3 s later."""

    messages: dict[int, Stored] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    calls: list[tuple[str, int | None]] = field(default_factory=list)
    last_id: int = 0

    def add(self, author: str, text: str) -> int:
        self.last_id += 1
        self.messages[self.last_id] = Stored(author, text)
        return self.last_id

    def bot_texts(self) -> list[str]:
        return [m.text for m in self.messages.values() if m.author == "bot"]

    async def __call__(self, endpoint: str, data: dict[str, Any], **_: Any) -> Any:
        self.calls.append((endpoint, data.get("message_id")))
        if endpoint == "sendMessage":
            fault = self.faults.pop(0) if self.faults else None
            if fault == "refused":
                raise TimedOut() from httpx.ConnectTimeout("connect")
            if fault == "cut":  # the connection died before Telegram acted
                raise NetworkError("httpx.ReadError") from httpx.ReadError("reset")
            message_id = self.add("bot", data["text"])
            if fault == "lost":
                raise TimedOut() from httpx.ReadTimeout("read")
            if fault == "slow":
                await asyncio.sleep(0.3)
            return {"message_id": message_id, "chat": {"id": CHAT}, "text": data["text"]}
        stored = self.messages.get(data["message_id"])
        if endpoint == "deleteMessage":
            if self.messages.pop(data["message_id"], None) is None:
                raise BadRequest("Message to delete not found")
            return True
        assert endpoint == "editMessageText"
        if stored is None:
            raise BadRequest("Message to edit not found")
        if stored.author != "bot":
            raise BadRequest("Message can't be edited")
        if stored.text == data["text"]:
            raise BadRequest("Message is not modified: specified new message content ...")
        stored.text = data["text"]
        return {"message_id": data["message_id"], "chat": {"id": CHAT}, "text": data["text"]}

    def probed(self) -> list[int | None]:
        return [message_id for endpoint, message_id in self.calls if endpoint == "editMessageText"]


def handling(message_id: int, created: float, chat_id: int = CHAT) -> None:
    """The task handles the user's message `message_id`, written at Unix time `created`."""
    raw = {
        "update_id": 7,
        "message": {
            "message_id": message_id,
            "date": int(created),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "text": "https://example.com/berita",
        },
    }
    note_update(Update.de_json(raw, None))


async def reply(
    pacer: ReplyPacer, chat: Chat, to: int, text: str = SUMMARY, chat_id: int = CHAT
) -> Any:
    data = {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": "HTML",
        "reply_parameters": {"message_id": to},
    }
    return await pacer.process_request(chat, ("sendMessage", data), {}, "sendMessage", data, None)


async def test_a_copy_delivered_before_the_lost_answer_is_kept_and_the_retrys_deleted() -> None:
    pacer, chat = ReplyPacer(QUICK), Chat(faults=["lost"])
    asked = chat.add("user", "https://example.com/berita")
    handling(asked, time.time())
    result = await reply(pacer, chat, asked)
    assert chat.bot_texts() == [SUMMARY]
    assert result["message_id"] == asked + 1, "the copy the user saw first"


async def test_two_lost_answers_leave_one_copy() -> None:
    pacer, chat = ReplyPacer(QUICK), Chat(faults=["lost", "refused", "lost"])
    asked = chat.add("user", "https://example.com/berita")
    handling(asked, time.time())
    result = await reply(pacer, chat, asked)
    assert chat.bot_texts() == [SUMMARY]
    assert result["message_id"] == asked + 1


async def test_a_request_that_never_left_is_retried_without_looking_for_a_copy() -> None:
    pacer, chat = ReplyPacer(QUICK), Chat(faults=["refused", "refused"])
    asked = chat.add("user", "https://example.com/berita")
    handling(asked, time.time())
    await reply(pacer, chat, asked)
    assert chat.bot_texts() == [SUMMARY]
    assert chat.probed() == []


async def test_an_unsure_failure_that_delivered_nothing_leaves_the_retry_and_all_else_alone() -> (
    None
):
    pacer, chat = ReplyPacer(QUICK), Chat(faults=["cut"])
    asked = chat.add("user", "https://example.com/berita")
    handling(asked, time.time())
    pending = asyncio.create_task(reply(pacer, chat, asked))
    while chat.calls == []:
        await asyncio.sleep(0)
    again = chat.add("user", "halo?")  # written while the reply waits for its retry
    result = await pending
    assert chat.bot_texts() == [SUMMARY] and chat.messages[again].text == "halo?"
    assert result["message_id"] == again + 1
    assert chat.probed() == [again], "the user's message is probed and refuses the edit"


async def test_a_reply_of_ours_still_on_its_way_is_waited_for_and_never_probed() -> None:
    pacer, chat = ReplyPacer(QUICK), Chat(faults=["slow", "lost"])
    first = chat.add("user", "https://example.com/berita")
    second = chat.add("user", "https://example.com/bunga")

    async def answer_second() -> Any:
        handling(second, time.time())
        return await reply(pacer, chat, second, OTHER_REPLY)

    slow = asyncio.create_task(answer_second())
    while chat.calls == []:
        await asyncio.sleep(0)
    handling(first, time.time())
    result = await reply(pacer, chat, first)
    other = await slow
    assert chat.messages[other["message_id"]].text == OTHER_REPLY
    assert sorted(chat.bot_texts()) == sorted([SUMMARY, OTHER_REPLY])
    assert result["message_id"] == other["message_id"] + 1
    assert other["message_id"] not in chat.probed()


async def test_without_a_bound_made_since_the_start_an_earlier_runs_reply_is_never_probed() -> None:
    """The user's message came before this process started: an earlier run may have replied
    to a later message meanwhile, with an id above it. Two copies are the lesser harm."""
    pacer, chat = ReplyPacer(QUICK), Chat(faults=["lost"])
    asked = chat.add("user", "https://example.com/berita")
    chat.add("user", "https://example.com/bunga")
    earlier_run = chat.add("bot", OTHER_REPLY)
    handling(asked, time.time() - 120)
    await reply(pacer, chat, asked)
    assert chat.probed() == []
    assert chat.messages[earlier_run].text == OTHER_REPLY
    assert chat.bot_texts() == [OTHER_REPLY, SUMMARY, SUMMARY]


async def test_while_other_replicas_run_nothing_is_probed() -> None:
    pacer, chat = ReplyPacer(QUICK), Chat(faults=["lost"])
    pacer.share_budget(2)
    asked = chat.add("user", "https://example.com/berita")
    handling(asked, time.time())
    await reply(pacer, chat, asked)
    assert chat.probed() == []
    assert chat.bot_texts() == [SUMMARY, SUMMARY]


async def test_a_window_wider_than_the_probe_span_is_not_searched() -> None:
    pacer, chat = ReplyPacer(QUICK), Chat(faults=["lost"])
    asked = chat.add("user", "https://example.com/berita")
    for n in range(QUICK.probe_span):
        chat.add("user", f"pesan {n}")
    handling(asked, time.time())
    await reply(pacer, chat, asked)
    assert chat.probed() == []


async def test_after_a_reply_is_given_up_its_copies_are_never_probed() -> None:
    """The given-up reply's copies may have any id above its bound, also above the message a
    later reply answers."""
    pacer = ReplyPacer(DeliveryPolicy(first_backoff_seconds=0.01, retry_seconds=0.05))
    chat = Chat(faults=["lost"] * 100)
    first = chat.add("user", "https://example.com/berita")
    second = chat.add("user", "https://example.com/bunga")
    handling(first, time.time())
    with pytest.raises(NetworkError):
        await reply(pacer, chat, first)
    given_up = [i for i, m in chat.messages.items() if m.author == "bot"]
    assert given_up and min(given_up) > second
    chat.faults = ["lost"]
    handling(second, time.time())
    await reply(pacer, chat, second, OTHER_REPLY)
    assert not set(chat.probed()) & set(given_up)
    assert all(chat.messages[i].text == SUMMARY for i in given_up)


async def test_replies_forgotten_with_their_chats_trail_are_never_probed() -> None:
    """Trails are forgotten when too many chats were seen: the busy notice sent before that is
    then unknown, and the message it answered no longer proves a window holds only ours."""
    pacer, chat = ReplyPacer(QUICK), Chat()
    asked = chat.add("user", "https://example.com/berita")
    handling(asked, time.time())
    notice = (await reply(pacer, chat, asked, OTHER_REPLY))["message_id"]
    pacer._lost._forget_idle()  # as when the 4097th chat comes
    chat.faults = ["lost"]
    await reply(pacer, chat, asked)
    assert chat.messages[notice].text == OTHER_REPLY
    assert notice not in chat.probed()


@pytest.mark.parametrize(("chat_id", "probes"), [(CHAT, 4), (-100_200_300, 0)])
async def test_groups_probe_only_a_narrow_window(chat_id: int, probes: int) -> None:
    """A group's probes spend its 20 messages a minute: four messages in between are too
    many there, not in a private chat."""
    pacer, chat = ReplyPacer(QUICK), Chat(faults=["lost"])
    asked = chat.add("user", "https://example.com/berita")
    for n in range(3):
        chat.add("user", f"pesan {n}")
    handling(asked, time.time(), chat_id)
    await reply(pacer, chat, asked, chat_id=chat_id)
    assert len(chat.probed()) == probes
