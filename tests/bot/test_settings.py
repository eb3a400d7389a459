"""Settings from the environment: one default each, one clear line for each mistake."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from bot.settings import (
    DEFAULTS,
    ConfigError,
    load_settings,
    read_environment,
    worker_environment,
)
from storage import PoolLimits

TOKEN = "123456789:AAH-ringkas-test-token-0123456789"


def test_a_token_alone_gives_the_documented_defaults() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings.token == TOKEN
    assert settings.base_url == "https://api.telegram.org/bot"
    assert settings.database_path == Path("ringkas.db")
    assert settings.webhook_url is None
    assert (settings.listen_address, settings.port) == ("127.0.0.1", 8443)
    assert settings.allowed_networks == ()
    assert settings.log_level == logging.INFO


def test_every_variable_is_read() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot",
            "DATABASE_URL": "sqlite:////var/lib/ringkas/cache.db",
            "WEBHOOK_URL": "https://ringkas.example.id/hook",
            "LISTEN_ADDRESS": "127.0.0.1",
            "PORT": "9000",
            "FETCH_ALLOWED_NETWORKS": "127.0.0.0/8, 10.1.2.3/32",
            "LOG_LEVEL": "debug",
            "MESSAGES_PER_SECOND": "100",
        }
    )
    assert settings.base_url == "http://127.0.0.1:8081/bot"
    assert settings.database_path == Path("/var/lib/ringkas/cache.db")
    assert settings.webhook_url == "https://ringkas.example.id/hook"
    assert (settings.listen_address, settings.port) == ("127.0.0.1", 9000)
    assert settings.allowed_networks == (
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("10.1.2.3/32"),
    )
    assert settings.log_level == logging.DEBUG
    assert settings.messages_per_second == 100.0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "bukan-token"}, "does not look like a bot token"),
        ({"TELEGRAM_BASE_URL": "ftp://api.telegram.org/bot"}, "TELEGRAM_BASE_URL"),
        ({"WEBHOOK_URL": "http://ringkas.example.id/hook"}, "https"),
        ({"PORT": "delapan"}, "PORT must be a number"),
        ({"PORT": "70000"}, "PORT must be 1 to 65535"),
        ({"LISTEN_ADDRESS": "semua"}, "LISTEN_ADDRESS"),
        ({"FETCH_ALLOWED_NETWORKS": "10.0.0.0/33"}, "FETCH_ALLOWED_NETWORKS"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"LOG_LEVEL": "berisik"}, "LOG_LEVEL"),
        ({"MESSAGES_PER_SECOND": "cepat"}, "MESSAGES_PER_SECOND must be a number"),
        ({"MESSAGES_PER_SECOND": "0"}, "MESSAGES_PER_SECOND must be 1 to 10000"),
    ],
)
def test_a_mistake_is_one_clear_line(values: dict[str, str], message: str) -> None:
    environment = {"TELEGRAM_BOT_TOKEN": TOKEN} | values if values else values
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(environment)
    assert "\n" not in str(caught.value)


def test_offline_commands_need_no_token() -> None:
    assert load_settings({}, require_token=False).token == ""


def test_the_environment_wins_over_the_dotenv_file(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("PORT=9000\nLOG_LEVEL=DEBUG\n", encoding="utf-8")
    values = read_environment({"PORT": "9100"}, dotenv)
    assert (values["PORT"], values["LOG_LEVEL"]) == ("9100", "DEBUG")


def test_lower_layers_get_their_values_from_the_settings() -> None:
    policy = DEFAULTS.fetch_policy()
    limits = DEFAULTS.digest_limits()
    assert (policy.max_bytes, policy.max_redirects) == (5_000_000, 3)
    assert limits.link_ttl_seconds < limits.text_ttl_seconds


def test_the_database_pool_and_the_page_cap_are_passed_down_from_the_settings() -> None:
    tuned = replace(
        DEFAULTS, database_pool_size=3, database_connect_timeout_seconds=2.5, max_article_pages=2
    )
    assert tuned.database_pool() == PoolLimits(size=3, connect_timeout_seconds=2.5)
    assert tuned.digest_limits().max_article_pages == 2
    assert (DEFAULTS.database_pool().size, DEFAULTS.max_article_pages) == (8, 5)


def test_a_postgresql_url_selects_the_server_and_hides_its_password() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "DATABASE_URL": "postgresql://ringkas:rahasia@db.internal:5433/ringkas",
        }
    )
    assert settings.database_path is None
    assert settings.database_server is not None
    assert settings.database == settings.database_server
    assert (settings.database_server.host, settings.database_server.port) == ("db.internal", 5433)
    assert "rahasia" not in str(settings.database_server)
    assert "rahasia" not in repr(settings)


def test_a_broken_postgresql_url_is_one_line_without_the_password() -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL") as caught:
        load_settings(
            {"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": "postgresql://u:rahasia@db:port/x"}
        )
    assert "rahasia" not in str(caught.value)


def test_the_workers_environment_holds_none_of_the_bots_secrets() -> None:
    environ = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "WEBHOOK_SECRET": "rahasia-webhook-0123456789",
        "DATABASE_URL": "postgresql://ringkas:sandi@db.example/ringkas",
        "PGPASSWORD": "sandi",
        "PATH": "/usr/bin",
        "ENGINE_WORKERS": "2",
    }
    assert worker_environment(environ) == {"PATH": "/usr/bin", "ENGINE_WORKERS": "2"}
