"""Find the links in a pasted message, and normalize a link into a cache key."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

# Top-level domains accepted for links pasted without a scheme ("kompas.com/read/..."), so
# that "e.g." or "file.txt" in a sentence is not taken for a link. www.* is always accepted.
BARE_LINK_TLDS = frozenset(
    {
        "com", "net", "org", "info", "biz", "io", "co", "me", "tv", "news", "app", "dev",
        "xyz", "online", "site", "id", "my", "sg", "uk", "us", "au", "jp", "de", "fr", "nl",
        "in", "ph", "th", "vn", "ca", "eu", "asia", "edu", "gov", "int",
    }
)  # fmt: skip

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "ref_url", "spm",
        "si", "s_cid", "cmpid", "wt.mc_id", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_TRAILING_PUNCTUATION = ".,;:!?…'\"»”’›)]}>*_~"
_CLOSERS = {")": "(", "]": "[", "}": "{"}

# A candidate: explicit http(s) URL, or www.host, or host.tld with an optional path. Telegram
# text is plain, so a link ends at whitespace or at characters that never appear raw in URLs.
_LINK = re.compile(
    r"""
    (?<![\w@.\-/])                                  # not inside a word, e-mail or path
    (?:
        (?P<scheme>https?://)[^\s<>"'`«»“”‘’]+
      | (?P<bare>(?:[\w-]+\.)+(?P<tld>[a-z]{2,})\b(?::\d{1,5})?(?:[/?#][^\s<>"'`«»“”‘’]*)?)
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)


# What every link `_LINK` accepts contains: a scheme's "://", or (a bare link, which needs a
# path) a dot before a letter, then a "/", "?" or "#" before any space. Most pasted articles
# have neither; `_LINK` tries its alternatives at every word (about 70 us for an article of
# 2,000 characters, twice for each message), this look about 4 us.
_DOT_BEFORE_LETTER = re.compile(r"\.[a-z]", re.IGNORECASE)  # folded as `_LINK` folds
_TO_PATH_OR_SPACE = re.compile(r"[^\s/?#]*+(?P<path>[/?#])?")


def _may_hold_a_link(text: str) -> bool:
    if "://" in text:
        return True
    start = 0
    while dot := _DOT_BEFORE_LETTER.search(text, start):
        # The rest of the word, then on from its end: each character is looked at once, however
        # many dots a word holds (a search from every dot took quadratic time on "a.a.a...").
        rest = _TO_PATH_OR_SPACE.match(text, dot.start())
        if rest is None or rest["path"]:
            return True
        start = rest.end() + 1
    return False


def find_urls(text: str) -> list[str]:
    """The http(s) links in `text`, in order of first appearance, without duplicates.

    Accepts links with a scheme ("https://..."), "www." links and bare domain links with a
    common top-level domain ("detik.com/berita/123"); the last two are returned with
    "https://" prepended. Trailing sentence punctuation and an unbalanced closing bracket
    are not part of the link.
    """
    if not text or not _may_hold_a_link(text):
        return []
    return _links_in(text)


def _links_in(text: str) -> list[str]:
    """`find_urls` without its quick check (the whole search)."""
    found: list[str] = []
    for match in _LINK.finditer(text):
        candidate = _trim_trailing(match.group(0))
        if match.group("bare") is not None:
            if not _is_bare_link(candidate, match.group("tld")):
                continue
            candidate = "https://" + candidate
        if _has_host(candidate) and candidate not in found:
            found.append(candidate)
    return found


# Without a scheme, a name alone ("Merdeka.com", "www.kompas.com") is an outlet named in a
# sentence ("kata dia kepada Merdeka.com"), not a link to an article: it needs a path.
_PATH_AFTER_HOST = re.compile(r"^[^/?#]+[/?#].")


def _is_bare_link(candidate: str, tld: str) -> bool:
    if not _PATH_AFTER_HOST.match(candidate):
        return False
    return candidate.lower().startswith("www.") or tld.lower() in BARE_LINK_TLDS


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False


def _trim_trailing(candidate: str) -> str:
    if not candidate or candidate[-1] not in _TRAILING_PUNCTUATION:
        return candidate  # most links: nothing to count
    # Brackets counted once and trimmed by index: recounting and copying at each step took
    # quadratic time on a link followed by thousands of ")" (1.2 s for 40,000).
    openers = {opener: candidate.count(opener) for opener in _CLOSERS.values()}
    closers = {closer: candidate.count(closer) for closer in _CLOSERS}
    end = len(candidate)
    while end and candidate[end - 1] in _TRAILING_PUNCTUATION:
        last = candidate[end - 1]
        opener = _CLOSERS.get(last)
        if opener is not None:
            if openers[opener] >= closers[last]:
                break  # balanced, as in https://en.wikipedia.org/wiki/Java_(programming_language)
            closers[last] -= 1
        end -= 1
    return candidate[:end]


def _is_tracking_param(name: str) -> bool:
    key = unquote(name).lower()
    return key in TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """A canonical form of `url` for cache keys: lowercase scheme and host, no fragment, no
    default port, no tracking parameters, query parameters sorted, "/" for an empty path.

    A link without a scheme is taken as https. Input that is not an http(s) link is
    returned stripped and otherwise unchanged.
    """
    raw = (url or "").strip()
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return (url or "").strip()
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return (url or "").strip()  # not an http(s) link: nothing to normalize
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if port is not None and str(port) != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    query_items = [item for item in parts.query.split("&") if item]
    kept = sorted(item for item in query_items if not _is_tracking_param(item.split("=", 1)[0]))
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(kept), ""))
