"""`ringkasbot extract URL` and `ringkasbot summarize URL`: the bot's link path on the command line."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.cli import main
from testkit.news_site import PAGES

FIXTURES = PAGES


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    """The HTML fixtures served on 127.0.0.1 by a plain HTTP server."""
    handler = functools.partial(QuietHandler, directory=str(FIXTURES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FETCH_ALLOWED_NETWORKS", "127.0.0.0/8")


@pytest.mark.usefixtures("loopback_allowed")
def test_extract_prints_title_site_date_and_text_as_json(
    site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extract", f"{site}/artikel-id.html", "--json"]) == 0
    extracted = json.loads(capsys.readouterr().out)
    assert set(extracted) == {"title", "site", "date", "text"}
    assert extracted["title"] and len(extracted["text"]) > 200


@pytest.mark.usefixtures("loopback_allowed")
def test_summarize_a_link_gives_a_summary(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summarize", f"{site}/artikel-id.html", "--json"]) == 0
    digest = json.loads(capsys.readouterr().out)
    assert digest["language"] == "id"
    assert len(digest["summary"]) == 3


@pytest.mark.usefixtures("loopback_allowed")
def test_summarize_a_listing_page_exits_2_with_one_line(
    site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summarize", f"{site}/indeks-listing.html"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_loopback_links_are_refused_by_default(
    site: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FETCH_ALLOWED_NETWORKS", raising=False)
    assert main(["extract", f"{site}/artikel-id.html"]) == 2
    assert "127.0.0.1" in capsys.readouterr().err
