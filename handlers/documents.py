"""Documents sent to the bot: checked, downloaded from Telegram, read into text.

The Bot API lets bots download files of up to 20 MB; larger ones are refused before any
download, and so are types the bot cannot read (by name and MIME type). What is read goes
through the same digest service as pasted text: same cache, same buttons.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from telegram import Message
from telegram.error import TelegramError

from service import ConversationLimits
from service.documents import DocumentError, DocumentLimits, DocumentText, document_kind

from .services import Context, services_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentRef:
    file_id: str
    file_name: str | None
    mime_type: str | None
    file_size: int | None


def document_of(message: Message | None) -> DocumentRef | None:
    document = message.document if message is not None else None
    if document is None:
        return None
    return DocumentRef(document.file_id, document.file_name, document.mime_type, document.file_size)


@dataclass
class DocumentProblem(Exception):
    """A document that cannot be summarized; `key` names the text that says why."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


def _notes_key(document: DocumentText) -> tuple[str, dict[str, object]] | None:
    if not document.truncated:
        return None
    if document.pages_total and document.pages_read and document.pages_read < document.pages_total:
        return "document_pages_read", {"pages": document.pages_read, "total": document.pages_total}
    return "document_start_read", {}


def check_document(ref: DocumentRef, limits: ConversationLimits) -> None:
    """Refuse before downloading: too large for bots, or a type we do not read."""
    if ref.file_size is not None and ref.file_size > limits.max_document_bytes:
        size = f"{ref.file_size / (1024 * 1024):.0f}"
        raise DocumentProblem("document_too_big", {"size": size})
    if document_kind(ref.file_name, ref.mime_type) is None:
        raise DocumentProblem(
            "document_unsupported", {"name": ref.file_name or ref.mime_type or "?"}
        )


async def read_telegram_document(
    context: Context, ref: DocumentRef, limits: ConversationLimits
) -> tuple[str, tuple[str, dict[str, object]] | None]:
    """The document's text and, when it was cut short, the note (text key, values) saying so.

    The parsing runs in the heavy lane (DigestService.read_document). Raises DocumentProblem,
    or from the lanes EngineBusy or WorkTooSlow (a document too slow to read).
    """
    check_document(ref, limits)
    try:
        file = await context.bot.get_file(ref.file_id)
        data = bytes(await file.download_as_bytearray())
    except TelegramError as error:
        log.warning("document download failed: %s", type(error).__name__)
        raise DocumentProblem("document_download_failed") from None
    if len(data) > limits.max_document_bytes:
        raise DocumentProblem("document_too_big", {"size": f"{len(data) / (1024 * 1024):.0f}"})
    document_limits = DocumentLimits(limits.max_document_pages, limits.max_document_chars)
    try:
        document = await services_of(context).digests.read_document(
            data, ref.file_name, ref.mime_type, document_limits
        )
    except DocumentError as error:
        log.info("document not read: %s", error.code.value)  # never the file's name at INFO
        log.debug("document not read: %s", error)
        name = ref.file_name or ref.mime_type or "?"
        raise DocumentProblem(f"document_{error.code.value}", {"name": name}) from None
    return document.text, _notes_key(document)
