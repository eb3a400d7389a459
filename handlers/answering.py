"""Answering a plan: one reply per target, in message order, each with its own buttons.

Targets are worked on together (each after its slot in the user's limit) and their replies
go out in order. Given the bot's earlier replies to the same message (an edit, a late part
of a paste), the new replies edit those in place; surplus old replies are deleted.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardMarkup, Message, ReplyParameters

from service import Answer, EngineBusy, WorkTooSlow
from summarizer import ArticleError
from web.policy import FetchError, NotAnArticle

from .documents import DocumentProblem, read_telegram_document
from .links import Plan, Target, TargetKind
from .metrics import count_error, replied
from .render import VIEW_FACTS, VIEW_SUMMARY, Extras, render
from .requests import failure_text, reason_code
from .services import (
    QUEUED_NOTICE_PART,
    SKIPPED_NOTE_PART,
    ChatPreferences,
    Context,
    send_part,
    send_text,
    services_of,
    with_retries,
)
from .typing import Typing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    html: str
    keyboard: InlineKeyboardMarkup | None = None
    kind: str = "notice"  # for the metrics (handlers.metrics.REPLY_KINDS)
    engine_work: bool = False  # a new summary (services.send_part: quick replies go first)


@dataclass(frozen=True)
class Job:
    """Whom to answer and how: the message replied to, the chat's settings, the view."""

    message: Message
    prefs: ChatPreferences
    user_id: int | None
    view: str = VIEW_SUMMARY
    sentences: int | None = None  # None: the chat's length

    @property
    def length(self) -> int:
        return self.sentences or self.prefs.sentences


def signature(plan: Plan, job: Job) -> str:
    """What a reply depends on, hashed (the database keeps it for edits on any replica): an
    edit that leaves it the same changes nothing."""
    depends_on = repr((job.view, job.length, plan)).encode("utf-8", "surrogatepass")
    return hashlib.sha256(depends_on).hexdigest()[:32]


class ReplyWriter:
    """Puts replies out in order: editing the earlier ones first, then sending new ones.

    The replies are the answer's parts 0, 1, 2, ... (services.send_part): a re-run of the
    update skips those an earlier run delivered.
    """

    def __init__(self, context: Context, message: Message, previous: Sequence[int]) -> None:
        self._bot = context.bot
        self._message = message
        self._previous = list(previous)
        self._parts = 0
        self.sent: list[int] = []

    async def put(self, outgoing: Outgoing) -> None:
        part = self._parts
        self._parts += 1
        if self._previous:
            message_id = self._previous.pop(0)
            edited = await send_part(
                part,
                "editMessageText",
                self._bot.edit_message_text,
                outgoing.html,
                chat_id=self._message.chat_id,
                message_id=message_id,
                reply_markup=outgoing.keyboard,
                engine_work=outgoing.engine_work,
            )
            replied(outgoing.kind, edited)
            self.sent.append(message_id)  # kept also when the text did not change
            return
        sent = await send_part(
            part,
            "sendMessage",
            self._message.reply_html,
            outgoing.html,
            reply_markup=outgoing.keyboard,
            # The user may delete their message while we work: answer anyway.
            reply_parameters=ReplyParameters(
                self._message.message_id, allow_sending_without_reply=True
            ),
            engine_work=outgoing.engine_work,
        )
        replied(outgoing.kind, sent)
        if sent is not None:
            self.sent.append(sent)

    async def finish(self) -> list[int]:
        for message_id in self._previous:
            await with_retries(
                "deleteMessage", self._bot.delete_message, self._message.chat_id, message_id
            )
        self._previous = []
        return self.sent


async def answer_plan(
    context: Context,
    job: Job,
    plan: Plan,
    previous: Sequence[int] = (),
    *,
    paced: bool = True,
    empty_text: str | None = None,
) -> list[int]:
    """Answer every target of `plan`; returns the ids of the bot's replies, in order.

    `paced`: each article takes a slot in the user's limit (not for a paste's late part,
    which was counted with the paste). `empty_text`: the reply when the plan is empty.
    """
    services = services_of(context)
    typing = Typing(context.bot, job.message.chat_id)
    writer = ReplyWriter(context, job.message, previous)
    named = len(plan.targets) > 1
    answers: list[Awaitable[list[Outgoing]]] = [
        _answer_target(context, job, target, typing, paced, named) for target in plan.targets
    ]
    if named:  # several targets are worked on side by side (links fetched at once)
        answers = [asyncio.ensure_future(answer) for answer in answers]
    try:
        for answer in answers:
            for outgoing in await answer:
                await writer.put(outgoing)
        if plan.beyond_cap:
            await writer.put(Outgoing(_beyond_cap_note(context, job, plan)))
        if plan.empty and empty_text is not None:
            await writer.put(Outgoing(empty_text))
    finally:
        for answer in answers:
            if isinstance(answer, asyncio.Future):  # a lone target has ended by then
                answer.cancel()
        await typing.close()
    sent = await writer.finish()
    if not plan.empty:
        await services.storage.note_chat_served(job.message.chat_id)
    return sent


def _beyond_cap_note(context: Context, job: Job, plan: Plan) -> str:
    texts = services_of(context).texts
    total = len(plan.targets) + len(plan.beyond_cap)
    links = ", ".join(escape(link) for link in plan.beyond_cap)
    note = texts.text(
        job.prefs.interface, "several_links", count=total, cap=len(plan.targets), links=links
    )
    return f"<i>{note}</i>"


async def _admitted(context: Context, job: Job, target: Target) -> bool:
    services = services_of(context)
    ui = job.prefs.interface

    async def notice(seconds: int) -> None:
        text = services.texts.text(ui, "burst_queued", seconds=seconds)
        replied("notice", await send_text(job.message, text, part=QUEUED_NOTICE_PART))

    async def skip_note(labels: list[str]) -> None:
        items = "\n".join(f"• {label}" for label in labels)
        text = services.texts.text(ui, "burst_skipped", items=items)
        replied("notice", await send_text(job.message, text, part=SKIPPED_NOTE_PART))

    pacer = services.habits.pacer
    spawn = context.application.create_task
    return await pacer.admit(job.user_id, target.label, notice, skip_note, spawn)


async def _summarize(context: Context, job: Job, target: Target) -> tuple[Answer, Extras]:
    services = services_of(context)
    if target.kind is TargetKind.LINK:
        return await services.digests.from_url(target.value, job.length), Extras()
    if target.kind is TargetKind.DOCUMENT:
        assert target.document is not None
        text, note = await read_telegram_document(context, target.document, services.habits.limits)
        answer = await services.digests.from_text(text, job.length)
        notes = ((note[0], tuple(sorted(note[1].items()))),) if note else ()
        return answer, Extras(notes=notes)
    answer = await services.digests.from_text(target.value, job.length)
    return answer, Extras(source_url=target.source_url)


async def _answer_target(
    context: Context, job: Job, target: Target, typing: Typing, paced: bool, named: bool
) -> list[Outgoing]:
    services = services_of(context)
    texts, ui = services.texts, job.prefs.interface
    heading = f"<i>{escape(target.value)}</i>\n" if named else ""
    if target.kind is TargetKind.REFUSED:
        reason = texts.text(ui, "fetch_unsupported_scheme")
        return [Outgoing(heading + texts.text(ui, "link_refused", reason=reason), kind="failure")]
    if paced and not await _admitted(context, job, target):
        return []  # skipped: the pacer names it in its note
    try:
        async with typing.working():
            answer, extras = await _summarize(context, job, target)
    except (ArticleError, NotAnArticle, FetchError, EngineBusy, WorkTooSlow) as error:
        # The reason's code only at INFO: the detail names the link (SECURITY.md, "Logs").
        log.info("not summarized in chat %s: %s", job.message.chat_id, reason_code(error))
        log.debug("not summarized: %s", error)
        return [Outgoing(heading + failure_text(services, ui, error), kind="failure")]
    except DocumentProblem as problem:
        return [Outgoing(texts.text(ui, problem.key, **problem.values), kind="failure")]
    except Exception as error:
        log.exception("summarizing failed in chat %s", job.message.chat_id)
        count_error(error)
        return [Outgoing(heading + texts.text(ui, "error"), kind="error")]
    article_id = answer.article.article_id
    ttl = services.digests.cache_ttl(article_id)
    await services.habits.extras.remember(services.storage, article_id, extras, ttl)
    reply = render(answer, texts, ui, job.view, extras=extras)
    last = len(reply.parts) - 1
    kind = "facts" if job.view == VIEW_FACTS else "summary"
    return [
        Outgoing(part, reply.keyboard if index == last else None, kind, not answer.from_cache)
        for index, part in enumerate(reply.parts)
    ]
