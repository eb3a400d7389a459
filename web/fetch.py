"""Fetch one web page for summarizing, safely: the only entry point the rest of Ringkas uses.

The guard (`guard.py`) vets every URL and address, the transport (`transport.py`) connects
only to vetted addresses, the body (`body.py`) is read within a byte budget and decoded
(`charset.py`). Every failure is a `FetchError`; httpx's exception types never escape.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from .body import looks_like_html, read_capped_body
from .charset import decode_html
from .guard import checked_url
from .policy import FetchError, FetchErrorCode, FetchPolicy, Resolver
from .transport import VettedTransport, system_resolver

HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class FetchedPage:
    url: str
    html: str
    status: int
    content_type: str
    encoding: str


async def fetch_page(
    url: str, policy: FetchPolicy, *, resolver: Resolver | None = None
) -> FetchedPage:
    """Fetch an HTML page, following at most `policy.max_redirects` redirects.

    Raises FetchError (never anything else for network or content problems).
    """
    start_url = checked_url(url)
    try:
        async with asyncio.timeout(policy.total_timeout):
            return await _fetch_with_redirects(start_url, policy, resolver or system_resolver)
    except TimeoutError:
        raise FetchError(
            FetchErrorCode.TIMEOUT,
            f"gave up on {start_url} after {policy.total_timeout:g} seconds",
        ) from None
    except httpx.TimeoutException as error:
        raise FetchError(
            FetchErrorCode.TIMEOUT, f"timed out fetching {start_url}: {error}"
        ) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        raise FetchError(FetchErrorCode.INVALID_URL, f"not a valid URL: {error}") from None
    except (httpx.HTTPError, OSError) as error:
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
        transport=VettedTransport(policy, resolver),
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
                target = checked_url(response.url.join(response.headers["location"]))
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
    body = await read_capped_body(response, policy.max_bytes)
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
