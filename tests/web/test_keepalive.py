"""Keep-alive calls to one origin: connections reused while they are sound, dropped when the
server closed them, sent something unasked, or a call on them failed."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from testkit.scripted_http import ScriptedServer, Seen, answer, ok, ok_after
from web.keepalive import (
    HttpConnectionError,
    HttpTimeout,
    KeepAliveClient,
    Origin,
    Timeouts,
)

QUICK = Timeouts(connect=2.0, write=2.0, read=2.0, pool=2.0)
JSON = [("Content-Type", "application/json")]


@pytest_asyncio.fixture
async def server() -> AsyncIterator[tuple[ScriptedServer, Origin]]:
    scripted = ScriptedServer()
    async with scripted.listening() as port:
        yield scripted, Origin("http", "127.0.0.1", port)


def client_for(origin: Origin, **options: int | float) -> KeepAliveClient:
    settings: dict[str, int | float] = {"max_connections": 8, "max_idle": 4, **options}
    return KeepAliveClient(origin, **settings)  # type: ignore[arg-type]


async def call(client: KeepAliveClient, body: bytes = b'{"chat_id":1}') -> tuple[int, bytes]:
    return await client.request(
        "POST", "/bot1:abc/sendMessage", headers=JSON, body=body, timeouts=QUICK
    )


async def test_calls_one_after_another_share_one_connection(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server
    client = client_for(origin)
    answers = [await call(client) for _ in range(5)]
    assert answers == [(200, b'{"ok":true,"result":1}')] * 5
    assert scripted.accepted == 1
    await client.aclose()


async def test_the_request_carries_host_length_type_and_body(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server
    client = client_for(origin)
    text = b'{"text":"Harga beras naik 12 persen"}'
    await call(client, text)
    [seen] = scripted.seen
    assert seen.head.startswith(b"POST /bot1:abc/sendMessage HTTP/1.1\r\n")
    assert f"host: 127.0.0.1:{origin.port}".encode() in seen.head.lower()
    assert b"content-type: application/json" in seen.head.lower()
    assert seen.body == text
    await client.aclose()


async def test_a_get_sends_no_body_and_reads_a_chunked_answer(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    async def chunked(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\n%PDF-\r\n3\r\n1.7\r\n0\r\n\r\n"
        )

    scripted.replies = [chunked]
    client = client_for(origin)
    assert await client.request("GET", "/file/bot1:abc/a.pdf", headers=[], timeouts=QUICK) == (
        200,
        b"%PDF-1.7",
    )
    assert b"content-length" not in scripted.seen[0].head.lower()
    await client.aclose()


async def test_a_status_code_is_an_answer_not_an_error(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    async def too_many(seen: Seen, writer: asyncio.StreamWriter) -> None:
        body = b'{"ok":false,"error_code":429,"parameters":{"retry_after":3}}'
        writer.write(
            b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )

    scripted.replies = [too_many]
    client = client_for(origin)
    status, body = await call(client)
    assert status == 429 and b"retry_after" in body
    await client.aclose()


async def test_a_connection_the_server_closed_while_idle_is_replaced_without_an_error(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    async def ok_then_close(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await ok(seen, writer)
        await writer.drain()
        writer.close()

    scripted.replies = [ok_then_close, ok]
    client = client_for(origin)
    await call(client)
    await asyncio.sleep(0.1)  # the event loop sees the server's end of file
    assert await call(client) == (200, b'{"ok":true,"result":2}')
    assert scripted.accepted == 2
    await client.aclose()


async def test_bytes_the_server_sent_unasked_are_never_read_as_the_next_answer(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    async def ok_then_timeout_notice(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await ok(seen, writer)
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.write(b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n")

    scripted.replies = [ok_then_timeout_notice, ok]
    client = client_for(origin)
    await call(client)
    await asyncio.sleep(0.2)
    assert await call(client) == (200, b'{"ok":true,"result":2}')
    await client.aclose()


async def test_a_connection_told_to_close_is_not_reused(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    async def ok_closing(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(b"{}", b"Connection: close\r\n"))

    scripted.replies = [ok_closing, ok]
    client = client_for(origin)
    await call(client)
    assert await call(client) == (200, b'{"ok":true,"result":2}')
    await client.aclose()


async def test_only_max_idle_connections_stay_open_after_a_burst(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    scripted.replies = [ok_after(0.2)]
    client = client_for(origin, max_connections=10, max_idle=2)
    await asyncio.gather(*(call(client) for _ in range(6)))
    await asyncio.sleep(0.1)
    assert scripted.accepted == 6
    assert client.idle_connections == 2
    assert scripted.open == 2
    await client.aclose()


async def test_an_idle_connection_past_its_time_is_closed_and_a_new_one_opened(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server
    client = client_for(origin, idle_seconds=0.1)
    await call(client)
    await asyncio.sleep(0.2)
    assert await call(client) == (200, b'{"ok":true,"result":2}')
    assert scripted.accepted == 2
    await client.aclose()


async def test_no_answer_in_time_is_a_read_timeout_and_the_connection_is_dropped(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    scripted.replies = [ok_after(0.5), ok]
    client = client_for(origin)
    with pytest.raises(HttpTimeout) as raised:
        await client.request("POST", "/x", headers=JSON, body=b"{}", timeouts=Timeouts(read=0.1))
    assert raised.value.phase == "read"
    # The late answer is never taken for the next call's.
    assert await call(client) == (200, b'{"ok":true,"result":2}')
    await client.aclose()


async def test_every_connection_busy_past_the_pool_timeout_is_a_pool_timeout(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    scripted.replies = [ok_after(0.5)]
    client = client_for(origin, max_connections=1)
    first = asyncio.create_task(call(client))
    await asyncio.sleep(0.05)
    with pytest.raises(HttpTimeout) as raised:
        await client.request("POST", "/x", headers=JSON, body=b"{}", timeouts=Timeouts(pool=0.1))
    assert raised.value.phase == "pool"
    assert len(scripted.seen) == 1  # the second request was never sent
    assert (await first)[0] == 200
    await client.aclose()


async def test_a_call_that_waits_for_a_free_connection_gets_it(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    scripted.replies = [ok_after(0.1)]
    client = client_for(origin, max_connections=1)
    answers = await asyncio.gather(*(call(client) for _ in range(3)))
    assert [status for status, _ in answers] == [200, 200, 200]
    assert scripted.accepted == 1
    await client.aclose()


async def test_a_server_that_hangs_up_mid_answer_is_a_connection_error(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    async def cut(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"ok":')
        await writer.drain()
        writer.close()

    scripted.replies = [cut, ok]
    client = client_for(origin)
    with pytest.raises(HttpConnectionError):
        await call(client)
    assert await call(client) == (200, b'{"ok":true,"result":2}')
    await client.aclose()


async def test_an_answer_that_is_not_http_is_a_connection_error(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    async def garbage(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

    scripted.replies = [garbage]
    client = client_for(origin)
    with pytest.raises(HttpConnectionError):
        await call(client)
    await client.aclose()


async def test_an_answer_larger_than_the_limit_is_refused(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    async def large(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(b"x" * 5000))

    scripted.replies = [large]
    client = client_for(origin, max_answer_bytes=4096)
    with pytest.raises(HttpConnectionError, match="larger than 4096"):
        await call(client)
    await client.aclose()


async def test_a_cancelled_call_closes_its_connection(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    scripted.replies = [ok_after(0.3), ok]
    client = client_for(origin)
    pending = asyncio.create_task(call(client))
    await asyncio.sleep(0.1)
    pending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await pending
    assert client.idle_connections == 0
    assert await call(client) == (200, b'{"ok":true,"result":2}')
    await client.aclose()


async def test_nothing_listening_is_a_connection_error(closed_port: int) -> None:
    client = client_for(Origin("http", "127.0.0.1", closed_port))
    with pytest.raises(HttpConnectionError, match="cannot connect"):
        await call(client)


async def test_a_closed_client_refuses_calls(server: tuple[ScriptedServer, Origin]) -> None:
    scripted, origin = server
    client = client_for(origin)
    await call(client)
    await client.aclose()
    await asyncio.sleep(0.1)
    assert scripted.open == 0
    with pytest.raises(HttpConnectionError, match="closed"):
        await call(client)


def test_an_origin_is_read_from_the_bot_api_url() -> None:
    assert Origin.of("https://api.telegram.org/bot1:abc/getMe") == Origin(
        "https", "api.telegram.org", 443
    )
    assert Origin.of("http://127.0.0.1:8081/bot1:abc").host_header == "127.0.0.1:8081"
    assert Origin.of("https://api.telegram.org").host_header == "api.telegram.org"
    with pytest.raises(ValueError):
        Origin.of("ftp://api.telegram.org/")


async def test_a_call_under_way_when_the_client_closes_closes_its_connection_after(
    server: tuple[ScriptedServer, Origin],
) -> None:
    scripted, origin = server

    scripted.replies = [ok_after(0.2)]
    client = client_for(origin)
    pending = asyncio.create_task(call(client))
    await asyncio.sleep(0.05)
    await client.aclose()
    assert (await pending)[0] == 200
    await asyncio.sleep(0.1)
    assert client.idle_connections == 0
    assert scripted.open == 0


def self_signed(directory: Path) -> tuple[Path, Path, str]:
    """A certificate for 127.0.0.1 and its key, made on the spot: (cert file, key file, PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_text(pem)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file, pem


@dataclass
class TlsServer:
    scripted: ScriptedServer
    origin: Origin
    certificate: str  # PEM, for a client that trusts it


@pytest_asyncio.fixture
async def tls_server(tmp_path: Path) -> AsyncIterator[TlsServer]:
    cert_file, key_file, pem = self_signed(tmp_path)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert_file, key_file)
    scripted = ScriptedServer()
    async with scripted.listening(server_tls) as port:
        yield TlsServer(scripted, Origin("https", "127.0.0.1", port), pem)


async def test_an_https_origin_is_called_over_tls_on_one_kept_connection(
    tls_server: TlsServer,
) -> None:
    client = KeepAliveClient(
        tls_server.origin,
        max_connections=4,
        max_idle=2,
        ssl_context=lambda: ssl.create_default_context(cadata=tls_server.certificate),
    )
    answers = [await call(client) for _ in range(3)]
    await client.aclose()
    assert answers == [(200, b'{"ok":true,"result":1}')] * 3
    assert tls_server.scripted.accepted == 1


async def test_an_https_origin_with_an_untrusted_certificate_is_refused(
    tls_server: TlsServer,
) -> None:
    client = KeepAliveClient(tls_server.origin, max_connections=1, max_idle=1)
    with pytest.raises(HttpConnectionError, match="cannot connect"):
        await call(client)
