"""Every setting and tunable, with its one default: from environment variables and `.env`.

The lower layers (service, web, storage) take their values as arguments and define no
defaults of their own, so a tunable is changed here and only here.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from service import ConversationLimits, DigestLimits, WorkLimits
from storage import DatabaseLocation, PoolLimits, PostgresUrl, parse_database_url
from web.policy import FetchPolicy, parse_allowed_networks

from .updates import UpdatePolicy

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite:///ringkas.db"
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,256}$")  # Telegram allows 1-256 of these
LOG_FORMATS = ("text", "json")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line for the user."""


def machine_cores() -> int:
    """The cores this process may run on (its CPU affinity, e.g. a container's share)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    # From the environment (README, "Running the bot").
    token: str = ""
    base_url: str = DEFAULT_BASE_URL
    database_path: Path | None = Path("ringkas.db")  # SQLite; None: in memory
    database_server: PostgresUrl | None = None  # DATABASE_URL=postgresql://...: used instead
    webhook_url: str | None = None
    webhook_secret: str | None = None  # None: derived from the token (see webhook_secret_token)
    # The webhook server listens here; behind a proxy on the same host, loopback is enough.
    listen_address: str = "127.0.0.1"
    port: int = 8443
    allowed_networks: tuple[Network, ...] = ()
    log_level: int = logging.INFO
    log_format: str = "text"

    # Engine work (summaries, page extraction) runs in this many worker processes (README,
    # "Capacity"); cleaning texts before their cache lookup in `light_workers` more.
    engine_workers: int = field(default_factory=machine_cores)
    light_workers: int = 1
    # Work of one request still running after this long is abandoned, its worker killed and
    # replaced, and the user told the page is too large or slow.
    work_deadline_seconds: float = 10.0
    light_deadline_seconds: float = 2.0
    # Load shedding: a request that would wait longer than this for the engine is answered
    # at once with "busy, send it again in about N seconds" instead.
    max_queue_wait_seconds: float = 20.0
    # Workers yield the CPU to the event loop, which answers cache hits and commands.
    worker_niceness: int = 10
    # Updates handled at once. Engine work is bounded by the lanes (load shedding), so this
    # is high enough that waiting summaries never hold back a cache hit or a command.
    concurrent_updates: int = 4096
    # On SIGTERM, running engine work gets this long before its workers are killed; the
    # process exits by `shutdown_deadline_seconds` whatever still hangs.
    shutdown_grace_seconds: float = 2.0
    shutdown_deadline_seconds: float = 9.0
    # A chat bot should not wait long for its cache: past this, a locked database is skipped.
    database_busy_timeout_ms: int = 1000
    # Group commit (storage/group_writes.py): what requests note (cache entries, replies
    # sent, updates done) is written together, in one transaction. While several requests
    # write, a commit starts at most every this many seconds and gathers what arrives
    # meanwhile; a lone writer's notes (a quiet bot) go at once. Under load a user waits for
    # it between the parts of a long reply (each part is noted before the next is sent),
    # before a reply that keeps a page's extras, and, for a request that answered without the
    # engine, before their next message's turn. Each commit is some eight trips to the
    # database thread whatever it holds: at 10 ms, two messages' notes shared them at 220 a
    # second; at 50 ms, about ten (docs/benchmarks.md, round 12).
    database_write_spacing_seconds: float = 0.05
    # Polling: after getUpdates returns, the next one waits this long, so that under load
    # each brings a batch rather than one or two updates (each call costs a request, a parse
    # and a receipt write). Idle, the long poll still returns the first update at once.
    poll_interval_seconds: float = 0.02
    # SQLite: a database file deleted or replaced under the running bot is noticed within
    # this long (storage/sqlite.py: it is rescued, or reopened); closing always checks.
    database_file_check_seconds: float = 1.0
    # PostgreSQL (storage/postgres.py): connections per process (each replica counts them
    # against the server's max_connections); the bot runs up to `concurrent_updates`
    # handlers, but each holds a connection only for one short statement or transaction.
    # At start, the first connection waits this long for a server that is still starting.
    database_pool_size: int = 8
    database_connect_timeout_seconds: float = 10.0
    purge_interval_seconds: float = 3600.0

    # Cache lifetimes and fetching (see SECURITY.md).
    link_ttl_seconds: float = 24 * 3600
    text_ttl_seconds: float = 7 * 24 * 3600
    # Pages are fetched and parsed at most this many at a time (each may be megabytes), and
    # at most `max_fetches_per_user` of them for one user.
    max_concurrent_fetches: int = 8
    max_fetches_per_user: int = 2
    fetch_max_bytes: int = 5_000_000
    fetch_max_redirects: int = 3
    fetch_connect_timeout: float = 5.0
    fetch_read_timeout: float = 10.0
    fetch_total_timeout: float = 20.0
    fetch_user_agent: str = "Ringkas/0.1 (+news summary bot)"
    # Pages of one paginated article fetched at most, the first included (web/pages.py).
    max_article_pages: int = 5

    # Per-user request limit.
    rate_limit_requests: int = 10
    rate_limit_period_seconds: float = 60.0

    # Chat habits (README, "How Ringkas reads your messages").
    # A client sends the parts of a split long paste back to back: after a part near the
    # 4,096-character limit the bot waits this long for the next (handlers/pastes.py).
    paste_join_window_seconds: float = 1.0
    # A part sent with the others but delivered later still joins (updating the reply) so long.
    paste_late_part_seconds: float = 30.0
    # An edit of a message answered this long ago still updates its reply in place, on any
    # replica and after a restart (the database keeps the reply ids and a hash, no text).
    edit_memory_seconds: float = 2 * 24 * 3600
    max_links_per_message: int = 5
    max_document_bytes: int = 20 * 1024 * 1024  # the Bot API's getFile limit for bots
    max_document_pages: int = 50
    max_document_chars: int = 100_000
    admin_cache_seconds: float = 300.0
    # Buttons re-render a known article (mostly cache hits): their own, looser limit.
    button_rate_limit_requests: int = 60
    button_rate_limit_period_seconds: float = 60.0

    # Connections to the Bot API (web/keepalive.py): at most bot_api_connections at once, of
    # which bot_api_idle_connections are kept open between calls. A burst (a Bot API answering
    # in 1 s has about 100 calls in flight) would otherwise leave them all open for good.
    bot_api_connections: int = 256
    bot_api_idle_connections: int = 16

    # Talking to Telegram (bot/flood.py). A reply is retried through 5xx answers and lost
    # connections for send_retry_seconds; calls that deliver nothing, send_attempts times.
    send_attempts: int = 3
    send_retry_seconds: float = 90.0
    send_first_backoff_seconds: float = 0.5
    send_max_backoff_seconds: float = 10.0
    flood_retries: int = 3
    # "typing..." indicators a second, all chats together (handlers/typing.py shows one after
    # 0.3 s of work, renewed every 4 s): a nicety that, when many wait, must not take the CPU
    # and the message budget from the answers themselves.
    typing_actions_per_second: float = 10.0
    # Messages a second to all chats together: Telegram's limit for a bot is about 30
    # (MESSAGES_PER_SECOND; a bot with paid broadcasts may send more). It is the bot's, not a
    # replica's: replicas announce themselves in the database every heartbeat_seconds (a
    # silent one counts for three of them) and each keeps its share of the budget.
    messages_per_second: float = 30.0
    heartbeat_seconds: float = 5.0

    # Each update answered once (bot/updates.py). An update id is claimed for
    # update_claim_seconds (renewed every third of it while the update is handled): a replica
    # killed mid-update blocks its updates that long, then another one (or itself, restarted)
    # finishes them. Every pending_sweep_seconds a replica looks for such orphans. After a
    # restart, updates received more than pending_max_age_seconds ago are not answered any
    # more (an answer an hour late surprises more than it helps). Receipts are kept a day and
    # an hour: Telegram redelivers an unconfirmed update for 24 hours.
    update_claim_seconds: float = 30.0
    pending_sweep_seconds: float = 10.0
    pending_max_age_seconds: float = 3600.0
    receipt_keep_seconds: float = 25 * 3600.0
    # Identical requests on several replicas are computed once (service/digests.py): the
    # first claims the work for request_claim_seconds (a crashed replica blocks it no longer),
    # the others look every request_claim_poll_seconds whether it is done.
    request_claim_seconds: float = 30.0
    request_claim_poll_seconds: float = 0.1
    # Work that ran past its deadline is refused at once when asked again within this time
    # (a hostile page re-sent would otherwise cost a worker its whole deadline each time).
    too_slow_memory_seconds: float = 3600.0

    # The webhook server (bot/webhook.py). Telegram's updates are a few kilobytes.
    webhook_max_body_bytes: int = 1_000_000
    webhook_body_timeout_seconds: float = 10.0
    webhook_idle_timeout_seconds: float = 60.0
    readiness_cache_seconds: float = 10.0
    # Polling mode serves GET /metrics (Prometheus) on this port of LISTEN_ADDRESS; 0: not at
    # all. Webhook mode always serves it on the webhook port (bot/metrics.py).
    metrics_port: int = 0

    @property
    def webhook_secret_token(self) -> str:
        """The secret Telegram sends with every webhook post (X-Telegram-Bot-Api-Secret-Token)."""
        return self.webhook_secret or derived_webhook_secret(self.token)

    @property
    def replicated(self) -> bool:
        """Webhook mode, where several replicas may share the database: the per-user limit,
        identical requests and update claims are coordinated there. A poller is alone by
        construction (Telegram answers a second one with 409 Conflict) and keeps them in
        memory, sparing its database the writes."""
        return self.webhook_url is not None

    @property
    def database(self) -> DatabaseLocation:
        """What `Storage.open` opens: the PostgreSQL server if one is set, else SQLite."""
        return self.database_server if self.database_server is not None else self.database_path

    def update_policy(self) -> UpdatePolicy:
        return UpdatePolicy(
            claim_seconds=self.update_claim_seconds,
            sweep_seconds=self.pending_sweep_seconds,
            max_age_seconds=self.pending_max_age_seconds,
            keep_seconds=self.receipt_keep_seconds,
        )

    def database_pool(self) -> PoolLimits:
        return PoolLimits(
            size=self.database_pool_size,
            connect_timeout_seconds=self.database_connect_timeout_seconds,
        )

    def fetch_policy(self) -> FetchPolicy:
        return FetchPolicy(
            allowed_networks=self.allowed_networks,
            max_bytes=self.fetch_max_bytes,
            max_redirects=self.fetch_max_redirects,
            connect_timeout=self.fetch_connect_timeout,
            read_timeout=self.fetch_read_timeout,
            total_timeout=self.fetch_total_timeout,
            user_agent=self.fetch_user_agent,
        )

    def digest_limits(self) -> DigestLimits:
        return DigestLimits(
            link_ttl_seconds=self.link_ttl_seconds,
            text_ttl_seconds=self.text_ttl_seconds,
            max_concurrent_fetches=self.max_concurrent_fetches,
            max_fetches_per_user=self.max_fetches_per_user,
            max_article_pages=self.max_article_pages,
            request_claims=self.replicated,
            request_claim_seconds=self.request_claim_seconds,
            request_claim_poll_seconds=self.request_claim_poll_seconds,
            too_slow_memory_seconds=self.too_slow_memory_seconds,
        )

    def work_limits(self) -> WorkLimits:
        return WorkLimits(
            workers=self.engine_workers,
            deadline_seconds=self.work_deadline_seconds,
            light_deadline_seconds=self.light_deadline_seconds,
            max_queue_wait_seconds=self.max_queue_wait_seconds,
            light_workers=self.light_workers,
            niceness=self.worker_niceness,
        )

    def conversation_limits(self) -> ConversationLimits:
        return ConversationLimits(
            join_window_seconds=self.paste_join_window_seconds,
            late_part_seconds=self.paste_late_part_seconds,
            edit_memory_seconds=self.edit_memory_seconds,
            max_links=self.max_links_per_message,
            max_document_bytes=self.max_document_bytes,
            max_document_pages=self.max_document_pages,
            max_document_chars=self.max_document_chars,
            admin_cache_seconds=self.admin_cache_seconds,
            button_requests=self.button_rate_limit_requests,
            button_period_seconds=self.button_rate_limit_period_seconds,
        )


def derived_webhook_secret(token: str) -> str:
    return hashlib.sha256(f"ringkas-webhook:{token}".encode()).hexdigest()[:48]


DEFAULTS = Settings()


def read_environment(
    environ: Mapping[str, str] | None = None, dotenv_path: Path = Path(".env")
) -> dict[str, str]:
    """The process environment over the `.env` file's values (the environment wins)."""
    values = {k: v for k, v in dotenv_values(dotenv_path).items() if v is not None}
    values.update(os.environ if environ is None else environ)
    return values


# Secrets the bot reads from its environment (PGPASSWORD: PostgreSQL's own, which asyncpg
# reads when DATABASE_URL has no password).
SECRET_VARIABLES = ("TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "DATABASE_URL", "PGPASSWORD")


def worker_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment without the secrets above: for the worker processes, which
    parse untrusted pages and documents and need none of them."""
    source = os.environ if environ is None else environ
    return {name: value for name, value in source.items() if name not in SECRET_VARIABLES}


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


def _number_in(name: str, value: str, low: int, high: int, kind: type[float] = int) -> float:
    """`value` read as `kind`, from `low` to `high`, or one clear ConfigError naming `name`."""
    try:
        number = kind(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {value!r}") from None
    if not low <= number <= high:
        raise ConfigError(f"{name} must be {low} to {high}, got {value.strip()}")
    return number


def _port(value: str) -> int:
    return int(_number_in("PORT", value, 1, 65535))


def _metrics_port(value: str) -> int:
    if not value.strip() or value.strip() == "0":
        return 0
    try:
        return _port(value.strip())
    except ConfigError:
        raise ConfigError(f"METRICS_PORT must be 0 (off) or 1 to 65535, got {value!r}") from None


def _listen_address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise ConfigError(
            f"LISTEN_ADDRESS must be an IP address such as 127.0.0.1 or 0.0.0.0, got {value!r}"
        ) from None


def _workers(value: str) -> int:
    return int(_number_in("ENGINE_WORKERS", value, 1, 256))


def _messages_per_second(value: str) -> float:
    return _number_in("MESSAGES_PER_SECOND", value, 1, 10_000, float)


def _log_level(value: str) -> int:
    level = logging.getLevelName(value.strip().upper() or "INFO")
    if not isinstance(level, int):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {value!r}")
    return level


def _log_format(value: str) -> str:
    log_format = value.strip().lower() or "text"
    if log_format not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be text or json, got {value!r}")
    return log_format


def _webhook_secret(value: str) -> str | None:
    secret = value.strip()
    if secret and not _WEBHOOK_SECRET.match(secret):
        raise ConfigError("WEBHOOK_SECRET must be 16 to 256 characters from A-Z, a-z, 0-9, _ and -")
    return secret or None


def database_from(values: Mapping[str, str]) -> DatabaseLocation:
    try:
        return parse_database_url(values.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    except ValueError as error:
        raise ConfigError(f"DATABASE_URL: {error}") from None


def allowed_networks_from(values: Mapping[str, str]) -> tuple[Network, ...]:
    try:
        return parse_allowed_networks(values.get("FETCH_ALLOWED_NETWORKS", ""))
    except ValueError as error:
        raise ConfigError(f"FETCH_ALLOWED_NETWORKS: {error}") from None


def load_settings(values: Mapping[str, str], *, require_token: bool = True) -> Settings:
    """Validate settings. Raises ConfigError with a one-line message.

    Without `require_token` (the offline commands), a missing token is allowed.
    """
    webhook_url = values.get("WEBHOOK_URL", "").strip() or None
    token = _token(values) if require_token or values.get("TELEGRAM_BOT_TOKEN") else ""
    database = database_from(values)
    return Settings(
        token=token,
        base_url=_http_url(
            "TELEGRAM_BASE_URL", values.get("TELEGRAM_BASE_URL") or DEFAULTS.base_url
        ),
        database_path=None if isinstance(database, PostgresUrl) else database,
        database_server=database if isinstance(database, PostgresUrl) else None,
        webhook_url=_https_url("WEBHOOK_URL", webhook_url) if webhook_url else None,
        webhook_secret=_webhook_secret(values.get("WEBHOOK_SECRET", "")),
        listen_address=_listen_address(values.get("LISTEN_ADDRESS") or DEFAULTS.listen_address),
        port=_port(values.get("PORT") or str(DEFAULTS.port)),
        metrics_port=_metrics_port(values.get("METRICS_PORT") or str(DEFAULTS.metrics_port)),
        allowed_networks=allowed_networks_from(values),
        log_level=_log_level(values.get("LOG_LEVEL", "INFO")),
        log_format=_log_format(values.get("LOG_FORMAT", "")),
        engine_workers=_workers(values.get("ENGINE_WORKERS") or str(DEFAULTS.engine_workers)),
        messages_per_second=_messages_per_second(
            values.get("MESSAGES_PER_SECOND") or str(DEFAULTS.messages_per_second)
        ),
    )
