"""A local fake of the Telegram Bot API for end-to-end tests and the load benchmark.

A real python-telegram-bot ``Bot``/``Application`` talks to it over HTTP on 127.0.0.1 exactly as
it would talk to api.telegram.org: point ``base_url`` at :attr:`FakeBotApi.base_url` (and
``base_file_url`` at :attr:`FakeBotApi.base_file_url` for downloads).

* Tests play the user with :meth:`~FakeBotApi.private_text`, ``group_text``, ``command``,
  ``document_message``, ``edit_text``, ``paste_long_text``, ``callback``,
  ``bot_added_to_group``... (inject.py, files.py, members.py) and observe the bot through
  :attr:`~FakeBotApi.calls`, ``sent_messages`` and the ``wait_for*`` helpers (observe.py).
* Faults (429 with ``retry_after``, other error codes, connections dropped without an answer)
  are queued per method with ``fail_next`` and ``drop_next`` (faults.py).
* Updates reach the bot by getUpdates (polling.py) or, once it calls setWebhook, by POSTs to
  the local servers named with ``deliver_webhooks_to`` (webhook.py).
* Another process drives the same things over HTTP under ``/_control/`` (control.py);
  ``python -m testkit.fake_bot_api --port N`` serves until killed.

The server validates what the real one validates where bots commonly get it wrong: the token,
``chat_id``, text length (1..4096 characters after entity parsing), well-formed HTML (markup.py
follows TDLib's parser and error messages), inline keyboard buttons (``callback_data`` of
1..64 bytes), "message is not modified" on edits, stale callback query ids, the 20 MB download
limit, webhook URLs and secret tokens, and writing to a group the bot was removed from.
"""

from __future__ import annotations

from typing import Any

from .cli import main, serve
from .core import DEFAULT_TOKEN
from .files import MAX_DOWNLOAD_BYTES, StoredFile
from .incoming import (
    detect_entities,
    make_group_chat,
    make_private_chat,
    make_user,
    split_like_client,
)
from .markup import EntityParseError, ParsedText, parse_html, utf16_len
from .models import RecordedCall, chat_member
from .polling import MAX_LONG_POLL_SECONDS
from .server import FakeBotApi
from .validation import MAX_CALLBACK_DATA_BYTES, MAX_MESSAGE_LENGTH, parse_outgoing_text
from .webhook import SECRET_HEADER, WebhookPost
from .wire import ApiError, JsonDict, bad_request

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_DOWNLOAD_BYTES",
    "MAX_LONG_POLL_SECONDS",
    "MAX_MESSAGE_LENGTH",
    "SECRET_HEADER",
    "ApiError",
    "EntityParseError",
    "FakeBotApi",
    "JsonDict",
    "ParsedText",
    "RecordedCall",
    "StoredFile",
    "WebhookPost",
    "bad_request",
    "chat_member",
    "detect_entities",
    "fake_bot_api",
    "main",
    "make_group_chat",
    "make_private_chat",
    "make_user",
    "parse_html",
    "parse_outgoing_text",
    "serve",
    "split_like_client",
    "utf16_len",
]


def __getattr__(name: str) -> Any:
    # The pytest fixture imports pytest_asyncio; load it only when a test asks for it.
    if name == "fake_bot_api":
        from .fixture import fake_bot_api

        return fake_bot_api
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
