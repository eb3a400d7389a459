"""What the server keeps: recorded calls, stored messages and chat members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .wire import JsonDict, json_copy


@dataclass(frozen=True)
class RecordedCall:
    """One Bot API request as the server answered it.

    ``time`` is the wall-clock arrival time (``time.time()``), comparable across processes.
    ``status`` is the HTTP status answered (0 when the connection was dropped), ``response`` the
    JSON body (None when dropped) and ``fault`` "failed"/"dropped" when an injected fault fired.
    """

    method: str
    params: JsonDict
    time: float
    status: int
    response: JsonDict | None
    fault: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return None if self.response is None else self.response.get("result")

    def to_json(self) -> JsonDict:
        return {
            "method": self.method,
            "params": self.params,
            "time": self.time,
            "status": self.status,
            "response": self.response,
            "fault": self.fault,
        }


@dataclass
class StoredMessage:
    message: JsonDict
    from_bot: bool
    parse_mode: str | None = None
    raw_text: str | None = None
    reply_parameters: JsonDict | None = None


def public_copy(message: JsonDict) -> JsonDict:
    """A message as it appears nested in another one (no reply_to_message of its own)."""
    nested = json_copy(message)
    nested.pop("reply_to_message", None)
    return nested


def set_or_drop(target: JsonDict, key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")

_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)
_MEMBER_PERMISSIONS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
)


def chat_member(user: JsonDict, status: str) -> JsonDict:
    """A ChatMember object of ``status`` with the fields Telegram sends for it."""
    member: JsonDict = {"user": json_copy(user), "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(can_be_edited=False, is_anonymous=False)
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
        member["can_promote_members"] = False
    elif status == "restricted":
        member.update(is_member=True, until_date=0)
        member.update(dict.fromkeys(_MEMBER_PERMISSIONS, False))
    elif status == "kicked":
        member["until_date"] = 0
    elif status not in ("member", "left"):
        raise ValueError(f"unknown chat member status {status!r}; one of {MEMBER_STATUSES}")
    return member
