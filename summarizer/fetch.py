"""Fetch a web page for summarizing, safely.

Every TCP connection (the first request and each redirect) goes through a network backend
that resolves the host itself, refuses any address that is not globally routable unless the
policy allows it, and then connects to exactly the address it vetted. TLS still uses the
hostname for SNI and certificate checks, so there is no window between "check" and
"connect" for DNS rebinding.
"""

from __future__ import annotations

import asyncio
import codecs
import functools
import ipaddress
import re
import socket
import ssl
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import charset_normalizer
import httpcore
import httpx

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SUPPORTED_SCHEMES = frozenset({"http", "https"})
_HANDLED_CONTENT_ENCODINGS = ("gzip", "x-gzip", "deflate")
_SNIFF_BYTES = 1024


@dataclass(frozen=True)
class FetchPolicy:
    allowed_networks: tuple[IPNetwork, ...] = ()
    max_bytes: int = 5_000_000
    max_redirects: int = 3
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0
    user_agent: str = "Ringkas/0.1 (+news summary bot)"


@dataclass(frozen=True)
class FetchedPage:
    url: str
    html: str
    status: int
    content_type: str
    encoding: str


class FetchErrorCode(Enum):
    INVALID_URL = "invalid_url"
    UNSUPPORTED_SCHEME = "unsupported_scheme"
    BLOCKED_ADDRESS = "blocked_address"
    DNS_FAILURE = "dns_failure"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    NOT_HTML = "not_html"
    HTTP_ERROR = "http_error"
    CONNECTION_ERROR = "connection_error"


class FetchError(Exception):
    """A page could not be fetched; `code` says why, str(error) explains it in one line."""

    def __init__(self, code: FetchErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_allowed_networks(spec: str) -> tuple[IPNetwork, ...]:
    """Parse a comma- or whitespace-separated list of CIDRs, e.g. "127.0.0.0/8, 10.1.2.3/32"."""
    networks: list[IPNetwork] = []
    for item in re.split(r"[,\s]+", spec.strip()):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise ValueError(
                f"invalid network {item!r} in allowed networks: {error}; "
                "expected CIDRs like '127.0.0.0/8, 10.1.2.3/32'"
            ) from None
    return tuple(networks)


# --- address vetting -------------------------------------------------------------------------


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64, compatible)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    packed = int(address)
    if address in ipaddress.IPv6Network("64:ff9b::/96") or (packed >> 32) == 0:
        # NAT64 well-known prefix, or the deprecated IPv4-compatible ::a.b.c.d form.
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    return None


# Special-purpose ranges that this Python's ipaddress still reports as global.
_NOT_GLOBAL_EXTRA = (ipaddress.ip_network("192.0.0.0/24"), ipaddress.ip_network("64:ff9b:1::/48"))


def _is_routable(address: IPAddress) -> bool:
    if any(address.version == net.version and address in net for net in _NOT_GLOBAL_EXTRA):
        return False
    return not (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )


def _is_allowed(address: IPAddress, allowed: Iterable[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in allowed)


def is_blocked_address(address: IPAddress, allowed: Iterable[IPNetwork] = ()) -> bool:
    """True when `address` (or the IPv4 address it embeds) is not globally routable and no
    allowed network contains it."""
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            candidates.append(embedded)
    allowed = tuple(allowed)
    if any(_is_allowed(candidate, allowed) for candidate in candidates):
        return False
    return not all(_is_routable(candidate) for candidate in candidates)


_NUMERIC_HOST = re.compile(r"[0-9a-fA-FxX.]+")


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a host names literally, including the legacy decimal/hex/octal IPv4 forms
    (2130706433, 0x7f000001, 127.1) that resolvers accept."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.fullmatch(host) and any(ch.isdigit() for ch in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system's resolver (getaddrinfo)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _VettingBackend(httpcore.AsyncNetworkBackend):
    """Resolves, vets and connects: the only way this module opens a TCP connection."""

    def __init__(self, policy: FetchPolicy, resolver: Resolver) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._vetted_addresses(host, port, timeout)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        assert last_error is not None
        raise last_error

    async def _vetted_addresses(
        self, host: str, port: int, timeout: float | None
    ) -> list[IPAddress]:
        """The addresses of `host` that may be connected to; refuses when there are none.

        Addresses that fail the check are skipped rather than failing the whole host, so a
        name with both a refused and an allowed address (localhost: ::1 and 127.0.0.1) is
        still reachable, only ever through the allowed one.
        """
        literal = parse_ip_host(host)
        addresses = [literal] if literal is not None else await self._resolve(host, port, timeout)
        allowed = self._policy.allowed_networks
        vetted = [address for address in addresses if not is_blocked_address(address, allowed)]
        if not vetted:
            shown = str(addresses[0])
            target = host if host == shown else f"{host} ({shown})"
            raise FetchError(
                FetchErrorCode.BLOCKED_ADDRESS,
                f"refusing to connect to {target}: not a public internet address",
            )
        return vetted

    async def _resolve(self, host: str, port: int, timeout: float | None) -> list[IPAddress]:
        try:
            async with asyncio.timeout(timeout):
                answers = await self._resolver(host, port)
        except TimeoutError:
            raise FetchError(FetchErrorCode.TIMEOUT, f"DNS lookup of {host} timed out") from None
        except OSError as error:
            raise FetchError(
                FetchErrorCode.DNS_FAILURE, f"DNS lookup of {host} failed: {error}"
            ) from None
        addresses: list[IPAddress] = []
        for answer in answers:
            try:
                addresses.append(ipaddress.ip_address(answer))
            except ValueError:
                continue
        if not addresses:
            raise FetchError(FetchErrorCode.DNS_FAILURE, f"DNS lookup of {host} found no address")
        return addresses

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        raise FetchError(FetchErrorCode.BLOCKED_ADDRESS, "unix sockets are never used")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _CoreResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        await self._stream.aclose()


class _VettedTransport(httpx.AsyncBaseTransport):
    """httpx transport over an httpcore pool whose only network backend is _VettingBackend.

    No proxy support on purpose: a proxy would connect on our behalf to unvetted addresses.
    """

    def __init__(self, backend: _VettingBackend) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=4,
            keepalive_expiry=5.0,
            network_backend=backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        core_response = await self._pool.handle_async_request(core_request)
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_CoreResponseStream(core_response.stream),
            extensions=core_response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


# --- URL checks ------------------------------------------------------------------------------


def _checked_url(raw: str | httpx.URL) -> httpx.URL:
    try:
        url = raw if isinstance(raw, httpx.URL) else httpx.URL(raw.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise FetchError(FetchErrorCode.INVALID_URL, f"not a valid URL: {error}") from None
    if not url.scheme:
        raise FetchError(
            FetchErrorCode.INVALID_URL, f"not a valid URL (no http:// or https://): {raw!s:.200}"
        )
    if url.scheme not in _SUPPORTED_SCHEMES:
        raise FetchError(
            FetchErrorCode.UNSUPPORTED_SCHEME,
            f"only http and https links can be fetched, not {url.scheme}:",
        )
    if not url.host:
        raise FetchError(FetchErrorCode.INVALID_URL, f"URL has no host: {raw!s:.200}")
    return url


# --- body reading and decoding ---------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle takes a while: once per process, not once per fetch."""
    return httpx.create_ssl_context(trust_env=False)


class _CappedDecoder:
    """Content-Encoding decoder that never produces more than `limit` bytes of output."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        self._limit = limit
        self._encoding = content_encoding
        self._decompressor = self._new_decompressor()
        self._chunks: list[bytes] = []
        self.size = 0

    def _new_decompressor(self) -> Any:
        if self._encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self._encoding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        return None

    def feed(self, data: bytes) -> None:
        if self._decompressor is None:
            self._append(data)
            return
        while data:
            budget = self._limit - self.size + 1
            try:
                output = self._decompressor.decompress(data, budget)
            except zlib.error:
                if self._encoding == "deflate" and self.size == 0:
                    # Some servers send raw deflate without the zlib header.
                    self._encoding = "raw-deflate"
                    self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            self._append(output)
            data = self._decompressor.unconsumed_tail
            if not data and self._decompressor.eof:
                if self._encoding not in ("gzip", "x-gzip"):
                    return  # a deflate stream has ended: trailing bytes are not content
                data = self._decompressor.unused_data  # concatenated gzip members
                if data:
                    self._decompressor = self._new_decompressor()

    def _append(self, output: bytes) -> None:
        self.size += len(output)
        if self.size > self._limit:
            raise FetchError(
                FetchErrorCode.TOO_LARGE, f"page is larger than the {self._limit} byte limit"
            )
        self._chunks.append(output)

    def body(self) -> bytes:
        return b"".join(self._chunks)


async def _read_capped_body(response: httpx.Response, limit: int) -> bytes:
    content_encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if content_encoding not in (*_HANDLED_CONTENT_ENCODINGS, "identity", ""):
        raise FetchError(
            FetchErrorCode.HTTP_ERROR,
            f"server used an unsupported content encoding: {content_encoding}",
        )
    declared_length = response.headers.get("content-length", "")
    if declared_length.isdigit() and int(declared_length) > limit:
        raise FetchError(
            FetchErrorCode.TOO_LARGE,
            f"page is {declared_length} bytes, over the {limit} byte limit",
        )
    decoder = _CappedDecoder(content_encoding, limit)
    try:
        async for raw_chunk in response.aiter_raw():
            decoder.feed(raw_chunk)
    except zlib.error as error:
        raise FetchError(
            FetchErrorCode.HTTP_ERROR, f"page body is corrupt ({content_encoding}): {error}"
        ) from None
    return decoder.body()


def looks_like_html(body: bytes) -> bool:
    head = body[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<!--")):
        return True
    return any(tag in head for tag in (b"<html", b"<head", b"<body", b"<title", b"<meta"))


_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG: these labels mean windows-1252 on the web, which is a superset of ISO-8859-1.
_WEB_ALIASES = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252"}


def _codec_name(label: str | None) -> str | None:
    """A Python codec for a charset label, only if it is ASCII-compatible like HTML needs."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    name = _WEB_ALIASES.get(name, name)
    try:
        if "<meta>".encode(name) != b"<meta>":
            return None
    except (UnicodeError, LookupError):
        return None
    return name


def _charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.I)
    return match.group(1) if match else None


def _charset_from_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def _decodes_as(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML body; returns (text, codec name).

    Order: byte-order mark, then the declared charset (HTTP header, then <meta>), then
    detection. Bytes that are valid UTF-8 and not plain ASCII are taken as UTF-8 even when
    the page declares otherwise (old pages often declare ISO-8859-1 and serve UTF-8), and a
    page that declares UTF-8 but is not valid UTF-8 falls through to detection.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace"), codec
    declared = _codec_name(_charset_from_content_type(content_type)) or _codec_name(
        _charset_from_meta(body)
    )
    as_utf8 = _decodes_as(body, "utf-8")
    if as_utf8 is not None and (declared in (None, "utf-8") or not body.isascii()):
        return as_utf8, "utf-8"
    if declared is not None and declared != "utf-8":
        text = _decodes_as(body, declared)
        if text is not None:
            return text, declared
    detected = _detected_codec(body)
    if detected is not None:
        text = _decodes_as(body, detected)
        if text is not None:
            return text, detected
    return body.decode("cp1252", errors="replace"), "cp1252"


# Single-byte Latin code pages that detection confuses on short Western text; for the
# Indonesian and English pages this bot reads, windows-1252 is the right one of them.
_LATIN_CODECS = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "iso8859-2", "iso8859-9", "iso8859-15", "mac-roman"}
)


# Encodings that web pages actually use (the WHATWG Encoding Standard), so that detection
# does not settle on a DOS code page such as cp775 for a short Western page.
_WEB_ENCODINGS = (
    "utf_8", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "cp874", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6",
    "iso8859_7", "iso8859_8", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
    "iso8859_16", "koi8_r", "koi8_u", "mac_roman", "gb18030", "big5", "euc_jp", "shift_jis",
    "iso2022_jp", "euc_kr",
)  # fmt: skip


def _detected_codec(body: bytes) -> str | None:
    best = charset_normalizer.from_bytes(body, cp_isolation=list(_WEB_ENCODINGS)).best()
    codec = _codec_name(best.encoding) if best is not None else None
    return "cp1252" if codec in _LATIN_CODECS else codec


# --- the fetch -------------------------------------------------------------------------------


async def fetch_page(
    url: str, policy: FetchPolicy = FetchPolicy(), *, resolver: Resolver | None = None
) -> FetchedPage:
    """Fetch an HTML page, following at most `policy.max_redirects` redirects.

    Raises FetchError (never anything else for network or content problems).
    """
    start_url = _checked_url(url)
    try:
        async with asyncio.timeout(policy.total_timeout):
            return await _fetch_with_redirects(start_url, policy, resolver or system_resolver)
    except TimeoutError:
        raise FetchError(
            FetchErrorCode.TIMEOUT,
            f"gave up on {start_url} after {policy.total_timeout:g} seconds",
        ) from None
    except (httpx.TimeoutException, httpcore.TimeoutException) as error:
        raise FetchError(
            FetchErrorCode.TIMEOUT, f"timed out fetching {start_url}: {error}"
        ) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        raise FetchError(FetchErrorCode.INVALID_URL, f"not a valid URL: {error}") from None
    except (httpx.HTTPError, httpcore.ProtocolError, httpcore.NetworkError, OSError) as error:
        detail = str(error) or type(error).__name__
        raise FetchError(
            FetchErrorCode.CONNECTION_ERROR, f"could not fetch {start_url}: {detail}"
        ) from None


def _client(policy: FetchPolicy, resolver: Resolver) -> httpx.AsyncClient:
    timeout = httpx.Timeout(
        connect=policy.connect_timeout,
        read=policy.read_timeout,
        write=policy.read_timeout,
        pool=policy.connect_timeout,
    )
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
        "Accept-Language": "id,en;q=0.8",
    }
    return httpx.AsyncClient(
        transport=_VettedTransport(_VettingBackend(policy, resolver)),
        trust_env=False,
        follow_redirects=False,
        timeout=timeout,
        headers=headers,
    )


async def _fetch_with_redirects(
    url: httpx.URL, policy: FetchPolicy, resolver: Resolver
) -> FetchedPage:
    visited = {url}
    async with _client(policy, resolver) as client:
        for _ in range(policy.max_redirects + 1):
            async with client.stream("GET", url) as response:
                if not response.has_redirect_location:
                    return await _page_from_response(response, policy)
                target = _checked_url(response.url.join(response.headers["location"]))
            if target in visited:
                raise FetchError(FetchErrorCode.TOO_MANY_REDIRECTS, f"redirect loop at {target}")
            visited.add(target)
            url = target
    raise FetchError(
        FetchErrorCode.TOO_MANY_REDIRECTS,
        f"more than {policy.max_redirects} redirects, the last to {url}",
    )


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


async def _page_from_response(response: httpx.Response, policy: FetchPolicy) -> FetchedPage:
    if not 200 <= response.status_code < 300:
        raise FetchError(
            FetchErrorCode.HTTP_ERROR,
            f"{response.url} answered HTTP {response.status_code} {response.reason_phrase}",
        )
    content_type = response.headers.get("content-type")
    media_type = _media_type(content_type)
    if media_type and media_type not in HTML_CONTENT_TYPES:
        raise FetchError(
            FetchErrorCode.NOT_HTML, f"{response.url} is {media_type}, not an HTML page"
        )
    body = await _read_capped_body(response, policy.max_bytes)
    if not media_type:
        if not looks_like_html(body):
            raise FetchError(
                FetchErrorCode.NOT_HTML,
                f"{response.url} sent no content type and does not look like HTML",
            )
        media_type = "text/html"
    html, encoding = decode_html(body, content_type)
    return FetchedPage(
        url=str(response.url),
        html=html,
        status=response.status_code,
        content_type=media_type,
        encoding=encoding,
    )
