"""The fetch cache: what the web said about each page last time, so re-crawls cost little.

For every page fetched from the web and dealt with (stored as an article, or recognised as
a section front and skipped), the store keeps the server's validators (ETag,
Last-Modified), what the page was, and the links it held. A re-crawl sends the validators
back; a 304 answer means the archive already holds the page, and the remembered links let
the crawl go on past pages that did not change. Entries are written only after the
articles they stand for are durable, so a crash can never leave a 304 for a page the
archive never stored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from xronika.store.articles import Store


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One page as last fetched: `outcome` is "article" or "skipped" (not an article)."""

    url: str
    outcome: str
    etag: str | None = None
    last_modified: str | None = None
    links: tuple[str, ...] = field(default_factory=tuple)

    @property
    def conditional(self) -> bool:
        return bool(self.etag or self.last_modified)


def lookup(store: Store, url: str) -> CacheEntry | None:
    row = store.connection.execute(
        "SELECT url, outcome, etag, last_modified, links FROM fetch_cache WHERE url = ?", (url,)
    ).fetchone()
    if row is None:
        return None
    return CacheEntry(
        url=row["url"],
        outcome=row["outcome"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        links=tuple(json.loads(row["links"])),
    )


def record(store: Store, entries: Sequence[CacheEntry]) -> None:
    """Remember fetched pages in one durable transaction (a later fetch replaces one)."""
    if not entries:
        return
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with store.transaction() as connection:
        connection.executemany(
            "INSERT INTO fetch_cache (url, outcome, etag, last_modified, links, fetched) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
            "outcome = excluded.outcome, etag = excluded.etag, "
            "last_modified = excluded.last_modified, links = excluded.links, "
            "fetched = excluded.fetched",
            [
                (e.url, e.outcome, e.etag, e.last_modified, json.dumps(list(e.links)), now)
                for e in entries
            ],
        )
