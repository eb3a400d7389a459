"""Application wiring: the PTB application, its services, and how it starts and stops."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, NoReturn, cast

from telegram import BotCommand, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, TimedOut
from telegram.ext import Application, Defaults, SimpleUpdateProcessor, TypeHandler

from handlers import CONTEXT_TYPES, BotData, Context, Habits, Services, register
from handlers.metrics import count_error
from handlers.services import (
    ReplyLedger,
    begin_answer,
    end_answer,
    note_update,
    replying_after_engine_work,
)
from service import DigestService, ProcessLanes, RateLimiter, SharedRateLimiter, acting_for
from service.turns import arriving
from service.zygote import Zygote
from storage import DatabaseUnavailableError, Storage
from web.policy import Resolver

from . import texts
from .background import (
    announce_replica,
    keep_claims,
    purge_periodically,
    queue_leftovers,
    share_send_budget,
    sweep_leftovers,
)
from .bot_api import BotApiRequest, UpdatesRequest
from .flood import DeliveryPolicy, ReplyPacer
from .listening import PortUnavailable
from .logs import install_redaction
from .settings import Settings, derived_webhook_secret
from .updates import Arrival, UpdateBook

if TYPE_CHECKING:
    from .metrics_server import MetricsServer

log = logging.getLogger(__name__)


AnyApplication = Application[Any, Context, Any, Any, BotData, Any]


class _PerUserUpdates(SimpleUpdateProcessor):
    """Handles each update as its sender's, so that the engine lanes and the fetch slots
    queue their work fairly against other users' (service.fairness)."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        sender = None
        if isinstance(update, Update):
            user, chat = update.effective_user, update.effective_chat
            sender = user.id if user else chat.id if chat else None
        with acting_for(sender), arriving(sender):
            await coroutine


class RingkasApplication(AnyApplication):
    """Stops engine work before PTB's `stop` waits for the handlers, which wait for it, and
    gives up replies waiting out a flood limit or an outage (logged) rather than holding the
    shutdown for a minute and more.

    With `exit_deadline`, a stop signal also starts a timer that ends the process after that
    many seconds whatever still hangs (a Bot API that stopped answering, say).

    Once started, it answers each update once (bot/updates.py, through `book`).
    """

    book: UpdateBook | None = None

    def __init__(
        self,
        *,
        stop_work: Callable[[], Coroutine[Any, Any, None]],
        exit_deadline: float | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._stop_work = stop_work
        self._exit_deadline = exit_deadline
        self._exit_timer: threading.Timer | None = None
        self._stopping = False

    def stopping(self) -> bool:
        """True once `stop` was called: updates not yet started are left for the next start."""
        return self._stopping

    async def receive_updates(self, updates: list[tuple[int, str]]) -> None:
        """Record updates before Telegram is told they arrived."""
        if self.book is not None:
            await self.book.receive(updates)

    async def process_update(self, update: object) -> None:
        book = self.book
        if book is None or not isinstance(update, Update):
            await super().process_update(update)
            return
        update_id = update.update_id
        if self.stopping():
            book.leave(update_id)  # still pending: the next start answers it
            return
        arrival = await book.take(update_id)
        if arrival is None:
            return  # a copy, or answered elsewhere
        # Only a leftover can have been partly answered before.
        ledger = ReplyLedger(update_id, book.storage, look_up=arrival is Arrival.LEFTOVER)
        token = begin_answer(ledger)
        finished = False
        try:
            await super().process_update(update)
            # A reply lost because the bot is stopping goes out after the restart.
            finished = not (self.stopping() and ledger.lost)
        finally:
            end_answer(token)
            await (book.done(update_id) if finished else book.release(update_id))

    def _raise_system_exit(self) -> NoReturn:  # type: ignore[override]  # PTB's signal handler
        self._start_exit_timer()
        raise SystemExit

    def _start_exit_timer(self) -> None:
        if self._exit_deadline is None or self._exit_timer is not None:
            return
        self._exit_timer = threading.Timer(self._exit_deadline, _exit_now, [self._exit_deadline])
        self._exit_timer.daemon = True
        self._exit_timer.start()

    async def stop(self) -> None:
        self._stopping = True
        self._start_exit_timer()
        pacer = self.bot.rate_limiter
        if isinstance(pacer, ReplyPacer):
            pacer.close()
        await self._stop_work()
        await super().stop()


def _exit_now(deadline: float) -> None:
    log.error("still stopping after %g s: exiting now", deadline)
    logging.shutdown()
    os._exit(1)


async def _register_commands(application: AnyApplication) -> None:
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


async def _register_descriptions(application: AnyApplication) -> None:
    """What Telegram shows before the first /start, in Indonesian and English."""
    bot = application.bot
    for language in texts.INTERFACE_LANGUAGES:
        code = None if language == texts.DEFAULT_LANGUAGE else language
        try:
            await bot.set_my_description(texts.text(language, "description"), language_code=code)
            await bot.set_my_short_description(
                texts.text(language, "short_description"), language_code=code
            )
        except Exception as error:  # a nicety, like the command menu
            log.warning("could not register the %s description: %s", language, error)


async def _note_update(update: object, context: Context) -> None:
    note_update(update)


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(
        retry_seconds=settings.send_retry_seconds,
        first_backoff_seconds=settings.send_first_backoff_seconds,
        max_backoff_seconds=settings.send_max_backoff_seconds,
        flood_retries=settings.flood_retries,
        other_attempts=settings.send_attempts,
        messages_per_second=settings.messages_per_second,
        typing_actions_per_second=settings.typing_actions_per_second,
    )


async def _on_error(update: object, context: Context) -> None:
    where = ""
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f" (update {update.update_id}, chat {chat.id if chat else '-'})"
    log.error("unhandled error%s: %s", where, context.error, exc_info=context.error)
    count_error(context.error)


def _article_limiter(settings: Settings, storage: Storage) -> RateLimiter | SharedRateLimiter:
    """Replicas count a user's articles in the database; a poller, alone, in memory."""
    if settings.replicated:
        return SharedRateLimiter(
            storage, settings.rate_limit_requests, settings.rate_limit_period_seconds
        )
    return RateLimiter(settings.rate_limit_requests, settings.rate_limit_period_seconds)


def _metrics_server(settings: Settings) -> MetricsServer | None:
    """/metrics on a port of its own (METRICS_PORT, polling mode), or None. Its HTTP server
    (tornado) loads only when a port is set."""
    if not settings.metrics_port:
        return None
    from .metrics_server import MetricsServer

    return MetricsServer.for_polling(settings)  # None in webhook mode: on the webhook port


def build_application(
    settings: Settings,
    *,
    resolver: Resolver | None = None,
    rate_limit: RateLimiter | None = None,
    exit_deadline: float | None = None,
    zygote: Zygote | None = None,
) -> RingkasApplication:
    """A ready-to-run application; storage opens on start and closes on shutdown.

    `zygote`: the template of the worker processes, started earlier and closed by the
    caller; without one, the application starts its own and closes it on shutdown.
    """
    install_redaction(settings.token, settings.webhook_secret_token)
    lanes = ProcessLanes(settings.work_limits(), zygote)
    background: list[asyncio.Task[None]] = []
    metrics_server = _metrics_server(settings)

    async def start(application: AnyApplication) -> None:
        await lanes.start()
        storage = await Storage.open(
            settings.database,
            busy_timeout_ms=settings.database_busy_timeout_ms,
            pool=settings.database_pool(),
            write_spacing_seconds=settings.database_write_spacing_seconds,
            file_check_seconds=settings.database_file_check_seconds,
        )
        if storage.degraded_reason:
            log.warning("cache degraded: %s; answering without it", storage.degraded_reason)
        digests = DigestService(
            storage, lanes, settings.fetch_policy(), settings.digest_limits(), resolver=resolver
        )
        limiter = rate_limit or _article_limiter(settings, storage)
        habits = Habits.create(
            settings.conversation_limits(), limiter, sole_writer=not settings.webhook_url
        )
        application.bot_data.services = Services(digests, storage, texts, limiter, habits)
        await _register_commands(application)
        await _register_descriptions(application)
        book = UpdateBook(storage, settings.update_policy(), replicated=settings.replicated)
        # A poller is alone (a second one gets 409): nobody else can be answering these.
        take_over = not settings.replicated
        await queue_leftovers(application, book, grace_seconds=0.0, take_over=take_over)
        cast(RingkasApplication, application).book = book
        # Plain tasks: Application.create_task only tracks tasks made while it runs, and
        # these endless loops are cancelled in `stop` rather than awaited.
        for name, loop in (
            ("purge-expired", purge_periodically(storage, book, settings.purge_interval_seconds)),
            ("keep-claims", keep_claims(book)),
            ("sweep-leftovers", sweep_leftovers(application, book)),
        ):
            background.append(asyncio.create_task(loop, name=name))
        if settings.replicated:
            await announce_replica(storage, pacer, settings.heartbeat_seconds)
            budget = share_send_budget(storage, pacer, settings.heartbeat_seconds)
            background.append(asyncio.create_task(budget, name="share-send-budget"))
        if metrics_server is not None:
            metrics_server.start()
        log.info("Ringkas is up as @%s", application.bot.username)

    async def stop_work() -> None:
        if application.bot_data.started:
            await application.bot_data.services.digests.stop_work(settings.shutdown_grace_seconds)
        await lanes.close(grace=0.0)

    async def stop(application: AnyApplication) -> None:
        for task in background:
            task.cancel()
        if metrics_server is not None:
            await metrics_server.stop()
        await lanes.close(grace=0.0)
        if application.bot_data.started:
            services = application.bot_data.services
            if settings.replicated:
                await services.storage.withdraw_replica()
            await services.digests.flush()
            await services.storage.close()
        log.info("Ringkas stopped; the database is closed")

    pacer = ReplyPacer(delivery_policy(settings), gives_way=replying_after_engine_work)
    base_url = settings.base_url
    updates_request = UpdatesRequest(connection_pool_size=1)
    application = cast(
        RingkasApplication,
        Application.builder()
        .application_class(
            RingkasApplication, {"stop_work": stop_work, "exit_deadline": exit_deadline}
        )
        .token(settings.token)
        .context_types(CONTEXT_TYPES)
        .base_url(base_url)
        .base_file_url(file_url_for(base_url))
        .request(
            BotApiRequest(
                connection_pool_size=settings.bot_api_connections,
                idle_connections=settings.bot_api_idle_connections,
            )
        )
        .get_updates_request(updates_request)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        )
        .rate_limiter(pacer)
        .concurrent_updates(_PerUserUpdates(settings.concurrent_updates))
        .post_init(start)
        .post_shutdown(stop)
        .build(),
    )
    updates_request.receive = application.receive_updates
    application.add_handler(TypeHandler(Update, _note_update), group=-1)
    register(application)
    application.add_error_handler(_on_error)
    return application


def file_url_for(base_url: str) -> str:
    """Telegram's file URL beside its API URL: ".../bot" becomes ".../file/bot"."""
    head, separator, tail = base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if separator else base_url


def webhook_secret(token: str) -> str:
    """The default WEBHOOK_SECRET, derived from the token."""
    return derived_webhook_secret(token)


class StartupError(RuntimeError):
    """The bot could not start (Telegram unreachable, or the token refused); one line."""


def run(settings: Settings, zygote: Zygote | None = None) -> None:
    """Run until SIGINT/SIGTERM: polling, or a webhook server when WEBHOOK_URL is set."""
    try:
        application = build_application(
            settings, exit_deadline=settings.shutdown_deadline_seconds, zygote=zygote
        )
        _run(application, settings)
    except InvalidToken:
        raise StartupError("Telegram refused TELEGRAM_BOT_TOKEN (revoked or mistyped?)") from None
    except (DatabaseUnavailableError, PortUnavailable) as error:
        raise StartupError(str(error)) from None
    except BadRequest as error:  # e.g. setWebhook: "bad webhook: ..."
        raise StartupError(f"Telegram refused a request at start: {error}") from None
    except (NetworkError, TimedOut) as error:
        raise StartupError(
            f"cannot reach the Telegram Bot API at {settings.base_url}: {error}"
        ) from None


def _run(application: RingkasApplication, settings: Settings) -> None:
    if settings.webhook_url:
        from .webhook import serve_webhook  # its HTTP server (tornado) loads only for this

        asyncio.run(serve_webhook(application, settings))
    else:
        application.run_polling(
            allowed_updates=Update.ALL_TYPES, poll_interval=settings.poll_interval_seconds
        )
