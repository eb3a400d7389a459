"""Telegram update handlers: thin, they call the engine and storage."""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from .buttons import button_pressed
from .commands import (
    bahasa_command,
    fakta_command,
    help_command,
    panjang_command,
    private_message,
    ringkas_command,
    unknown_command,
)
from .digests import DigestService
from .limits import RateLimiter
from .services import Services

__all__ = ["DigestService", "RateLimiter", "Services", "register"]


def register(application: Application) -> None:
    """Attach every handler. They find their `Services` in `application.bot_data["services"]`."""
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
    application.add_handler(CallbackQueryHandler(button_pressed))
    private = filters.ChatType.PRIVATE & fresh
    application.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(private & ~filters.COMMAND, private_message))
