"""Command handlers: /start, /help, /ringkas, /fakta, /panjang, /bahasa."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from telegram import Message, Update

from summarizer import MAX_SENTENCES, MIN_SENTENCES

from .answering import Job, answer_plan, signature
from .documents import document_of
from .edits import Answered
from .groups import is_group, may_change_settings
from .links import Plan, Target, TargetKind, document_plan, plan_request
from .metrics import replied
from .render import VIEW_FACTS, VIEW_SUMMARY
from .requests import command_request
from .services import (
    ChatPreferences,
    Context,
    Services,
    preferences,
    save_chat_settings,
    send_text,
    services_of,
)

log = logging.getLogger(__name__)

_LENGTH = re.compile(r"[0-9]{1,2}")  # ASCII digits only: "²".isdigit() is true, int("²") fails
_SUMMARY_COMMAND = re.compile(r"^/(ringkas|fakta)(?:@\w+)?(?:\s|$)", re.IGNORECASE)

CACHE_RETENTION = {
    "id": "paling lama 7 hari (tautan: 24 jam)",
    "en": "at most 7 days (links: 24 hours)",
}


@dataclass(frozen=True)
class Incoming:
    """A message to answer, with what answering it needs."""

    message: Message
    services: Services
    prefs: ChatPreferences
    user_id: int | None

    def text(self, key: str, /, **values: object) -> str:
        return self.services.texts.text(self.prefs.interface, key, **values)

    async def say(self, key: str, /, **values: object) -> None:
        replied("command", await send_text(self.message, self.text(key, **values)))

    def job(self, view: str = VIEW_SUMMARY, sentences: int | None = None) -> Job:
        return Job(self.message, self.prefs, self.user_id, view, sentences)


async def incoming(update: Update, context: Context) -> Incoming | None:
    message = update.effective_message
    if message is None:
        return None
    user = update.effective_user
    services = services_of(context)
    prefs = await preferences(services, message.chat_id, user.language_code if user else None)
    return Incoming(message, services, prefs, user.id if user else None)


async def respond(
    this: Incoming, context: Context, job: Job, plan: Plan, empty_text: str | None = None
) -> None:
    """Answer a plan and remember the replies, so that an edit can update them."""
    sent = await answer_plan(context, job, plan, empty_text=empty_text)
    await remember_answer(this, Answered(signature(plan, job), sent))


async def remember_answer(this: Incoming, answered: Answered) -> None:
    """In this process, and (but for a paste, whose parts only this process has) in the
    database, for an edit that lands on another replica or after a restart."""
    services, message = this.services, this.message
    services.habits.replies.put(message.chat_id, message.message_id, answered)
    if answered.paste is None and answered.signature is not None:
        ttl = services.habits.limits.edit_memory_seconds
        await services.storage.note_answered(
            message.chat_id, message.message_id, answered.signature, answered.replies, ttl
        )


async def earlier_answer(this: Incoming) -> Answered | None:
    """What the message was answered with, here or (on another replica, or before a
    restart) as the database remembers it; None if it was not answered."""
    services, message = this.services, this.message
    answered = services.habits.replies.get(message.chat_id, message.message_id)
    if answered is not None:
        return answered
    stored = await services.storage.answered_message(message.chat_id, message.message_id)
    return None if stored is None else Answered(stored.signature, list(stored.replies))


async def start_command(update: Update, context: Context) -> None:
    """A greeting with one example; in a group, how the bot is used there."""
    if (this := await incoming(update, context)) is not None:
        await this.say("start_group" if is_group(this.message.chat) else "start")


async def help_command(update: Update, context: Context) -> None:
    if (this := await incoming(update, context)) is not None:
        await this.say(
            "help",
            retention=CACHE_RETENTION[this.prefs.interface],
            max_links=this.services.habits.limits.max_links,
        )


def summary_command_view(message: Message) -> str | None:
    """VIEW_SUMMARY for /ringkas, VIEW_FACTS for /fakta, None for anything else."""
    match = _SUMMARY_COMMAND.match(message.text or message.caption or "")
    if match is None:
        return None
    return VIEW_FACTS if match.group(1).lower() == "fakta" else VIEW_SUMMARY


def command_plan(message: Message, max_links: int) -> tuple[Plan, int | None] | None:
    """What "/ringkas [N] [text or link]" (or the message it replies to) asks for; None: nothing.

    A document replied to is read; a short text is still tried (and called too short).
    """
    request = command_request(message)
    if request is None:
        document = document_of(message.reply_to_message)
        return (document_plan(document), None) if document is not None else None
    plan = plan_request(request, max_links)
    if plan.empty:
        plan = Plan((Target(TargetKind.TEXT, request.text),))
    return plan, request.sentences


async def _summary_command(update: Update, context: Context, view: str) -> None:
    message = update.effective_message
    if message is None:
        return
    # Before any await: an edit of the command delivered after it waits for this answer.
    async with services_of(context).habits.replies.turn(message.chat_id, message.message_id):
        await _answer_summary_command(update, context, view)


async def _answer_summary_command(update: Update, context: Context, view: str) -> None:
    this = await incoming(update, context)
    if this is None:
        return
    planned = command_plan(this.message, this.services.habits.limits.max_links)
    if planned is None:
        await this.say("usage_fakta" if view == VIEW_FACTS else "usage_ringkas")
        return
    plan, sentences = planned
    await respond(this, context, this.job(view, sentences), plan)


async def ringkas_command(update: Update, context: Context) -> None:
    await _summary_command(update, context, VIEW_SUMMARY)


async def fakta_command(update: Update, context: Context) -> None:
    await _summary_command(update, context, VIEW_FACTS)


async def _settings_allowed(this: Incoming, context: Context) -> bool:
    """In groups only admins change settings; others are told so, politely."""
    allowed = await may_change_settings(this.message, context)
    if allowed is None:
        await this.say("admin_check_failed")
    elif not allowed:
        await this.say("admins_only")
    return bool(allowed)


async def panjang_command(update: Update, context: Context) -> None:
    this = await incoming(update, context)
    if this is None:
        return
    args = context.args or []
    count = int(args[0]) if len(args) == 1 and _LENGTH.fullmatch(args[0]) else 0
    if not MIN_SENTENCES <= count <= MAX_SENTENCES:
        await this.say("usage_panjang", current=this.prefs.sentences)
        return
    if not await _settings_allowed(this, context):
        return
    saved = await save_chat_settings(this.services, this.message.chat_id, summary_sentences=count)
    if saved is None:
        await this.say("setting_not_saved")
        return
    await this.say("length_set", count=count)


async def bahasa_command(update: Update, context: Context) -> None:
    this = await incoming(update, context)
    if this is None:
        return
    args = [arg.lower() for arg in context.args or []]
    if len(args) != 1 or args[0] not in ("id", "en"):
        await this.say("usage_bahasa")
        return
    if not await _settings_allowed(this, context):
        return
    saved = await save_chat_settings(this.services, this.message.chat_id, language=args[0])
    if saved is None:  # still in the language the chat had: the change did not happen
        await this.say("setting_not_saved")
        return
    done = this.services.texts.text(args[0], "language_set")
    replied("command", await send_text(this.message, done))


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not know, in a private chat: point to what it does know."""
    if (this := await incoming(update, context)) is not None:
        await this.say("hint_short")
