"""The log redactor: secrets leave no trace in messages, arguments or tracebacks, whichever
logger and level they are logged at."""

from __future__ import annotations

import logging

import pytest

from bot.logs import REDACTED, JsonFormatter, TextFormatter, install_redaction

TOKEN = "987654:AAE-redaction-test-token-abcdefgh"
SECRET = "rahasia-webhook-uji-0123456789"


@pytest.fixture(autouse=True)
def redacting() -> None:
    install_redaction(TOKEN, SECRET)


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR])
def test_secrets_in_messages_and_arguments_are_redacted_at_every_level(
    caplog: pytest.LogCaptureFixture, level: int
) -> None:
    caplog.set_level(logging.DEBUG)
    child = logging.getLogger("telegram.ext.ExtBot")
    child.log(level, "calling http://api/bot%s/getMe", TOKEN)
    child.log(level, f"setWebhook secret_token={SECRET}")
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        f"calling http://api/bot{REDACTED}/getMe",
        f"setWebhook secret_token={REDACTED}",
    ]


def test_the_secret_part_of_the_token_is_redacted_on_its_own(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    logging.getLogger("httpx").info("url path: /bot987654%%3A%s/getMe", TOKEN.partition(":")[2])
    assert TOKEN.partition(":")[2] not in caplog.records[0].getMessage()


def test_a_traceback_holding_a_secret_is_redacted_in_every_formatter(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    try:
        raise ValueError(f"The token `{TOKEN}` was rejected by the server.")
    except ValueError:
        logging.getLogger("telegram.ext").exception("start failed")
    [record] = caplog.records
    formatted = [
        TextFormatter(tracebacks=False).format(record),
        TextFormatter(tracebacks=True).format(record),
        JsonFormatter().format(record),
        logging.Formatter().format(record),
    ]
    assert all(TOKEN not in text and REDACTED in text for text in formatted)
    assert "ValueError" in formatted[0] and "Traceback" not in formatted[0]
    assert "Traceback" in formatted[1]
