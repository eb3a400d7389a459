"""What the real Bot API checks in what bots send: texts, entities, inline keyboards, and the
names of update types, chat actions and commands."""

from __future__ import annotations

import re
from typing import Any

from .markup import (
    EntityParseError,
    ParsedText,
    checked_link,
    parse_html,
    sorted_entities,
    trim,
    utf16_len,
)
from .wire import JSON_PARSE_ERRORS, JsonDict, bad_request

MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64

_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
# What getUpdates delivers until a bot asks otherwise (the Bot API's documented default).
DEFAULT_UPDATE_TYPES = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}


def validate_reply_markup(markup: Any) -> JsonDict | None:
    """Checks a reply_markup; returns it when it is an inline keyboard (kept on the message)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request(JSON_PARSE_ERRORS["reply_markup"])
    if "inline_keyboard" not in markup:
        if {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            return None
        raise bad_request(JSON_PARSE_ERRORS["reply_markup"])
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" must be an Array of Array')
    for row in rows:
        for button in row:
            _validate_inline_button(button)
    return markup


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = _BUTTON_ACTIONS & button.keys()
    if len(actions) != 1:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and (
        not isinstance(button["url"], str) or checked_link(button["url"]) is None
    ):
        raise bad_request("BUTTON_URL_INVALID")


def _validate_explicit_entities(text: str, entities: Any) -> list[JsonDict]:
    if not isinstance(entities, list):
        raise bad_request(JSON_PARSE_ERRORS["entities"])
    text_length = utf16_len(text)
    valid = []
    for entity in entities:
        if not (
            isinstance(entity, dict)
            and isinstance(entity.get("type"), str)
            and isinstance(entity.get("offset"), int)
            and isinstance(entity.get("length"), int)
        ):
            raise bad_request(JSON_PARSE_ERRORS["entities"])
        if entity["length"] > 0 and entity["offset"] + entity["length"] <= text_length:
            valid.append(entity)
    return sorted_entities(valid)


def parse_outgoing_text(params: JsonDict) -> ParsedText:
    """The visible text and entities of a sendMessage/editMessageText, or the API's 400."""
    raw = params.get("text")
    if not isinstance(raw, str) or not raw:
        raise bad_request("message text is empty")
    parse_mode = str(params.get("parse_mode") or "")
    try:
        if "entities" in params:
            parsed = ParsedText(raw, _validate_explicit_entities(raw, params["entities"]))
        elif not parse_mode:
            parsed = ParsedText(raw)
        elif parse_mode.lower() == "html":
            parsed = parse_html(raw)
        elif parse_mode.lower() in ("markdown", "markdownv2"):
            # Telegram parses these; the fake does not, since the bot only sends HTML. A bot
            # that starts sending Markdown fails loudly here instead of passing unchecked.
            raise bad_request(
                f"unsupported parse_mode {parse_mode} (the fake Bot API parses only HTML)"
            )
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode}")
    except EntityParseError as error:
        raise bad_request(f"can't parse entities: {error}") from None
    parsed = trim(parsed)
    if not parsed.text:
        raise bad_request("message text is empty")
    if len(parsed.text) > MAX_MESSAGE_LENGTH:
        raise bad_request("message is too long")
    return parsed
