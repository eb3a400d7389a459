"""GET /metrics on the webhook port: Prometheus text that counts what the bot did, and
carries nothing of what users sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.webhook import SECRET_HEADER
from testkit.fake_bot_api import FakeBotApi, JsonDict
from testkit.harness import TOKEN, Replica, free_port, running_bot, running_replica

HOOK_PATH = "/telegram/hook"  # testkit.harness.WEBHOOK_URL's path

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def post_update(replica: Replica, update_id: int, message: JsonDict) -> None:
    headers = {SECRET_HEADER: replica.settings.webhook_secret_token}
    body = json.dumps({"update_id": update_id, "message": message})
    async with (
        aiohttp.ClientSession() as session,
        session.post(replica.origin + HOOK_PATH, data=body, headers=headers) as response,
    ):
        assert response.status == 200


async def metrics_text(replica: Replica) -> str:
    return await get_metrics(replica.origin)


async def get_metrics(origin: str) -> str:
    async with (
        aiohttp.ClientSession() as session,
        session.get(origin + "/metrics") as response,
    ):
        assert response.status == 200
        return await response.text()


def samples(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, frozenset(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


async def scrape_until(
    replica: Replica, done: Callable[[Samples], bool], timeout: float = 15
) -> Samples:
    """The metrics once `done` holds: a reply is counted just after Telegram has it."""
    async with asyncio.timeout(timeout):
        while not done(found := samples(await metrics_text(replica))):
            await asyncio.sleep(0.05)
    return found


async def test_an_article_twice_and_help_move_the_counters_by_exactly_that(
    api: FakeBotApi, tmp_path: Path, sample_article: str
) -> None:
    async with running_replica(api, tmp_path / "ringkas.db") as replica:
        before = samples(await metrics_text(replica))
        first = api.private_text(sample_article)
        chat = first["chat"]["id"]
        await post_update(replica, 1, first)
        await api.wait_for_messages(chat, 1, timeout=30)
        await post_update(replica, 2, api.private_text(sample_article))
        await api.wait_for_messages(chat, 2, timeout=30)
        await post_update(replica, 3, api.command("/help"))
        await api.wait_for_messages(chat, 3, timeout=30)
        after = await scrape_until(
            replica,
            lambda now: (
                delta(before, now, "ringkas_replies_total", kind="command") >= 1
                and delta(before, now, "ringkas_replies_total", kind="summary") >= 2
            ),
        )
    assert delta(before, after, "ringkas_updates_received_total", kind="message") == 3
    assert delta(before, after, "ringkas_cache_lookups_total", cache="digest", result="miss") == 1
    assert delta(before, after, "ringkas_cache_lookups_total", cache="digest", result="hit") == 1
    assert delta(before, after, "ringkas_replies_total", kind="summary") == 2
    assert delta(before, after, "ringkas_replies_total", kind="command") == 1
    assert delta(before, after, "ringkas_engine_job_seconds_count", lane="engine") == 1
    assert delta(before, after, "ringkas_engine_job_seconds_sum", lane="engine") > 0
    for reason in ("rejected", "forbidden", "lost"):
        assert delta(before, after, "ringkas_send_failures_total", reason=reason) == 0
    errors = [key for key in after if key[0] == "ringkas_errors_total"]
    assert all(after[key] == before.get(key, 0.0) for key in errors)


async def test_a_redelivered_update_is_counted_as_a_copy_and_answered_once(
    api: FakeBotApi, tmp_path: Path, sample_article: str
) -> None:
    async with running_replica(api, tmp_path / "ringkas.db") as replica:
        before = samples(await metrics_text(replica))
        message = api.private_text(sample_article)
        await post_update(replica, 7, message)
        await api.wait_for_messages(message["chat"]["id"], 1, timeout=30)
        await post_update(replica, 7, message)  # Telegram retrying a post it saw no 200 for
        after = await scrape_until(
            replica, lambda now: delta(before, now, "ringkas_updates_skipped_total", reason="copy")
        )
        replies = api.sent_messages(message["chat"]["id"])
    assert delta(before, after, "ringkas_updates_received_total", kind="message") == 2
    assert delta(before, after, "ringkas_updates_skipped_total", reason="copy") == 1
    assert len(replies) == 1


async def test_metrics_carry_no_token_secret_ids_or_message_text(
    api: FakeBotApi, tmp_path: Path, sample_article: str
) -> None:
    async with running_replica(api, tmp_path / "ringkas.db") as replica:
        message = api.private_text(sample_article, user_id=987654321)
        await post_update(replica, 1, message)
        await api.wait_for_messages(message["chat"]["id"], 1, timeout=30)
        text = await metrics_text(replica)
        secret = replica.settings.webhook_secret_token
    first_sentence = sample_article.split(".")[0]
    assert TOKEN not in text and TOKEN.split(":")[1] not in text
    assert secret not in text
    assert "987654321" not in text
    assert first_sentence not in text
    assert "Ringkasan" not in text  # nor the reply


async def test_a_poller_serves_metrics_on_metrics_port(
    api: FakeBotApi, tmp_path: Path, sample_article: str
) -> None:
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    async with running_bot(api, tmp_path / "ringkas.db", metrics_port=port):
        before = samples(await get_metrics(origin))
        message = api.private_text(sample_article)
        await api.wait_for_messages(message["chat"]["id"], 1, timeout=30)
        after = samples(await get_metrics(origin))
    assert delta(before, after, "ringkas_updates_received_total", kind="message") == 1
    assert delta(before, after, "ringkas_cache_lookups_total", cache="digest", result="miss") == 1
