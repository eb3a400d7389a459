"""Command and message handlers: /start, /help, /ringkas, /fakta, /panjang, /bahasa, articles."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from summarizer import MAX_SENTENCES, MIN_SENTENCES

from .render import VIEW_FACTS, VIEW_SUMMARY
from .requests import (
    SummaryRequest,
    answer_request,
    command_request,
    message_content,
    rate_limited,
)
from .services import preferences, send_text, services_of

log = logging.getLogger(__name__)

CACHE_RETENTION = {
    "id": "paling lama 7 hari (tautan: 24 jam)",
    "en": "at most 7 days (links: 24 hours)",
}


def _user_language(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user else None


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    services = services_of(context)
    prefs = await preferences(services, message.chat_id, _user_language(update))
    retention = CACHE_RETENTION[prefs.interface]
    await send_text(message, services.texts.text(prefs.interface, "help", retention=retention))


async def _summary_command(update: Update, context: ContextTypes.DEFAULT_TYPE, view: str) -> None:
    message = update.effective_message
    if message is None:
        return
    services = services_of(context)
    prefs = await preferences(services, message.chat_id, _user_language(update))
    request = command_request(message)
    if request is None:
        usage = "usage_fakta" if view == VIEW_FACTS else "usage_ringkas"
        await send_text(message, services.texts.text(prefs.interface, usage))
        return
    user_id = update.effective_user.id if update.effective_user else None
    if await rate_limited(message, services, user_id, prefs.interface):
        return
    await answer_request(message, context, request, prefs, view)


async def ringkas_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _summary_command(update, context, VIEW_SUMMARY)


async def fakta_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _summary_command(update, context, VIEW_FACTS)


async def panjang_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    services = services_of(context)
    prefs = await preferences(services, message.chat_id, _user_language(update))
    args = context.args or []
    if (
        len(args) != 1
        or not args[0].isdigit()
        or not MIN_SENTENCES <= int(args[0]) <= MAX_SENTENCES
    ):
        usage = services.texts.text(prefs.interface, "usage_panjang", current=prefs.sentences)
        await send_text(message, usage)
        return
    count = int(args[0])
    await services.storage.update_chat_settings(message.chat_id, summary_sentences=count)
    await send_text(message, services.texts.text(prefs.interface, "length_set", count=count))


async def bahasa_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    services = services_of(context)
    args = [arg.lower() for arg in context.args or []]
    if len(args) != 1 or args[0] not in ("id", "en"):
        prefs = await preferences(services, message.chat_id, _user_language(update))
        await send_text(message, services.texts.text(prefs.interface, "usage_bahasa"))
        return
    await services.storage.update_chat_settings(message.chat_id, language=args[0])
    await send_text(message, services.texts.text(args[0], "language_set"))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know, in a private chat: point to what it does know."""
    message = update.effective_message
    if message is None:
        return
    services = services_of(context)
    prefs = await preferences(services, message.chat_id, _user_language(update))
    await send_text(message, services.texts.text(prefs.interface, "hint_short"))


async def private_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any message in a private chat: an article, a link, chit-chat, or something unreadable."""
    message = update.effective_message
    if message is None:
        return
    services = services_of(context)
    prefs = await preferences(services, message.chat_id, _user_language(update))
    text, links = message_content(message)
    if not text.strip() and not links:
        await send_text(message, services.texts.text(prefs.interface, "no_text"))
        return
    request = SummaryRequest(text, links)
    if not links and not request.looks_like_article:
        await send_text(message, services.texts.text(prefs.interface, "hint_short"))
        return
    user_id = update.effective_user.id if update.effective_user else None
    if await rate_limited(message, services, user_id, prefs.interface):
        return
    await answer_request(message, context, request, prefs)
