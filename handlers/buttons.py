"""The inline buttons under a summary: key facts, summary, longer, shorter."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import CallbackQuery, Message, Update

from service import EngineBusy, WorkTooSlow
from summarizer import MAX_SENTENCES, MIN_SENTENCES

from .groups import is_group
from .metrics import count_error, replied
from .render import VIEW_FACTS, VIEW_SUMMARY, Reply, Texts, parse_callback_data, render
from .requests import failure_text
from .services import Context, Services, chat_settings, preferences, services_of, with_retries

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ButtonPress:
    view: str
    sentences: int
    article_id: str


def _pressed(query: CallbackQuery) -> ButtonPress | None:
    """What a button asks for; None for data no button of ours carries."""
    parsed = parse_callback_data(query.data or "")
    if parsed is None:
        return None
    view, sentences, article_id = parsed
    if view not in (VIEW_SUMMARY, VIEW_FACTS) or not MIN_SENTENCES <= sentences <= MAX_SENTENCES:
        return None
    return ButtonPress(view, sentences, article_id)


async def _notify(query: CallbackQuery, text: str | None = None) -> None:
    """Answer the callback query (Telegram shows a spinner until then), with an alert if any."""
    await with_retries("answerCallbackQuery", query.answer, text, show_alert=text is not None)


async def _show(message: Message, reply: Reply) -> None:
    """Edit the summary message in place; parts that no longer fit follow as new messages."""
    single = len(reply.parts) == 1
    edited = await with_retries(
        "editMessageText",
        message.edit_text,
        reply.parts[0],
        reply_markup=reply.keyboard if single else None,
    )
    replied("button", edited)
    for number, part in enumerate(reply.parts[1:], 2):
        markup = reply.keyboard if number == len(reply.parts) else None
        sent = await with_retries("sendMessage", message.reply_html, part, reply_markup=markup)
        replied("button", sent)


def shown_language(message: Message, texts: Texts) -> str | None:
    """The language a reply of ours is in, read from its heading."""
    heading = (message.text or "").split("\n", 1)[0]
    for language in ("id", "en"):
        for key in ("summary_title", "facts_title"):
            if heading == texts.text(language, key):
                return language
    return None


async def interface_of(services: Services, message: Message, presser_language: str | None) -> str:
    """In a group the shared message keeps the chat's language (its setting, else the one it is
    shown in); the presser's own language counts only in a private chat."""
    if not is_group(message.chat):
        return (await preferences(services, message.chat.id, presser_language)).interface
    saved = await chat_settings(services, message.chat.id)
    language = saved.language or shown_language(message, services.texts)
    return services.texts.interface_language(language)


async def stale_button(update: Update, context: Context) -> None:
    """Data no button of ours carries (an old layout, or forged): stop the spinner."""
    if update.callback_query is not None:
        await _notify(update.callback_query)


async def button_pressed(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    message = query.message
    press = _pressed(query)
    if press is None or not isinstance(message, Message):
        await _notify(query)  # stale or forged data, or a message we can no longer edit
        return
    services = services_of(context)
    ui = await interface_of(services, message, query.from_user.language_code)
    # Buttons re-render an article we already have (mostly from the cache): they have their
    # own, looser limit and do not use up the one for new articles.
    wait = services.habits.buttons.retry_after(query.from_user.id)
    if wait:
        await _notify(query, services.texts.text(ui, "rate_limited_button", seconds=wait))
        return
    try:
        answer = await services.digests.from_article_id(press.article_id, press.sentences)
    except (EngineBusy, WorkTooSlow) as error:  # a longer summary needs the engine
        await _notify(query, failure_text(services, ui, error))
        return
    except Exception as error:
        log.exception("button for article %s failed in chat %s", press.article_id, message.chat.id)
        count_error(error)
        await _notify(query, services.texts.text(ui, "error"))
        return
    if answer is None:
        await _notify(query, services.texts.text(ui, "expired"))
        return
    await _notify(query)
    extras = await services.habits.extras.recall(services.storage, press.article_id)
    await _show(message, render(answer, services.texts, ui, press.view, extras=extras))
