"""Application wiring: the PTB application, its services, and how it starts and stops."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults

from handlers import DigestService, RateLimiter, Services, register
from storage import Storage
from summarizer.fetch import FetchPolicy, Resolver
from summarizer.language import warm_up as warm_up_language
from summarizer.words import warm_up as warm_up_words

from . import texts
from .config import Config

log = logging.getLogger(__name__)

ENGINE_THREADS = 2
# A chat bot should not wait long for its cache: past this, a locked database is skipped.
DATABASE_BUSY_TIMEOUT_MS = 1000
PURGE_INTERVAL_SECONDS = 3600
CONCURRENT_UPDATES = 64
FLOOD_RETRIES = 3


def _warm_up() -> None:
    warm_up_language()
    warm_up_words("id")
    warm_up_words("en")


async def _register_commands(application: Application) -> None:
    bot = application.bot
    for language in texts.INTERFACE_LANGUAGES:
        commands = [
            BotCommand(name, description) for name, description in texts.command_menu(language)
        ]
        language_code = None if language == texts.DEFAULT_LANGUAGE else language
        try:
            await bot.set_my_commands(
                commands, scope=BotCommandScopeDefault(), language_code=language_code
            )
        except Exception as error:  # the menu is a nicety: never fail the start for it
            log.warning("could not register the %s command menu: %s", language, error)


async def _purge_periodically(storage: Storage) -> None:
    """Expired cache entries go away while the bot runs, not only at start."""
    while True:
        await asyncio.sleep(PURGE_INTERVAL_SECONDS)
        await storage.purge_expired()


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    where = ""
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f" (update {update.update_id}, chat {chat.id if chat else '-'})"
    log.error("unhandled error%s: %s", where, context.error, exc_info=context.error)


def build_application(
    config: Config,
    *,
    resolver: Resolver | None = None,
    rate_limit: RateLimiter | None = None,
    busy_timeout_ms: int = DATABASE_BUSY_TIMEOUT_MS,
) -> Application:
    """A ready-to-run application; storage opens on start and closes on shutdown."""
    executor = ThreadPoolExecutor(max_workers=ENGINE_THREADS, thread_name_prefix="engine")
    policy = FetchPolicy(allowed_networks=config.allowed_networks)
    background: list[asyncio.Task[None]] = []

    async def start(application: Application) -> None:
        storage = await Storage.open(config.database_path, busy_timeout_ms=busy_timeout_ms)
        if storage.degraded_reason:
            log.warning("cache degraded: %s; answering without it", storage.degraded_reason)
        digests = DigestService(storage, executor, policy, resolver=resolver)
        application.bot_data["services"] = Services(
            digests, storage, texts, rate_limit or RateLimiter()
        )
        await asyncio.get_running_loop().run_in_executor(executor, _warm_up)
        await _register_commands(application)
        background.append(asyncio.create_task(_purge_periodically(storage)))
        log.info("Ringkas is up as @%s", application.bot.username)

    async def stop(application: Application) -> None:
        for task in background:
            task.cancel()
        services: Services | None = application.bot_data.get("services")
        if services is not None:
            await services.digests.flush()
            await services.storage.close()
        executor.shutdown(wait=True, cancel_futures=True)
        log.info("Ringkas stopped; the database is closed")

    base_url = config.base_url
    application = (
        Application.builder()
        .token(config.token)
        .base_url(base_url)
        .base_file_url(file_url_for(base_url))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        )
        .rate_limiter(AIORateLimiter(max_retries=FLOOD_RETRIES))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(start)
        .post_shutdown(stop)
        .build()
    )
    register(application)
    application.add_error_handler(_on_error)
    return application


def file_url_for(base_url: str) -> str:
    """Telegram's file URL beside its API URL: ".../bot" becomes ".../file/bot"."""
    head, separator, tail = base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if separator else base_url


def webhook_secret(token: str) -> str:
    return hashlib.sha256(f"ringkas-webhook:{token}".encode()).hexdigest()[:48]


class StartupError(RuntimeError):
    """The bot could not start (Telegram unreachable, or the token refused); one line."""


def run(config: Config) -> None:
    """Run until SIGINT/SIGTERM: polling, or a webhook server when WEBHOOK_URL is set."""
    try:
        _run(build_application(config), config)
    except InvalidToken:
        raise StartupError("Telegram refused TELEGRAM_BOT_TOKEN (revoked or mistyped?)") from None
    except (NetworkError, TimedOut) as error:
        raise StartupError(
            f"cannot reach the Telegram Bot API at {config.base_url}: {error}"
        ) from None


def _run(application: Application, config: Config) -> None:
    if config.webhook_url:
        application.run_webhook(
            listen="0.0.0.0",
            port=config.port,
            url_path=urlsplit(config.webhook_url).path.lstrip("/"),
            webhook_url=config.webhook_url,
            secret_token=webhook_secret(config.token),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
