"""A plain HTTP/1.1 server on 127.0.0.1 whose answers a test scripts: a Bot API that answers
late, hangs up mid-answer, closes idle connections or says something that is not HTTP.

`ScriptedServer.replies[n]` answers the n-th request (the last one every request after);
the server counts the connections it accepted, those open now and the most open at once.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class Seen:
    """A request as the server read it, and the number of the connection it came on."""

    head: bytes
    body: bytes
    connection: int


# A reply to one request: the server writes it (then may act on the connection).
Reply = Callable[[Seen, asyncio.StreamWriter], Awaitable[None]]


def answer(body: bytes, *extra_headers: bytes, status: bytes = b"200 OK") -> bytes:
    """A whole HTTP/1.1 answer with a JSON body (each extra header ends with CRLF)."""
    head = b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n"
    head += b"".join(extra_headers)
    return head + b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


async def ok(seen: Seen, writer: asyncio.StreamWriter) -> None:
    """`{"ok": true, "result": N}`, N the number of the connection the request came on."""
    writer.write(answer(b'{"ok":true,"result":%d}' % seen.connection))


def ok_after(seconds: float, body: bytes | None = None) -> Reply:
    """`ok` (or an answer with `body`) after `seconds`."""

    async def late(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(seconds)
        if body is None:
            await ok(seen, writer)
        else:
            writer.write(answer(body))

    return late


async def read_http_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes] | None:
    """One request's head and body; None when the client closed the connection instead."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.lower().split(b"\r\n")
    length = next((int(line[15:]) for line in lines if line.startswith(b"content-length:")), 0)
    return head, await reader.readexactly(length)


@dataclass
class ScriptedServer:
    replies: list[Reply] = field(default_factory=lambda: [ok])
    seen: list[Seen] = field(default_factory=list)
    accepted: int = 0
    open: int = 0
    most_open: int = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        number = self.accepted
        try:
            while (request := await read_http_request(reader)) is not None:
                seen = Seen(*request, number)
                self.seen.append(seen)
                reply = self.replies[min(len(self.seen), len(self.replies)) - 1]
                await reply(seen, writer)
                if writer.is_closing():
                    return
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            self.open -= 1
            writer.close()

    @asynccontextmanager
    async def listening(self, tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
        """Serve on 127.0.0.1 while inside; yields the port."""
        server = await asyncio.start_server(self.serve, "127.0.0.1", 0, ssl=tls)
        async with server:
            yield server.sockets[0].getsockname()[1]
