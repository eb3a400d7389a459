"""Telegram update handlers: they translate updates into service calls and render replies."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from .buttons import button_pressed, stale_button
from .commands import (
    bahasa_command,
    fakta_command,
    help_command,
    panjang_command,
    private_message,
    ringkas_command,
    unknown_command,
)
from .render import BUTTON_DATA_PATTERN
from .services import CONTEXT_TYPES, BotData, Context, Services

__all__ = ["CONTEXT_TYPES", "BotData", "Context", "Services", "register"]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Attach every handler. They find their `Services` in `context.bot_data.services`."""
    # An edited message is not a new request (it would be answered twice).
    fresh = ~filters.UpdateType.EDITED
    commands = {
        ("start", "help"): help_command,
        ("ringkas",): ringkas_command,
        ("fakta",): fakta_command,
        ("panjang",): panjang_command,
        ("bahasa",): bahasa_command,
    }
    for names, callback in commands.items():
        application.add_handler(CommandHandler(list(names), callback, filters=fresh))
    application.add_handler(CallbackQueryHandler(button_pressed, pattern=BUTTON_DATA_PATTERN))
    application.add_handler(CallbackQueryHandler(stale_button))
    private = filters.ChatType.PRIVATE & fresh
    application.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(private & ~filters.COMMAND, private_message))
