"""The Bot API's wire format: error answers, and request parameters decoded as Telegram reads them.

python-telegram-bot sends form-encoded values (JSON-encoded unless already a string); other
clients send JSON bodies or query strings. All of them arrive here as strings first.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from aiohttp import web

JsonDict = dict[str, Any]
JsonValue = TypeVar("JsonValue")


def json_copy(value: JsonValue) -> JsonValue:
    """A deep copy of a JSON value (dicts, lists and scalars), as `copy.deepcopy` makes one
    but several times faster: the server copies every message it stores or answers with, and
    the benchmarks run it beside the bot."""
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [json_copy(item) for item in value]  # type: ignore[return-value]
    return value


TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")

DEFAULT_ERROR_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


JSON_PARSE_ERRORS = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "entities": "can't parse entities JSON object",
    "reply_parameters": "can't parse reply parameters JSON object",
    "link_preview_options": "can't parse link preview options JSON object",
    "allowed_updates": "can't parse allowed updates JSON object",
}
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "allowed_updates",
        "commands",
        "scope",
    }
)
_INT_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "user_id",
        "max_connections",
    }
)
_NUMBER_PARAMS = frozenset({"timeout"})
_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
    }
)


def decode_param(name: str, raw: str) -> Any:
    """Turns one wire value into its typed value the way the Bot API reads that parameter."""
    if name in _JSON_PARAMS:
        try:
            return json.loads(raw)
        except ValueError:
            raise bad_request(JSON_PARSE_ERRORS.get(name, f"can't parse {name}")) from None
    if name == "chat_id":
        return int(raw) if re.fullmatch(r"-?\d+", raw.strip()) else raw
    if name in _INT_PARAMS or name in _NUMBER_PARAMS:
        try:
            number = float(raw)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None
        if name in _INT_PARAMS or number.is_integer():
            return int(number)
        return number
    if name in _BOOL_PARAMS:
        return raw.strip().lower() in ("true", "1")
    return raw


async def read_wire_params(request: web.Request) -> dict[str, str]:
    """Query string plus a form, multipart or JSON body, as the API's string values."""
    wire: dict[str, str] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise bad_request("JSON request body must be an object")
            for name, value in body.items():
                if value is not None:
                    wire[name] = value if isinstance(value, str) else json.dumps(value)
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, str):
                    wire[name] = value
                else:
                    wire[name] = f"<file {getattr(value, 'filename', name)}>"
    return wire


def decode_params(wire: dict[str, str]) -> JsonDict:
    return {name: decode_param(name, value) for name, value in wire.items()}


def json_response(body: JsonDict, status: int | None = None) -> web.Response:
    if status is None:
        status = 200 if body.get("ok") else int(body.get("error_code", 400))
    return web.Response(
        text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )


def short(params: JsonDict, limit: int = 80) -> str:
    """A parameter dict cut to one readable line, for error messages."""
    text = json.dumps(params, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."
