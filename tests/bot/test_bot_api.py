"""Talking HTTP to the Bot API: a getUpdates batch read one update at a time, and the
connections kept open between calls."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.bot_api import BotApiRequest, UpdatesRequest, readable_updates
from testkit.fake_bot_api import FakeBotApi
from testkit.scripted_http import ScriptedServer, ok_after

USER = {"id": 1001, "is_bot": False, "first_name": "Siti"}
CHAT = {"id": 1001, "type": "private"}


def message(message_id: int, **fields: object) -> dict[str, object]:
    return {"message_id": message_id, "chat": CHAT, "from": USER, **fields}


def test_readable_updates_pass_unchanged() -> None:
    batch = [{"update_id": 5, "message": message(1, date=1_700_000_000, text="Halo")}]
    assert readable_updates(batch) == batch


def test_an_unreadable_update_is_reduced_to_its_id_and_logged_by_id_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    batch = [
        {"update_id": 6, "message": message(2, text="Rahasia dapur redaksi")},  # no date
        {"update_id": 7, "message": message(3, date=1_700_000_000, text="Halo")},
    ]
    assert readable_updates(batch) == [{"update_id": 6}, batch[1]]
    [line] = [record.getMessage() for record in caplog.records]
    assert "update 6" in line and "Rahasia" not in line


def test_an_update_without_an_id_is_left_out() -> None:
    assert readable_updates([{"message": message(4, date=1)}, "rusak"]) == []


@pytest_asyncio.fixture
async def slow_api() -> AsyncIterator[tuple[ScriptedServer, str]]:
    """A Bot API answering every call `{"ok": true, "result": true}` after 0.2 s."""
    api = ScriptedServer([ok_after(0.2, b'{"ok": true, "result": true}')])
    async with api.listening() as port:
        yield api, f"http://127.0.0.1:{port}/bot123:abc"


@pytest_asyncio.fixture
async def small_request() -> AsyncIterator[BotApiRequest]:
    """Two connections at most, one kept open between calls."""
    request = BotApiRequest(connection_pool_size=2, idle_connections=1)
    await request.initialize()
    yield request
    await request.shutdown()


async def test_calls_in_flight_each_get_a_connection_but_only_the_idle_limit_stays_open(
    slow_api: tuple[ScriptedServer, str],
) -> None:
    api, url = slow_api
    request = BotApiRequest(connection_pool_size=20, idle_connections=3)
    await request.initialize()
    try:
        calls = [request.post(f"{url}/sendChatAction") for _ in range(12)]
        assert await asyncio.gather(*calls) == [True] * 12
        await asyncio.sleep(0.2)  # the server sees the closed ones

        assert api.most_open == 12
        assert api.open <= 3
    finally:
        await request.shutdown()


async def test_a_reply_goes_out_as_json_and_comes_back_as_a_message(api: FakeBotApi) -> None:
    api.private_text("Halo", user_id=1001)  # the chat the bot may write to
    request = BotApiRequest(connection_pool_size=4, idle_connections=2)
    async with Bot(api.token, base_url=api.base_url, request=request) as bot:
        sent = await bot.send_message(1001, "Inflasi Oktober 2,4 persen, kata BPS.")
    [call] = api.calls_to("sendMessage")
    assert call.params["text"] == "Inflasi Oktober 2,4 persen, kata BPS."
    assert sent.text == "Inflasi Oktober 2,4 persen, kata BPS."
    assert sent.chat.id == 1001


async def test_a_getupdates_answer_is_decoded_once_and_its_updates_recorded_first(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = api.private_text("Harga cabai naik menjelang Lebaran.", user_id=1001)
    recorded: list[tuple[int, str]] = []

    async def receive(updates: list[tuple[int, str]]) -> None:
        recorded.extend(updates)

    updates_request = UpdatesRequest()
    updates_request.receive = receive
    decoded: list[str | bytes] = []
    real_loads = json.loads

    def counted_loads(text: str | bytes, **options: object) -> object:
        decoded.append(text)
        return real_loads(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(json, "loads", counted_loads)
    async with Bot(api.token, base_url=api.base_url, get_updates_request=updates_request) as bot:
        decoded.clear()  # getMe at start
        [update] = await bot.get_updates(timeout=0)

    assert len(decoded) == 1
    assert update.message is not None and update.message.message_id == sent["message_id"]
    assert [update_id for update_id, _ in recorded] == [update.update_id]


async def test_a_document_is_downloaded_over_the_same_kind_of_connection(api: FakeBotApi) -> None:
    stored = api.add_file(b"%PDF-1.7 laporan keuangan", file_name="laporan.pdf")
    request = BotApiRequest(connection_pool_size=4, idle_connections=2)
    async with Bot(
        api.token, base_url=api.base_url, base_file_url=api.base_file_url, request=request
    ) as bot:
        file = await bot.get_file(stored.file_id)
        assert bytes(await file.download_as_bytearray()) == b"%PDF-1.7 laporan keuangan"


async def test_a_file_upload_goes_through_ptbs_own_multipart_request(
    slow_api: tuple[ScriptedServer, str], small_request: BotApiRequest
) -> None:
    api, url = slow_api
    upload = InputFile(b"Ringkasan rapat redaksi", filename="ringkasan.txt")
    data = RequestData([RequestParameter.from_input("document", upload)])
    assert await small_request.post(f"{url}/sendDocument", data) is True
    assert b"content-type: multipart/form-data" in api.seen[0].head.lower()


async def test_a_bot_api_that_answers_too_late_is_a_timeout(
    slow_api: tuple[ScriptedServer, str], small_request: BotApiRequest
) -> None:
    _api, url = slow_api
    with pytest.raises(TimedOut):
        await small_request.post(f"{url}/sendChatAction", read_timeout=0.05)


async def test_a_bot_api_that_cannot_be_reached_is_a_network_error(
    closed_port: int, small_request: BotApiRequest
) -> None:
    with pytest.raises(NetworkError, match="cannot connect"):
        await small_request.post(f"http://127.0.0.1:{closed_port}/bot1:abc/getMe")


async def test_a_reply_comes_back_as_its_id_without_what_the_bot_never_reads(
    api: FakeBotApi,
) -> None:
    article = api.private_text("Harga beras naik 12 persen pada Oktober. " * 40, user_id=1001)
    request = BotApiRequest(connection_pool_size=4, idle_connections=2)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Fakta", callback_data="f:1")]])
    async with Bot(api.token, base_url=api.base_url, request=request) as bot:
        sent = await bot.send_message(
            1001,
            "<b>Ringkasan</b>: harga beras naik.",
            parse_mode="HTML",
            reply_markup=keyboard,
            reply_to_message_id=article["message_id"],
        )
    [call] = api.calls_to("sendMessage")
    echoed = call.response["result"] if call.response is not None else {}
    assert {"reply_to_message", "entities", "reply_markup"} <= echoed.keys()
    assert (sent.reply_to_message, sent.entities, sent.reply_markup) == (None, (), None)
    assert (sent.message_id, sent.text) == (echoed["message_id"], "Ringkasan: harga beras naik.")


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The test's environment names no proxy until the test sets one."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


async def test_behind_a_proxy_named_in_the_environment_calls_go_through_it(
    no_proxy_settings: pytest.MonkeyPatch,
) -> None:
    proxy = ScriptedServer()
    async with proxy.listening() as port:
        no_proxy_settings.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
        request = BotApiRequest(connection_pool_size=2, idle_connections=1)
        await request.initialize()
        try:
            await request.post("http://api.telegram.example/bot1:abc/getMe")
        finally:
            await request.shutdown()
    [seen] = proxy.seen
    assert seen.head.startswith(b"POST http://api.telegram.example/bot1:abc/getMe HTTP/1.1")


async def test_a_bot_api_listed_in_no_proxy_is_called_directly(
    no_proxy_settings: pytest.MonkeyPatch, closed_port: int
) -> None:
    api = ScriptedServer()
    async with api.listening() as port:
        no_proxy_settings.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port}")
        no_proxy_settings.setenv("NO_PROXY", "127.0.0.1")
        request = BotApiRequest(connection_pool_size=2, idle_connections=1)
        await request.initialize()
        try:
            assert await request.post(f"http://127.0.0.1:{port}/bot1:abc/getMe") == 1
        finally:
            await request.shutdown()
    assert api.seen[0].head.startswith(b"POST /bot1:abc/getMe HTTP/1.1")
