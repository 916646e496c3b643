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
    (
        "0005_curation",
        """
        -- Who may write through the API: a name and the SHA-256 of its secret (secrets are
        -- 32 random bytes, so a plain hash is enough, and the secret itself is never kept).
        CREATE TABLE tokens (
            name TEXT PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            last_used TEXT,
            revoked TEXT
        );
        -- Editors signed in to the editor pages with a token: the SHA-256 of the session
        -- cookie, and the key every form of that session must carry back (CSRF).
        CREATE TABLE editor_sessions (
            hash TEXT PRIMARY KEY,
            token TEXT NOT NULL REFERENCES tokens(name),
            form_key TEXT NOT NULL,
            created TEXT NOT NULL,
            expires TEXT NOT NULL
        );
        -- Every change an editor or a client made: who, when, to which article (its id,
        -- kept after a delete), what changed as {field: [before, after]}, and why.
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY,
            article TEXT,
            who TEXT NOT NULL,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            changes TEXT NOT NULL DEFAULT '{}',
            reason TEXT
        );
        CREATE INDEX audit_article ON audit(article, seq);
        -- A takedown's reason (NULL: shown), and the UTC instant an embargo ends
        -- (NULL: none), in the store's time form, so SQLite compares it with 'now'.
        ALTER TABLE articles ADD COLUMN hidden TEXT;
        ALTER TABLE articles ADD COLUMN embargo_until TEXT;
        -- Date pages count only what is public: keep that answerable from an index.
        CREATE INDEX articles_public_day ON articles(day, hidden, embargo_until);
        CREATE INDEX articles_curated ON articles(key)
            WHERE hidden IS NOT NULL OR embargo_until IS NOT NULL
        """,
    ),
    (
        "0006_duplicates",
        """
        -- Near-duplicates (see store/duplicates.py): the id of the group's original that
        -- this article is a copy of, NULL for originals.
        ALTER TABLE articles ADD COLUMN copy_of TEXT;
        CREATE INDEX articles_copy_of ON articles(copy_of) WHERE copy_of IS NOT NULL;
        -- MinHash band keys: articles sharing a key are candidates for one story.
        CREATE TABLE duplicate_bands (
            band INTEGER NOT NULL,
            key INTEGER NOT NULL,
            PRIMARY KEY (band, key)
        ) WITHOUT ROWID;
        -- Each article's band keys (packed 32-bit numbers), to remove them when it changes.
        CREATE TABLE duplicate_sketches (key INTEGER PRIMARY KEY, bands BLOB NOT NULL);
        -- Articles stored before now get their sketches when a writer next opens the archive.
        INSERT INTO meta (name, value) SELECT 'duplicates_owed', '1' WHERE EXISTS
            (SELECT 1 FROM articles)
        """,
    ),
    (
        "0007_manual_split",
        """
        -- 1 when an editor split the article from a group: a story of its own, which
        -- detection no longer groups with others (an editor's merge still may).
        ALTER TABLE articles ADD COLUMN kept_apart INTEGER NOT NULL DEFAULT 0
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
