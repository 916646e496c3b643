"""What the archive shows to the outside world, and what the index holds.

Editors can hide an article (a takedown, with a reason) or embargo it until an instant.
`PUBLIC` is the one SQL condition for "may be shown outside": every public listing (date
pages, feeds, sitemaps, export, on-this-day) adds it, and the harvest announces non-public
articles as deleted (see `harvest`), so nothing once harvested silently disappears. An
embargo ends by itself: the condition compares with SQLite's clock when a query runs.

`indexable` is the one rule for "should this stored article be in the index": hidden
articles leave it; embargoed ones stay, carrying the instant they become visible, and
every search filters on it at query time (see `index.tantivy`), so a release needs no run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from xronika.store.articles import _COLUMNS, Store, StoredArticle, _row_to_stored

# An SQL condition on a row of `articles`: true when the article may be shown outside.
# Embargo instants are kept in the store's time form, so text order is time order.
NOW = "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"
PUBLIC = f"hidden IS NULL AND (embargo_until IS NULL OR embargo_until <= {NOW})"
# Lists (date pages, feeds, sitemaps) show each story once: a near-duplicate copy is
# public, but it is listed only beside its original (see `duplicates`).
LISTED = f"{PUBLIC} AND copy_of IS NULL"


def indexable(stored: StoredArticle) -> bool:
    """Whether the index should hold this article (embargoed ones are filtered at query time).

    A near-duplicate copy is left out too: search finds its story through the original.
    """
    return stored.hidden is None and stored.copy_of is None


def public_article(store: Store, article_id: str) -> StoredArticle | None:
    """One article by id, if it may be shown outside."""
    row = store.connection.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE id = ? AND {PUBLIC}", (article_id,)
    ).fetchone()
    return _row_to_stored(row) if row else None


def public_by_keys(store: Store, keys: Sequence[int]) -> dict[int, StoredArticle]:
    """`Store.by_keys` for lists the public sees: what the index or a listing named,
    checked once more, so an article hidden since it was listed is left out."""
    found: dict[int, StoredArticle] = {}
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for row in store.connection.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE key IN ({marks}) AND {PUBLIC}", chunk
        ):
            found[row["key"]] = _row_to_stored(row)
    return found


def public_count(store: Store) -> int:
    return int(
        store.connection.execute(f"SELECT count(*) FROM articles WHERE {PUBLIC}").fetchone()[0]
    )


@dataclass(frozen=True, slots=True)
class Selection:
    """A subset of the public articles, as an export asks for it (None: any)."""

    language: str | None = None
    section: str | None = None
    day_from: str | None = None  # YYYY-MM-DD, inclusive
    day_to: str | None = None  # YYYY-MM-DD, inclusive

    def where(self) -> tuple[str, list[str]]:
        """The SQL condition (fixed text) and its parameters."""
        clauses = [f"({PUBLIC})"]
        values: list[str] = []
        for clause, value in (
            ("language = ?", self.language),
            ("section = ?", self.section),
            ("day >= ?", self.day_from),
            ("day <= ?", self.day_to),
        ):
            if value is not None:
                clauses.append(clause)
                values.append(value)
        return " AND ".join(clauses), values


def public_articles(
    store: Store, selection: Selection = Selection(), batch: int = 500
) -> Iterator[StoredArticle]:
    """The public articles in key order, read in batches so that memory stays flat."""
    where, values = selection.where()
    last = 0
    while True:
        rows = store.connection.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE key > ? AND {where} ORDER BY key LIMIT ?",
            (last, *values, batch),
        ).fetchall()
        if not rows:
            return
        yield from (_row_to_stored(row) for row in rows)
        last = rows[-1]["key"]
