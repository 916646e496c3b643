"""Captures: every date a web archive saw a URL, kept beside the article it became.

A WARC file may hold one URL many times (re-crawls, revisit records). The archive keeps one
article per URL, with the content of the newest capture, and remembers each capture here:
the URL, the capture time (UTC), whether it brought content or only confirmed it
(a revisit), the article it belongs to, and the file and byte offset it came from. That is
what a Memento TimeMap lists for a URL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from xronika.model import Article, Provenance
from xronika.store.articles import Store


@dataclass(frozen=True, slots=True)
class Capture:
    """One capture of a URL: `captured` is ISO 8601 UTC, `2014-01-03T03:03:21Z`."""

    url: str
    captured: str
    kind: str  # "response" (brought content) or "revisit" (the same content seen again)
    origin: str
    offset: int | None = None
    article: str | None = None


Stored = list[tuple[Article, Provenance | None]]


def record(store: Store, captures: Sequence[Capture]) -> None:
    """Remember captures in one durable transaction; a capture seen before is kept once.

    A revisit names no article of its own: it belongs to whichever article the URL's
    content captures became, so it is looked up here.
    """
    if not captures:
        return
    with store.transaction() as connection:
        connection.executemany(
            "INSERT INTO captures (url, captured, kind, article, origin, origin_offset) "
            "VALUES (:url, :captured, :kind, COALESCE(:article, (SELECT article FROM captures "
            "WHERE url = :url AND article IS NOT NULL ORDER BY captured DESC LIMIT 1)), "
            ":origin, :offset) "
            "ON CONFLICT (url, captured) DO UPDATE SET kind = excluded.kind, "
            "article = COALESCE(excluded.article, article), origin = excluded.origin, "
            "origin_offset = excluded.origin_offset WHERE excluded.kind = 'response'",
            [
                {
                    "url": c.url,
                    "captured": c.captured,
                    "kind": c.kind,
                    "article": c.article,
                    "origin": c.origin,
                    "offset": c.offset,
                }
                for c in captures
            ],
        )


def _row(row: sqlite3.Row) -> Capture:
    return Capture(
        url=row["url"],
        captured=row["captured"],
        kind=row["kind"],
        origin=row["origin"],
        offset=row["origin_offset"],
        article=row["article"],
    )


def timemap(store: Store, url: str) -> list[Capture]:
    """Every capture of one URL, oldest first (a Memento TimeMap)."""
    rows = store.connection.execute(
        "SELECT * FROM captures WHERE url = ? ORDER BY captured", (url,)
    ).fetchall()
    return [_row(row) for row in rows]


def of_article(store: Store, article_id: str) -> list[Capture]:
    """Every capture that belongs to one article, oldest first."""
    rows = store.connection.execute(
        "SELECT * FROM captures WHERE article = ? ORDER BY captured", (article_id,)
    ).fetchall()
    return [_row(row) for row in rows]


def _newest_stored(store: Store, article_ids: set[str]) -> dict[str, str]:
    newest: dict[str, str] = {}
    ids = sorted(article_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in store.connection.execute(
            f"SELECT article, max(captured) FROM captures WHERE kind = 'response' "
            f"AND article IN ({marks}) GROUP BY article",
            chunk,
        ):
            newest[row[0]] = row[1]
    return newest


def newest_only(store: Store, batch: Stored, captures: Sequence[Capture]) -> tuple[Stored, int]:
    """Drop the articles whose capture is older than one already kept for the same article.

    Archives are not in time order, and the same WARC may be ingested after a newer one:
    the newest content wins whatever order it arrives in. Returns what to write and how
    many older captures were left out.
    """
    by_place = {(c.origin, c.offset): c for c in captures if c.kind == "response" and c.article}
    if not by_place:
        return batch, 0
    when: list[str | None] = []
    newest: dict[str, str] = {}
    for article, place in batch:
        capture = by_place.get((place.origin, place.offset)) if place else None
        when.append(capture.captured if capture else None)
        if capture and capture.captured > newest.get(article.id, ""):
            newest[article.id] = capture.captured
    stored = _newest_stored(store, set(newest))
    kept: Stored = []
    taken: set[str] = set()
    for (article, place), captured in zip(batch, when, strict=True):
        if captured is None:
            kept.append((article, place))
            continue
        if captured != newest[article.id] or article.id in taken:
            continue
        if captured < stored.get(article.id, ""):
            continue
        taken.add(article.id)
        kept.append((article, place))
    return kept, len(batch) - len(kept)
