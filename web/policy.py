"""What a fetch may do (FetchPolicy) and how it fails (FetchError): the web layer's vocabulary."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]


@dataclass(frozen=True)
class FetchPolicy:
    """What one fetch may do; the values (and their defaults) come from bot.settings."""

    allowed_networks: tuple[IPNetwork, ...]
    max_bytes: int
    max_redirects: int
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    user_agent: str


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


class NotAnArticle(Exception):
    """The page has no article to summarize; str(error) is a short English reason."""
