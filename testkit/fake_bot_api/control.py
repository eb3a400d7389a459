"""The control API: another process drives the fake over HTTP under ``/_control/`` (JSON in and
out, answers ``{"ok": true, "result": ...}``; 400 for a bad request, 408 on a timeout).

- ``GET health``; ``POST reset``
- ``POST updates`` (a raw update)
- ``POST inject/<kind>`` with the keyword arguments of ``private_text``, ``group_text``,
  ``command``, ``caption_message``, ``photo_message``, ``sticker_message``, ``callback``,
  ``edit_text``, ``document_message`` (``content`` as text, or ``content_base64``),
  ``bot_added_to_group`` or ``bot_removed_from_group``
- ``POST members`` (``set_chat_member`` kwargs); ``POST faults`` (``{"method", "kind":
  "fail"|"drop", ...}`` = fail_next/drop_next kwargs); ``POST webhook_targets``
  (``{"origins": [...]}``)
- ``GET calls?method=&since=``; ``GET messages?chat_id=``;
  ``GET wait_messages?chat_id=&count=&timeout=``; ``GET webhook_posts?since=``
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .inject import InjectMixin
from .members import MembersMixin
from .observe import ObserveMixin
from .webhook import WebhookMixin
from .wire import JsonDict, json_response

_NOT_FOUND = object()


class ControlMixin(InjectMixin, MembersMixin, WebhookMixin, ObserveMixin):
    def _add_routes(self, app: web.Application) -> None:
        super()._add_routes(app)
        app.router.add_route("*", "/_control/{action:.+}", self._handle_control)

    async def _handle_control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        try:
            body = await _control_body(request)
            result = await self._control(action, request, body)
        except (ValueError, TypeError, KeyError) as error:
            return json_response({"ok": False, "description": f"{type(error).__name__}: {error}"})
        except TimeoutError as error:
            return json_response({"ok": False, "description": str(error)}, status=408)
        if result is _NOT_FOUND:
            return json_response({"ok": False, "description": f"unknown action {action!r}"}, 404)
        return json_response({"ok": True, "result": result}, status=200)

    async def _control(self, action: str, request: web.Request, body: JsonDict) -> Any:
        query = request.query
        if action == "health":
            return {"base_url": self.base_url, "token": self.token, "bot": self.bot_user}
        if action == "updates":
            return self.inject_update(body)
        if action.startswith("inject/"):
            return self._control_inject(action.removeprefix("inject/"), body)
        if action == "calls":
            since, method = int(query.get("since", 0)), query.get("method")
            picked = [
                call.to_json()
                for call in self.calls[since:]
                if method is None or call.method.lower() == method.lower()
            ]
            return {"calls": picked, "next": len(self.calls)}
        if action == "messages":
            chat_id = query.get("chat_id")
            return self.sent_messages(None if chat_id is None else int(chat_id))
        if action == "wait_messages":
            return await self.wait_for_messages(
                int(query["chat_id"]), int(query["count"]), float(query.get("timeout", 10))
            )
        if action == "webhook_posts":
            since = int(query.get("since", 0))
            return [dataclasses.asdict(post) for post in self.webhook_posts[since:]]
        return self._control_setting(action, body)

    def _control_setting(self, action: str, body: JsonDict) -> Any:
        if action == "reset":
            self.reset()
        elif action == "faults":
            spec = dict(body)
            kind, method = spec.pop("kind", "fail"), spec.pop("method")
            if kind not in ("fail", "drop"):
                raise ValueError("kind is 'fail' or 'drop'")
            (self.fail_next if kind == "fail" else self.drop_next)(method, **spec)
        elif action == "members":
            self.set_chat_member(**body)
        elif action == "webhook_targets":
            self.deliver_webhooks_to(*body["origins"])
        else:
            return _NOT_FOUND
        return True

    def _control_inject(self, kind: str, kwargs: JsonDict) -> Any:
        builders: dict[str, Callable[..., Any]] = {
            "private_text": self.private_text,
            "group_text": self.group_text,
            "command": self.command,
            "caption_message": self.caption_message,
            "photo_message": self.photo_message,
            "sticker_message": self.sticker_message,
            "callback": self.callback,
            "edit_text": self.edit_text,
            "document_message": self._control_document,
            "bot_added_to_group": self.bot_added_to_group,
            "bot_removed_from_group": self.bot_removed_from_group,
        }
        if kind not in builders:
            raise ValueError(f"unknown update kind {kind!r}; one of {sorted(builders)}")
        return builders[kind](**kwargs)

    def _control_document(self, **kwargs: Any) -> JsonDict:
        if "content_base64" in kwargs:
            content = base64.b64decode(kwargs.pop("content_base64"))
        else:
            content = str(kwargs.pop("content")).encode("utf-8")
        return self.document_message(content, **kwargs)


async def _control_body(request: web.Request) -> JsonDict:
    if not request.can_read_body:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise ValueError("the control API takes a JSON object")
    return body
