"""The `ringkasbot` command line: summarize without Telegram, run the bot, inspect the cache."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from summarizer import MAX_SENTENCES, MIN_SENTENCES, ArticleError, Digest, summarize

EXIT_OK = 0
EXIT_BAD_INPUT = 2
MAX_INPUT_BYTES = 50 * 1024 * 1024


class InputError(Exception):
    """Input the command cannot use; the message is one line for stderr."""


def decode_text(data: bytes, source: str) -> str:
    if b"\x00" in data:
        raise InputError(f"{source} looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{source} is not UTF-8 text (bad byte at offset {error.start})") from None
    if not text.strip():
        raise InputError(f"{source} is empty")
    return text


def read_input(path: str) -> str:
    """Read an article from a file path, or from standard input for "-"."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        source = "standard input"
    else:
        file = Path(path)
        if not file.exists():
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
    return decode_text(data, source)


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


def _summarize_one(args: argparse.Namespace, out: TextIO) -> int:
    text = read_input(args.source)
    digest = summarize(text, sentences=args.sentences, language=args.lang)
    if args.json:
        out.write(json.dumps(digest.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(format_digest(digest) + "\n")
    return EXIT_OK


def _batch_record(line: str, args: argparse.Namespace) -> dict[str, Any]:
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
        digest = summarize(text, sentences=args.sentences, language=args.lang)
    except ArticleError as error:
        return result | {"error": str(error)}
    return result | digest.to_dict()


def _summarize_batch(args: argparse.Namespace, out: TextIO) -> int:
    stream = (raw.decode("utf-8", errors="replace") for raw in sys.stdin.buffer)
    for line in stream:
        if line.strip():
            out.write(json.dumps(_batch_record(line, args), ensure_ascii=False) + "\n")
            out.flush()
    return EXIT_OK


def command_summarize(args: argparse.Namespace) -> int:
    if args.jsonl:
        return _summarize_batch(args, sys.stdout)
    return _summarize_one(args, sys.stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ringkasbot", description="Ringkas: news summaries and key facts."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    summarize_parser = commands.add_parser(
        "summarize", help="summarize an article from a file or standard input"
    )
    summarize_parser.add_argument(
        "source", nargs="?", default="-", help="a text file, or - for standard input (default)"
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (InputError, ArticleError, ValueError) as error:
        print(f"ringkasbot: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
