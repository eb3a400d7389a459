"""The `ringkasbot` command line: summarize without Telegram, run the bot, inspect the cache.

Every command answers through the same `DigestService` as the bot (`bot.offline`), so the
command line and the bot can never give different answers for the same input.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from service import Answer, ArticleRecord, DigestService
from service.documents import (
    DocumentError,
    DocumentKind,
    DocumentLimits,
    document_kind,
    read_document,
)
from storage import DatabaseUnavailableError, StorageStats
from summarizer import MAX_SENTENCES, MIN_SENTENCES, ArticleError, Digest
from web.policy import FetchError, NotAnArticle

from .logs import configure_logging as configure_logs
from .offline import offline_service, read_stats
from .settings import (
    DEFAULTS,
    ConfigError,
    Settings,
    load_settings,
    read_environment,
    worker_environment,
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
MAX_INPUT_BYTES = 50 * 1024 * 1024


class InputError(Exception):
    """Input the command cannot use; the message is one line for stderr."""


class CommandFailed(Exception):
    """The command could not do its work (e.g. a database refused); one line for stderr."""


def decode_text(data: bytes, source: str, file_name: str | None = None) -> str:
    """The article text of a file's bytes: plain text in any common encoding, or a PDF
    (with a text layer), .docx or .html file, read as the bot reads documents."""
    limits = DocumentLimits(DEFAULTS.max_document_pages, DEFAULTS.max_document_chars)
    kind = document_kind(file_name, None, data[:8]) or DocumentKind.TEXT
    try:
        if kind is DocumentKind.TEXT:
            return read_document(data, "input.txt", "text/plain", limits).text
        return read_document(data, file_name, None, limits).text
    except DocumentError as error:
        raise InputError(f"{source}: {_DOCUMENT_PROBLEMS[error.code.value]}") from None


_DOCUMENT_PROBLEMS = {
    "unsupported": "not a format I read (text, PDF, .docx, .html)",
    "empty": "is empty",
    "corrupt": "looks like a binary or damaged file, not text",
    "encrypted": "is locked with a password",
    "no_text": "is a PDF without a text layer (a scan?)",
    "not_article": "is an HTML page without an article",
}


# A link of a scheme other than http(s) (ftp://, file://): not a file name either.
_OTHER_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def read_input(path: str) -> str:
    """Read an article from a file path (text in any common encoding, PDF, .docx, .html), or
    from standard input for "-"."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        source = "standard input"
    else:
        file = Path(path)
        if not file.exists():
            if _OTHER_SCHEME.match(path):
                raise InputError(f"{path}: only http:// and https:// links can be read")
            raise InputError(f"no such file: {path}")
        if file.is_dir():
            raise InputError(f"{path} is a directory, not a text file")
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except OSError as error:
            raise InputError(f"cannot read {path}: {error.strerror}") from None
        source = path
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{source} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    return decode_text(data, source, None if path == "-" else Path(path).name)


def sentence_count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not MIN_SENTENCES <= count <= MAX_SENTENCES:
        raise argparse.ArgumentTypeError(f"must be {MIN_SENTENCES} to {MAX_SENTENCES}")
    return count


def format_digest(digest: Digest) -> str:
    """Human-readable output for a terminal."""
    language = digest.language
    if language.code is None:
        language_line = "Language: unknown (summary made without language-specific rules)"
    else:
        note = "" if language.is_first_class else " (no language-specific rules: generic summary)"
        language_line = f"Language: {language.code} (confidence {language.confidence:.2f}){note}"
    lines = [language_line, "", "Summary:"]
    lines += [f"  {number}. {sentence}" for number, sentence in enumerate(digest.summary, 1)]
    lines += ["", "Key facts:"]
    lines += [f"  - [{fact.kind}] {fact.text}" for fact in digest.facts] or ["  (none found)"]
    if digest.truncated:
        lines += ["", "Note: the text was very long; only its beginning was analysed."]
    return "\n".join(lines)


def _offline_settings() -> Any:
    return load_settings(read_environment(), require_token=False)


async def _summarize_text(text: str, args: argparse.Namespace) -> Answer:
    async with offline_service(_offline_settings()) as service:
        return await service.from_text(text, args.sentences, language=args.lang)


def _summarize_one(args: argparse.Namespace, out: TextIO) -> int:
    text = read_input(args.source)
    digest = asyncio.run(_summarize_text(text, args)).digest
    if args.json:
        out.write(json.dumps(digest.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(format_digest(digest) + "\n")
    return EXIT_OK


async def _batch_record(
    service: DigestService, line: str, args: argparse.Namespace
) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return {"id": None, "error": f"not valid JSON: {error.msg}"}
    if not isinstance(record, dict):
        return {"id": None, "error": "each line must be a JSON object with 'id' and 'text'"}
    result: dict[str, Any] = {"id": record.get("id")}
    text = record.get("text")
    if not isinstance(text, str):
        return result | {"error": "missing 'text' (a string)"}
    try:
        answer = await service.from_text(text, args.sentences, language=args.lang)
    except ArticleError as error:
        return result | {"error": str(error)}
    return result | answer.digest.to_dict()


async def _summarize_lines(args: argparse.Namespace, out: TextIO) -> None:
    async with offline_service(_offline_settings()) as service:
        for raw in sys.stdin.buffer:
            line = raw.decode("utf-8", errors="replace")
            if line.strip():
                record = await _batch_record(service, line, args)
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                out.flush()


def _summarize_batch(args: argparse.Namespace, out: TextIO) -> int:
    asyncio.run(_summarize_lines(args, out))
    return EXIT_OK


def _is_link(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


async def _extract(url: str) -> ArticleRecord:
    async with offline_service(_offline_settings()) as service:
        return await service.extract(url)


async def _summarize_url(url: str, args: argparse.Namespace) -> Answer:
    async with offline_service(_offline_settings()) as service:
        return await service.from_url(url, args.sentences, language=args.lang)


def _summarize_link(args: argparse.Namespace, out: TextIO) -> int:
    answer = asyncio.run(_summarize_url(args.source, args))
    article, digest = answer.article, answer.digest
    if args.json:
        out.write(json.dumps(digest.to_dict(), ensure_ascii=False) + "\n")
        return EXIT_OK
    source = ", ".join(part for part in (article.site, article.date) if part)
    header = [line for line in (article.title, source) if line]
    out.write("\n".join([*header, *([""] if header else []), format_digest(digest)]) + "\n")
    return EXIT_OK


def command_summarize(args: argparse.Namespace) -> int:
    if args.jsonl and args.source != "-":
        raise InputError("--jsonl reads JSON lines from standard input; leave out the file")
    if args.jsonl:
        return _summarize_batch(args, sys.stdout)
    if _is_link(args.source):
        return _summarize_link(args, sys.stdout)
    return _summarize_one(args, sys.stdout)


def command_extract(args: argparse.Namespace) -> int:
    article = asyncio.run(_extract(args.url))
    if args.json:
        fields = {
            "title": article.title,
            "site": article.site,
            "date": article.date,
            "confidence": article.confidence,
            "pages": article.pages,
            "more_pages": article.more_pages,
            "text": article.text,
        }
        sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    else:
        for label, value in (
            ("Title", article.title),
            ("Site", article.site),
            ("Date", article.date),
            ("Confidence", article.confidence),
            (
                "Pages",
                f"{article.pages}" + (" (more could not be read)" if article.more_pages else ""),
            ),
        ):
            sys.stdout.write(f"{label}: {value or '-'}\n")
        sys.stdout.write("\n" + article.text + "\n")
    return EXIT_OK


def command_stats(args: argparse.Namespace) -> int:
    settings = _offline_settings()
    path = settings.database_path
    if settings.database_server is None and path is not None and not path.exists():
        raise InputError(f"no database at {path} yet (it is created when the bot first runs)")
    stats: StorageStats = asyncio.run(read_stats(settings))
    hit_rate = "-" if stats.hit_rate is None else f"{stats.hit_rate:.1%}"
    where = settings.database_server or path
    rows = [
        ("Database", str(where) if where else "in memory"),
        ("Cache entries", f"{stats.cache_entries:,}"),
        ("Cache size", f"{stats.cache_bytes / 1024:,.1f} KiB"),
        ("Hits / misses", f"{stats.hits:,} / {stats.misses:,}"),
        ("Hit rate", hit_rate),
        ("Chats served", f"{stats.chats_served:,}"),
    ]
    if stats.degraded:
        rows.append(("Problem", stats.degraded))
    width = max(len(label) for label, _ in rows)
    sys.stdout.write("".join(f"{label:<{width}}  {value}\n" for label, value in rows))
    return EXIT_OK


def command_migrate(args: argparse.Namespace) -> int:
    """Copy the database at --from into the one at --to (default: DATABASE_URL)."""
    from storage.transfer import TransferError, copy_database

    values = read_environment()
    target = args.target or values.get("DATABASE_URL", "")
    if not target:
        raise InputError("say where to copy to: --to postgresql://... (or set DATABASE_URL)")
    try:
        report = asyncio.run(copy_database(args.source, target))
    except TransferError as error:
        raise CommandFailed(str(error)) from None
    for table, rows in report.rows.items():
        sys.stdout.write(f"{table:<16}  {rows:,} rows\n")
    sys.stdout.write(f"copied {report.total:,} rows\n")
    return EXIT_OK


def configure_logging(settings: Settings) -> None:
    configure_logs(
        settings.log_level,
        settings.log_format,
        secrets=(settings.token, settings.webhook_secret_token),
    )


def command_run(args: argparse.Namespace) -> int:
    settings = load_settings(read_environment())
    configure_logging(settings)
    return serve(settings)


# Optional packages that the Telegram machinery and its HTTP stack load whenever they are
# installed, for features Ringkas never uses; left out of the bot process (see below).
_UNUSED_OPTIONAL_PACKAGES = (
    # PTB: Telegram Passport decryption (7.6 MB). Installed for pypdf, which reads encrypted
    # PDFs in the workers.
    "cryptography",
    # httpcore: its trio backend (about 12 MB with trio's own dependencies); Ringkas runs
    # on asyncio.
    "trio",
    # httpx: its command-line client (about 5 MB).
    "click",
    "pygments",
    "rich",
    # PTB: its own webhook server (about 4 MB with tornado's colorama and curses). Ringkas
    # serves webhooks and /metrics itself (bot/webhook.py, bot/metrics_server.py), which
    # load tornado when used, after this.
    "tornado",
)


@contextlib.contextmanager
def _unused_packages_left_out() -> Iterator[None]:
    """While Telegram's modules load, the packages above (those not loaded yet) are marked
    missing, so that PTB, httpx and httpcore leave their features off, as they do when the
    packages are not installed at all; afterwards anything may import them again."""
    hidden = [name for name in _UNUSED_OPTIONAL_PACKAGES if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # Python: "not found"
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:  # the marker (or nothing) is there
                sys.modules.pop(name, None)


def serve(settings: Settings) -> int:
    """Run the bot until it is stopped: the exit status of `ringkasbot run`."""
    from service.records import warm_engine
    from service.zygote import Zygote

    # The workers' template starts first, so that it warms the engine up while the Telegram
    # machinery loads here. It is a fresh interpreter: neither it nor the workers carry the
    # bot's libraries or its secrets, and the bot process never holds the engine's data.
    try:
        zygote = Zygote(warm_engine, environment=worker_environment())
    except OSError as error:
        print(f"ringkasbot: cannot start the worker processes: {error}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        with _unused_packages_left_out():
            from .app import StartupError, run  # Telegram machinery loads only for this command

        settle_collector()

        try:
            run(settings, zygote)
        except StartupError as error:
            print(f"ringkasbot: {error}", file=sys.stderr)
            return EXIT_FAILURE
        return EXIT_OK
    finally:
        zygote.close()


# Container objects allocated (net) before the collector's youngest generation runs; Python's
# default is 700. Under load a waiting message keeps about a hundred objects alive, so at 700 the
# collector ran every few messages, found almost nothing to free (under a thousand objects in a
# run of 3,300 articles) and took about 8% of the bot process's time, in pauses of up to about
# 200 ms on the event loop's thread. At 10,000 it takes 40% less, in a sixth as many pauses, none
# longer than 150 ms (docs/benchmarks.md, round 14).
COLLECTOR_THRESHOLD = 10_000


def settle_collector() -> None:
    """Make the cyclic garbage collector cheap for a long-running bot.

    The modules just loaded live as long as the process: frozen, they are never scanned again
    (a full collection under load would otherwise walk all of them). What comes later is
    scanned less often; reference counting frees nearly all of it anyway.
    """
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(COLLECTOR_THRESHOLD, middle, oldest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ringkasbot", description="Ringkas: news summaries and key facts."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    summarize_parser = commands.add_parser(
        "summarize", help="summarize an article from a file or standard input"
    )
    summarize_parser.add_argument(
        "source",
        nargs="?",
        default="-",
        help="a text file, an http(s) link, or - for standard input (default)",
    )
    summarize_parser.add_argument(
        "-n", "--sentences", type=sentence_count, default=3, help="summary length (1-10)"
    )
    summarize_parser.add_argument("--lang", help="language code, instead of detecting it")
    output = summarize_parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object")
    output.add_argument(
        "--jsonl", action="store_true", help='batch: read {"id", "text"} JSON lines from stdin'
    )
    summarize_parser.set_defaults(handler=command_summarize)

    extract_parser = commands.add_parser(
        "extract", help="fetch a news link and print the article it extracts"
    )
    extract_parser.add_argument("url", help="an http(s) link")
    extract_parser.add_argument("--json", action="store_true", help="print one JSON object")
    extract_parser.set_defaults(handler=command_extract)

    run_parser = commands.add_parser("run", help="run the Telegram bot (see README: settings)")
    run_parser.set_defaults(handler=command_run)

    stats_parser = commands.add_parser("stats", help="cache size, hit rate and chats served")
    stats_parser.set_defaults(handler=command_stats)

    migrate_parser = commands.add_parser(
        "migrate",
        help="copy a database into another, e.g. the SQLite cache into PostgreSQL",
    )
    migrate_parser.add_argument(
        "--from", dest="source", required=True, help="source URL, e.g. sqlite:///ringkas.db"
    )
    migrate_parser.add_argument(
        "--to", dest="target", help="target URL, e.g. postgresql://... (default: DATABASE_URL)"
    )
    migrate_parser.set_defaults(handler=command_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
        return code
    except (InputError, ArticleError, ConfigError, FetchError, NotAnArticle, ValueError) as error:
        print(f"ringkasbot: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (CommandFailed, DatabaseUnavailableError) as error:
        print(f"ringkasbot: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
