"""Run the real Ringkas application (PTB HTTP stack) against the fake Bot API server: polling
(`running_bot`), or as a webhook replica serving its own port (`running_replica`)."""

from __future__ import annotations

import asyncio
import functools
import importlib
import ipaddress
import logging
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from typing import Any

from bot.app import RingkasApplication, build_application
from bot.settings import DEFAULTS, Settings
from bot.webhook import serve_webhook
from handlers import Services
from service import RateLimiter
from service.records import warm_engine
from service.zygote import Zygote
from storage import DatabaseLocation, PostgresUrl
from testkit.fake_bot_api import FakeBotApi, JsonDict, RecordedCall
from web import FetchPolicy

TOKEN = "123456789:AAH-ringkas-test-token-0123456789"
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
WEBHOOK_URL = "https://ringkas.example/telegram/hook"


def fetch_policy(**changes: object) -> FetchPolicy:
    """The bot's default fetch policy, with `changes`."""
    return replace(DEFAULTS.fetch_policy(), **changes)  # type: ignore[arg-type]


@functools.cache
def worker_template() -> Zygote:
    """One warm template for the workers of every application this process runs (each
    would otherwise start its own interpreter and warm the engine up: about a second)."""
    return Zygote(warm_engine)


def warm_engine_and_load(module: str) -> None:
    """A template's warm-up: the engine, and `module`."""
    importlib.import_module(module)
    warm_engine()


@contextmanager
def template_loading(module: str) -> Iterator[Zygote]:
    """A warm template of its own for a test that patches the workers' work with functions
    of `module`: the workers import what they run by name, and find it loaded already (on
    first use, the import could take longer than the test's work deadline)."""
    template = Zygote(functools.partial(warm_engine_and_load, module))
    try:
        yield template
    finally:
        template.close()


def make_settings(
    api: FakeBotApi, database: DatabaseLocation, *, allow_loopback: bool = False, **changes: Any
) -> Settings:
    """Settings for the fake API and `database` (a SQLite path, None: in memory, or a
    PostgreSQL URL), with any other `changes`."""
    server = database if isinstance(database, PostgresUrl) else None
    return replace(
        DEFAULTS,
        token=api.token,
        base_url=api.base_url,
        database_path=None if server is not None else database,
        database_server=server,
        allowed_networks=LOOPBACK if allow_loopback else (),
        log_level=logging.INFO,
        **changes,
    )


@asynccontextmanager
async def running_bot(
    api: FakeBotApi,
    database: DatabaseLocation,
    *,
    allow_loopback: bool = False,
    rate_limit: RateLimiter | None = None,
    zygote: Zygote | None = None,
    **changes: Any,
) -> AsyncIterator[RingkasApplication]:
    """Start the application as `run_polling` does (post_init included), stop it likewise.
    Its workers come from `zygote`, or else from `worker_template()`."""
    settings = make_settings(api, database, allow_loopback=allow_loopback, **changes)
    zygote = zygote or worker_template()
    application = build_application(settings, rate_limit=rate_limit, zygote=zygote)
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=settings.poll_interval_seconds, timeout=1, drop_pending_updates=False
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Replica:
    """One webhook replica running in this event loop."""

    application: RingkasApplication
    settings: Settings

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"


@asynccontextmanager
async def running_replica(
    api: FakeBotApi, database: DatabaseLocation, *, allow_loopback: bool = False, **changes: Any
) -> AsyncIterator[Replica]:
    """The application in webhook mode (as `ringkasbot run` with WEBHOOK_URL) on a free port,
    started and listening; several can share one database, as replicas do."""
    settings = make_settings(
        api,
        database,
        allow_loopback=allow_loopback,
        webhook_url=WEBHOOK_URL,
        listen_address="127.0.0.1",
        port=free_port(),
        **changes,
    )
    application = build_application(settings, zygote=worker_template())
    stop = asyncio.Event()
    serving = asyncio.create_task(serve_webhook(application, settings, until=stop.wait))
    try:
        async with asyncio.timeout(30):
            while not await _listening(settings.port):
                if serving.done():
                    serving.result()  # raises what stopped it
                await asyncio.sleep(0.05)
        yield Replica(application, settings)
    finally:
        stop.set()
        await serving


async def _listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    return True


def services_of(application: RingkasApplication) -> Services:
    return application.bot_data.services


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
