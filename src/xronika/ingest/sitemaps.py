"""Sitemaps: sitemap indexes, urlsets and Google news sitemaps, as lists of pages to fetch.

A sitemap index points to further sitemaps (fetched in turn, each once); a urlset lists
pages with their `<lastmod>`; a news sitemap adds `<news:publication_date>` and
`<news:title>`. Only the publication date stands in for a page's missing date: `lastmod`
says when a page changed, not when it was published, so it serves `--since` alone.

The XML is read without network access or entity expansion; a damaged sitemap gives the
entries before the damage and says where it broke.
"""

from __future__ import annotations

from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from xronika.ingest.documents import Item, Listing, fetchable
from xronika.model import parse_published


def _parser(recover: bool) -> Any:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=recover
    )


def _date(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    try:
        return parse_published(value.strip()).text
    except ValueError:
        return None


def _local(tag: str) -> str:
    """A tag's name without its namespace, also for a damaged `news:x` whose prefix was
    never declared (lxml's QName refuses such a name)."""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _child(element: Any, name: str) -> Any:
    for child in element:
        if isinstance(child.tag, str) and _local(child.tag) == name:
            return child
    return None


def _text(element: Any, name: str) -> str | None:
    child = _child(element, name) if element is not None else None
    text = child.text if child is not None else None
    return text.strip() if text and text.strip() else None


def read_sitemap(data: bytes) -> Listing:
    """The pages (urlset) or sitemaps (index) one sitemap lists."""
    listing = Listing()
    try:
        root = etree.fromstring(data, _parser(False))
    except etree.XMLSyntaxError as error:
        listing.problem = f"malformed sitemap XML at line {error.lineno or 1}: {error.msg}"
        try:
            root = etree.fromstring(data, _parser(True))
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            return listing
    try:
        _entries(root, listing)
    except UnicodeDecodeError:  # a recovered tree can hold names lxml cannot decode
        listing.problem = listing.problem or "malformed sitemap XML: undecodable names"
    return listing


def _entries(root: Any, listing: Listing) -> None:
    kind = _local(root.tag)
    for entry in root:
        if not isinstance(entry.tag, str):
            continue
        url = fetchable(_text(entry, "loc"))
        if url is None:
            continue
        modified = _date(_text(entry, "lastmod"))
        if kind == "sitemapindex":
            listing.sitemaps.append(Item(url, None, modified))
            continue
        news = _child(entry, "news")
        published = _date(_text(news, "publication_date"))
        title = _text(news, "title")
        listing.items.append(Item(url, published, published or modified, title))
