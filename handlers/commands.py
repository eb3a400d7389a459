"""Command and message handlers: /start, /help, /ringkas, /fakta, /panjang, /bahasa, articles."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from telegram import Message, Update

from summarizer import MAX_SENTENCES, MIN_SENTENCES

from .render import VIEW_FACTS, VIEW_SUMMARY
from .requests import (
    SummaryRequest,
    answer_request,
    command_request,
    message_content,
)
from .services import ChatPreferences, Context, Services, preferences, send_text, services_of

log = logging.getLogger(__name__)

_LENGTH = re.compile(r"[0-9]{1,2}")  # ASCII digits only: "²".isdigit() is true, int("²") fails

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
        await send_text(self.message, self.text(key, **values))


async def incoming(update: Update, context: Context) -> Incoming | None:
    message = update.effective_message
    if message is None:
        return None
    user = update.effective_user
    services = services_of(context)
    prefs = await preferences(services, message.chat_id, user.language_code if user else None)
    return Incoming(message, services, prefs, user.id if user else None)


async def help_command(update: Update, context: Context) -> None:
    if (this := await incoming(update, context)) is not None:
        await this.say("help", retention=CACHE_RETENTION[this.prefs.interface])


async def _summary_command(update: Update, context: Context, view: str) -> None:
    this = await incoming(update, context)
    if this is None:
        return
    request = command_request(this.message)
    if request is None:
        await this.say("usage_fakta" if view == VIEW_FACTS else "usage_ringkas")
        return
    await answer_request(this.message, context, request, this.prefs, this.user_id, view)


async def ringkas_command(update: Update, context: Context) -> None:
    await _summary_command(update, context, VIEW_SUMMARY)


async def fakta_command(update: Update, context: Context) -> None:
    await _summary_command(update, context, VIEW_FACTS)


async def panjang_command(update: Update, context: Context) -> None:
    this = await incoming(update, context)
    if this is None:
        return
    args = context.args or []
    count = int(args[0]) if len(args) == 1 and _LENGTH.fullmatch(args[0]) else 0
    if not MIN_SENTENCES <= count <= MAX_SENTENCES:
        await this.say("usage_panjang", current=this.prefs.sentences)
        return
    saved = await this.services.storage.update_chat_settings(
        this.message.chat_id, summary_sentences=count
    )
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
    saved = await this.services.storage.update_chat_settings(this.message.chat_id, language=args[0])
    if saved is None:  # still in the language the chat had: the change did not happen
        await this.say("setting_not_saved")
        return
    await send_text(this.message, this.services.texts.text(args[0], "language_set"))


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not know, in a private chat: point to what it does know."""
    if (this := await incoming(update, context)) is not None:
        await this.say("hint_short")


async def private_message(update: Update, context: Context) -> None:
    """Any message in a private chat: an article, a link, chit-chat, or something unreadable."""
    this = await incoming(update, context)
    if this is None:
        return
    text, links = message_content(this.message)
    if not text.strip() and not links:
        await this.say("no_text")
        return
    request = SummaryRequest(text, links)
    if not links and not request.looks_like_article:
        await this.say("hint_short")
        return
    await answer_request(this.message, context, request, this.prefs, this.user_id)
