"""Curation: what editors change by hand, each change written to the audit log with it.

Editors correct an article's date, title, section, authors and tags; hide it (a takedown,
with a reason, undone by unhiding); embargo it until an instant; merge it into another's
story as a copy, or split a copy off again; replace or delete it.
Every change and its audit entry (who, when, what changed as {field: [before, after]},
why) are written in one transaction, so the log never misses a change nor records one
that did not happen. The index learns of the change through the store's queue, like any
write; `public` says what hidden and embargoed articles may no longer be seen in.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from xronika.errors import NotFound, UsageError
from xronika.model import Article, Provenance, clean_line, parse_published
from xronika.store import duplicates
from xronika.store.articles import _COLUMNS, Outcome, Store, StoredArticle, _row_to_stored

EDITABLE = ("title", "published", "section", "authors", "tags")
CURATION = ("hidden", "embargo_until")
REASON_CHARS = 500
_SHORT = 200  # longer values (a body) are logged as their length and a digest


def cli_editor() -> str:
    """Who the audit log names for a change made with the CLI."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the audit log."""

    seq: int
    article: str | None
    who: str
    at: str
    action: str
    changes: dict[str, list[Any]]
    reason: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "who": self.who,
            "at": self.at,
            "action": self.action,
            "changes": self.changes,
            "reason": self.reason,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- reading an edit -----------------------------------------------------------------


def _text(value: object, field: str, *, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise UsageError(f"{field} must be a string", where=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{field} holds a lone surrogate, not a character", where=field) from None
    cleaned = clean_line(value)
    if required and not cleaned:
        raise UsageError(f"{field} must not be empty", where=field)
    return cleaned or None


def _names(value: object, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise UsageError(f"{field} must be a list of strings", where=field)
    cleaned = [_text(item, field) for item in value]
    return tuple(dict.fromkeys(item for item in cleaned if item))


def read_reason(value: object) -> str | None:
    """A reason for the audit log, as a client sent it."""
    reason = _text(value, "reason")
    if reason is not None and len(reason) > REASON_CHARS:
        raise UsageError(f"reason: over {REASON_CHARS} characters", where="reason")
    return reason


def read_id(value: object, field: str) -> str:
    """An article's id, as a client named it in a request's body."""
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{field} must be the id of an article", where=field)
    _text(value, field)  # refuses what is no text (a lone surrogate)
    return value.strip()


def instant(text: str, field: str = "embargo_until") -> str:
    """An ISO 8601 date or date-time as a UTC instant in the store's time form.

    A date alone is its midnight UTC, as is a time without an offset.
    """
    try:
        moment = parse_published(text).instant
    except ValueError as error:
        raise UsageError(
            f"{field}: {error}",
            where=field,
            hint="write it like 2030-01-31 or 2030-01-31T09:00:00+04:00",
        ) from None
    return moment.isoformat(timespec="seconds")


def read_edit(fields: Mapping[str, object]) -> dict[str, Any]:
    """Check an edit given as JSON values; return it with each value in stored form.

    Keys: title, published (ISO 8601, or null to remove), section, authors, tags (lists
    of strings), hidden (the takedown's reason, or null to show it again), embargo_until
    (ISO 8601, or null to lift). Absent keys are left as they are.
    """
    edit: dict[str, Any] = {}
    for field, value in fields.items():
        if field == "title":
            edit[field] = _text(value, field, required=True)
        elif field == "published":
            text = _text(value, field)
            edit[field] = _published(text) if text else None
        elif field == "section":
            edit[field] = _text(value, field)
        elif field in ("authors", "tags"):
            edit[field] = _names(value, field)
        elif field == "hidden":
            reason = _text(value, field, required=value is not None)
            if reason is not None and len(reason) > REASON_CHARS:
                raise UsageError(f"hidden: the reason is over {REASON_CHARS} characters")
            edit[field] = reason
        elif field == "embargo_until":
            text = _text(value, field)
            edit[field] = instant(text) if text else None
        else:
            raise UsageError(
                f"{field!r} cannot be edited",
                where=field,
                hint="edit " + ", ".join(EDITABLE + CURATION) + "; replace the whole "
                "article (PUT) to change anything else",
            )
    return edit


def _published(text: str) -> str:
    try:
        return parse_published(text).text
    except ValueError as error:
        raise UsageError(
            f"published: {error}", where="published", hint="write it like 2024-03-01"
        ) from None


# -- changing and logging ------------------------------------------------------------


def _shown(value: Any) -> Any:
    """A value as the log keeps it: long text as its length and a digest."""
    if isinstance(value, str) and len(value) > _SHORT:
        digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]
        return f"<{len(value)} characters, sha256 {digest}…>"
    return list(value) if isinstance(value, tuple) else value


def _state(stored: StoredArticle | None) -> dict[str, Any]:
    if stored is None:
        return {}
    return {
        **stored.article.to_json(),
        "hidden": stored.hidden,
        "embargo_until": stored.embargo_until,
    }


def _changes(before: StoredArticle | None, after: StoredArticle | None) -> dict[str, list[Any]]:
    old, new = _state(before), _state(after)
    return {
        field: [_shown(old.get(field)), _shown(new.get(field))]
        for field in sorted(old.keys() | new.keys())
        if old.get(field) != new.get(field)
    }


def _log(
    connection: sqlite3.Connection,
    article: str | None,
    who: str,
    action: str,
    changes: Mapping[str, Any],
    reason: str | None,
) -> None:
    connection.execute(
        "INSERT INTO audit (article, who, at, action, changes, reason) VALUES (?, ?, ?, ?, ?, ?)",
        (article, who, _now(), action, json.dumps(changes, ensure_ascii=False), reason),
    )


def _action(changes: Mapping[str, Any]) -> str:
    """What a change was, in one word per kind (an edit that also hides: "edit+hide")."""
    kinds = []
    if changes.keys() - set(CURATION):
        kinds.append("edit")
    if "hidden" in changes:
        kinds.append("hide" if changes["hidden"][1] is not None else "unhide")
    if "embargo_until" in changes:
        kinds.append("embargo" if changes["embargo_until"][1] is not None else "release")
    return "+".join(kinds)


def apply(
    store: Store, article_id: str, edit: Mapping[str, Any], who: str, reason: str | None = None
) -> StoredArticle:
    """Apply a checked edit (see `read_edit`) to one article; log what changed."""
    with store.transaction() as connection:
        before = store.get(article_id)
        if before is None:
            raise NotFound(f"no article with id {article_id!r}", where="article_id")
        content = {f: v for f, v in edit.items() if f in EDITABLE}
        if content:
            if "title" in content:
                content["title_derived"] = False
            store.write_in(connection, before.article.with_changes(**content), before.provenance)
        curation = {f: v for f, v in edit.items() if f in CURATION}
        if curation:
            hidden = curation.get("hidden", before.hidden)
            embargo = curation.get("embargo_until", before.embargo_until)
            if (hidden, embargo) != (before.hidden, before.embargo_until):
                connection.execute(
                    "UPDATE articles SET hidden = ?, embargo_until = ?, updated = ? WHERE key = ?",
                    (hidden, embargo, _now(), before.key),
                )
                store.queue(connection, before.key, "put")
        after = store.get(article_id)
        assert after is not None
        changes = _changes(before, after)
        if changes:
            why = reason or (after.hidden if "hidden" in changes else None)
            _log(connection, article_id, who, _action(changes), changes, why)
    return after


def upsert(
    store: Store, items: Sequence[tuple[Article, Provenance | None]], who: str
) -> list[tuple[str, Outcome]]:
    """Add or update articles as ingest would, in one transaction; log each change.

    Returns each article's stored id (an article matched by its URL keeps the id it was
    stored under) and what happened to it. Curation (hidden, embargo) stays as it was.
    """
    done: list[tuple[str, Outcome]] = []
    with store.transaction() as connection:
        for article, provenance in items:
            before = store.existing_in(connection, article)
            outcome = store.write_in(connection, article, provenance)
            article_id = before.article.id if before else article.id
            if outcome is not Outcome.UNCHANGED:
                changes = _changes(before, store.get(article_id))
                action = "create" if outcome is Outcome.ADDED else "update"
                _log(connection, article_id, who, action, changes, None)
            done.append((article_id, outcome))
    return done


def remove(store: Store, article_id: str, who: str, reason: str | None = None) -> bool:
    """Delete an article (its tombstone tells harvesters); False when there is none."""
    with store.transaction() as connection:
        before = store.get(article_id)
        if before is None or not store.delete_in(connection, article_id):
            return False
        _log(connection, article_id, who, "delete", _changes(before, None), reason)
    return True


def _regrouped(
    connection: sqlite3.Connection,
    before: Mapping[str, str | None],
    original: str,
    who: str,
    action: str,
    reason: str | None,
) -> None:
    """Log a change of grouping: `copy_of` on each article whose standing changed, and
    the `copies` of the group's original, each as [before, after]. (Regrouping moves
    articles between the groups it read before, so those ids are all it must read again.)"""
    marks = ",".join("?" * len(before))
    rows = connection.execute(
        f"SELECT id, copy_of FROM articles WHERE id IN ({marks})", list(before)
    )
    after = {row["id"]: row["copy_of"] for row in rows}
    for article_id in sorted(before):
        changes: dict[str, list[Any]] = {}
        if before.get(article_id) != after.get(article_id):
            changes["copy_of"] = [before.get(article_id), after.get(article_id)]
        if article_id == original:
            old = sorted(i for i, of in before.items() if of == original)
            new = sorted(i for i, of in after.items() if of == original)
            if old != new:
                changes["copies"] = [old, new]
        if changes:
            _log(connection, article_id, who, action, changes, reason)


def merge(
    store: Store, copy_id: str, into_id: str, who: str, reason: str | None = None
) -> StoredArticle:
    """Make one article a copy of another's story, as detection would have (see
    `duplicates`); log the change on every article it regroups.

    The two groups become one. Merging into a copy merges into its original; merging an
    original into one of its own copies makes that copy the original. Editors know better
    than detection, so neither the language nor the dates need to agree, and an article
    split off by hand may be merged again.
    """
    with store.transaction() as connection:
        before = {**duplicates.group_of(connection, copy_id),
                  **duplicates.group_of(connection, into_id)}  # fmt: skip
        for key in duplicates.merge_in(connection, copy_id, into_id):
            store.queue(connection, key, "put")
        after = store.get(copy_id)
        assert after is not None and after.copy_of is not None
        _regrouped(connection, before, after.copy_of, who, "merge", reason)
    return after


def split(store: Store, article_id: str, who: str, reason: str | None = None) -> StoredArticle:
    """Make a copy an original again, a story of its own that detection leaves alone from
    now on (re-ingesting its group does not merge it back; an editor's merge can)."""
    with store.transaction() as connection:
        before = duplicates.group_of(connection, article_id)
        store.queue(connection, duplicates.split_in(connection, article_id), "put")
        original = before[article_id]
        assert original is not None
        _regrouped(connection, before, original, who, "split", reason)
        after = store.get(article_id)
        assert after is not None
    return after


def log_ingest(store: Store, who: str, source: str, counts: Mapping[str, int]) -> None:
    """Note an upload ingested through the API (its articles are not logged one by one)."""
    with store.transaction() as connection:
        _log(connection, None, who, "ingest", {"source": source, **counts}, None)


# -- reading the log -----------------------------------------------------------------


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        seq=row["seq"],
        article=row["article"],
        who=row["who"],
        at=row["at"],
        action=row["action"],
        changes=json.loads(row["changes"]),
        reason=row["reason"],
    )


def history(store: Store, article_id: str) -> list[Entry]:
    """Every change logged for one article, oldest first (also after its deletion)."""
    rows = store.connection.execute(
        "SELECT * FROM audit WHERE article = ? ORDER BY seq", (article_id,)
    ).fetchall()
    return [_entry(row) for row in rows]


def recent(store: Store, limit: int) -> list[Entry]:
    """The latest changes to any article, newest first."""
    rows = store.connection.execute(
        "SELECT * FROM audit ORDER BY seq DESC LIMIT ?", (limit,)
    ).fetchall()
    return [_entry(row) for row in rows]


def curated(store: Store, limit: int) -> list[StoredArticle]:
    """Articles hidden or under an embargo (ended ones included), most recently changed first."""
    rows = store.connection.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE hidden IS NOT NULL OR embargo_until IS NOT NULL "
        "ORDER BY updated DESC, key DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [_row_to_stored(row) for row in rows]
