"""The Bot API methods that send and change messages: sendMessage, editMessageText,
editMessageReplyMarkup, deleteMessage, answerCallbackQuery and sendChatAction."""

from __future__ import annotations

import time

from .core import Core
from .models import StoredMessage, public_copy, set_or_drop
from .validation import CHAT_ACTIONS, parse_outgoing_text, validate_reply_markup
from .wire import JSON_PARSE_ERRORS, JsonDict, bad_request, json_copy

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class MessagingMixin(Core):
    def _reply_target(self, chat_id: int, params: JsonDict) -> JsonDict | None:
        reply = params.get("reply_parameters")
        if reply is None and "reply_to_message_id" in params:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if reply is None:
            return None
        if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
            raise bad_request(JSON_PARSE_ERRORS["reply_parameters"])
        target_chat = reply.get("chat_id", chat_id)
        stored = self._messages.get((target_chat, reply["message_id"]))
        if stored is not None:
            return public_copy(stored.message)
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")

    async def _send_message(self, params: JsonDict) -> JsonDict:
        chat = self._require_chat(params)
        self._check_bot_may_write(chat)
        parsed = parse_outgoing_text(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat["id"], params)
        message = self._base_message(chat, self.bot_user)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message["text"] = parsed.text
        if parsed.entities:
            message["entities"] = parsed.entities
        preview = self._link_preview_options(params)
        if preview is not None:
            message["link_preview_options"] = preview
        if markup is not None:
            message["reply_markup"] = markup
        key = (chat["id"], message["message_id"])
        self._messages[key] = StoredMessage(
            message,
            from_bot=True,
            parse_mode=params.get("parse_mode"),
            raw_text=params["text"],
            reply_parameters=params.get("reply_parameters"),
        )
        self._sent.append(key)
        return json_copy(message)

    @staticmethod
    def _link_preview_options(params: JsonDict) -> JsonDict | None:
        options = params.get("link_preview_options")
        if options is not None and not isinstance(options, dict):
            raise bad_request(JSON_PARSE_ERRORS["link_preview_options"])
        if options is None and params.get("disable_web_page_preview"):
            return {"is_disabled": True}
        return options

    def _editable_message(self, params: JsonDict) -> StoredMessage:
        if "inline_message_id" in params:
            raise bad_request("message to edit not found")
        chat = self._require_chat(params)
        if "message_id" not in params:
            raise bad_request("message identifier is not specified")
        stored = self._messages.get((chat["id"], params["message_id"]))
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    async def _edit_message_text(self, params: JsonDict) -> JsonDict:
        stored = self._editable_message(params)
        parsed = parse_outgoing_text(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        old = stored.message
        if (
            old.get("text") == parsed.text
            and old.get("entities", []) == parsed.entities
            and old.get("reply_markup") == markup
        ):
            raise bad_request(_NOT_MODIFIED)
        old["text"] = parsed.text
        set_or_drop(old, "entities", parsed.entities or None)
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        set_or_drop(old, "reply_markup", markup)
        preview = self._link_preview_options(params)
        if preview is not None:
            old["link_preview_options"] = preview
        old["edit_date"] = int(time.time())
        stored.parse_mode = params.get("parse_mode")
        stored.raw_text = params["text"]
        return json_copy(old)

    async def _edit_message_reply_markup(self, params: JsonDict) -> JsonDict:
        stored = self._editable_message(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        if stored.message.get("reply_markup") == markup:
            raise bad_request(_NOT_MODIFIED)
        set_or_drop(stored.message, "reply_markup", markup)
        stored.message["edit_date"] = int(time.time())
        return json_copy(stored.message)

    async def _delete_message(self, params: JsonDict) -> bool:
        chat = self._require_chat(params)
        message_id = params.get("message_id")
        if (
            not isinstance(message_id, int)
            or self._messages.pop((chat["id"], message_id), None) is None
        ):
            raise bad_request("message to delete not found")
        return True

    async def _answer_callback_query(self, params: JsonDict) -> bool:
        query_id = params.get("callback_query_id")
        if query_id not in self._open_callback_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text", ""))) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_callback_queries.discard(query_id)
        return True

    async def _send_chat_action(self, params: JsonDict) -> bool:
        self._require_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True
