"""The texts of the load: corpus articles, rotated variants, long joins, and the pages of the
local news site that link messages point to."""

from __future__ import annotations

import html
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from aiohttp import web

from testkit.news_site import NewsSite

SITE_NAME = "Warta Beban"


def split_paragraphs(text: str) -> list[str]:
    return [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]


def fresh_texts(articles: Sequence[str]) -> Iterator[str]:
    """Every article once, then variants with their paragraphs rotated by 1, 2, ...

    A rotation is a new text for the cache and still a corpus-sized article; an article stops
    giving variants once it has been rotated through all its paragraphs.
    """
    seen: set[str] = set()
    paragraphs = [split_paragraphs(text) for text in articles]
    for shift in range(max(len(p) for p in paragraphs)):
        for parts in paragraphs:
            if shift and shift >= len(parts):
                continue
            text = "\n\n".join(parts[shift:] + parts[:shift])
            if text not in seen:
                seen.add(text)
                yield text


def joined_text(articles: Sequence[str], rng: random.Random, low: int, high: int) -> str:
    """Whole articles joined until the text is `low` to `high` characters long."""
    target = rng.randint(low, high)
    parts: list[str] = []
    length = 0
    while length < target:
        part = rng.choice(articles)
        parts.append(part)
        length += len(part) + 2
    text = "\n\n".join(parts)
    if len(text) > high:
        cut = text.rfind("\n\n", 0, high)
        text = text[: cut if cut >= low else high]
    return text


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    published: str


def page_from_article(number: int, text: str) -> Page:
    paragraphs = tuple(split_paragraphs(text))
    title = " ".join(paragraphs[0].split()[:9]).rstrip(".,;:\"'")
    day = 1 + number % 28
    return Page(
        f"berita-{number:04d}", title, paragraphs, f"2024-05-{day:02d}T09:{number % 60:02d}"
    )


def site_pages(articles: Sequence[str], count: int, seed: int) -> list[Page]:
    """One page per message at most; the same article under another address is another link."""
    order = random.Random(seed).sample(range(len(articles)), len(articles))
    return [page_from_article(n, articles[order[n % len(order)]]) for n in range(count)]


def render_page(page: Page) -> str:
    """A news page as a small site would serve it: menus, byline, article, related links."""
    title = html.escape(page.title)
    body = "\n".join(f"    <p>{html.escape(paragraph)}</p>" for paragraph in page.paragraphs)
    related = "\n".join(
        f'    <li><a href="/berita/lain-{n}.html">Kabar lain nomor {n} dari redaksi</a></li>'
        for n in range(1, 5)
    )
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>{title} - {SITE_NAME}</title>
<meta property="og:type" content="article">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{page.published}:00+07:00">
</head>
<body>
<header><a href="/">{SITE_NAME}</a>
  <nav><ul><li><a href="/">Beranda</a></li><li><a href="/nasional">Nasional</a></li>
  <li><a href="/olahraga">Olahraga</a></li><li><a href="/teknologi">Teknologi</a></li></ul></nav>
</header>
<main>
<article>
  <h1>{title}</h1>
  <div class="meta">Oleh Redaksi &middot; {page.published[:10]}</div>
  <div class="body">
{body}
  </div>
</article>
<section class="related"><h2>Berita Terkait</h2>
  <ul>
{related}
  </ul>
</section>
</main>
<footer>&copy; 2024 {SITE_NAME}. Hak cipta dilindungi.</footer>
</body>
</html>
"""


def article_site(pages: Sequence[Page]) -> NewsSite:
    """The pages at ``/berita/<slug>.html``, rendered on request; ``hits`` counts fetches."""
    by_slug = {page.slug: page for page in pages}

    async def serve(request: web.Request) -> web.Response:
        page = by_slug.get(request.match_info["slug"])
        if page is None:
            return web.Response(status=404, text="Halaman tidak ditemukan")
        return web.Response(text=render_page(page), content_type="text/html", charset="utf-8")

    return NewsSite({"/berita/{slug}.html": serve}, saved_pages=False)


def page_url(site: NewsSite, slug: str) -> str:
    return site.url(f"/berita/{slug}.html")
