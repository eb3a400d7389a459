"""The inline buttons under a summary: key facts, summary, longer, shorter."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from summarizer import MAX_SENTENCES, MIN_SENTENCES

from .render import VIEW_FACTS, VIEW_SUMMARY, parse_callback_data, render
from .services import preferences, services_of, with_retries

log = logging.getLogger(__name__)


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    services = services_of(context)
    message = query.message
    chat_id = message.chat.id if message is not None else query.from_user.id
    prefs = await preferences(services, chat_id, query.from_user.language_code)
    ui = prefs.interface
    parsed = parse_callback_data(query.data or "")
    valid = (
        parsed is not None
        and parsed[0] in (VIEW_SUMMARY, VIEW_FACTS)
        and MIN_SENTENCES <= parsed[1] <= MAX_SENTENCES
    )
    if not valid or message is None or not hasattr(message, "edit_text"):
        await with_retries("answerCallbackQuery", query.answer)
        return
    wait = services.limiter.retry_after(query.from_user.id)
    if wait:
        notice = services.texts.text(ui, "rate_limited", seconds=wait)
        await with_retries("answerCallbackQuery", query.answer, notice, show_alert=True)
        return
    view, sentences, article_id = parsed
    try:
        answer = await services.digests.from_article_id(article_id, sentences)
    except Exception:
        log.exception("button %r failed in chat %s", query.data, chat_id)
        await with_retries("answerCallbackQuery", query.answer, services.texts.text(ui, "error"))
        return
    if answer is None:
        expired = services.texts.text(ui, "expired")
        await with_retries("answerCallbackQuery", query.answer, expired, show_alert=True)
        return
    await with_retries("answerCallbackQuery", query.answer)
    reply = render(answer, services.texts, ui, view)
    last = len(reply.parts) == 1
    await with_retries(
        "editMessageText",
        message.edit_text,
        reply.parts[0],
        reply_markup=reply.keyboard if last else None,
    )
    for index, part in enumerate(reply.parts[1:], 2):
        markup = reply.keyboard if index == len(reply.parts) else None
        await with_retries("sendMessage", message.reply_html, part, reply_markup=markup)
