"""Who is who in a chat: getChatMember and getChatAdministrators answer from statuses a test
sets, and adding the bot to a group (or removing it) sends what Telegram sends: a
``my_chat_member`` update and, for an addition, a ``new_chat_members`` service message.

Without a set status, a user who wrote in a group is a "member", any other known user "left";
in a private chat both sides are members. A bot removed from a group gets Telegram's 403 when
it writes there.
"""

from __future__ import annotations

import time

from .core import Core
from .incoming import make_group_chat, make_user
from .models import MEMBER_STATUSES, chat_member
from .wire import ApiError, JsonDict, bad_request, json_copy

_ADMIN_STATUSES = ("creator", "administrator")


class MembersMixin(Core):
    def _clear_state(self) -> None:
        super()._clear_state()
        self._statuses: dict[tuple[int, int], str] = {}
        self._writers: set[tuple[int, int]] = set()

    def set_chat_member(self, chat_id: int, user_id: int, status: str = "administrator") -> None:
        """``user_id``'s status in group ``chat_id``: creator, administrator, member, ..."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status is one of {MEMBER_STATUSES}, got {status!r}")
        if chat_id >= 0:
            raise ValueError("members have statuses in groups; group chat ids are negative")
        self._chats.setdefault(chat_id, make_group_chat(chat_id))
        if user_id != self.bot_user["id"]:
            self._users.setdefault(user_id, make_user(user_id))
        self._statuses[(chat_id, user_id)] = status

    def bot_added_to_group(
        self,
        chat_id: int,
        *,
        by_user_id: int = 1001,
        title: str = "Grup Uji Ringkas",
        status: str = "member",
        language_code: str | None = "id",
    ) -> JsonDict:
        """A user adds the bot to a group; returns the ``my_chat_member`` payload delivered.

        Also delivers the service message with ``new_chat_members`` that Telegram sends.
        """
        if status not in ("member", "administrator"):
            raise ValueError("a bot joins a group as member or administrator")
        adder = make_user(by_user_id, language_code=language_code)
        chat = self._chats.get(chat_id) or make_group_chat(chat_id, title=title)
        old = self._bot_status(chat_id)
        self.set_chat_member(chat_id, self.bot_user["id"], status)
        self._chats[chat_id] = chat
        change = self._member_change(chat, adder, old, status)
        self.inject_update({"my_chat_member": change})
        message = self._base_message(chat, adder)
        bot = json_copy(self.bot_user)
        message.update(new_chat_members=[bot], new_chat_member=bot, new_chat_participant=bot)
        self.inject_update({"message": message})
        return change

    def bot_removed_from_group(self, chat_id: int, *, by_user_id: int = 1001) -> JsonDict:
        """A user removes the bot (status "kicked"); returns the ``my_chat_member`` payload."""
        remover = make_user(by_user_id)
        chat = self._chats.get(chat_id) or make_group_chat(chat_id)
        old = self._bot_status(chat_id)
        self.set_chat_member(chat_id, self.bot_user["id"], "kicked")
        change = self._member_change(chat, remover, old, "kicked")
        self.inject_update({"my_chat_member": change})
        return change

    def _member_change(self, chat: JsonDict, by: JsonDict, old: str, new: str) -> JsonDict:
        return {
            "chat": json_copy(chat),
            "from": by,
            "date": int(time.time()),
            "old_chat_member": chat_member(self.bot_user, old),
            "new_chat_member": chat_member(self.bot_user, new),
        }

    def _bot_status(self, chat_id: int) -> str:
        return self._statuses.get((chat_id, self.bot_user["id"]), "left")

    def _store_incoming(self, message: JsonDict) -> None:
        super()._store_incoming(message)
        sender = message.get("from")
        if isinstance(sender, dict) and message["chat"]["id"] < 0:
            self._writers.add((message["chat"]["id"], sender["id"]))

    def _check_bot_may_write(self, chat: JsonDict) -> None:
        super()._check_bot_may_write(chat)
        status = self._statuses.get((chat["id"], self.bot_user["id"]))
        kind = "supergroup" if chat.get("type") == "supergroup" else "group"
        if status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
        if status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")

    # ---- the methods -------------------------------------------------------------------------

    def _status(self, chat: JsonDict, user_id: int) -> str:
        chat_id = chat["id"]
        if chat_id > 0:  # a private chat: the user and the bot
            return "member" if user_id in (chat_id, self.bot_user["id"]) else "left"
        if (chat_id, user_id) in self._statuses:
            return self._statuses[(chat_id, user_id)]
        if user_id == self.bot_user["id"] or (chat_id, user_id) in self._writers:
            return "member"
        return "left"

    def _member_user(self, user_id: int) -> JsonDict:
        if user_id == self.bot_user["id"]:
            return self.bot_user
        user = self._users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        return user

    async def _get_chat_member(self, params: JsonDict) -> JsonDict:
        chat = self._require_chat(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise bad_request("invalid user_id specified")
        return chat_member(self._member_user(user_id), self._status(chat, user_id))

    async def _get_chat_administrators(self, params: JsonDict) -> list[JsonDict]:
        chat = self._require_chat(params)
        if chat["id"] > 0:
            raise bad_request("there are no administrators in the private chat")
        return [
            chat_member(self._member_user(user_id), status)
            for (chat_id, user_id), status in self._statuses.items()
            if chat_id == chat["id"] and status in _ADMIN_STATUSES
        ]
