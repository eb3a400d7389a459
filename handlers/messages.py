"""Messages in a private chat (articles, links, documents, long pastes) and edited messages."""

from __future__ import annotations

import logging

from telegram import Message, Update

from web.urls import find_urls

from .answering import Job, answer_plan, signature
from .commands import (
    Incoming,
    command_plan,
    earlier_answer,
    incoming,
    remember_answer,
    respond,
    summary_command_view,
)
from .documents import document_of
from .edits import Answered
from .groups import is_group
from .links import Plan, document_plan, plan_request
from .pastes import Paste, Role
from .requests import SummaryRequest, message_content
from .services import Context, services_of

log = logging.getLogger(__name__)


def message_plan(
    message: Message, max_links: int, content: tuple[str, tuple[str, ...]] | None = None
) -> Plan:
    """The replies a message gets; `content` is its `message_content`, when already read."""
    document = document_of(message)
    if document is not None:
        return document_plan(document)
    text, links = content or message_content(message)
    return plan_request(SummaryRequest(text, links), max_links)


async def private_message(update: Update, context: Context) -> None:
    """Any message in a private chat: an article, a link, a part of a long paste, a document,
    chit-chat, or something unreadable."""
    message = update.effective_message
    if message is None:
        return
    habits = services_of(context).habits
    role, paste = Role.ALONE, None
    if message.text and document_of(message) is None:
        # Before any await: parts must be placed in the order Telegram delivered them.
        role, paste = habits.pastes.offer(message, message.text)
    if paste is not None:  # an edit of any part, even before the answer, updates the paste
        habits.replies.put(message.chat_id, message.message_id, Answered(None, [], paste))
    if role is Role.JOINED:
        return  # the paste's first part answers for it
    # Also before any await: an edit delivered after this message waits for its answer.
    async with habits.replies.turn(message.chat_id, message.message_id):
        await _answer_message(update, context, role, paste)


async def _answer_message(
    update: Update, context: Context, role: Role, paste: Paste | None
) -> None:
    this = await incoming(update, context)
    if this is None:
        return
    message, habits = this.message, this.services.habits
    if paste is not None and role is Role.OWNER:
        await habits.pastes.gather(paste)
        await _answer_paste(this, context, paste, paced=True)
        return
    if paste is not None and role is Role.LATE:
        await paste.answered.wait()
        await _answer_paste(this, context, paste, paced=False)
        return
    text, links = message_content(message)
    if not text.strip() and not links and document_of(message) is None:
        await this.say("no_text")
        return
    plan = message_plan(message, habits.limits.max_links, (text, links))
    await respond(this, context, this.job(), plan, empty_text=this.text("hint_short"))


async def _answer_paste(this: Incoming, context: Context, paste: Paste, *, paced: bool) -> None:
    """Answer the paste as one text; again (editing the reply) when a part came late or was
    edited. The paste counts once against the user's limit."""
    habits = this.services.habits
    async with paste.lock:
        try:
            text = paste.text
            plan = plan_request(
                SummaryRequest(text, tuple(find_urls(text))), habits.limits.max_links
            )
            job = Job(paste.first, this.prefs, this.user_id)
            planned = signature(plan, job)
            if paste.signature == planned:
                return
            paste.replies = await answer_plan(
                context,
                job,
                plan,
                paste.replies,
                paced=paced and not paste.replies,
                empty_text=this.text("hint_short"),
            )
            paste.signature = planned
            # A paste of one part is a message like any other once answered: the log keeps
            # its reply, not its text and Telegram message (it remembers thousands). Edits
            # of it find it in the joiner while a late part may still join it (`holding`).
            kept = paste if len(paste.parts) > 1 else None
            answered = Answered(paste.signature, paste.replies, kept)
            for message_id in paste.message_ids:
                habits.replies.put(paste.first.chat_id, message_id, answered)
            await _remember_paste_elsewhere(this, paste)
        finally:
            paste.answered.set()


async def _remember_paste_elsewhere(this: Incoming, paste: Paste) -> None:
    """A long message that stayed whole (most do) is remembered in the database as a message
    of its own, so an edit of it on another replica updates its reply; one that turned out to
    be the first part of a paste no longer stands for the answer alone (only this process
    knows the other parts). Its signature is the paste's: the same as the message's own plan
    but for links hidden in its formatting, and then an unchanged edit is merely answered
    again in place."""
    storage, chat_id = this.services.storage, paste.first.chat_id
    if len(paste.parts) > 1 or paste.signature is None:
        await storage.forget_answered(chat_id, paste.first.message_id)
        return
    ttl = this.services.habits.limits.edit_memory_seconds
    first = paste.first.message_id
    await storage.note_answered(chat_id, first, paste.signature, paste.replies, ttl)


async def edited_message(update: Update, context: Context) -> None:
    """An edit that changes what would be summarized is answered, in place of the earlier
    reply when there was one; an edit that changes nothing summarizable changes nothing."""
    message = update.edited_message
    if message is None:
        return
    habits = services_of(context).habits
    view = summary_command_view(message)
    if view is None and (is_group(message.chat) or (message.text or "").startswith("/")):
        return  # groups: only commands are answered; other commands are not summaries
    async with habits.replies.turn(message.chat_id, message.message_id):
        await _answer_edit(update, context, message, view)


async def _answer_edit(
    update: Update, context: Context, message: Message, view: str | None
) -> None:
    this = await incoming(update, context)
    if this is None:
        return
    habits = this.services.habits
    earlier = await earlier_answer(this)
    paste = habits.pastes.holding(message) or (earlier.paste if earlier is not None else None)
    if paste is not None and message.text:
        paste.parts[message.message_id] = message.text
        await _answer_paste(this, context, paste, paced=True)
        return
    if view is not None:
        planned = command_plan(message, habits.limits.max_links)
        if planned is None:
            return  # the edit removed what to summarize: the earlier reply stands
        plan, sentences = planned
        job = this.job(view, sentences)
    else:
        plan, job = message_plan(message, habits.limits.max_links), this.job()
    if earlier is not None and earlier.signature == signature(plan, job):
        return
    sent = await answer_plan(
        context,
        job,
        plan,
        earlier.replies if earlier is not None else (),
        empty_text=this.text("hint_short"),
    )
    await remember_answer(this, Answered(signature(plan, job), sent))
