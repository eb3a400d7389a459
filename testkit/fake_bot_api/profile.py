"""How the bot presents itself: getMe, its command menus and its descriptions (shown before a
user's first /start), each per scope and language as Telegram keeps them."""

from __future__ import annotations

import json

from .core import Core
from .validation import COMMAND_NAME
from .wire import JsonDict, bad_request, json_copy

MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120


class ProfileMixin(Core):
    def _clear_state(self) -> None:
        super()._clear_state()
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._descriptions: dict[str, str] = {}
        self._short_descriptions: dict[str, str] = {}

    def description(self, language_code: str = "") -> str:
        """What setMyDescription set for ``language_code`` ("" is the default)."""
        return self._descriptions.get(language_code, "")

    def short_description(self, language_code: str = "") -> str:
        return self._short_descriptions.get(language_code, "")

    async def _always_true(self, params: JsonDict) -> bool:
        return True

    async def _get_me(self, params: JsonDict) -> JsonDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _commands_key(self, params: JsonDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise bad_request("can't parse BotCommandScope JSON object")
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _set_my_commands(self, params: JsonDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not COMMAND_NAME.fullmatch(
                str(command.get("command", ""))
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned = [{"command": c["command"], "description": c["description"]} for c in commands]
        self._commands[self._commands_key(params)] = cleaned
        return True

    async def _get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return json_copy(self._commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JsonDict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    async def _set_my_description(self, params: JsonDict) -> bool:
        text = _described(params, "description", MAX_DESCRIPTION)
        _set_text(self._descriptions, str(params.get("language_code") or ""), text)
        return True

    async def _get_my_description(self, params: JsonDict) -> JsonDict:
        return {"description": self._described_in(self._descriptions, params)}

    async def _set_my_short_description(self, params: JsonDict) -> bool:
        text = _described(params, "short_description", MAX_SHORT_DESCRIPTION)
        _set_text(self._short_descriptions, str(params.get("language_code") or ""), text)
        return True

    async def _get_my_short_description(self, params: JsonDict) -> JsonDict:
        return {"short_description": self._described_in(self._short_descriptions, params)}

    @staticmethod
    def _described_in(texts: dict[str, str], params: JsonDict) -> str:
        """Like Telegram: a language without its own text gets the default one."""
        language = str(params.get("language_code") or "")
        return texts.get(language, texts.get("", ""))


def _described(params: JsonDict, name: str, limit: int) -> str:
    text = str(params.get(name) or "")
    if len(text) > limit:
        raise bad_request(f"{name.replace('_', ' ')} is too long")
    return text


def _set_text(texts: dict[str, str], language: str, text: str) -> None:
    """An empty text removes the one for that language."""
    if text:
        texts[language] = text
    else:
        texts.pop(language, None)
