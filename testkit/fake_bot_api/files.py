"""Files as the Bot API serves them: users send documents (and photos, videos, stickers), the bot
asks ``getFile`` for a ``file_path`` and downloads ``<base>/file/bot<token>/<file_path>``.

Like the real cloud API, ``getFile`` refuses files over 20 MB ("Bad Request: file is too big")
and a ``file_path`` exists only once ``getFile`` has handed it out.
"""

from __future__ import annotations

import itertools
import mimetypes
import time
from dataclasses import dataclass, field

from aiohttp import web

from .core import Core
from .incoming import detect_entities, make_user
from .wire import ApiError, JsonDict, bad_request, json_copy, json_response

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # the Bot API's download limit for bots

_FILE_ID_PREFIXES = {
    "documents": "BQACAgUAAxkBAAI",
    "photos": "AgACAgUAAxkBAAI",
    "videos": "BAACAgUAAxkBAAI",
    "stickers": "CAACAgIAAxkBAAI",
}


@dataclass
class StoredFile:
    """A file Telegram holds. Without ``content`` it is ``size`` zero bytes when downloaded
    (media whose bytes no test reads, or a declared size over the download limit)."""

    file_id: str
    file_unique_id: str
    kind: str
    size: int
    content: bytes | None = None
    file_name: str | None = None
    file_path: str | None = None
    downloads: list[float] = field(default_factory=list)

    def body(self) -> bytes:
        return self.content if self.content is not None else bytes(self.size)


class FilesMixin(Core):
    """Documents sent by users, ``getFile`` and the file download endpoint."""

    def _clear_state(self) -> None:
        super()._clear_state()
        self._files: dict[str, StoredFile] = {}
        self._file_paths: dict[str, StoredFile] = {}
        self._file_numbers = itertools.count(1)

    def _add_routes(self, app: web.Application) -> None:
        super()._add_routes(app)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file_download)

    # ---- users sending files -----------------------------------------------------------------

    def add_file(
        self,
        content: bytes | None = None,
        *,
        kind: str = "documents",
        size: int | None = None,
        file_name: str | None = None,
    ) -> StoredFile:
        """Registers a file; ``size`` declares it bigger than ``content`` (e.g. over 20 MB)."""
        if kind not in _FILE_ID_PREFIXES:
            raise ValueError(f"kind is one of {sorted(_FILE_ID_PREFIXES)}, got {kind!r}")
        number = next(self._file_numbers)
        actual = len(content) if content is not None else 0
        stored = StoredFile(
            file_id=f"{_FILE_ID_PREFIXES[kind]}{number:06d}{self.bot_user['id'] % 9973:04d}",
            file_unique_id=f"AgAD{number:06d}{kind[0]}",
            kind=kind,
            size=size if size is not None else actual,
            content=content,
            file_name=file_name,
        )
        self._files[stored.file_id] = stored
        return stored

    def file(self, file_id: str) -> StoredFile:
        """A stored file, to check what the bot downloaded (``downloads`` holds the times)."""
        return self._files[file_id]

    def document_message(
        self,
        content: bytes,
        *,
        file_name: str = "artikel.txt",
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
        user_id: int = 1001,
        language_code: str | None = "id",
        file_size: int | None = None,
        forward_from_chat: str | None = None,
    ) -> JsonDict:
        """A user sends ``content`` as a document (``file_size`` pretends it is that big).

        The bot gets it with ``getFile`` and a download from :attr:`base_file_url`.
        """
        stored = self.add_file(content, size=file_size, file_name=file_name)
        user = make_user(user_id, language_code=language_code)
        message = self._base_message(self._chat_for(chat_id, user), user)
        if forward_from_chat is not None:
            message["forward_origin"] = self._channel_origin(forward_from_chat)
        message["document"] = {
            "file_name": file_name,
            "mime_type": mime_type or _guess_type(file_name),
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if caption is not None:
            message["caption"] = caption
            found = detect_entities(caption)
            if found:
                message["caption_entities"] = found
        self.inject_update({"message": message})
        return json_copy(message)

    def _media_payload(self, media: str) -> JsonDict:
        if media == "photo":
            return {"photo": self._photo_sizes()}
        if media == "document":
            stored = self.add_file(b"%PDF-1.7\n", size=48_213, file_name="artikel.pdf")
            return {"document": {"file_name": "artikel.pdf", "mime_type": "application/pdf"}
                    | self._file_fields(stored)}  # fmt: skip
        if media == "video":
            stored = self.add_file(kind="videos", size=1_048_576)
            video = {"duration": 12, "width": 1280, "height": 720, "mime_type": "video/mp4"}
            return {"video": video | self._file_fields(stored)}
        raise ValueError(f"unknown media kind {media!r}; use photo, document or video")

    def _photo_sizes(self) -> list[JsonDict]:
        sizes = ((90, 60, 1_412), (320, 213, 19_874), (1280, 853, 142_310))
        return [
            {"width": width, "height": height}
            | self._file_fields(self.add_file(kind="photos", size=size))
            for width, height, size in sizes
        ]

    def _sticker(self, emoji: str) -> JsonDict:
        stored = self.add_file(kind="stickers", size=20_480)
        return {
            "width": 512,
            "height": 512,
            "emoji": emoji,
            "set_name": "UtyaDuck",
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        } | self._file_fields(stored)

    @staticmethod
    def _file_fields(stored: StoredFile) -> JsonDict:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }

    # ---- the bot getting files ---------------------------------------------------------------

    async def _get_file(self, params: JsonDict) -> JsonDict:
        file_id = params.get("file_id")
        if not isinstance(file_id, str) or not file_id:
            raise bad_request("file_id not specified")
        stored = self._files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        if stored.file_path is None:
            suffix = _suffix(stored)
            stored.file_path = f"{stored.kind}/file_{len(self._file_paths)}{suffix}"
            self._file_paths[stored.file_path] = stored
        return self._file_fields(stored) | {"file_path": stored.file_path}

    async def _handle_file_download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return json_response(ApiError(401, "Unauthorized").to_json())
        stored = self._file_paths.get(request.match_info["file_path"])
        if stored is None:
            return json_response(ApiError(404, "Not Found").to_json())
        stored.downloads.append(time.time())
        return web.Response(body=stored.body(), content_type="application/octet-stream")


def _guess_type(file_name: str) -> str:
    return mimetypes.guess_type(file_name)[0] or "application/octet-stream"


def _suffix(stored: StoredFile) -> str:
    if stored.file_name and "." in stored.file_name:
        return "." + stored.file_name.rsplit(".", 1)[1].lower()
    return {"photos": ".jpg", "videos": ".mp4", "stickers": ".webp"}.get(stored.kind, "")
