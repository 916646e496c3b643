"""Near-duplicates: the same story from several sources, or captured twice, kept as one group.

Every write places the article in the same transaction (`place`, called by the store), so a
crash never leaves it half grouped: its MinHash band keys (see `analysis.shingles`) are
stored, the stored articles sharing a band are its candidates, and a candidate is the same
story when

- it is in the same language and not one of its translations (a shared `group` says the
  archive keeps both on purpose, as with one text in Latin and in Cyrillic script);
- when both are dated, they were published within WINDOW of each other: the same template
  filled in on another day (a central bank's daily operations) is another report;
- their shingle sets have a Jaccard similarity of at least THRESHOLD, computed exactly on
  the few candidates. 0.8 takes in copies whose whole difference is a byline, a "read
  more" line, a changed headline or an edited sentence (0.85–1.0 on the shared corpus),
  and leaves out different stories that share a boilerplate paragraph and the recurring
  reports that differ only in their figures (0.6–0.8).

Groups are flat: `copy_of` names the group's original, which is no copy itself. The
original is the earliest published (undated last), then the first seen; an earlier
article that arrives later becomes the original and the others point to it. Copies are not
indexed (`public.indexable`) and lists show them only beside their original.

Editors overrule detection (`curation.merge`, `curation.split`): a merge groups what
detection missed, and an article split from its group is `kept_apart`, a story of its own
that detection never groups again, so the next write does not undo the editor's call.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from xronika.analysis.shingles import band_keys, jaccard, shingles, signature
from xronika.errors import NotFound, UsageError

if TYPE_CHECKING:
    from xronika.store.articles import Store

THRESHOLD = 0.8
WINDOW = timedelta(days=3)
OWED = "duplicates_owed"  # a meta flag: articles stored before detection need a sketch
BACKFILL_BATCH = 2000
_FIELDS = "key, id, title, body, language, grp, copy_of, published_utc, first_seen, kept_apart"


@dataclass(frozen=True, slots=True)
class Copy:
    """A copy of a story, as it is listed beside the original."""

    id: str
    url: str | None
    source: str | None
    title: str
    published: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "source": self.source,
            "title": self.title,
            "published": self.published,
        }


@dataclass(frozen=True, slots=True)
class _Member:
    """What grouping needs to know of a stored article."""

    key: int
    id: str
    text: str
    language: str | None
    group: str | None
    copy_of: str | None
    published: str | None  # the UTC instant
    first_seen: str
    kept_apart: bool  # an editor split it off: detection leaves it alone

    @property
    def order(self) -> tuple[bool, str, str, int]:
        """Earliest published first (undated last), then first seen, then stored first."""
        return (self.published is None, self.published or "", self.first_seen, self.key)

    def shingles(self) -> frozenset[int]:
        return shingles(self.text, self.language)


def _members(connection: sqlite3.Connection, where: str, values: Sequence[object]) -> list[_Member]:
    rows = connection.execute(f"SELECT {_FIELDS} FROM articles WHERE {where}", values)
    return [
        _Member(
            key=row["key"],
            id=row["id"],
            text=f"{row['title']}\n\n{row['body']}",
            language=row["language"],
            group=row["grp"],
            copy_of=row["copy_of"],
            published=row["published_utc"],
            first_seen=row["first_seen"],
            kept_apart=bool(row["kept_apart"]),
        )
        for row in rows
    ]


def _by_keys(connection: sqlite3.Connection, keys: Sequence[int]) -> list[_Member]:
    return _members(connection, f"key IN ({','.join('?' * len(keys))})", keys) if keys else []


def _one(connection: sqlite3.Connection, where: str, value: object) -> _Member | None:
    found = _members(connection, where, (value,))
    return found[0] if found else None


def _may_be_copies(a: _Member, b: _Member) -> bool:
    """The cheap conditions of one story, checked before the texts are compared."""
    if a.kept_apart or b.kept_apart:
        return False
    if a.language != b.language or (a.group is not None and a.group == b.group):
        return False
    if a.published and b.published:
        apart = datetime.fromisoformat(a.published) - datetime.fromisoformat(b.published)
        return abs(apart) <= WINDOW
    return True


# -- sketches: the band keys each article is found by ---------------------------------


def _stored_bands(connection: sqlite3.Connection, key: int) -> list[int]:
    row = connection.execute(
        "SELECT bands FROM duplicate_sketches WHERE key = ?", (key,)
    ).fetchone()
    return list(struct.unpack(f"<{len(row[0]) // 4}i", row[0])) if row else []


def _forget_sketch(connection: sqlite3.Connection, key: int) -> None:
    bands = _stored_bands(connection, key)
    connection.executemany(
        "DELETE FROM duplicate_bands WHERE band = ? AND key = ?", [(b, key) for b in bands]
    )
    connection.execute("DELETE FROM duplicate_sketches WHERE key = ?", (key,))


def _sketch(connection: sqlite3.Connection, member: _Member, hashes: frozenset[int]) -> list[int]:
    """Store the article's band keys; return them."""
    bands = band_keys(signature(hashes), member.language) if hashes else []
    connection.executemany(
        "INSERT OR IGNORE INTO duplicate_bands (band, key) VALUES (?, ?)",
        [(b, member.key) for b in bands],
    )
    connection.execute(
        "INSERT INTO duplicate_sketches (key, bands) VALUES (?, ?)",
        (member.key, struct.pack(f"<{len(bands)}i", *bands)),
    )
    return bands


def _candidates(connection: sqlite3.Connection, key: int, bands: Sequence[int]) -> list[int]:
    """The other stored articles that share one of these bands (one lookup for all)."""
    if not bands:
        return []
    marks = ",".join("?" * len(bands))
    rows = connection.execute(
        f"SELECT DISTINCT key FROM duplicate_bands WHERE band IN ({marks}) AND key != ?",
        (*bands, key),
    ).fetchall()
    return [row[0] for row in rows]


# -- groups --------------------------------------------------------------------------


def _group(connection: sqlite3.Connection, original: str) -> list[_Member]:
    """An original and its copies."""
    return _members(connection, "id = ? OR copy_of = ?", (original, original))


def _point(
    connection: sqlite3.Connection, members: Iterable[_Member], original: str | None
) -> set[int]:
    """Make the members copies of `original` (None, or itself: an original); return the
    keys whose standing changed."""
    changed = set()
    for member in members:
        wanted = None if member.id == original else original
        if member.copy_of != wanted:
            connection.execute(
                "UPDATE articles SET copy_of = ? WHERE key = ?", (wanted, member.key)
            )
            changed.add(member.key)
    return changed


def _join(
    connection: sqlite3.Connection,
    member: _Member,
    bands: Sequence[int],
    mine: frozenset[int] | None = None,
) -> set[int]:
    """Join an original that has no copies to the groups of the stored copies of its story.

    The original of the joined group is the earliest of the originals: copies stay copies,
    so that an editor's `merge` holds until something earlier arrives.
    """
    candidates = [c for c in _by_keys(connection, _candidates(connection, member.key, bands))
                  if _may_be_copies(member, c)]  # fmt: skip
    if not candidates:
        return set()
    mine = member.shingles() if mine is None else mine
    originals = {c.copy_of or c.id for c in candidates if jaccard(mine, c.shingles()) >= THRESHOLD}
    if not originals:
        return set()
    members = {member.key: member}
    heads = [member]
    for original in sorted(originals):
        group = _group(connection, original)
        if any(other.id == original and other.kept_apart for other in group):
            continue  # an editor's group around a story split off by hand: left as it is
        for other in group:
            members.setdefault(other.key, other)
            if other.id == original:
                heads.append(other)
    return _point(connection, members.values(), min(heads, key=lambda m: m.order).id)


def place(connection: sqlite3.Connection, key: int, new: bool = False) -> set[int]:
    """Group a just-written article with the copies of its story, in the caller's transaction.

    A `new` article has nothing to undo. Otherwise its text may have changed: an original
    first lets its copies go, and they are placed again on their own (earliest first); a
    copy leaves its group and joins whatever its new text matches. Returns the keys whose
    standing (original or copy) changed, so that the index can take or drop them.
    """
    member = _one(connection, "key = ?", key)
    if member is None:
        return set()
    released = [] if new else _members(connection, "copy_of = ?", (member.id,))
    changed = _point(connection, [member, *released], None)
    member = replace(member, copy_of=None)
    if not new:
        _forget_sketch(connection, key)
    mine = member.shingles()
    changed |= _join(connection, member, _sketch(connection, member, mine), mine)
    for other in sorted(released, key=lambda m: m.order):
        now = _one(connection, "key = ?", other.key)
        if now is not None and now.copy_of is None and not _has_copies(connection, now.id):
            changed |= _join(connection, now, _stored_bands(connection, now.key))
    return changed


def _has_copies(connection: sqlite3.Connection, article_id: str) -> bool:
    found = connection.execute("SELECT 1 FROM articles WHERE copy_of = ? LIMIT 1", (article_id,))
    return found.fetchone() is not None


def forget(connection: sqlite3.Connection, key: int) -> set[int]:
    """Before an article is deleted: drop its sketch, and if it was an original, promote
    its earliest copy in its place. Returns the keys whose standing changed."""
    _forget_sketch(connection, key)
    member = _one(connection, "key = ?", key)
    copies = _members(connection, "copy_of = ?", (member.id,)) if member else []
    if not copies:
        return set()
    return _point(connection, copies, min(copies, key=lambda m: m.order).id)


def merge(store: Store, copy_id: str, into_id: str) -> None:
    """`merge_in` in a transaction of its own, the index told of what changed."""
    with store.transaction() as connection:
        for key in merge_in(connection, copy_id, into_id):
            store.queue(connection, key, "put")


def merge_in(connection: sqlite3.Connection, copy_id: str, into_id: str) -> set[int]:
    """Mark an article (with its whole group) as a copy of another's story: an editor's
    call where detection missed one, in the caller's transaction.

    Afterwards `copy_id` is a copy, and the group's original is `into_id`'s original (or
    `into_id` itself, when `copy_id` was that). Returns the keys whose standing changed.
    """
    if copy_id == into_id:
        raise UsageError("an article cannot be a copy of itself", where=copy_id)
    copy = _one(connection, "id = ?", copy_id)
    into = _one(connection, "id = ?", into_id)
    for wanted, found in ((copy_id, copy), (into_id, into)):
        if found is None:
            raise NotFound(f"no article with id {wanted!r}", where=wanted)
    assert copy is not None and into is not None
    original = into.copy_of or into.id
    if original == copy.id:
        original = into.id
    members = {m.key: m for m in _group(connection, copy.copy_of or copy.id)}
    members.update((m.key, m) for m in _group(connection, into.copy_of or into.id))
    changed = _point(connection, members.values(), original)
    # Only an original stays kept apart: an editor who merges a split article rejoins it.
    connection.execute("UPDATE articles SET kept_apart = 0 WHERE copy_of = ?", (original,))
    return changed


def split_in(connection: sqlite3.Connection, article_id: str) -> int:
    """Make a copy an original again, kept apart from detection from now on (see the
    module's docstring), in the caller's transaction. Returns its key."""
    member = _one(connection, "id = ?", article_id)
    if member is None:
        raise NotFound(f"no article with id {article_id!r}", where=article_id)
    if member.copy_of is None:
        raise UsageError(
            f"{article_id!r} is not a copy of another article",
            where=article_id,
            hint="split one of its copies instead (`copies` in the article's JSON)",
        )
    connection.execute(
        "UPDATE articles SET copy_of = NULL, kept_apart = 1 WHERE key = ?", (member.key,)
    )
    return member.key


def group_of(connection: sqlite3.Connection, article_id: str) -> dict[str, str | None]:
    """The group an article belongs to, as {id: copy_of} (empty when there is no article)."""
    row = connection.execute(
        "SELECT id, copy_of FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return {}
    original = row["copy_of"] or row["id"]
    rows = connection.execute(
        "SELECT id, copy_of FROM articles WHERE id = ? OR copy_of = ?", (original, original)
    )
    return {found["id"]: found["copy_of"] for found in rows}


# -- reading -------------------------------------------------------------------------


def copies_of(store: Store, ids: Sequence[str]) -> dict[str, list[Copy]]:
    """The public copies of each of these originals, earliest first (none: absent)."""
    # Imported here: `public` reads the store's rows, and the store imports this module.
    from xronika.store.public import PUBLIC

    found: dict[str, list[Copy]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        rows = store.connection.execute(
            "SELECT id, url, source, title, published, copy_of FROM articles "
            f"WHERE copy_of IN ({marks}) AND {PUBLIC} ORDER BY published_utc IS NULL, "
            "published_utc, first_seen, key",
            chunk,
        )
        for row in rows:
            found.setdefault(row["copy_of"], []).append(
                Copy(row["id"], row["url"], row["source"], row["title"], row["published"])
            )
    return found


def standing(store: Store, article_id: str, copy_of: str | None) -> dict[str, Any]:
    """An article's place in its group as its JSON form shows it: `copy_of` for a copy,
    `copies` for an original with public copies; absent values are left out."""
    if copy_of is not None:
        return {"copy_of": copy_of}
    copies = copies_of(store, [article_id]).get(article_id)
    return {"copies": [copy.to_json() for copy in copies]} if copies else {}


# -- articles stored before detection existed ----------------------------------------


def owed(store: Store) -> bool:
    """Whether articles stored before this store knew of duplicates still await a sketch."""
    row = store.connection.execute("SELECT 1 FROM meta WHERE name = ?", (OWED,)).fetchone()
    return row is not None


def backfill(store: Store) -> int:
    """Sketch and group every article that has no sketch yet; return how many there were.

    Each batch is one transaction that queues the index work it causes, so an interrupted
    run goes on where it stopped the next time the archive is opened for writing.
    """
    done = last = 0
    while True:
        with store.transaction() as connection:
            keys = [
                row[0]
                for row in connection.execute(
                    "SELECT key FROM articles WHERE key > ? AND NOT EXISTS "
                    "(SELECT 1 FROM duplicate_sketches s WHERE s.key = articles.key) "
                    "ORDER BY key LIMIT ?",
                    (last, BACKFILL_BATCH),
                )
            ]
            for key in keys:
                for changed in place(connection, key):
                    store.queue(connection, changed, "put")
            if not keys:
                connection.execute("DELETE FROM meta WHERE name = ?", (OWED,))
                return done
        done += len(keys)
        last = keys[-1]
