"""The `ringkasbot summarize` command: human and JSON output, batches, and bad input."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import COLLECTOR_THRESHOLD, main
from tests.conftest import run_python

REPO = Path(__file__).resolve().parents[2]
DIGEST_KEYS = ["language", "language_confidence", "summary", "facts", "sentences_total"]
FACT_KEYS = ["text", "kind", "sentence"]

MARKET = """Harga cabai rawit di sejumlah pasar tradisional di Jakarta melonjak hingga Rp 120.000 per kilogram pada Senin (6/2). Kenaikan ini dipicu berkurangnya pasokan dari sentra produksi di Jawa Tengah akibat hujan deras.

Ketua Asosiasi Pedagang Pasar Seluruh Indonesia, Abdullah Mansuri, mengatakan harga cabai naik hampir 60 persen dalam dua pekan terakhir. "Petani banyak yang gagal panen karena tanaman busuk terendam air," kata Abdullah Mansuri.

Pemerintah provinsi menyiapkan operasi pasar di 20 titik untuk menahan lonjakan harga. Dinas Ketahanan Pangan juga akan mendatangkan 15 ton cabai dari Sulawesi Selatan.

Sejumlah pedagang mengaku omzet mereka turun karena pembeli mengurangi belanja. Para pembeli kini memilih cabai kering atau sambal kemasan sebagai pengganti.

Badan Pusat Statistik mencatat cabai rawit menyumbang inflasi sebesar 0,08 persen pada Januari 2023. Harga diperkirakan kembali normal setelah musim panen pada April.
"""

TRAIN = """The national railway company will add 40 new trains to its commuter network by the end of next year. The new trains are expected to carry about 200,000 extra passengers every day.

Company director Sarah Collins said the order was worth $1.2 billion and would be delivered in three batches. "Our passengers have waited too long for more comfortable trains," Sarah Collins told reporters on Friday.

The first batch of 12 trains will arrive in September. Engineers will test each train for at least two months before it carries passengers.

Passenger groups welcomed the plan but warned that stations also need to be modernised. Many platforms are too short for the longer trains, they said.
"""


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


Cli = Callable[..., Run]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run `ringkasbot` in this process, with `stdin` bytes on standard input."""

    def run(*argv: str, stdin: bytes = b"") -> Run:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def market_file(tmp_path: Path) -> Path:
    path = tmp_path / "cabai.txt"
    path.write_text(MARKET, encoding="utf-8")
    return path


def assert_is_digest(data: dict, article: str, count: int) -> None:
    assert list(data) == DIGEST_KEYS
    assert len(data["summary"]) == count
    assert all(sentence in article for sentence in data["summary"])
    assert isinstance(data["sentences_total"], int)
    assert isinstance(data["language_confidence"], float)
    for fact in data["facts"]:
        assert list(fact) == FACT_KEYS
        assert fact["text"] in article
        assert 0 <= fact["sentence"] < data["sentences_total"]


def assert_one_line_error(run: Run) -> None:
    assert run.code == 2
    assert run.out == ""
    assert run.err.startswith("ringkasbot: ")
    assert run.err.endswith("\n")
    assert run.err.count("\n") == 1
    assert "Traceback" not in run.err


def jsonl(records: Sequence[object]) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in records).encode("utf-8")


def test_human_output_shows_language_summary_and_facts(cli: Cli, market_file: Path) -> None:
    run = cli("summarize", str(market_file))
    assert run.code == 0
    assert run.err == ""
    lines = run.out.splitlines()
    assert lines[0].startswith("Language: id")
    summary_start = lines.index("Summary:") + 1
    summary = lines[summary_start : summary_start + 3]
    for number, line in enumerate(summary, 1):
        prefix = f"  {number}. "
        assert line.startswith(prefix)
        assert line[len(prefix) :] in MARKET
    facts = lines[lines.index("Key facts:") + 1 :]
    assert facts
    assert all(line.startswith("  - [") for line in facts)


def test_human_output_says_when_a_language_has_no_specific_rules(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(
        "Le gouvernement a présenté mardi un nouveau plan pour les transports publics. "
        "Ce plan prévoit quatre nouvelles lignes de bus et l'extension du tramway.\n\n"
        "Les opposants estiment que cet argent devrait plutôt servir à réparer les routes.",
        encoding="utf-8",
    )
    run = cli("summarize", str(path))
    assert run.code == 0
    first_line = run.out.splitlines()[0]
    assert "fr" in first_line
    assert "generic" in first_line


def test_json_output_has_exactly_the_documented_shape(cli: Cli, market_file: Path) -> None:
    run = cli("summarize", "--json", str(market_file))
    assert run.code == 0
    assert run.out.count("\n") == 1
    data = json.loads(run.out)
    assert_is_digest(data, MARKET, 3)
    assert data["language"] == "id"
    assert 3 <= len(data["facts"]) <= 7


def test_json_output_keeps_non_ascii_text_readable(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "cafe.txt"
    path.write_text(MARKET.replace("Abdullah Mansuri", "Abdullah Manṣūrī"), encoding="utf-8")
    run = cli("summarize", "--json", "-n", "10", str(path))
    assert "Manṣūrī" in run.out


@pytest.mark.parametrize(("option", "count"), [("-n", 1), ("--sentences", 5), ("-n", 10)])
def test_sentences_option_sets_the_summary_length(
    cli: Cli, market_file: Path, option: str, count: int
) -> None:
    run = cli("summarize", "--json", option, str(count), str(market_file))
    assert run.code == 0
    assert_is_digest(json.loads(run.out), MARKET, count)


@pytest.mark.parametrize("count", ["0", "11", "tiga"])
def test_sentences_option_out_of_range_is_a_usage_error(
    cli: Cli, market_file: Path, capsys: pytest.CaptureFixture[str], count: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli("summarize", "-n", count, str(market_file))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--sentences" in err
    assert "Traceback" not in err


def test_lang_option_overrides_detection(cli: Cli, market_file: Path) -> None:
    run = cli("summarize", "--json", "--lang", "en", str(market_file))
    assert run.code == 0
    assert json.loads(run.out)["language"] == "en"


def test_english_article_is_detected_as_english(cli: Cli) -> None:
    run = cli("summarize", "--json", "-", stdin=TRAIN.encode("utf-8"))
    assert run.code == 0
    data = json.loads(run.out)
    assert data["language"] == "en"
    assert_is_digest(data, TRAIN, 3)


def test_standard_input_is_the_default_source(cli: Cli) -> None:
    run = cli("summarize", "--json", stdin=MARKET.encode("utf-8"))
    assert run.code == 0
    assert_is_digest(json.loads(run.out), MARKET, 3)


def test_a_byte_order_mark_is_not_part_of_the_text(cli: Cli) -> None:
    run = cli("summarize", "--json", stdin=b"\xef\xbb\xbf" + MARKET.encode("utf-8"))
    assert run.code == 0
    assert "\ufeff" not in "".join(json.loads(run.out)["summary"])


def test_jsonl_batch_keeps_ids_and_order(cli: Cli) -> None:
    records = [
        {"id": "pasar", "text": MARKET},
        {"id": 7, "text": TRAIN},
        {"id": None, "text": MARKET},
    ]
    run = cli("summarize", "--jsonl", "-n", "2", stdin=jsonl(records))
    assert run.code == 0
    results = [json.loads(line) for line in run.out.splitlines()]
    assert [result["id"] for result in results] == ["pasar", 7, None]
    for result, record in zip(results, records, strict=True):
        assert list(result) == ["id", *DIGEST_KEYS]
        assert_is_digest({k: v for k, v in result.items() if k != "id"}, record["text"], 2)
    assert [result["language"] for result in results] == ["id", "en", "id"]


def test_jsonl_bad_records_get_an_error_and_the_rest_go_on(cli: Cli) -> None:
    lines = [
        json.dumps({"id": 1, "text": MARKET}),
        json.dumps({"id": 2, "text": "Terlalu pendek."}),
        json.dumps({"id": 3, "text": ""}),
        json.dumps({"id": 4}),
        json.dumps({"id": 5, "text": 12345}),
        '{"id": 6, "text": "kalimat yang tidak ditutup',
        json.dumps(["bukan", "objek"]),
        "ini bukan JSON sama sekali",
        json.dumps({"id": 9, "text": TRAIN}),
    ]
    run = cli("summarize", "--jsonl", stdin="\n".join(lines).encode("utf-8"))
    assert run.code == 0
    results = [json.loads(line) for line in run.out.splitlines()]
    assert len(results) == len(lines)
    assert [result["id"] for result in results] == [1, 2, 3, 4, 5, None, None, None, 9]
    failed = results[1:8]
    for result in failed:
        assert list(result) == ["id", "error"]
        assert isinstance(result["error"], str)
        assert result["error"]
        assert "\n" not in result["error"]
    assert_is_digest({k: v for k, v in results[0].items() if k != "id"}, MARKET, 3)
    assert_is_digest({k: v for k, v in results[-1].items() if k != "id"}, TRAIN, 3)


def test_jsonl_survives_invalid_utf8_in_one_line(cli: Cli) -> None:
    stdin = jsonl([{"id": "a", "text": MARKET}]) + b'{"id": "b", "text": "\xff\xfe"}\n'
    stdin += jsonl([{"id": "c", "text": TRAIN}])
    run = cli("summarize", "--jsonl", stdin=stdin)
    assert run.code == 0
    results = [json.loads(line) for line in run.out.splitlines()]
    assert [result["id"] for result in results] == ["a", "b", "c"]
    assert "error" in results[1]
    assert "summary" in results[0]
    assert "summary" in results[2]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n\n\t  \n",
        b"Harga cabai naik.\x00\x00\x01\x02 Pedagang mengeluh karena pembeli berkurang drastis.",
        "Harga cabai naik tajam. Pedagang mengeluh.".encode("utf-16"),
        b"Harga cabai naik tajam di pasar \xff\xfe tradisional. Pedagang mengeluh karena sepi.",
        b"Harga cabai naik. Pedagang mengeluh.",
        b"Baca juga: Harga Bawang Turun\nADVERTISEMENT\n",
    ],
    ids=["empty", "blank", "nul-bytes", "utf-16", "invalid-utf8", "too-short", "only-furniture"],
)
def test_bad_file_exits_2_with_one_line_on_stderr(cli: Cli, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    assert_one_line_error(cli("summarize", str(path)))
    assert_one_line_error(cli("summarize", "--json", str(path)))


@pytest.mark.parametrize(
    "stdin",
    [b"", b"\x00\x01\x02\x03", b"\xc3\x28 bukan utf-8", b"Terlalu pendek."],
    ids=["empty", "binary", "invalid-utf8", "too-short"],
)
def test_bad_standard_input_exits_2_with_one_line_on_stderr(cli: Cli, stdin: bytes) -> None:
    assert_one_line_error(cli("summarize", "-", stdin=stdin))


def test_missing_file_exits_2_with_one_line_on_stderr(cli: Cli, tmp_path: Path) -> None:
    run = cli("summarize", str(tmp_path / "tidak-ada.txt"))
    assert_one_line_error(run)
    assert "tidak-ada.txt" in run.err


@pytest.mark.parametrize("link", ["ftp://contoh.id/berita.txt", "FILE:///etc/passwd"])
def test_a_link_that_is_not_http_exits_2_saying_so(cli: Cli, link: str) -> None:
    run = cli("summarize", link)
    assert_one_line_error(run)
    assert "only http:// and https:// links" in run.err


def test_directory_exits_2_with_one_line_on_stderr(cli: Cli, tmp_path: Path) -> None:
    assert_one_line_error(cli("summarize", str(tmp_path)))


def big_article(size: int) -> str:
    paragraphs = MARKET.strip().split("\n\n")
    pieces: list[str] = []
    length = 0
    while length < size:
        # Vary the paragraphs a little so the text is not one block repeated verbatim.
        number = len(pieces)
        piece = paragraphs[number % len(paragraphs)].replace("20 titik", f"{number} titik")
        pieces.append(piece)
        length += len(piece) + 2
    return "\n\n".join(pieces)


def test_one_megabyte_from_standard_input_is_summarized(cli: Cli) -> None:
    article = big_article(1_000_000)
    run = cli("summarize", "--json", stdin=article.encode("utf-8"))
    assert run.code == 0
    assert_is_digest(json.loads(run.out), article, 3)


def test_ten_megabytes_from_a_file_are_summarized(cli: Cli, tmp_path: Path) -> None:
    article = big_article(10_000_000)
    path = tmp_path / "besar.txt"
    path.write_text(article, encoding="utf-8")
    assert path.stat().st_size >= 10_000_000
    run = cli("summarize", "--json", "-n", "5", str(path))
    assert run.code == 0
    assert_is_digest(json.loads(run.out), article, 5)


def test_ten_megabytes_on_one_line_are_summarized(cli: Cli) -> None:
    article = big_article(10_000_000).replace("\n", " ")
    run = cli("summarize", "--json", stdin=article.encode("utf-8"))
    assert run.code == 0
    assert_is_digest(json.loads(run.out), article, 3)


def program() -> list[str]:
    installed = shutil.which("ringkasbot")
    return [installed] if installed else [sys.executable, "-m", "bot"]


def test_installed_command_summarizes_a_file(market_file: Path) -> None:
    completed = subprocess.run(
        [*program(), "summarize", "--json", str(market_file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert_is_digest(json.loads(completed.stdout), MARKET, 3)


def test_python_m_bot_reports_bad_input_in_one_line() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "summarize", "-"],
        input=b"\xff\xfe\x00 bukan teks",
        capture_output=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == b""
    assert completed.stderr.startswith(b"ringkasbot: ")
    assert completed.stderr.count(b"\n") == 1


def test_jsonl_with_a_file_argument_is_refused_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["summarize", "seeds/rusia-ukraina-negosiasi.txt", "--jsonl"])
    assert code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_pasted_page_source_is_read_as_its_article_not_its_tags(cli: Cli) -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in MARKET.split("\n\n") if line.strip())
    page = (
        "<script>alert(1)</script><b>Berita</b>"
        f"<html><head><title>Harga cabai</title></head><body><article>{paragraphs}</article>"
        "</body></html>"
    )
    run = cli("summarize", "-", "--json", stdin=page.encode())
    assert run.code == 0, run.err
    summary = " ".join(json.loads(run.out)["summary"])
    assert "alert" not in summary and "<" not in summary
    assert summary


UNUSED_PACKAGES_CHECK = """
import sys
import bot.cli
with bot.cli._unused_packages_left_out():
    import bot.app
print(" ".join(sorted(set(bot.cli._UNUSED_OPTIONAL_PACKAGES) & set(sys.modules))))
"""


def test_telegrams_machinery_loads_without_the_optional_packages_ringkas_never_uses() -> None:
    completed = run_python(UNUSED_PACKAGES_CHECK)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == ""


SETTLED_COLLECTOR_CHECK = """
import gc
import bot.cli
defaults = gc.get_threshold()
bot.cli.settle_collector()
print(gc.get_freeze_count() > 0, *defaults, *gc.get_threshold())
"""


def test_the_bot_process_freezes_what_it_loaded_and_collects_garbage_less_often() -> None:
    completed = run_python(SETTLED_COLLECTOR_CHECK)
    assert completed.returncode == 0, completed.stderr
    frozen, *numbers = completed.stdout.split()
    defaults, settled = numbers[:3], numbers[3:]
    assert frozen == "True"
    assert int(settled[0]) == COLLECTOR_THRESHOLD > int(defaults[0])
    assert settled[1:] == defaults[1:]  # the older generations keep the interpreter's defaults
