"""fetch_page against real HTTP servers on 127.0.0.1 (aiohttp, or raw asyncio sockets for the
misbehaving ones), with 127.0.0.0/8 allowed explicitly where a test needs to reach them."""

from __future__ import annotations

import asyncio
import functools
import gzip
import ipaddress
import socket
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from testkit.harness import fetch_policy
from testkit.news_site import PAGES, Content, NewsSite, Target
from web.charset import decode_html
from web.fetch import FetchedPage, fetch_page
from web.guard import is_blocked_address
from web.policy import FetchError, FetchErrorCode, FetchPolicy, parse_allowed_networks

FIXTURES = PAGES
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
ALLOW_LOOPBACK = fetch_policy(allowed_networks=LOOPBACK)
PAGE = (
    "<!DOCTYPE html><html><head><title>Berita</title></head><body><p>Isi berita.</p></body></html>"
)
LATIN1_PAGE = (FIXTURES / "artikel-latin1.html").read_bytes()
DEFLATED_PAGE = zlib.compress(PAGE.encode())

RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def html_response(
    body: str | bytes = PAGE, content_type: str = "text/html", content_encoding: str | None = None
) -> web.Response:
    content = body.encode() if isinstance(body, str) else body
    headers = {"Content-Type": content_type}
    if content_encoding:
        headers["Content-Encoding"] = content_encoding
    return web.Response(body=content, headers=headers)


async def redirect_chain(request: web.Request) -> web.Response:
    remaining = int(request.match_info["remaining"])
    target = "/page" if remaining <= 1 else f"/chain/{remaining - 1}"
    raise web.HTTPFound(target)


async def redirect_to(request: web.Request) -> web.Response:
    raise web.HTTPFound(request.query["target"])


async def chunked_too_large(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    for _ in range(64):  # 64 x 64 KiB = 4 MiB, far over the test cap, never a Content-Length
        await response.write(b"<p>" + b"x" * 65_530 + b"</p>")
    await response.write_eof()
    return response


@functools.cache
def gzip_bomb() -> bytes:
    """About 60 KB of gzip that inflates to 64 MB."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * 1_000_000
    parts = [compressor.compress(b"<html><body>")]
    parts += [compressor.compress(zeros) for _ in range(64)]
    parts.append(compressor.flush())
    return b"".join(parts)


def raw_deflate(data: bytes) -> bytes:
    """Deflate without the zlib header, as some servers send it."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def site_routes() -> dict[str, Target]:
    return {
        "/page": lambda r: html_response(),
        "/xhtml": lambda r: html_response(content_type="application/xhtml+xml"),
        "/host": lambda r: html_response(f"<html><body>{r.host}</body></html>"),
        "/user-agent": lambda r: html_response(f"<html>{r.headers['User-Agent']}</html>"),
        "/pdf": Content(b"%PDF-1.7\n...", "application/pdf"),
        "/png": Content(b"\x89PNG\r\n\x1a\n...", "image/png"),
        "/missing": Content(b"not found", "text/plain", 404),
        "/broken": Content(b"oops", "text/plain", 500),
        "/loop-a": lambda r: web.HTTPFound("/loop-b"),
        "/loop-b": lambda r: web.HTTPFound("/loop-a"),
        "/big": lambda r: html_response("<p>" + "x" * 20_000 + "</p>"),
        "/gzip": lambda r: html_response(gzip.compress(PAGE.encode()), content_encoding="gzip"),
        "/deflate": lambda r: html_response(DEFLATED_PAGE, content_encoding="deflate"),
        "/raw-deflate-with-trailer": lambda r: html_response(
            raw_deflate(PAGE.encode()) + b"trailing junk", content_encoding="deflate"
        ),
        "/bomb": lambda r: html_response(gzip_bomb(), content_encoding="gzip"),
        "/latin1": Content(LATIN1_PAGE),
        "/latin1-says-utf8": Content(LATIN1_PAGE, "text/html; charset=utf-8"),
        "/chain/{remaining}": redirect_chain,
        "/redirect": redirect_to,
        "/chunked-too-large": chunked_too_large,
    }  # fmt: skip


@pytest.fixture
async def server() -> AsyncIterator[str]:
    async with NewsSite(site_routes(), saved_pages=False) as site:
        yield site.base_url


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[RawHandler], Awaitable[str]]]:
    """Starts asyncio servers that answer with whatever bytes a test writes."""
    servers: list[asyncio.Server] = []

    async def start(handle: RawHandler) -> str:
        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            try:
                await handle(reader, writer)
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                writer.close()

        raw = await asyncio.start_server(on_connect, "127.0.0.1", 0)
        servers.append(raw)
        return f"http://127.0.0.1:{raw.sockets[0].getsockname()[1]}"

    yield start
    for raw in servers:
        raw.close()
        await raw.wait_closed()


async def fetch_error(url: str, policy: FetchPolicy = ALLOW_LOOPBACK, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetch_page(url, policy, **kwargs)
    return caught.value


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- success ---------------------------------------------------------------------------------


async def test_fetches_an_html_page(server: str) -> None:
    page = await fetch_page(f"{server}/page", ALLOW_LOOPBACK)
    assert page == FetchedPage(
        url=f"{server}/page", html=PAGE, status=200, content_type="text/html", encoding="utf-8"
    )


async def test_accepts_xhtml(server: str) -> None:
    page = await fetch_page(f"{server}/xhtml", ALLOW_LOOPBACK)
    assert page.content_type == "application/xhtml+xml"


async def test_sends_the_policy_user_agent(server: str) -> None:
    page = await fetch_page(f"{server}/user-agent", ALLOW_LOOPBACK)
    assert "Ringkas/0.1 (+news summary bot)" in page.html


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/raw-deflate-with-trailer"])
async def test_decodes_compressed_pages(server: str, path: str) -> None:
    page = await fetch_page(f"{server}{path}", ALLOW_LOOPBACK)
    assert page.html == PAGE


async def test_ignores_proxies_from_the_environment(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead_proxy = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, dead_proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    page = await fetch_page(f"{server}/page", ALLOW_LOOPBACK)
    assert page.status == 200


# --- schemes and malformed URLs ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://example.com/berita.html",
        "data:text/html,<p>hai</p>",
        "mailto:redaksi@example.com",
        "gopher://127.0.0.1:6379/_INFO",
    ],
)
async def test_refuses_schemes_other_than_http_and_https(url: str) -> None:
    error = await fetch_error(url, fetch_policy())
    assert error.code is FetchErrorCode.UNSUPPORTED_SCHEME


@pytest.mark.parametrize("url", ["", "   ", "kompas.com/berita", "http://", "http://[::1"])
async def test_refuses_malformed_urls(url: str) -> None:
    error = await fetch_error(url, fetch_policy())
    assert error.code is FetchErrorCode.INVALID_URL
    assert str(error)


# --- address vetting -------------------------------------------------------------------------


async def test_default_policy_cannot_reach_a_live_loopback_server(server: str) -> None:
    error = await fetch_error(f"{server}/page", fetch_policy())
    assert error.code is FetchErrorCode.BLOCKED_ADDRESS
    assert "127.0.0.1" in str(error)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "2130706433", "0x7f000001", "127.1", "[::1]", "[::ffff:127.0.0.1]", "localhost"],
)
async def test_default_policy_refuses_every_spelling_of_loopback(server: str, host: str) -> None:
    port = server.rsplit(":", 1)[1]
    error = await fetch_error(f"http://{host}:{port}/page", fetch_policy())
    assert error.code is FetchErrorCode.BLOCKED_ADDRESS


async def test_default_policy_refuses_a_loopback_ssh_port() -> None:
    error = await fetch_error("http://127.0.0.1:22/", fetch_policy())
    assert error.code is FetchErrorCode.BLOCKED_ADDRESS


async def test_refuses_the_cloud_metadata_address() -> None:
    error = await fetch_error("http://169.254.169.254/latest/meta-data/", fetch_policy())
    assert error.code is FetchErrorCode.BLOCKED_ADDRESS


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.0.8",
        "198.18.0.1",
        "64:ff9b:1::a00:1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 around 169.254.169.254
        "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo around 127.0.0.1
        "2001:db8::1",
    ],
)
def test_addresses_that_are_not_globally_routable_are_blocked(address: str) -> None:
    assert is_blocked_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_not_blocked(address: str) -> None:
    assert not is_blocked_address(ipaddress.ip_address(address))


def test_allowed_networks_lift_the_block_also_for_mapped_forms() -> None:
    assert not is_blocked_address(ipaddress.ip_address("127.0.0.5"), LOOPBACK)
    assert not is_blocked_address(ipaddress.ip_address("::ffff:127.0.0.5"), LOOPBACK)
    assert is_blocked_address(ipaddress.ip_address("10.0.0.1"), LOOPBACK)


async def test_hostname_resolving_to_a_private_address_is_refused() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["10.20.30.40"]

    error = await fetch_error("https://berita.example/artikel", fetch_policy(), resolver=resolver)
    assert error.code is FetchErrorCode.BLOCKED_ADDRESS
    assert "berita.example" in str(error) and "10.20.30.40" in str(error)


async def test_connects_to_the_vetted_address_and_keeps_the_hostname(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    asked: list[tuple[str, int]] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["10.0.0.9", "127.0.0.1"]  # the refused address is skipped, never dialled

    page = await fetch_page(f"http://berita.example:{port}/host", ALLOW_LOOPBACK, resolver=resolver)
    assert asked == [("berita.example", port)]
    assert f"berita.example:{port}" in page.html


async def test_dns_failure_is_reported() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    error = await fetch_error("https://tidak-ada.example/", fetch_policy(), resolver=resolver)
    assert error.code is FetchErrorCode.DNS_FAILURE


async def test_dns_answer_without_addresses_is_a_dns_failure() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return []

    error = await fetch_error("https://kosong.example/", fetch_policy(), resolver=resolver)
    assert error.code is FetchErrorCode.DNS_FAILURE


# --- redirects -------------------------------------------------------------------------------


async def test_follows_redirects_and_reports_the_final_url(server: str) -> None:
    page = await fetch_page(f"{server}/chain/3", ALLOW_LOOPBACK)
    assert page.url == f"{server}/page"
    assert page.html == PAGE


async def test_stops_after_max_redirects(server: str) -> None:
    error = await fetch_error(f"{server}/chain/4", ALLOW_LOOPBACK)
    assert error.code is FetchErrorCode.TOO_MANY_REDIRECTS


async def test_redirect_loop_ends_cleanly(server: str) -> None:
    error = await fetch_error(
        f"{server}/loop-a", fetch_policy(allowed_networks=LOOPBACK, max_redirects=10)
    )
    assert error.code is FetchErrorCode.TOO_MANY_REDIRECTS
    assert "loop" in str(error)


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/admin", "http://[::1]/"],
)
async def test_redirect_from_an_allowed_to_a_refused_address_is_blocked(
    server: str, target: str
) -> None:
    error = await fetch_error(f"{server}/redirect?target={target}", ALLOW_LOOPBACK)
    assert error.code is FetchErrorCode.BLOCKED_ADDRESS


async def test_redirect_to_a_hostname_is_vetted_again(server: str) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["192.168.0.10"]

    target = "http://intranet.example/"
    error = await fetch_error(
        f"{server}/redirect?target={target}", ALLOW_LOOPBACK, resolver=resolver
    )
    assert error.code is FetchErrorCode.BLOCKED_ADDRESS
    assert "intranet.example" in str(error)


async def test_redirect_to_another_scheme_is_refused(server: str) -> None:
    error = await fetch_error(f"{server}/redirect?target=file:///etc/passwd", ALLOW_LOOPBACK)
    assert error.code is FetchErrorCode.UNSUPPORTED_SCHEME


# --- content checks --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/pdf", "/png"])
async def test_refuses_content_that_is_not_html(server: str, path: str) -> None:
    error = await fetch_error(f"{server}{path}")
    assert error.code is FetchErrorCode.NOT_HTML


@pytest.mark.parametrize("path,status", [("/missing", "404"), ("/broken", "500")])
async def test_http_error_status_is_an_error(server: str, path: str, status: str) -> None:
    error = await fetch_error(f"{server}{path}")
    assert error.code is FetchErrorCode.HTTP_ERROR
    assert status in str(error)


async def test_missing_content_type_is_sniffed(raw_server) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        body = PAGE.encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()

    page = await fetch_page(f"{await raw_server(handle)}/", ALLOW_LOOPBACK)
    assert page.content_type == "text/html"
    assert page.html == PAGE


async def test_missing_content_type_with_binary_body_is_not_html(raw_server) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()

    error = await fetch_error(f"{await raw_server(handle)}/")
    assert error.code is FetchErrorCode.NOT_HTML


# --- size and time limits --------------------------------------------------------------------


async def test_declared_content_length_over_the_cap_is_refused(server: str) -> None:
    error = await fetch_error(
        f"{server}/big", fetch_policy(allowed_networks=LOOPBACK, max_bytes=10_000)
    )
    assert error.code is FetchErrorCode.TOO_LARGE


async def test_body_without_content_length_is_capped_while_streaming(server: str) -> None:
    error = await fetch_error(
        f"{server}/chunked-too-large", fetch_policy(allowed_networks=LOOPBACK, max_bytes=1_000_000)
    )
    assert error.code is FetchErrorCode.TOO_LARGE


async def test_gzip_bomb_is_stopped_on_decoded_size_without_inflating_it(server: str) -> None:
    cap = 1_000_000
    tracemalloc.start()
    try:
        error = await fetch_error(
            f"{server}/bomb", fetch_policy(allowed_networks=LOOPBACK, max_bytes=cap)
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code is FetchErrorCode.TOO_LARGE
    assert peak < 8 * cap  # the bomb inflates to 64 MB


async def test_server_dripping_bytes_hits_the_overall_deadline(raw_server) -> None:
    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        )
        for _ in range(100):  # one byte at a time, each well within the read timeout
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.1)

    policy = fetch_policy(allowed_networks=LOOPBACK, read_timeout=5.0, total_timeout=0.5)
    error = await fetch_error(f"{await raw_server(drip)}/", policy)
    assert error.code is FetchErrorCode.TIMEOUT


async def test_silent_server_hits_the_read_timeout(raw_server) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    policy = fetch_policy(allowed_networks=LOOPBACK, read_timeout=0.2, total_timeout=20.0)
    error = await fetch_error(f"{await raw_server(silent)}/", policy)
    assert error.code is FetchErrorCode.TIMEOUT


async def test_slow_dns_lookup_hits_the_connect_timeout() -> None:
    async def slow_resolver(host: str, port: int) -> list[str]:
        await asyncio.sleep(30)
        return ["93.184.216.34"]

    policy = fetch_policy(connect_timeout=0.1, total_timeout=20.0)
    error = await fetch_error("https://lambat.example/", policy, resolver=slow_resolver)
    assert error.code is FetchErrorCode.TIMEOUT


async def test_closed_port_is_a_connection_error() -> None:
    error = await fetch_error(f"http://127.0.0.1:{closed_port()}/")
    assert error.code is FetchErrorCode.CONNECTION_ERROR


async def test_garbage_response_is_a_connection_error(raw_server) -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        await writer.drain()

    error = await fetch_error(f"{await raw_server(garbage)}/")
    assert error.code is FetchErrorCode.CONNECTION_ERROR


async def test_connection_closed_mid_body_is_a_connection_error(raw_server) -> None:
    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<p>"
        )
        await writer.drain()

    error = await fetch_error(f"{await raw_server(cut)}/")
    assert error.code is FetchErrorCode.CONNECTION_ERROR


# --- character sets --------------------------------------------------------------------------


async def test_latin1_page_is_decoded_from_its_meta_charset(server: str) -> None:
    page = await fetch_page(f"{server}/latin1", ALLOW_LOOPBACK)
    assert "crème brûlée" in page.html
    assert page.encoding == "cp1252"


async def test_page_declaring_utf8_with_latin1_bytes_still_decodes(server: str) -> None:
    page = await fetch_page(f"{server}/latin1-says-utf8", ALLOW_LOOPBACK)
    assert "Kafé Tua di Braga" in page.html
    assert "\ufffd" not in page.html


def test_header_charset_wins_over_meta() -> None:
    body = '<meta charset="utf-8"><p>Señor</p>'.encode("iso-8859-1")
    html, encoding = decode_html(body, "text/html; charset=ISO-8859-1")
    assert "Señor" in html
    assert encoding == "cp1252"


def test_meta_http_equiv_charset_is_used() -> None:
    body = (
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<p>\u201cKutipan\u201d \u2013 tanda</p>"
    ).encode("cp1252")
    html, _encoding = decode_html(body, "text/html")
    assert "\u201cKutipan\u201d \u2013 tanda" in html


def test_utf8_bytes_declared_as_latin1_are_read_as_utf8() -> None:
    body = '<meta charset="iso-8859-1"><p>Foto © KapanLagi</p>'.encode()
    html, encoding = decode_html(body, None)
    assert "Foto © KapanLagi" in html
    assert encoding == "utf-8"


def test_undeclared_latin1_is_detected() -> None:
    body = LATIN1_PAGE.replace(b"charset=iso-8859-1", b"")
    html, _encoding = decode_html(body, None)
    assert "André Wiratmadja" in html


@pytest.mark.parametrize("label", ["bogus-charset", "utf-16", "x-user-defined"])
def test_unusable_declared_charset_falls_back_without_error(label: str) -> None:
    body = f'<meta charset="{label}"><p>Berita hari ini</p>'.encode()
    html, _encoding = decode_html(body, f"text/html; charset={label}")
    assert "Berita hari ini" in html


def test_byte_order_mark_decides() -> None:
    body = "\ufeff<p>Berita</p>".encode("utf-16-le")
    html, encoding = decode_html(body, "text/html; charset=iso-8859-1")
    assert html == "<p>Berita</p>"
    assert encoding == "utf-16-le"


# --- configuration ---------------------------------------------------------------------------


def test_parse_allowed_networks() -> None:
    assert parse_allowed_networks(" 127.0.0.0/8, 10.1.2.3/32 ::1/128") == (
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("10.1.2.3/32"),
        ipaddress.ip_network("::1/128"),
    )
    assert parse_allowed_networks("") == ()


@pytest.mark.parametrize("spec", ["127.0.0.0/33", "localhost", "10.0.0.0/8, nonsense"])
def test_parse_allowed_networks_names_the_bad_entry(spec: str) -> None:
    with pytest.raises(ValueError, match="invalid network"):
        parse_allowed_networks(spec)
