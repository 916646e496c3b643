"""RSS and Atom feeds: the list of pages to fetch, with the dates the feed gives them.

A feed names articles; it rarely holds them whole, so each item's page is fetched and
extracted like any other page, and the feed's date stands in when the page states none.
feedparser reads every flavour of RSS and Atom and survives a lot of damage; when a feed
is malformed we still take the items it could read, and say what was wrong.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import feedparser  # type: ignore[import-untyped]

from xronika.ingest.documents import Item, Listing, fetchable

# Harmless reasons feedparser sets its "bozo" flag: the feed is still read correctly.
_HARMLESS = ("CharacterEncodingOverride", "NonXMLContentType")


def _when(entry: Any, name: str) -> str | None:
    moment = entry.get(name)
    if not moment:
        return None
    try:
        year, month, day, hour, minute, second = moment[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


def _link(entry: Any) -> str | None:
    return fetchable(entry.get("link")) or fetchable(entry.get("id"))


def read_feed(data: bytes) -> Listing:
    """The items of an RSS or Atom feed; `problem` says what was wrong with a damaged one."""
    listing = Listing()
    try:
        parsed = feedparser.parse(
            io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False
        )
    except (UnicodeError, ValueError) as failure:  # `&#xD800;`: feedparser encodes a surrogate
        listing.problem = f"malformed feed: {failure}"
        return listing
    for entry in parsed.entries:
        url = _link(entry)
        if url is None:
            continue
        published = _when(entry, "published_parsed") or _when(entry, "updated_parsed")
        title = entry.get("title")
        listing.items.append(
            Item(url, published, published, title if isinstance(title, str) else None)
        )
    error = parsed.get("bozo_exception")
    if parsed.get("bozo") and type(error).__name__ not in _HARMLESS:
        found = f"; {len(listing.items)} items read before the damage" if listing.items else ""
        listing.problem = f"malformed feed: {error}{found}"
    elif not parsed.get("version") and not listing.items:
        listing.problem = "not an RSS or Atom feed"
    return listing
