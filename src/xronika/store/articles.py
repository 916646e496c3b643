"""The store: articles in SQLite, with their provenance and the index's to-do list.

One writer at a time (SQLite's own lock, waited on for `busy_timeout_ms`), any number of
readers (WAL mode). A write is acknowledged only once its transaction has committed with
`synchronous=FULL`, that is, once it is durable. Each write also records, in the same
transaction, that the index must catch up on that article, so a crash between the store
and the index loses nothing: the next writer finishes the index's work first.
"""

from __future__ import annotations

import enum
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from xronika import settings
from xronika.errors import ArchiveBusy, ArchiveDamaged
from xronika.model import Article, Provenance, derive_id
from xronika.store import duplicates
from xronika.store.migrations import migrate

FILENAME = "archive.sqlite3"
_COLUMNS = (
    "key, id, url, title, title_derived, body, published, day, language, script, section, "
    "source, tags, authors, grp, content_hash, origin, origin_line, origin_offset, "
    "first_seen, last_seen, updated, hidden, embargo_until, copy_of"
)


class Outcome(enum.Enum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the store keeps it: the article, its row key and its history."""

    key: int
    article: Article
    content_hash: str
    provenance: Provenance | None
    first_seen: str
    last_seen: str
    updated: str
    day: str | None
    hidden: str | None = None  # the takedown's reason; None: not hidden
    embargo_until: str | None = None  # UTC instant in the store's time form; None: none
    copy_of: str | None = None  # the original's id when this is a near-duplicate copy


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _row_to_stored(row: sqlite3.Row) -> StoredArticle:
    article = Article(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        url=row["url"],
        published=row["published"],
        language=row["language"],
        script=row["script"],
        section=row["section"],
        source=row["source"],
        tags=tuple(json.loads(row["tags"])),
        authors=tuple(json.loads(row["authors"])),
        group=row["grp"],
        title_derived=bool(row["title_derived"]),
    )
    provenance = (
        Provenance(row["origin"], row["origin_line"], row["origin_offset"])
        if row["origin"]
        else None
    )
    return StoredArticle(
        key=row["key"],
        article=article,
        content_hash=row["content_hash"],
        provenance=provenance,
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        updated=row["updated"],
        day=row["day"],
        hidden=row["hidden"],
        embargo_until=row["embargo_until"],
        copy_of=row["copy_of"],
    )


def _values(article: Article) -> dict[str, Any]:
    published = article.published_date
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "title_derived": int(article.title_derived),
        "body": article.body,
        "published": article.published,
        "day": published.day.isoformat() if published else None,
        "published_utc": published.instant.isoformat() if published else None,
        "language": article.language,
        "script": article.script,
        "section": article.section,
        "source": article.source,
        "tags": json.dumps(list(article.tags), ensure_ascii=False),
        "authors": json.dumps(list(article.authors), ensure_ascii=False),
        "grp": article.group,
        "content_hash": article.content_hash(),
    }


class Store:
    """Articles in one SQLite file (or in memory, for tests)."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._local = threading.local()
        self._shared: sqlite3.Connection | None = None
        if path is None:
            self._shared = self._connect(":memory:")
        migrate(self.connection)

    @classmethod
    def in_folder(cls, folder: Path) -> Store:
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder / FILENAME)

    def _connect(self, target: str) -> sqlite3.Connection:
        timeout = settings.get_int("busy_timeout_ms") / 1000
        try:
            connection = sqlite3.connect(
                target, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            connection.row_factory = sqlite3.Row
            if target != ":memory:":
                connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as error:
            raise ArchiveDamaged(
                f"cannot open the store: {error}",
                where=target,
                hint="is this an xronika data folder? restore it from a backup",
            ) from None
        return connection

    @property
    def connection(self) -> sqlite3.Connection:
        """This thread's connection (readers in WAL mode never block the writer)."""
        if self._shared is not None:
            return self._shared
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            assert self.path is not None
            connection = self._local.connection = self._connect(str(self.path))
        return connection

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # -- writing ---------------------------------------------------------------------

    def _begin(self) -> sqlite3.Connection:
        connection = self.connection
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise ArchiveBusy(
                    "another process is writing to this archive",
                    where=str(self.path),
                    hint="wait for it to finish and try again",
                ) from None
            raise
        return connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One durable write transaction: BEGIN IMMEDIATE … COMMIT, rolled back on error."""
        connection = self._begin()
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def write(self, items: Sequence[tuple[Article, Provenance | None]]) -> list[Outcome]:
        """Add or update articles in one durable transaction; say what happened to each."""
        with self.transaction() as connection:
            outcomes = [self.write_in(connection, a, p) for a, p in items]
        return outcomes

    def write_in(
        self, connection: sqlite3.Connection, article: Article, provenance: Provenance | None
    ) -> Outcome:
        """Add or update one article inside a transaction the caller holds."""
        now = _now()
        row = self._existing(connection, article, "key, id, content_hash")
        if row is not None:
            article = article.with_changes(id=row["id"])
        origin = (
            (provenance.origin, provenance.line, provenance.offset)
            if provenance
            else (None, None, None)
        )
        values = _values(article)
        if row is None:
            cursor = connection.execute(
                "INSERT INTO articles (id, url, title, title_derived, body, published, day, "
                "published_utc, language, script, section, source, tags, authors, grp, "
                "content_hash, origin, origin_line, origin_offset, first_seen, last_seen, "
                "updated) VALUES (:id, :url, :title, :title_derived, :body, :published, :day, "
                ":published_utc, :language, :script, :section, :source, :tags, :authors, "
                ":grp, :content_hash, :origin, :origin_line, :origin_offset, :now, :now, :now)",
                {**values, "origin": origin[0], "origin_line": origin[1],
                 "origin_offset": origin[2], "now": now},
            )  # fmt: skip
            self.queue(connection, int(cursor.lastrowid or 0), "put")
            self._group(connection, duplicates.place(connection, int(cursor.lastrowid or 0), True))
            return Outcome.ADDED
        if row["content_hash"] == values["content_hash"]:
            connection.execute("UPDATE articles SET last_seen = ? WHERE key = ?", (now, row["key"]))
            return Outcome.UNCHANGED
        connection.execute(
            "UPDATE articles SET url = :url, title = :title, title_derived = :title_derived, "
            "body = :body, published = :published, day = :day, published_utc = :published_utc, "
            "language = :language, script = :script, section = :section, source = :source, "
            "tags = :tags, authors = :authors, grp = :grp, content_hash = :content_hash, "
            "origin = :origin, origin_line = :origin_line, origin_offset = :origin_offset, "
            "last_seen = :now, updated = :now WHERE key = :key",
            {**values, "origin": origin[0], "origin_line": origin[1],
             "origin_offset": origin[2], "now": now, "key": row["key"]},
        )  # fmt: skip
        self.queue(connection, row["key"], "put")
        self._group(connection, duplicates.place(connection, row["key"]))
        return Outcome.UPDATED

    @staticmethod
    def _existing(
        connection: sqlite3.Connection, article: Article, columns: str
    ) -> sqlite3.Row | None:
        """The stored row an incoming article would update, if any."""
        row: sqlite3.Row | None = connection.execute(
            f"SELECT {columns} FROM articles WHERE id = ?", (article.id,)
        ).fetchone()
        if row is None and article.url and article.id == derive_id(article.url, "", ""):
            # The id was made from the URL: an article stored earlier under its own id
            # with the same canonical URL is the same article.
            row = connection.execute(
                f"SELECT {columns} FROM articles WHERE url = ?", (article.url,)
            ).fetchone()
        return row

    def existing_in(self, connection: sqlite3.Connection, article: Article) -> StoredArticle | None:
        """What `write_in` would update for this article, read in the caller's transaction."""
        row = self._existing(connection, article, _COLUMNS)
        return _row_to_stored(row) if row else None

    @staticmethod
    def queue(connection: sqlite3.Connection, key: int, action: str) -> None:
        """Tell the index, in the caller's transaction, to take (put) or drop an article."""
        connection.execute(
            "INSERT INTO pending (key, action) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET action = excluded.action",
            (key, action),
        )

    def _group(self, connection: sqlite3.Connection, changed: Iterable[int]) -> None:
        """Near-duplicate grouping changed these articles' standing: the index must look
        again (copies leave it, originals enter it; see `public.indexable`)."""
        for key in changed:
            self.queue(connection, key, "put")

    def delete(self, article_id: str) -> bool:
        with self.transaction() as connection:
            return self.delete_in(connection, article_id)

    def delete_in(self, connection: sqlite3.Connection, article_id: str) -> bool:
        """Delete one article inside a transaction the caller holds; False if none."""
        row = connection.execute(
            "SELECT key, id, url, section, language FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return False
        self._group(connection, duplicates.forget(connection, row["key"]))
        connection.execute("DELETE FROM articles WHERE key = ?", (row["key"],))
        # A tombstone, so that harvesters are told the article is gone.
        connection.execute(
            "INSERT INTO deleted (id, url, section, language, deleted_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET url = excluded.url, "
            "section = excluded.section, language = excluded.language, "
            "deleted_at = excluded.deleted_at",
            (row["id"], row["url"], row["section"], row["language"], _now()),
        )
        self.queue(connection, row["key"], "delete")
        return True

    def queue_everything(self) -> int:
        """Ask the index to take every article again (a rebuild)."""
        with self.transaction() as connection:
            connection.execute("DELETE FROM pending")
            cursor = connection.execute(
                "INSERT INTO pending (key, action) SELECT key, 'put' FROM articles"
            )
        return cursor.rowcount

    def pending(self, limit: int) -> list[tuple[int, str]]:
        rows = self.connection.execute(
            "SELECT key, action FROM pending ORDER BY key LIMIT ?", (limit,)
        ).fetchall()
        return [(row["key"], row["action"]) for row in rows]

    def pending_count(self) -> int:
        return int(self.connection.execute("SELECT count(*) FROM pending").fetchone()[0])

    def done(self, work: Iterable[tuple[int, str]]) -> None:
        """Clear index work that the index has committed (unless it was queued again since)."""
        with self.transaction() as connection:
            connection.executemany("DELETE FROM pending WHERE key = ? AND action = ?", list(work))

    # -- reading ---------------------------------------------------------------------

    def get(self, article_id: str) -> StoredArticle | None:
        row = self.connection.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return _row_to_stored(row) if row else None

    def by_keys(self, keys: Sequence[int]) -> dict[int, StoredArticle]:
        found: dict[int, StoredArticle] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self.connection.execute(
                f"SELECT {_COLUMNS} FROM articles WHERE key IN ({marks})", chunk
            ):
                found[row["key"]] = _row_to_stored(row)
        return found

    def iter_articles(self, batch: int = 1000) -> Iterator[StoredArticle]:
        """Every article in key order, read in batches so memory stays flat."""
        last = 0
        while True:
            rows = self.connection.execute(
                f"SELECT {_COLUMNS} FROM articles WHERE key > ? ORDER BY key LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _row_to_stored(row)
            last = rows[-1]["key"]

    def count(self) -> int:
        return int(self.connection.execute("SELECT count(*) FROM articles").fetchone()[0])

    def languages(self) -> list[str | None]:
        return [
            row[0]
            for row in self.connection.execute(
                "SELECT language, count(*) AS n FROM articles GROUP BY language ORDER BY n DESC"
            )
        ]

    def counts_by(self, expression: str) -> list[tuple[str | None, int]]:
        allowed = {
            "language": "language",
            "year": "substr(day, 1, 4)",
            "source": "source",
            "section": "section",
        }
        sql = allowed[expression]
        return [
            (row[0], row[1])
            for row in self.connection.execute(
                f"SELECT {sql} AS value, count(*) AS n FROM articles "
                "GROUP BY value ORDER BY n DESC, value"
            )
        ]

    def check_integrity(self) -> str:
        return str(self.connection.execute("PRAGMA quick_check").fetchone()[0])
