"""`ringkasbot extract URL` and `ringkasbot summarize URL`: the bot's link path on the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.cli import main
from testkit.news_site import NewsSite


@pytest.fixture
def site() -> Iterator[str]:
    """The saved pages served on 127.0.0.1 (the CLI runs its own event loop: a thread)."""
    with NewsSite().running_in_thread() as served:
        yield served.base_url


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FETCH_ALLOWED_NETWORKS", "127.0.0.0/8")


@pytest.mark.usefixtures("loopback_allowed")
def test_extract_prints_title_site_date_and_text_as_json(
    site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extract", f"{site}/artikel-id.html", "--json"]) == 0
    extracted = json.loads(capsys.readouterr().out)
    assert set(extracted) == {"title", "site", "date", "confidence", "pages", "more_pages", "text"}
    assert extracted["confidence"] in ("high", "low") and extracted["pages"] == 1
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
