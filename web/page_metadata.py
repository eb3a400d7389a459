"""What a page says about itself: title, headline, site name, date, page type, description and
the article body some sites publish in JSON-LD.

trafilatura's metadata reader does most of the work (meta tags, JSON-LD, htmldate for the
date); this module adds the pieces extraction compares its text against (the headline the
page shows; JSON-LD `articleBody`, see web.declared_body; whether JSON-LD calls the page a
news article) and tidies the title and site name for the reply's header.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
from htmldate import find_date
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url

from .text import normalize_space, word_count

MAX_SITE_NAME_CHARS = 40
MAX_JSON_LD_CHARS = 2_000_000

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TITLE_SEPARATORS = (" - ", " | ", " :: ", " : ", ": ", " — ", " – ")
_GENERIC_HOST_LABELS = frozenset({"www", "com", "co", "id", "net", "org", "go", "ac", "or"})
_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "blogposting",
        "socialmediaposting",
        "report",
        "techarticle",
        "scholarlyarticle",
        "liveblogposting",
    }
)


@dataclass(frozen=True)
class PageMetadata:
    title: str | None  # cleaned: without the " - Site" suffix
    headlines: tuple[str, ...]  # the page's own headline(s): <h1>, og:title, JSON-LD headline
    site: str | None
    date: str | None  # ISO yyyy-mm-dd
    url: str | None
    page_type: str  # og:type, lower case ("" when absent)
    description: str | None
    article_body: str | None  # JSON-LD articleBody, when the page publishes one
    is_news_article: bool  # JSON-LD says NewsArticle/Article/BlogPosting


def read_metadata(tree: lxml.html.HtmlElement, url: str | None) -> PageMetadata:
    """The page's metadata. trafilatura's readers of meta tags, JSON-LD, title and URL, and
    htmldate for the date; not trafilatura's whole metadata pass, whose author, category and
    licence searches scan the whole page and cost more than the extraction on large pages."""
    document = examine_meta(tree)
    # trafilatura's JSON-LD reader has raised on odd blocks; that must only lose metadata.
    with contextlib.suppress(Exception):
        document = extract_meta_json(tree, document)
    document.title = document.title or extract_title(tree)
    document.url = document.url or extract_url(tree, url)
    page_url = url or document.url
    site = _site_name(document.sitename, page_url)
    title = clean_title(document.title, [document.sitename, site, host_label(page_url)])
    types, bodies, ld_headlines = _json_ld(tree)
    headlines = [title or "", *ld_headlines]
    headlines.extend(normalize_space(h1.text_content()) for h1 in tree.iter("h1"))
    for meta in tree.iter("meta"):
        if meta.get("property") in ("og:title", "twitter:title"):
            headlines.append(clean_title(meta.get("content"), [site, document.sitename]) or "")
    unique = tuple(dict.fromkeys(h for h in headlines if word_count(h) >= 2))
    return PageMetadata(
        title=title,
        headlines=unique,
        site=site,
        date=_date(tree, page_url),
        url=page_url,
        page_type=(document.pagetype or "").strip().lower(),
        description=normalize_space(document.description or "") or None,
        article_body=max(bodies, key=len) if bodies else None,
        is_news_article=bool(types & _ARTICLE_TYPES),
    )


def _date(tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    try:
        found = find_date(
            tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d", url=url
        )
    except (ValueError, TypeError):
        return None
    return found if found and _ISO_DATE.match(found) else None


def _json_ld(tree: lxml.html.HtmlElement) -> tuple[set[str], list[str], list[str]]:
    """Types, article bodies and headlines of the page's JSON-LD objects."""
    types: set[str] = set()
    bodies: list[str] = []
    headlines: list[str] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        source = (script.text or "").strip()
        if not source or len(source) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(source)
        except ValueError:
            continue
        stack = [data]
        while stack:  # iterative: JSON-LD nesting depth is the page's choice
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
                continue
            if not isinstance(item, dict):
                continue
            kind = item.get("@type")
            for name in kind if isinstance(kind, list) else [kind]:
                if isinstance(name, str):
                    types.add(name.lower())
            body = item.get("articleBody")
            if isinstance(body, str) and body.strip():
                bodies.append(body)
            headline = item.get("headline")
            if isinstance(headline, str):
                headlines.append(normalize_space(headline))
            stack.extend(value for value in item.values() if isinstance(value, dict | list))
    return types, bodies, headlines


def hostname(url: str | None) -> str | None:
    try:
        return urlsplit(url).hostname if url else None
    except ValueError:
        return None


def host_label(url: str | None) -> str | None:
    """The name part of a host: "kompas" for otomotif.kompas.com, "republika" for
    www.republika.co.id."""
    host = hostname(url)
    if not host:
        return None
    labels = [label for label in host.split(".") if label not in _GENERIC_HOST_LABELS]
    return labels[-1] if labels else None


def clean_title(title: str | None, site_names: list[str | None]) -> str | None:
    """The title without a " - Site Name" suffix or "Site Name: " prefix."""
    if not title:
        return None
    title = normalize_space(title)
    keys = [name.casefold() for name in site_names if name and len(name) > 2]
    for separator in _TITLE_SEPARATORS:
        head, _, tail = title.rpartition(separator)
        if head and word_count(tail) <= 5 and any(key in tail.casefold() for key in keys):
            return head.strip()
        first, _, rest = title.partition(separator)
        if rest and word_count(first) <= 3 and any(key in first.casefold() for key in keys):
            return rest.strip()
    return title or None


def _site_name(sitename: str | None, url: str | None) -> str | None:
    name = normalize_space(sitename or "").lstrip("@")
    looks_like_url = "://" in name or name.startswith("www.") or "/" in name
    if name and not looks_like_url and len(name) <= MAX_SITE_NAME_CHARS:
        return name
    host = hostname(url)
    if host:
        return host.removeprefix("www.")
    return None
