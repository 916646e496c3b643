"""The archive as a harvester sees it: records by last change, deletions included.

A record is a public article (stamped with `articles.updated`, which changes when its
content or its curation does, or with the end of its embargo when that came later) or a
gone one: a tombstone left by `Store.delete`, or an article that is not public (hidden, or
under embargo: it turns up again, stamped with its release, once the embargo ends).
Records are walked in (stamp, id) order from a position, so a harvest can resume where it
stopped and an article changed meanwhile simply turns up again later.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from xronika.store.articles import Store, StoredArticle
from xronika.store.public import PUBLIC

# Every record with what sets and dates need. A tombstone whose id has come back (the
# article was ingested again) is superseded by the article itself.
_RECORDS = f"""
WITH records (id, stamp, gone, section, language) AS (
    SELECT id, max(updated, coalesce(embargo_until, '')), 0, section, language
    FROM articles WHERE {PUBLIC}
    UNION ALL
    SELECT id, updated, 1, section, language FROM articles WHERE NOT ({PUBLIC})
    UNION ALL
    SELECT id, deleted_at, 1, section, language FROM deleted
    WHERE id NOT IN (SELECT id FROM articles)
)
"""


@dataclass(frozen=True, slots=True)
class Record:
    """One harvestable record: `stamp` is the store's ISO UTC time of its last change."""

    id: str
    stamp: str
    deleted: bool
    section: str | None
    language: str | None
    stored: StoredArticle | None = None


@dataclass(frozen=True, slots=True)
class Selective:
    """Which records a list asks for: a set (facet and value, None: any value) and times."""

    facet: str | None = None  # "section" or "language"
    value: str | None = None
    stamp_from: str | None = None  # inclusive, in the store's ISO form
    stamp_until: str | None = None  # inclusive

    def where(self) -> tuple[str, list[str]]:
        clauses = ["1 = 1"]
        values: list[str] = []
        if self.facet is not None:
            column = {"section": "section", "language": "language"}[self.facet]
            if self.value is None:
                clauses.append(f"{column} IS NOT NULL")
            else:
                clauses.append(f"{column} = ?")
                values.append(self.value)
        if self.stamp_from is not None:
            clauses.append("stamp >= ?")
            values.append(self.stamp_from)
        if self.stamp_until is not None:
            clauses.append("stamp <= ?")
            values.append(self.stamp_until)
        return " AND ".join(clauses), values


def _record(row: sqlite3.Row, stored: StoredArticle | None = None) -> Record:
    return Record(
        id=row["id"],
        stamp=row["stamp"],
        deleted=bool(row["gone"]),
        section=row["section"],
        language=row["language"],
        stored=stored,
    )


def records(
    store: Store,
    selective: Selective,
    after: tuple[str, str] | None,
    limit: int,
    *,
    with_articles: bool,
) -> list[Record]:
    """Up to `limit` records after position (stamp, id), in that order."""
    where, values = selective.where()
    position = ""
    params: list[object] = [*values]
    if after is not None:
        position = " AND (stamp, id) > (?, ?)"
        params.extend(after)
    rows = store.connection.execute(
        f"{_RECORDS} SELECT id, stamp, gone, section, language FROM records "
        f"WHERE {where}{position} ORDER BY stamp, id LIMIT ?",
        (*params, limit),
    ).fetchall()
    if not with_articles:
        return [_record(row) for row in rows]
    articles = _articles(store, [row["id"] for row in rows if not row["gone"]])
    return [_record(row, articles.get(row["id"])) for row in rows]


def _articles(store: Store, ids: list[str]) -> dict[str, StoredArticle]:
    found: dict[str, StoredArticle] = {}
    for article_id in ids:
        stored = store.get(article_id)
        if stored is not None:
            found[article_id] = stored
    return found


def count(store: Store, selective: Selective) -> int:
    where, values = selective.where()
    row = store.connection.execute(
        f"{_RECORDS} SELECT count(*) FROM records WHERE {where}", values
    ).fetchone()
    return int(row[0])


def record(store: Store, article_id: str) -> Record | None:
    """One record by article id, public or gone; None when the archive never had it."""
    row = store.connection.execute(
        f"{_RECORDS} SELECT id, stamp, gone, section, language FROM records WHERE id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    return _record(row, None if row["gone"] else store.get(article_id))


def earliest(store: Store) -> str | None:
    """The oldest stamp of any record (OAI-PMH's earliestDatestamp)."""
    row = store.connection.execute(f"{_RECORDS} SELECT min(stamp) FROM records").fetchone()
    return str(row[0]) if row[0] is not None else None


def set_values(store: Store, facet: str) -> list[tuple[str, int]]:
    """Every value of `facet` among the records, with how many records carry it."""
    column = {"section": "section", "language": "language"}[facet]
    return [
        (row[0], int(row[1]))
        for row in store.connection.execute(
            f"{_RECORDS} SELECT {column}, count(*) FROM records WHERE {column} IS NOT NULL "
            f"GROUP BY {column} ORDER BY {column}"
        )
    ]
