"""SIGTERM while work hangs: `python -m bot run` still exits within 10 s, workers and all,
polling or serving a webhook.

The bot runs as its own process. A `sitecustomize` module on its PYTHONPATH makes its
engine hang on articles carrying a marker line (the workers' template is a fresh interpreter
started with the bot's environment, so it loads the module too), and a local page answers a
byte every half second, so that at SIGTERM both an engine job and a fetch are stuck.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot import texts
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import TOKEN
from testkit.load.procfs import is_running
from testkit.news_site import NewsSite, dripping

PROJECT = Path(__file__).resolve().parents[2]
STUCK = "Kode liputan: MACET-TOTAL."

HANGING_ENGINE = f"""
import service.digests

_real_compute_digest = service.digests.compute_digest


def hanging_compute_digest(article, sentences, language):
    if {STUCK!r} in article.text:
        while True:
            pass
    return _real_compute_digest(article, sentences, language)


service.digests.compute_digest = hanging_compute_digest
"""


@pytest_asyncio.fixture
async def dripping_site() -> AsyncIterator[str]:
    """A page that sends one byte every half second, for a minute."""
    async with NewsSite({"/berita/pelan.html": dripping(drips=120, every=0.5)}) as site:
        yield site.base_url


def descendants(pid: int) -> set[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, of in parents.items() if of == parent]
        found.update(children)
        frontier += children
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def mode_environment(api: FakeBotApi, mode: str) -> dict[str, str]:
    """Nothing more for polling; for a webhook, the fake API posts updates to the bot."""
    if mode == "polling":
        return {}
    port = free_port()
    api.deliver_webhooks_to(f"http://127.0.0.1:{port}")
    return {"WEBHOOK_URL": "https://ringkas.example/telegram/hook", "PORT": str(port)}


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigterm_exits_within_10_s_while_an_engine_job_and_a_fetch_hang(
    api: FakeBotApi, tmp_path: Path, sample_article: str, dripping_site: str, mode: str
) -> None:
    patches = tmp_path / "patches"
    patches.mkdir()
    (patches / "sitecustomize.py").write_text(HANGING_ENGINE, encoding="utf-8")
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "WEBHOOK")) and k not in ("PORT", "LISTEN_ADDRESS")
    }
    environment |= {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": api.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'ringkas.db'}",
        "FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
        "PYTHONPATH": f"{patches}{os.pathsep}{PROJECT}",
    }
    environment |= mode_environment(api, mode)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        warm = api.private_text(sample_article, user_id=801)
        await api.wait_for_messages(warm["chat"]["id"], 1, timeout=60)
        workers = descendants(process.pid)
        calls_before = len(api.calls)
        stuck = api.private_text(f"{sample_article}\n\n{STUCK}", user_id=802)
        dripping = api.private_text(f"{dripping_site}/berita/pelan.html", user_id=803)
        await api.wait_for("sendChatAction", start=calls_before, timeout=30)
        await asyncio.sleep(0.5)  # both are under way

        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        took = time.monotonic() - signalled
        [stuck_reply] = api.sent_messages(stuck["chat"]["id"])
        [dripping_reply] = api.sent_messages(dripping["chat"]["id"])
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert took < 10.0  # the requirement itself (about 2 s: the grace for running work)
    assert process.returncode == 0
    assert b"Traceback" not in stderr, stderr.decode()
    told_busy = re.sub(r"<[^>]+>", "", texts.text("id", "busy", seconds=60))
    assert stuck_reply["text"] == told_busy
    assert dripping_reply["text"] == told_busy
    assert len(workers) >= 3  # the template, an engine worker and the light worker
    deadline = time.monotonic() + 5.0
    while any(is_running(pid) for pid in workers) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not any(is_running(pid) for pid in workers)
    if mode == "webhook":
        assert any(post.ok for post in api.webhook_posts), "updates came by the webhook"
        assert not api.calls_to("getUpdates")
