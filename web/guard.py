"""The address guard: which hosts and URLs a fetch may reach (the policy in SECURITY.md)."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable

import httpx
import idna

from .policy import FetchError, FetchErrorCode, IPAddress, IPNetwork

_SUPPORTED_SCHEMES = frozenset({"http", "https"})


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


def checked_url(raw: str | httpx.URL) -> httpx.URL:
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
    try:
        host = url.host
    except UnicodeError:  # httpx decodes "xn--" hosts lazily, with the idna package
        host = ""
    if not host:
        raise FetchError(FetchErrorCode.INVALID_URL, f"URL has no valid host: {raw!s:.200}")
    if parse_ip_host(host) is None:
        _check_host_name(url.raw_host.decode("ascii", "replace"))
    return url


# RFC 1035: a label is 1 to 63 octets, a name at most 253 (without the root's dot).
_MAX_LABEL = 63
_MAX_NAME = 253


def _check_host_name(name: str) -> None:
    """Refuse names that no resolver accepts, before the resolver raises its own errors."""
    name = name.removesuffix(".")
    labels = name.split(".")
    if len(name) > _MAX_NAME or any(not 0 < len(label) <= _MAX_LABEL for label in labels):
        raise FetchError(FetchErrorCode.INVALID_URL, f"not a valid host name: {name:.80}")
    for label in labels:
        if label[:4].lower() == "xn--":
            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError):
                raise FetchError(
                    FetchErrorCode.INVALID_URL, f"not a valid international host name: {label}"
                ) from None
