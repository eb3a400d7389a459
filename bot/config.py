"""Configuration from environment variables (and a `.env` file in the working directory)."""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from storage import parse_database_url
from summarizer.fetch import parse_allowed_networks

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite:///ringkas.db"
DEFAULT_PORT = 8443
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line for the user."""


@dataclass(frozen=True)
class Config:
    token: str
    base_url: str
    database_path: Path | None
    webhook_url: str | None
    port: int
    allowed_networks: tuple[Network, ...]
    log_level: int


def read_environment(
    environ: Mapping[str, str] | None = None, dotenv_path: Path = Path(".env")
) -> dict[str, str]:
    """The process environment over the `.env` file's values (the environment wins)."""
    values = {k: v for k, v in dotenv_values(dotenv_path).items() if v is not None}
    values.update(os.environ if environ is None else environ)
    return values


def _token(values: Mapping[str, str]) -> str:
    token = values.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set (get a token from @BotFather)")
    if not _TOKEN.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN does not look like a bot token (123456:ABC-...)")
    return token


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name} must be an http(s) URL, got {value!r}")
    return value


def _https_url(name: str, value: str) -> str:
    if urlsplit(value).scheme != "https" or not urlsplit(value).netloc:
        raise ConfigError(f"{name} must be an https URL (Telegram only calls https), got {value!r}")
    return value


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise ConfigError(f"PORT must be a number, got {value!r}") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"PORT must be 1 to 65535, got {port}")
    return port


def _log_level(value: str) -> int:
    level = logging.getLevelName(value.strip().upper() or "INFO")
    if not isinstance(level, int):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {value!r}")
    return level


def database_path_from(values: Mapping[str, str]) -> Path | None:
    try:
        return parse_database_url(values.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    except ValueError as error:
        raise ConfigError(f"DATABASE_URL: {error}") from None


def allowed_networks_from(values: Mapping[str, str]) -> tuple[Network, ...]:
    try:
        return parse_allowed_networks(values.get("FETCH_ALLOWED_NETWORKS", ""))
    except ValueError as error:
        raise ConfigError(f"FETCH_ALLOWED_NETWORKS: {error}") from None


def load_config(values: Mapping[str, str]) -> Config:
    """Validate settings for running the bot. Raises ConfigError with a one-line message."""
    webhook_url = values.get("WEBHOOK_URL", "").strip() or None
    return Config(
        token=_token(values),
        base_url=_http_url(
            "TELEGRAM_BASE_URL", values.get("TELEGRAM_BASE_URL") or DEFAULT_BASE_URL
        ),
        database_path=database_path_from(values),
        webhook_url=_https_url("WEBHOOK_URL", webhook_url) if webhook_url else None,
        port=_port(values.get("PORT") or str(DEFAULT_PORT)),
        allowed_networks=allowed_networks_from(values),
        log_level=_log_level(values.get("LOG_LEVEL", "INFO")),
    )
