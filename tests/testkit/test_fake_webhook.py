"""Webhook mode: the fake registers the bot's https URL and POSTs updates to the local servers
behind it with the secret header, retrying until one answers 2xx, as Telegram does."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import BadRequest, Conflict
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from testkit.fake_bot_api import SECRET_HEADER, FakeBotApi
from testkit.news_site import NewsSite

HOOK = "https://ringkas.example/telegram/hook"


@dataclass
class Receiver:
    """A webhook endpoint that answers with the queued statuses, then 200."""

    statuses: list[int] = field(default_factory=list)
    posts: list[tuple[str, dict[str, str], dict]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.posts.append((request.path, dict(request.headers), await request.json()))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture(autouse=True)
def quick_webhook_retries(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.webhook_retry_delay = 0.05


async def serve(receiver: Receiver) -> NewsSite:
    site = NewsSite({"/telegram/hook": receiver.handle}, saved_pages=False)
    await site.start()
    return site


async def delivered(api: FakeBotApi, count: int, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while sum(post.ok for post in api.webhook_posts) < count:
            await asyncio.sleep(0.01)


async def test_updates_are_posted_with_the_secret_header(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    receiver = Receiver()
    site = await serve(receiver)
    try:
        fake_bot_api.deliver_webhooks_to(site.base_url)
        await bot.set_webhook(HOOK, secret_token="rahasia-123")
        sent = fake_bot_api.private_text("https://www.kompas.com/read/2024/a.html")
        await delivered(fake_bot_api, 1)
    finally:
        await site.stop()

    [(path, headers, update)] = receiver.posts
    assert path == "/telegram/hook"
    assert headers[SECRET_HEADER] == "rahasia-123"
    assert update["message"]["message_id"] == sent["message_id"]
    assert fake_bot_api.pending_update_count == 0


async def test_a_non_2xx_answer_is_retried_until_accepted(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    receiver = Receiver(statuses=[500, 403])
    site = await serve(receiver)
    try:
        fake_bot_api.deliver_webhooks_to(site.base_url)
        await bot.set_webhook(HOOK)
        fake_bot_api.private_text("halo")
        await delivered(fake_bot_api, 1)
        info = await bot.get_webhook_info()
    finally:
        await site.stop()

    assert [post.status for post in fake_bot_api.webhook_posts] == [500, 403, 200]
    assert len({update["update_id"] for _, _, update in receiver.posts}) == 1
    assert info.last_error_message == "Wrong response from the webhook: 403"
    assert info.pending_update_count == 0


async def test_a_refused_connection_goes_to_the_next_server(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    receiver = Receiver()
    site = await serve(receiver)
    try:
        fake_bot_api.deliver_webhooks_to(dead, site.base_url)
        await bot.set_webhook(HOOK)
        fake_bot_api.private_text("satu")
        fake_bot_api.private_text("dua")
        await delivered(fake_bot_api, 2)
    finally:
        await site.stop()

    assert sorted(update["message"]["text"] for _, _, update in receiver.posts) == ["dua", "satu"]
    assert {post.status for post in fake_bot_api.webhook_posts} == {0, 200}


async def test_webhook_urls_must_be_https_on_telegrams_ports(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="an https url must be provided"):
        await bot.set_webhook("http://ringkas.example/hook")
    with pytest.raises(BadRequest, match="ports 80, 88, 443 or 8443"):
        await bot.set_webhook("https://ringkas.example:9000/hook")
    with pytest.raises(BadRequest, match="unallowed characters"):
        await bot.set_webhook(HOOK, secret_token="tidak boleh spasi")


async def test_get_updates_conflicts_with_a_webhook_until_it_is_deleted(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    await bot.set_webhook(HOOK)
    fake_bot_api.private_text("menunggu")  # no server behind the URL: the update waits

    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    info = await bot.get_webhook_info()
    await bot.delete_webhook()
    [update] = await bot.get_updates()

    assert (info.url, info.pending_update_count) == (HOOK, 1)
    assert update.message.text == "menunggu"


async def test_a_ptb_application_in_webhook_mode_answers_posted_updates(
    fake_bot_api: FakeBotApi,
) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"Gema: {update.message.text}")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = Application.builder().token(fake_bot_api.token).base_url(fake_bot_api.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    fake_bot_api.deliver_webhooks_to(f"http://127.0.0.1:{port}")
    async with app:
        await app.start()
        await app.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="telegram/hook",
            webhook_url=HOOK, secret_token="rahasia",
        )  # fmt: skip
        fake_bot_api.private_text("Halo bot", user_id=2002)
        [reply] = await fake_bot_api.wait_for_messages(2002, 1)
        await app.updater.stop()
        await app.stop()

    assert reply["text"] == "Gema: Halo bot"
    assert fake_bot_api.webhook_secret == "rahasia"
