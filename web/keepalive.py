"""Keep-alive HTTP/1.1 calls to one trusted origin: how the bot talks to the Bot API.

Hand-written on purpose, over h11 (the HTTP/1.1 parser httpcore itself uses). Through
httpx's client, httpcore's pool and anyio, one Bot API call cost the bot's event loop
1.1-1.7 ms of CPU; here it costs about 0.1 ms (docs/benchmarks.md, round 8). At 120 replies a
second that was a fifth of the bot's main process. The pool is what is written here:
- idle connections are reused last in, first out, and at most `max_idle` stay open;
- one the server has closed is dropped before use. The event loop has already seen its end
  of file, so nothing polls each pooled socket per call, as httpcore does;
- one idle longer than `idle_seconds` is closed, and so is one whose call was interrupted.

The origin is configured, not user input: no address guard (see `transport` for fetching
pages). No redirects, cookies or compression, which the Bot API never needs, and no proxy
(bot/bot_api.py sends calls that must go through one by httpx).
Failures raise `HttpTimeout` or `HttpConnectionError`; a status code is never an error.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, cast
from urllib.parse import urlsplit

import h11

from .transport import shared_ssl_context

Phase = Literal["connect", "write", "read", "pool"]
Header = tuple[str, str]

# Past this much unsent data, a call waits (under its write timeout) for the socket to drain.
_WRITE_BUFFER_LIMIT = 64 * 1024


class HttpTimeout(Exception):
    """A call took longer than its timeout for `phase`; for "pool" and "connect", the request
    was never sent."""

    def __init__(self, phase: Phase, message: str) -> None:
        super().__init__(message)
        self.phase: Phase = phase


class HttpConnectionError(Exception):
    """The connection failed, or the server answered something that is not HTTP/1.1."""


@dataclass(frozen=True)
class Timeouts:
    """Seconds each phase of a call may take (None: no limit). `read` applies to each wait
    for answer data, as httpx's does, so a long download is not cut while data flows."""

    connect: float | None = 5.0
    write: float | None = 5.0
    read: float | None = 5.0
    pool: float | None = 1.0


@dataclass(frozen=True)
class Origin:
    scheme: Literal["http", "https"]
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        scheme: Literal["http", "https"] = "https" if parts.scheme == "https" else "http"
        port = parts.port or (443 if scheme == "https" else 80)
        return cls(scheme, parts.hostname, port)

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


class _Wire(asyncio.Protocol):
    """One socket's received bytes not yet read, and whether the server closed it.

    A protocol of our own rather than asyncio's StreamReader, whose buffer is private: the
    pool must see whether an idle connection received anything unasked (a "408 Request
    Timeout" before closing would otherwise be read as the next call's answer).
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.received = bytearray()
        self.closed = False
        self._readable: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.received += data
        _wake(self._readable)

    def eof_received(self) -> bool:
        self.closed = True
        _wake(self._readable)
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        _wake(self._readable)
        _wake(self._writable)

    def pause_writing(self) -> None:
        self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        _wake(self._writable)
        self._writable = None

    async def read(self) -> bytes:
        """What arrived since the last read; b"" once the server closed the connection."""
        if not self.received and not self.closed:
            self._readable = asyncio.get_running_loop().create_future()
            try:
                await self._readable
            finally:
                self._readable = None
        data = bytes(self.received)
        self.received.clear()
        return data

    async def drained(self) -> None:
        if self._writable is not None:
            await self._writable


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


class _Connection:
    def __init__(self, wire: _Wire) -> None:
        assert wire.transport is not None
        self.wire = wire
        self.transport = wire.transport
        self.protocol = h11.Connection(h11.CLIENT)
        self.idle_since = 0.0

    def usable(self, now: float, idle_seconds: float) -> bool:
        """False once the server closed it or sent something unasked, or it idled too long."""
        wire = self.wire
        return (
            now - self.idle_since < idle_seconds
            and not wire.closed
            and not wire.received
            and not self.transport.is_closing()
        )

    def close(self) -> None:
        self.transport.close()


class KeepAliveClient:
    """At most `max_connections` calls at once to `origin`, over connections kept open."""

    def __init__(
        self,
        origin: Origin,
        *,
        max_connections: int,
        max_idle: int,
        idle_seconds: float = 5.0,
        max_answer_bytes: int = 64 * 1024 * 1024,
        ssl_context: Callable[[], ssl.SSLContext] = shared_ssl_context,
    ) -> None:
        if max_connections < 1 or max_idle < 0:
            raise ValueError("max_connections must be at least 1 and max_idle at least 0")
        self.origin = origin
        self._max_idle = max_idle
        self._idle_seconds = idle_seconds
        self._max_answer_bytes = max_answer_bytes
        self._ssl_context = ssl_context
        self._slots = asyncio.Semaphore(max_connections)
        self._idle: list[_Connection] = []
        self._closed = False

    @property
    def idle_connections(self) -> int:
        return len(self._idle)

    async def request(
        self,
        method: str,
        target: str,
        *,
        headers: list[Header],
        body: bytes = b"",
        timeouts: Timeouts,
    ) -> tuple[int, bytes]:
        """The answer's status code and body. `target` is the path and query string."""
        if self._closed:
            raise HttpConnectionError("the client is closed")
        await self._take_slot(timeouts.pool)
        try:
            connection = self._reusable() or await self._connect(timeouts.connect)
            finished = False
            try:
                answer = await self._exchange(connection, method, target, headers, body, timeouts)
                finished = True
            finally:
                self._settle(connection, finished)
            return answer
        finally:
            self._slots.release()

    async def aclose(self) -> None:
        """Closes the idle connections; a call under way closes its own when it ends."""
        self._closed = True
        while self._idle:
            self._idle.pop().close()

    async def _take_slot(self, timeout: float | None) -> None:
        if not self._slots.locked():
            await self._slots.acquire()  # free: returns without suspending
            return
        try:
            async with asyncio.timeout(timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise HttpTimeout(
                "pool", f"every connection to {self.origin.host} stayed busy for {timeout} s"
            ) from None

    def _reusable(self) -> _Connection | None:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()
            if connection.usable(now, self._idle_seconds):
                return connection
            connection.close()
        return None

    async def _connect(self, timeout: float | None) -> _Connection:
        origin = self.origin
        context = self._ssl_context() if origin.scheme == "https" else None
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _, wire = await loop.create_connection(_Wire, origin.host, origin.port, ssl=context)
        except TimeoutError:
            raise HttpTimeout(
                "connect", f"connecting to {origin.host}:{origin.port} took over {timeout} s"
            ) from None
        except (OSError, ssl.SSLError) as error:
            raise HttpConnectionError(
                f"cannot connect to {origin.host}:{origin.port}: {error}"
            ) from error
        return _Connection(wire)

    def _settle(self, connection: _Connection, finished: bool) -> None:
        """Back to the pool if its exchange ended cleanly and both sides may go on."""
        protocol = connection.protocol
        reusable = (
            finished
            and not self._closed
            and protocol.our_state is h11.DONE
            and protocol.their_state is h11.DONE
            and not protocol.trailing_data[0]
        )
        if not reusable:
            connection.close()
            return
        protocol.start_next_cycle()
        now = time.monotonic()
        connection.idle_since = now
        self._idle.append(connection)
        while self._idle and (
            len(self._idle) > self._max_idle or not self._idle[0].usable(now, self._idle_seconds)
        ):
            self._idle.pop(0).close()  # the oldest first

    async def _exchange(
        self,
        connection: _Connection,
        method: str,
        target: str,
        headers: list[Header],
        body: bytes,
        timeouts: Timeouts,
    ) -> tuple[int, bytes]:
        request_headers = [("Host", self.origin.host_header), *headers]
        if body or method == "POST":
            request_headers.append(("Content-Length", str(len(body))))
        protocol = connection.protocol
        try:
            parts = [
                protocol.send(h11.Request(method=method, target=target, headers=request_headers))
            ]
            if body:
                parts.append(protocol.send(h11.Data(data=body)))
            parts.append(protocol.send(h11.EndOfMessage()))
            await self._write(connection, b"".join(part for part in parts if part), timeouts.write)
            return await self._answer(connection, timeouts.read)
        except h11.ProtocolError as error:
            raise HttpConnectionError(f"not a valid HTTP/1.1 exchange: {error}") from error
        except OSError as error:
            raise HttpConnectionError(f"the connection failed: {error}") from error

    @staticmethod
    async def _write(connection: _Connection, data: bytes, timeout: float | None) -> None:
        connection.transport.write(data)
        if connection.transport.get_write_buffer_size() <= _WRITE_BUFFER_LIMIT:
            return  # the usual case: no wait, and a dead socket shows as the answer's EOF
        try:
            async with asyncio.timeout(timeout):
                await connection.wire.drained()
        except TimeoutError:
            raise HttpTimeout("write", f"sending the request took over {timeout} s") from None

    async def _answer(self, connection: _Connection, timeout: float | None) -> tuple[int, bytes]:
        protocol = connection.protocol
        status = 0
        chunks: list[bytes] = []
        size = 0
        while True:
            event = protocol.next_event()
            if event is h11.NEED_DATA:
                protocol.receive_data(await self._read(connection, timeout))
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                size += len(event.data)
                if size > self._max_answer_bytes:
                    raise HttpConnectionError(
                        f"the answer is larger than {self._max_answer_bytes} bytes"
                    )
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                return status, b"".join(chunks)
            elif isinstance(event, h11.ConnectionClosed):
                raise HttpConnectionError("the server closed the connection without an answer")
            # h11.InformationalResponse (100 Continue): the real answer follows

    @staticmethod
    async def _read(connection: _Connection, timeout: float | None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await connection.wire.read()
        except TimeoutError:
            raise HttpTimeout("read", f"no answer data for {timeout} s") from None
