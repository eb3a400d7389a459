"""Logging: one line per record (text or JSON), with the bot token and the webhook secret
redacted from every record of every logger, at every level (see SECURITY.md, "Logs").

PTB and httpx put the token in URLs (`.../bot<token>/getMe`) and in exception messages
("The token `...` was rejected"), and log request parameters (the webhook secret) at DEBUG.
The redaction runs in the log record factory, so it sees every record as it is made: a filter
on the root logger alone would miss records of child loggers (logger filters do not apply to
records propagated from children), and a filter on handlers would miss handlers added later.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

REDACTED = "[redacted]"
_MIN_SECRET_LENGTH = 8  # shorter strings would redact ordinary words


class SecretRedactor(logging.Filter):
    """Replaces every known secret in a record's message, arguments and traceback."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: frozenset[str] = frozenset()
        self._pattern: re.Pattern[str] | None = None

    def add(self, secrets: Iterable[str]) -> None:
        new = {secret for secret in secrets if len(secret) >= _MIN_SECRET_LENGTH}
        with self._lock:
            self._secrets |= new
            if self._secrets:
                ordered = sorted(self._secrets, key=len, reverse=True)
                self._pattern = re.compile("|".join(map(re.escape, ordered)))

    def redact(self, text: str) -> str:
        pattern = self._pattern
        return text if pattern is None else pattern.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        pattern = self._pattern
        if pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's to report, not ours
            return True
        if pattern.search(message):
            record.msg, record.args = pattern.sub(REDACTED, message), None
        if record.exc_info and record.exc_info[1] is not None:
            full = "".join(traceback.format_exception(*record.exc_info))
            if pattern.search(full):
                # Formatters print exc_text when it is set; ours render exc_info themselves
                # and redact what they render.
                record.exc_text = pattern.sub(REDACTED, full)
        if record.stack_info and pattern.search(record.stack_info):
            record.stack_info = pattern.sub(REDACTED, record.stack_info)
        return True


REDACTOR = SecretRedactor()
_installed = threading.Event()


def install_redaction(*secrets: str) -> None:
    """Redact `secrets` (and, for a bot token, the part after its colon) from all logs."""
    parts = [part for secret in secrets for part in (secret, secret.partition(":")[2]) if part]
    REDACTOR.add(parts)
    root = logging.getLogger()
    if REDACTOR not in root.filters:
        root.addFilter(REDACTOR)
    if _installed.is_set():
        return
    _installed.set()
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        REDACTOR.filter(record)
        return record

    logging.setLogRecordFactory(redacting_factory)


def _error_line(exc_info: Any) -> str:
    _, error, _ = exc_info
    return f"{type(error).__name__}: {error}"


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message`; an error in one line, full tracebacks only at DEBUG."""

    def __init__(self, *, tracebacks: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._tracebacks = tracebacks

    def formatException(self, ei: Any) -> str:
        return super().formatException(ei) if self._tracebacks else f"  {_error_line(ei)}"

    def format(self, record: logging.LogRecord) -> str:
        saved, record.exc_text = record.exc_text, None  # render exc_info our way, every time
        try:
            return REDACTOR.redact(super().format(record))
        finally:
            record.exc_text = saved


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and error (type: message)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            entry["error"] = _error_line(record.exc_info)
        return REDACTOR.redact(json.dumps(entry, ensure_ascii=False))


def configure_logging(
    level: int, log_format: str = "text", *, secrets: Iterable[str] = ()
) -> logging.Handler:
    """Log to stderr at `level`, redacting `secrets`; returns the handler installed.

    JSON logs go to log collectors and are held to INFO and above: DEBUG records hold
    whole updates (message text) and links.
    """
    install_redaction(*secrets)
    clamped = log_format == "json" and level < logging.INFO
    if clamped:
        level = logging.INFO
    handler = logging.StreamHandler()
    formatter: logging.Formatter
    if log_format == "json":
        formatter = JsonFormatter()
    else:
        formatter = TextFormatter(tracebacks=level <= logging.DEBUG)
    handler.setFormatter(formatter)
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # httpx logs every request (with the token in its URL) at INFO.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    if clamped:
        logging.getLogger(__name__).warning("LOG_FORMAT=json logs at INFO and above, not DEBUG")
    return handler
