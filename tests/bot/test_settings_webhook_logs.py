"""Settings for webhook mode and logs: WEBHOOK_SECRET, LISTEN_ADDRESS, LOG_FORMAT."""

from __future__ import annotations

import pytest

from bot.settings import ConfigError, derived_webhook_secret, load_settings

TOKEN = "123456789:AAH-ringkas-test-token-0123456789"


def settings_from(**values: str):  # type: ignore[no-untyped-def]
    return load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, **values})


def test_the_webhook_secret_is_derived_from_the_token_unless_set() -> None:
    assert settings_from().webhook_secret_token == derived_webhook_secret(TOKEN)
    chosen = "rotasi-2024-11-rahasia"
    assert settings_from(WEBHOOK_SECRET=chosen).webhook_secret_token == chosen


@pytest.mark.parametrize("secret", ["pendek", "ada spasi di dalamnya!!", "x" * 257])
def test_a_webhook_secret_telegram_would_refuse_is_a_config_error(secret: str) -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        settings_from(WEBHOOK_SECRET=secret)


def test_the_webhook_server_listens_on_loopback_unless_told_otherwise() -> None:
    assert settings_from().listen_address == "127.0.0.1"
    assert settings_from(LISTEN_ADDRESS="0.0.0.0").listen_address == "0.0.0.0"


def test_log_format_is_text_or_json() -> None:
    assert settings_from().log_format == "text"
    assert settings_from(LOG_FORMAT="JSON").log_format == "json"
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        settings_from(LOG_FORMAT="xml")
