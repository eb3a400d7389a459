"""Group manners: settings only for admins, the chat's own language, a hello when added.

Telegram is asked who is an admin (getChatMember) and the answer is trusted for a few
minutes, so that a burst of commands costs one call. An admin posting anonymously (as the
group itself) is an admin.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Chat, ChatMember, ChatMemberUpdated, Message, Update
from telegram.error import TelegramError

from .metrics import replied
from .services import Context, preferences, services_of, with_retries

log = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({ChatMember.ADMINISTRATOR, ChatMember.OWNER})
PRESENT_STATUSES = frozenset({ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER})
MAX_CACHED = 10_000


def is_group(chat: Chat) -> bool:
    return chat.type in (Chat.GROUP, Chat.SUPERGROUP)


class AdminCache:
    """Who is an admin where, for `ttl` seconds."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._known: dict[tuple[int, int], tuple[bool, float]] = {}

    def get(self, chat_id: int, user_id: int) -> bool | None:
        known = self._known.get((chat_id, user_id))
        if known is None or known[1] <= self._clock():
            return None
        return known[0]

    def put(self, chat_id: int, user_id: int, is_admin: bool) -> None:
        now = self._clock()
        if len(self._known) >= MAX_CACHED:
            self._known = {k: v for k, v in self._known.items() if v[1] > now}
        self._known[(chat_id, user_id)] = (is_admin, now + self.ttl)


async def may_change_settings(message: Message, context: Context) -> bool | None:
    """True in private chats and for group admins; None when Telegram cannot be asked."""
    if not is_group(message.chat):
        return True
    if message.sender_chat is not None and message.sender_chat.id == message.chat_id:
        return True  # an anonymous admin writes as the group
    user = message.from_user
    if user is None:
        return False
    cache = services_of(context).habits.admins
    known = cache.get(message.chat_id, user.id)
    if known is not None:
        return known
    try:
        member = await context.bot.get_chat_member(message.chat_id, user.id)
    except TelegramError as error:
        log.warning("getChatMember failed in chat %s: %s", message.chat_id, error)
        return None
    is_admin = member.status in ADMIN_STATUSES
    cache.put(message.chat_id, user.id, is_admin)
    return is_admin


def _added(change: ChatMemberUpdated) -> bool:
    was_present = change.old_chat_member.status in PRESENT_STATUSES
    return not was_present and change.new_chat_member.status in PRESENT_STATUSES


async def bot_added(update: Update, context: Context) -> None:
    """The bot joined a group: say hello once, with how to use it there."""
    change = update.my_chat_member
    if change is None or not is_group(change.chat) or not _added(change):
        return
    services = services_of(context)
    if not services.habits.greeted.first_time(change.chat.id):
        return
    prefs = await preferences(services, change.chat.id, change.from_user.language_code)
    hello = services.texts.text(prefs.interface, "group_hello")
    sent = await with_retries("sendMessage", context.bot.send_message, change.chat.id, hello)
    replied("notice", sent)


class Greeted:
    """Chats greeted lately: Telegram may repeat a membership update; hello goes out once."""

    def __init__(self, ttl: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._at: dict[int, float] = {}

    def first_time(self, chat_id: int) -> bool:
        now = self._clock()
        self._at = {chat: at for chat, at in self._at.items() if now - at < self.ttl}
        if chat_id in self._at:
            return False
        self._at[chat_id] = now
        return True
