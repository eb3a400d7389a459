"""The vetted transport: every TCP connection resolves, vets and connects to one address.

Every connection (the first request and each redirect) goes through a network backend that
resolves the host itself, refuses any address the guard refuses, and then connects to
exactly the address it vetted. TLS still uses the hostname for SNI and certificate checks,
so there is no window between "check" and "connect" for DNS rebinding.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from .guard import is_blocked_address, parse_ip_host
from .policy import FetchError, FetchErrorCode, FetchPolicy, IPAddress, Resolver


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


@functools.lru_cache(maxsize=1)
def shared_ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle takes a while: once per process, not once per connection."""
    return httpx.create_ssl_context(trust_env=False)


class VettedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (its request mapping and exception mapping kept) over a
    connection pool whose only network backend is `_VettingBackend`.

    httpx offers no public way to choose the pool's network backend, so the pool it builds
    is replaced by an identical one with ours. No proxy support on purpose: a proxy would
    connect on our behalf to unvetted addresses.
    """

    def __init__(self, policy: FetchPolicy, resolver: Resolver) -> None:
        super().__init__(verify=shared_ssl_context(), trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=shared_ssl_context(),
            max_connections=4,
            keepalive_expiry=5.0,
            network_backend=_VettingBackend(policy, resolver),
        )
