"""What the archive shows to the outside world: harvesters (OAI-PMH) and bulk export.

Every article is public for now. When articles can be hidden or embargoed, `PUBLIC` is the
one place to say so: export leaves non-public articles out, and the harvest announces them
as deleted (see `harvest`), so nothing that was once harvested silently disappears.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from xronika.store.articles import _COLUMNS, Store, StoredArticle, _row_to_stored

# An SQL condition on a row of `articles`: true when the article may be shown outside.
PUBLIC = "1 = 1"


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
