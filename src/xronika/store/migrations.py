"""Named migrations of the store's schema, recorded in a table as they are applied.

A migration is never edited once released: a change to the schema is a new entry at the
end of MIGRATIONS. Opening a store applies whatever it has not yet seen, in one transaction.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0001_articles",
        """
        CREATE TABLE articles (
            key INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            url TEXT,
            title TEXT NOT NULL,
            title_derived INTEGER NOT NULL DEFAULT 0,
            body TEXT NOT NULL,
            published TEXT,
            day TEXT,
            published_utc TEXT,
            language TEXT,
            script TEXT,
            section TEXT,
            source TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            authors TEXT NOT NULL DEFAULT '[]',
            grp TEXT,
            content_hash TEXT NOT NULL,
            origin TEXT,
            origin_line INTEGER,
            origin_offset INTEGER,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE INDEX articles_day ON articles(day);
        CREATE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
        CREATE INDEX articles_grp ON articles(grp) WHERE grp IS NOT NULL;
        -- Work the index has not yet done: written here in the same transaction as the
        -- article, cleared once the index has committed it. After a crash, whatever is
        -- left here is what the index must catch up on.
        CREATE TABLE pending (
            key INTEGER PRIMARY KEY,
            action TEXT NOT NULL CHECK (action IN ('put', 'delete'))
        );
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    ),
    (
        "0002_captures",
        """
        -- Every capture of a URL in a web archive (WARC/ARC), newest content or not: the
        -- dates a Memento TimeMap lists. `article` is the id of the article the capture's
        -- content became (NULL when it gave none, e.g. a revisit of an unknown page).
        CREATE TABLE captures (
            url TEXT NOT NULL,
            captured TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('response', 'revisit')),
            article TEXT,
            origin TEXT NOT NULL,
            origin_offset INTEGER,
            UNIQUE (url, captured)
        );
        CREATE INDEX captures_article ON captures(article) WHERE article IS NOT NULL
        """,
    ),
    (
        "0003_fetch_cache",
        """
        -- Pages fetched from the web and dealt with: the validators to send back on a
        -- re-crawl (a 304 then costs nothing), what the page was ('article', or 'skipped'
        -- for section fronts and tag lists), and its links, so a crawl goes on past a 304.
        CREATE TABLE fetch_cache (
            url TEXT PRIMARY KEY,
            outcome TEXT NOT NULL CHECK (outcome IN ('article', 'skipped')),
            etag TEXT,
            last_modified TEXT,
            links TEXT NOT NULL DEFAULT '[]',
            fetched TEXT NOT NULL
        )
        """,
    ),
    (
        "0004_deleted",
        """
        -- Tombstones: what a harvester needs to hear that an article is gone (OAI-PMH
        -- deleted records), kept after its row has been removed from `articles`.
        CREATE TABLE deleted (
            id TEXT PRIMARY KEY,
            url TEXT,
            section TEXT,
            language TEXT,
            deleted_at TEXT NOT NULL
        );
        CREATE INDEX deleted_at ON deleted(deleted_at, id);
        -- Selective harvesting walks articles by their last change.
        CREATE INDEX articles_updated ON articles(updated, id)
        """,
    ),
)


def migrate(connection: sqlite3.Connection) -> list[str]:
    """Apply the migrations this store has not seen; return their names."""
    connection.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"
    )
    done = {row[0] for row in connection.execute("SELECT name FROM migrations")}
    applied: list[str] = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in sql.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(
                "INSERT INTO migrations (name, applied) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        applied.append(name)
    return applied
