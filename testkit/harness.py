"""Run the real Ringkas application (PTB HTTP stack, polling) against the fake Bot API server."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from telegram.ext import Application

from bot.app import build_application
from bot.settings import DEFAULTS, Settings
from handlers import Services
from service import RateLimiter
from testkit.fake_bot_api import FakeBotApi, JsonDict, RecordedCall
from web import FetchPolicy

TOKEN = "123456789:AAH-ringkas-test-token-0123456789"
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


def fetch_policy(**changes: object) -> FetchPolicy:
    """The bot's default fetch policy, with `changes`."""
    return replace(DEFAULTS.fetch_policy(), **changes)  # type: ignore[arg-type]


def make_settings(
    api: FakeBotApi, database: Path | None, *, allow_loopback: bool = False
) -> Settings:
    return replace(
        DEFAULTS,
        token=api.token,
        base_url=api.base_url,
        database_path=database,
        allowed_networks=LOOPBACK if allow_loopback else (),
        log_level=logging.INFO,
    )


@asynccontextmanager
async def running_bot(
    api: FakeBotApi,
    database: Path | None,
    *,
    allow_loopback: bool = False,
    rate_limit: RateLimiter | None = None,
) -> AsyncIterator[Application]:
    """Start the application as `run_polling` does (post_init included), stop it likewise."""
    application = build_application(
        make_settings(api, database, allow_loopback=allow_loopback), rate_limit=rate_limit
    )
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=0.0, timeout=1, drop_pending_updates=False
    )
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        assert application.post_shutdown is not None
        await application.post_shutdown(application)


def services_of(application: Application) -> Services:  # type: ignore[type-arg]
    return application.bot_data.services  # type: ignore[no-any-return]


def is_reply_to(sent: JsonDict) -> Callable[[RecordedCall], bool]:
    """A successful sendMessage that answers the message `sent`."""

    def matches(call: RecordedCall) -> bool:
        if call.method != "sendMessage" or not call.ok:
            return False
        reply = call.result
        return (
            reply["chat"]["id"] == sent["chat"]["id"]
            and reply.get("reply_to_message", {}).get("message_id") == sent["message_id"]
        )

    return matches


def answers_to(api: FakeBotApi, sent: JsonDict) -> list[JsonDict]:
    return [
        message
        for message in api.sent_messages(sent["chat"]["id"])
        if message.get("reply_to_message", {}).get("message_id") == sent["message_id"]
    ]
