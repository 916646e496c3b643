"""What a document is, by its content: an HTML page, a feed, a sitemap or a WordPress export.

File names and Content-Type headers are often wrong (feeds served as text/html, sitemaps
as application/octet-stream, WordPress exports and sitemaps both ending in .xml), so the
decision rests on the root element: `<urlset>`/`<sitemapindex>` are sitemaps, `<rss>`,
`<feed>` and `<rdf:RDF>` are feeds unless they carry the WordPress export namespace, and
`<html>` (or markup without an XML root we know) is a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

_SKIP = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>)", re.DOTALL | re.I)
_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_WXR = re.compile(rb"xmlns:\w+\s*=\s*[\"']http://wordpress\.org/export/\d")
_SNIFF = 16384
NOT_DOCUMENTS = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")


def root_name(data: bytes) -> str | None:
    """The local name of the first element, lower-cased (`urlset`, `rss`, `html`)."""
    head = data[:_SNIFF].lstrip(b"\xef\xbb\xbf")
    position = 0
    while True:
        skipped = _SKIP.match(head, position)
        if not skipped:
            break
        position = skipped.end()
    found = _ROOT.match(head, position)
    return found.group(2).decode("ascii").lower() if found else None


def kind_of_document(data: bytes) -> str | None:
    """`sitemap`, `feed`, `wxr`, `html`, or None when the bytes are none of these."""
    root = root_name(data)
    if root in ("urlset", "sitemapindex"):
        return "sitemap"
    if root in ("rss", "feed", "rdf"):
        return "wxr" if _WXR.search(data[:_SNIFF]) else "feed"
    if root is not None:
        return "html"
    return None


def fetchable(url: object) -> str | None:
    """The address an item names, when it is an http(s) URL with a host that can be read
    at all (a damaged list can name `http://[::1`); the fetcher judges the rest and says
    what is wrong with an address it cannot fetch."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


@dataclass(frozen=True, slots=True)
class Item:
    """One page a feed or sitemap points to, with what the list says about it.

    `published` is used when the page itself states no date; `dated` (publication or
    modification, whichever the list gives) is what `--since` compares.
    """

    url: str
    published: str | None = None
    dated: str | None = None
    title: str | None = None


@dataclass(slots=True)
class Listing:
    """What a feed or sitemap holds: pages, further sitemaps, and what was wrong with it."""

    items: list[Item] = field(default_factory=list)
    sitemaps: list[Item] = field(default_factory=list)
    problem: str | None = None
