"""Tests playing the user: text, commands, media, button presses, edits and long pastes, each
delivered as the update Telegram would send."""

from __future__ import annotations

import asyncio
import re
import time

from .files import FilesMixin
from .incoming import (
    detect_entities,
    make_group_chat,
    make_private_chat,
    make_user,
    split_like_client,
)
from .models import public_copy
from .wire import JsonDict, json_copy


class InjectMixin(FilesMixin):
    """Builders that queue realistic updates and return the Message (or query id) they made."""

    def private_text(
        self,
        text: str,
        *,
        user_id: int = 1001,
        language_code: str | None = "id",
        entities: list[JsonDict] | None = None,
        forward_from_chat: str | None = None,
        reply_to: JsonDict | None = None,
    ) -> JsonDict:
        """A user writes ``text`` to the bot in private; returns the Message dict.

        ``entities=None`` lets the server detect URLs, commands, mentions... like Telegram does;
        ``forward_from_chat`` makes it a message forwarded from the channel of that title.
        """
        user = make_user(user_id, language_code=language_code)
        message = self._text_message(make_private_chat(user), user, text, entities, reply_to)
        if forward_from_chat is not None:
            message["forward_origin"] = self._channel_origin(forward_from_chat)
            message = _reordered(message)
        return self._deliver_message(message)

    def group_text(
        self,
        text: str,
        *,
        chat_id: int = -1001,
        user_id: int = 1001,
        reply_to: JsonDict | None = None,
        entities: list[JsonDict] | None = None,
        language_code: str | None = "id",
        title: str = "Grup Uji Ringkas",
    ) -> JsonDict:
        """A user writes ``text`` in a group (``reply_to``: a message dict it replies to)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        user = make_user(user_id, language_code=language_code)
        known = self._chats.get(chat_id)
        keep = known is not None and title == "Grup Uji Ringkas"
        chat = known if keep and known else make_group_chat(chat_id, title=title)
        return self._deliver_message(self._text_message(chat, user, text, entities, reply_to))

    def command(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        user_id: int = 1001,
        reply_to: JsonDict | None = None,
        language_code: str | None = "id",
    ) -> JsonDict:
        """``/cmd[@bot] args`` with its bot_command entity; private unless ``chat_id`` < 0."""
        if not re.match(r"/[A-Za-z0-9_]{1,32}(?:@\w+)?(?:\s|$)", text):
            raise ValueError(f"a command starts with /name, got {text!r}")
        user = make_user(user_id, language_code=language_code)
        chat = self._chat_for(chat_id, user)
        return self._deliver_message(self._text_message(chat, user, text, None, reply_to))

    def caption_message(
        self,
        caption: str,
        *,
        media: str = "photo",
        chat_id: int | None = None,
        user_id: int = 1001,
        caption_entities: list[JsonDict] | None = None,
        language_code: str | None = "id",
    ) -> JsonDict:
        """A photo/document/video with a caption (text lives in ``caption``, not ``text``)."""
        user = make_user(user_id, language_code=language_code)
        message = self._base_message(self._chat_for(chat_id, user), user)
        message.update(self._media_payload(media))
        message["caption"] = caption
        found = detect_entities(caption) if caption_entities is None else caption_entities
        if found:
            message["caption_entities"] = json_copy(found)
        return self._deliver_message(message)

    def photo_message(
        self,
        *,
        chat_id: int | None = None,
        user_id: int = 1001,
        language_code: str | None = "id",
    ) -> JsonDict:
        """A photo without caption: a message with neither text nor caption."""
        user = make_user(user_id, language_code=language_code)
        message = self._base_message(self._chat_for(chat_id, user), user)
        message.update(self._media_payload("photo"))
        return self._deliver_message(message)

    def sticker_message(
        self,
        *,
        emoji: str = "👍",
        chat_id: int | None = None,
        user_id: int = 1001,
        language_code: str | None = "id",
    ) -> JsonDict:
        user = make_user(user_id, language_code=language_code)
        message = self._base_message(self._chat_for(chat_id, user), user)
        message["sticker"] = self._sticker(emoji)
        return self._deliver_message(message)

    def callback(
        self, message: JsonDict, data: str, *, user_id: int = 1001, language_code: str | None = "id"
    ) -> str:
        """The user presses an inline button with ``data`` under ``message``; returns the query id.

        The message is sent in its current stored state (after edits) when the server knows it.
        """
        key = (message["chat"]["id"], message["message_id"])
        stored = self._messages.get(key)
        current = stored.message if stored is not None else message
        query_id = str(next(self._callback_ids))
        self._open_callback_queries.add(query_id)
        query = {
            "id": query_id,
            "from": make_user(user_id, language_code=language_code),
            "message": json_copy(current),
            "chat_instance": str(7_000_000_000_000_000_000 + key[0]),
            "data": data,
        }
        self.inject_update({"callback_query": query})
        return query_id

    def edit_text(
        self, message: JsonDict, text: str, *, entities: list[JsonDict] | None = None
    ) -> JsonDict:
        """The user edits an earlier message of theirs: Telegram sends ``edited_message`` with
        the whole message as it now is (same ``message_id``, new text, an ``edit_date``).

        Works on a text message (``text``) and on a captioned one (its ``caption``).
        """
        stored = self._messages.get((message["chat"]["id"], message["message_id"]))
        if stored is None or stored.from_bot:
            raise ValueError("users can edit only messages they sent and the server knows")
        edited = json_copy(stored.message)
        field = "text" if "text" in edited else "caption"
        edited[field] = text
        found = detect_entities(text) if entities is None else entities
        entity_field = "entities" if field == "text" else "caption_entities"
        edited.pop(entity_field, None)
        if found:
            edited[entity_field] = json_copy(found)
        edited["edit_date"] = max(int(time.time()), edited["date"] + 1)
        self.inject_update({"edited_message": edited})
        return json_copy(edited)

    async def paste_long_text(
        self,
        text: str,
        *,
        gap: float = 0.2,
        chat_id: int | None = None,
        user_id: int = 1001,
        language_code: str | None = "id",
        forward_from_chat: str | None = None,
    ) -> list[JsonDict]:
        """A user pastes (or forwards) ``text`` over 4,096 characters: the client sends it as
        consecutive messages (:func:`split_like_client`), ``gap`` seconds apart."""
        sent = []
        for number, part in enumerate(split_like_client(text)):
            if number:
                await asyncio.sleep(gap)
            if chat_id is not None and chat_id < 0:
                sent.append(self.group_text(part, chat_id=chat_id, user_id=user_id,
                                            language_code=language_code))  # fmt: skip
            else:
                sent.append(self.private_text(part, user_id=user_id, language_code=language_code,
                                              forward_from_chat=forward_from_chat))  # fmt: skip
        return sent

    def _text_message(
        self,
        chat: JsonDict,
        user: JsonDict,
        text: str,
        entities: list[JsonDict] | None,
        reply_to: JsonDict | None,
    ) -> JsonDict:
        message = self._base_message(chat, user)
        if reply_to is not None:
            message["reply_to_message"] = self._current_public(reply_to)
        message["text"] = text
        found = detect_entities(text) if entities is None else entities
        if found:
            message["entities"] = json_copy(found)
        return message

    def _current_public(self, message: JsonDict) -> JsonDict:
        stored = self._messages.get((message["chat"]["id"], message["message_id"]))
        return public_copy(stored.message if stored is not None else message)

    def _deliver_message(self, message: JsonDict) -> JsonDict:
        self.inject_update({"message": message})
        return json_copy(message)


def _reordered(message: JsonDict) -> JsonDict:
    """Key order as Telegram sends it; only cosmetic, for readable dumps."""
    order = ["message_id", "from", "chat", "date", "forward_origin", "reply_to_message"]
    head = {key: message[key] for key in order if key in message}
    return {**head, **{k: v for k, v in message.items() if k not in head}}
