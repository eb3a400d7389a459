"""/metrics: updates counted by kind, METRICS_PORT, and the polling-mode server."""

from __future__ import annotations

import json
import socket
from dataclasses import replace

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import exposition, update_kind
from bot.metrics_server import MetricsServer
from bot.settings import DEFAULTS, ConfigError, load_settings

TOKEN = "123456789:AAH-ringkas-test-token-0123456789"
CHAT = {"id": 1001, "type": "private", "first_name": "Ayu"}
MESSAGE = {"message_id": 5, "date": 1_700_000_000, "chat": CHAT, "text": "Halo, Ringkas!"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("update", "kind"),
    [
        ({"update_id": 1, "message": MESSAGE}, "message"),
        (
            {"update_id": 2, "edited_message": {**MESSAGE, "edit_date": 1_700_000_060}},
            "edited_message",
        ),
        (
            {
                "update_id": 3,
                "callback_query": {
                    "id": "77",
                    "from": CHAT,
                    "chat_instance": "1",
                    "data": "f:3:t1",
                },
            },
            "callback_query",
        ),
        ({"update_id": 4, "my_chat_member": {"chat": CHAT}}, "other"),
    ],
)
def test_an_update_is_counted_by_what_it_carries(update: dict[str, object], kind: str) -> None:
    assert update_kind(json.dumps(update)) == kind


def test_an_unreadable_update_is_counted_as_other() -> None:
    assert update_kind('{"update_id": 9, "message": {') == "other"


def test_a_message_quoting_another_kind_is_still_a_message() -> None:
    quoting = {**MESSAGE, "text": 'ketik "callback_query" dan "edited_message"'}
    assert update_kind(json.dumps({"update_id": 5, "message": quoting})) == "message"


def test_the_exposition_is_prometheus_text_unless_openmetrics_is_asked_for() -> None:
    body, content_type = exposition("")
    names = {family.name for family in text_string_to_metric_families(body.decode())}
    assert content_type.startswith("text/plain")
    assert {"ringkas_updates_received", "ringkas_replies", "ringkas_cache_lookups"} <= names
    assert exposition("application/openmetrics-text")[1].startswith("application/openmetrics-text")


def test_metrics_port_is_off_unless_set() -> None:
    assert DEFAULTS.metrics_port == 0
    assert load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "METRICS_PORT": ""}).metrics_port == 0
    assert load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "METRICS_PORT": "9464"}).metrics_port == 9464


@pytest.mark.parametrize("value", ["sembilan", "70000", "-1"])
def test_a_malformed_metrics_port_is_one_clear_line(value: str) -> None:
    with pytest.raises(ConfigError, match="METRICS_PORT must be 0 \\(off\\) or 1 to 65535"):
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "METRICS_PORT": value})


def test_a_poller_serves_metrics_only_when_metrics_port_is_set() -> None:
    assert MetricsServer.for_polling(DEFAULTS) is None
    server = MetricsServer.for_polling(replace(DEFAULTS, metrics_port=9464))
    assert server is not None and (server.listen, server.port) == ("127.0.0.1", 9464)


def test_in_webhook_mode_metrics_are_on_the_webhook_port_not_metrics_port() -> None:
    webhook = replace(DEFAULTS, webhook_url="https://ringkas.example/hook", metrics_port=9464)
    assert MetricsServer.for_polling(webhook) is None


async def test_the_polling_server_answers_get_metrics_on_its_port() -> None:
    server = MetricsServer("127.0.0.1", free_port())
    server.start()
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{server.port}/metrics") as response,
        ):
            status, text = response.status, await response.text()
    finally:
        await server.stop()
    assert status == 200
    assert "ringkas_updates_received_total" in text
