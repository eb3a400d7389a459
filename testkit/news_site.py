"""A local news site: saved article pages and any routes a test needs, served on 127.0.0.1.

    async with NewsSite({"/berita/artikel.html": saved_page("artikel-id.html")}) as site:
        url = site.url("/berita/artikel.html")

Every saved page in ``pages/`` is also served under its own name (``/artikel-id.html``) unless
``saved_pages=False``. A route's target is fixed :class:`Content` or a handler (sync or async,
taking the aiohttp request; it may return or raise an ``HTTPException`` such as a redirect);
:func:`dripping` makes a page that arrives a byte at a time.
Paths with ``{name}`` placeholders (aiohttp patterns) must be routed before the site starts;
exact paths can be added at any time. ``hits`` counts the requests per path.

Synchronous tests (a CLI that runs its own event loop) use :meth:`NewsSite.running_in_thread`.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

PAGES = Path(__file__).resolve().parent / "pages"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse] | web.StreamResponse]


@dataclass(frozen=True)
class Content:
    """A fixed answer: body, Content-Type, status and extra headers."""

    body: bytes
    content_type: str = "text/html"
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)

    def response(self) -> web.Response:
        headers = {"Content-Type": self.content_type, **self.headers}
        return web.Response(body=self.body, status=self.status, headers=headers)


Target = Content | Handler


def saved_page(name: str, content_type: str = "text/html") -> Content:
    """A page from ``testkit/pages`` as saved (its own meta tag names its charset)."""
    return Content((PAGES / name).read_bytes(), content_type)


def html(text: str, *, status: int = 200) -> Content:
    return Content(text.encode("utf-8"), "text/html; charset=utf-8", status)


NOT_FOUND = Content(b"not found", "text/plain; charset=utf-8", 404)


def dripping(
    *,
    drips: int,
    every: float,
    head: bytes = b"",
    tail: bytes = b"",
    content_type: str = "text/html; charset=utf-8",
) -> Handler:
    """A page that arrives slowly: ``head``, then a space every ``every`` seconds, ``drips``
    times, then ``tail`` (for fetch deadlines, and fetches under way at shutdown)."""

    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": content_type})
        await response.prepare(request)
        await response.write(head)
        for _ in range(drips):
            await asyncio.sleep(every)
            await response.write(b" ")
        await response.write(tail)
        return response

    return drip


class NewsSite:
    """An aiohttp server on 127.0.0.1 (a free port) serving routes and saved pages."""

    def __init__(
        self,
        routes: Mapping[str, Target] | None = None,
        *,
        saved_pages: bool = True,
        not_found: Target = NOT_FOUND,
    ) -> None:
        self._exact: dict[str, Target] = {}
        self._patterns: dict[str, Target] = {}
        self._not_found = not_found
        self.hits: Counter[str] = Counter()
        self._runner: web.AppRunner | None = None
        self.port = 0
        if saved_pages:
            for page in sorted(PAGES.glob("*.html")):
                self._exact[f"/{page.name}"] = saved_page(page.name)
        for path, target in (routes or {}).items():
            self.route(path, target)

    def route(self, path: str, target: Target) -> None:
        """Serves ``target`` at ``path`` (an exact path, or an aiohttp ``{name}`` pattern)."""
        if "{" not in path:
            self._exact[path] = target
        elif self._runner is not None:
            raise RuntimeError("route patterns before the site starts; exact paths any time")
        else:
            self._patterns[path] = target

    @property
    def base_url(self) -> str:
        if not self.port:
            raise RuntimeError("the news site is not started")
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    async def start(self) -> None:
        app = web.Application()
        for path, target in self._patterns.items():
            app.router.add_route("*", path, self._serving(target))
        app.router.add_route("*", "/{tail:.*}", self._serve_exact)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> NewsSite:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @contextmanager
    def running_in_thread(self) -> Iterator[NewsSite]:
        """Serves from a thread with its own event loop, for synchronous tests."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self.start(), loop).result(timeout=30)
            yield self
        finally:
            asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout=30)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=30)
            loop.close()

    def _serving(self, target: Target) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def serve(request: web.Request) -> web.StreamResponse:
            self.hits[request.path] += 1
            return await _answer(target, request)

        return serve

    async def _serve_exact(self, request: web.Request) -> web.StreamResponse:
        self.hits[request.path] += 1
        return await _answer(self._exact.get(request.path, self._not_found), request)


async def _answer(target: Target, request: web.Request) -> web.StreamResponse:
    if isinstance(target, Content):
        return target.response()
    response = target(request)
    if not isinstance(response, web.StreamResponse | web.HTTPException):
        response = await response
    if isinstance(response, web.HTTPException):
        raise response
    return response
