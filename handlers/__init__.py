"""Telegram update handlers: they translate updates into service calls and render replies."""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from .buttons import button_pressed, stale_button
from .commands import (
    bahasa_command,
    fakta_command,
    help_command,
    panjang_command,
    ringkas_command,
    start_command,
    unknown_command,
)
from .groups import bot_added
from .messages import edited_message, private_message
from .render import BUTTON_DATA_PATTERN
from .services import CONTEXT_TYPES, BotData, Context, Services
from .state import Habits

__all__ = ["CONTEXT_TYPES", "BotData", "Context", "Habits", "Services", "register"]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Attach every handler. They find their `Services` in `context.bot_data.services`."""
    # An edit is answered by `edited_message` (updating the earlier reply), not as new.
    fresh = ~filters.UpdateType.EDITED
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited_message))
    commands = {
        ("start",): start_command,
        ("help",): help_command,
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
    application.add_handler(ChatMemberHandler(bot_added, ChatMemberHandler.MY_CHAT_MEMBER))
