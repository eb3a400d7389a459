"""Talking HTTP to the Bot API: a getUpdates batch read one update at a time, and the
connections kept open between calls."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.bot_api import BotApiRequest, readable_updates

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


class SlowBotApi:
    """Answers every call `{"ok": true, "result": true}` after 0.2 s, over HTTP/1.1
    keep-alive, and counts the connections open now and at most."""

    def __init__(self) -> None:
        self.open = 0
        self.most_open = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        body = b'{"ok": true, "result": true}'
        try:
            while await self._request_read(reader):
                await asyncio.sleep(0.2)
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
                )
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            self.open -= 1
            writer.close()

    @staticmethod
    async def _request_read(reader: asyncio.StreamReader) -> bool:
        """Read one request; False when the client closed the connection instead."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False
        lines = head.lower().split(b"\r\n")
        length = next((int(line[15:]) for line in lines if line.startswith(b"content-length:")), 0)
        await reader.readexactly(length)
        return True


@pytest_asyncio.fixture
async def slow_api() -> AsyncIterator[tuple[SlowBotApi, str]]:
    api = SlowBotApi()
    server = await asyncio.start_server(api.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield api, f"http://127.0.0.1:{port}/bot123:abc"


async def test_calls_in_flight_each_get_a_connection_but_only_the_idle_limit_stays_open(
    slow_api: tuple[SlowBotApi, str],
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
