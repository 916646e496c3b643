"""Walking the archive by publication date: the store queries behind the date pages.

The store keeps each article's publication day (`day`, 'YYYY-MM-DD', the local date the
source states) in an indexed column, so every question here is a range scan over that
index: how many articles a year, a month or a day holds, which day or month with
articles comes before or after another, what was published on one day across the years.
Articles without a date are simply not on the calendar.

Reading lists (latest articles, a section's latest, a translation group, the sitemap's
pages) live here too because they are ordered by the same column; they answer with row
keys, which `public_by_keys` turns into articles.

Every query here is what the public sees: it counts and lists only articles that are
`PUBLIC` (not hidden, not under embargo), so no count gives a hidden article away, and
each story once: near-duplicate copies are `LISTED` only beside their original.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from xronika.store.articles import Store
from xronika.store.public import LISTED

# Newest first, and within a day by the stated time, then by arrival: a stable order.
_NEWEST = "ORDER BY day DESC, published_utc DESC, key DESC"
_MAX_DAY = "SELECT max(day) FROM articles"
_MIN_DAY = "SELECT min(day) FROM articles"


@dataclass(frozen=True, slots=True)
class Count:
    """A period (a year, a month 1–12 or a day of the month 1–31) and its article count."""

    value: int
    count: int


@dataclass(frozen=True, slots=True)
class Page:
    """One page of row keys out of `total`."""

    keys: list[int]
    total: int


@dataclass(frozen=True, slots=True)
class SitemapRow:
    id: str
    lastmod: str


class Calendar:
    """Date queries over one store (each call uses the calling thread's connection)."""

    def __init__(self, store: Store):
        self.store = store

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        return self.store.connection.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[object] = ()) -> Any:
        row = self.store.connection.execute(sql, params).fetchone()
        return row[0] if row else None

    # -- counts ------------------------------------------------------------------------

    def years(self) -> list[Count]:
        """Every year that has articles, oldest first."""
        rows = self._rows(
            "SELECT substr(day, 1, 4) AS y, count(*) FROM articles "
            f"WHERE day IS NOT NULL AND {LISTED} GROUP BY y ORDER BY y"
        )
        return [Count(int(y), int(n)) for y, n in rows]

    def months(self, year: int) -> list[Count]:
        """The months of `year` that have articles."""
        rows = self._rows(
            "SELECT substr(day, 6, 2) AS m, count(*) FROM articles "
            f"WHERE day >= ? AND day < ? AND {LISTED} GROUP BY m ORDER BY m",
            (f"{year:04d}-01-01", f"{year + 1:04d}-01-01"),
        )
        return [Count(int(m), int(n)) for m, n in rows]

    def days(self, year: int, month: int) -> list[Count]:
        """The days of one month that have articles."""
        start, end = _month_bounds(year, month)
        rows = self._rows(
            "SELECT substr(day, 9, 2) AS d, count(*) FROM articles "
            f"WHERE day >= ? AND day < ? AND {LISTED} GROUP BY d ORDER BY d",
            (start, end),
        )
        return [Count(int(d), int(n)) for d, n in rows]

    def days_of_year(self) -> list[tuple[int, int]]:
        """Every (month, day) on which some year has articles, in calendar order."""
        rows = self._rows(
            "SELECT DISTINCT substr(day, 6, 5) AS md FROM articles "
            f"WHERE day IS NOT NULL AND {LISTED} ORDER BY md"
        )
        return [(int(row[0][:2]), int(row[0][3:])) for row in rows]

    def first_of_days(self, year: int, month: int) -> dict[int, int]:
        """One article key per day of the month that has articles (the first stored)."""
        start, end = _month_bounds(year, month)
        rows = self._rows(
            "SELECT substr(day, 9, 2), min(key) FROM articles "
            f"WHERE day >= ? AND day < ? AND {LISTED} GROUP BY day",
            (start, end),
        )
        return {int(d): int(k) for d, k in rows}

    def undated(self) -> int:
        return int(self._one(f"SELECT count(*) FROM articles WHERE day IS NULL AND {LISTED}"))

    # -- neighbours --------------------------------------------------------------------

    def latest_day(self) -> date | None:
        return _as_date(self._one(f"SELECT max(day) FROM articles WHERE {LISTED}"))

    def day_before(self, day: date) -> date | None:
        """The closest earlier day that has articles."""
        return _as_date(self._one(f"{_MAX_DAY} WHERE day < ? AND {LISTED}", (str(day),)))

    def day_after(self, day: date) -> date | None:
        return _as_date(self._one(f"{_MIN_DAY} WHERE day > ? AND {LISTED}", (str(day),)))

    def month_before(self, year: int, month: int) -> tuple[int, int] | None:
        """The closest earlier month that has articles, as (year, month)."""
        start, _ = _month_bounds(year, month)
        return _as_month(self._one(f"{_MAX_DAY} WHERE day < ? AND {LISTED}", (start,)))

    def month_after(self, year: int, month: int) -> tuple[int, int] | None:
        _, end = _month_bounds(year, month)
        return _as_month(self._one(f"{_MIN_DAY} WHERE day >= ? AND {LISTED}", (end,)))

    def year_before(self, year: int) -> int | None:
        found = _as_date(self._one(f"{_MAX_DAY} WHERE day < ? AND {LISTED}", (f"{year:04d}",)))
        return found.year if found else None

    def year_after(self, year: int) -> int | None:
        found = _as_date(self._one(f"{_MIN_DAY} WHERE day >= ? AND {LISTED}", (f"{year + 1:04d}",)))
        return found.year if found else None

    # -- reading lists -----------------------------------------------------------------

    def on_day(self, day: date, limit: int, offset: int = 0) -> Page:
        """One day's articles in the order they were published."""
        where = f"WHERE day = ? AND {LISTED}"
        total = int(self._one(f"SELECT count(*) FROM articles {where}", (str(day),)))
        rows = self._rows(
            f"SELECT key FROM articles {where} ORDER BY published_utc, key LIMIT ? OFFSET ?",
            (str(day), limit, offset),
        )
        return Page([int(r[0]) for r in rows], total)

    def on_this_day(self, month: int, day: int, limit: int, offset: int = 0) -> Page:
        """What was published on this month and day in every year, newest year first."""
        # One exact day per year that has articles keeps this on the day index
        # instead of scanning every row for a matching month and day.
        wanted = [f"{c.value:04d}-{month:02d}-{day:02d}" for c in self.years()]
        if not wanted:
            return Page([], 0)
        marks = ",".join("?" * len(wanted))
        where = f"WHERE day IN ({marks}) AND {LISTED}"
        total = int(self._one(f"SELECT count(*) FROM articles {where}", wanted))
        rows = self._rows(
            f"SELECT key FROM articles {where} "
            "ORDER BY day DESC, published_utc, key LIMIT ? OFFSET ?",
            [*wanted, limit, offset],
        )
        return Page([int(r[0]) for r in rows], total)

    def latest(self, limit: int, section: str | None = None) -> list[int]:
        """The newest dated articles, of one section when given."""
        if section is None:
            rows = self._rows(
                f"SELECT key FROM articles WHERE day IS NOT NULL AND {LISTED} {_NEWEST} LIMIT ?",
                (limit,),
            )
        else:
            rows = self._rows(
                f"SELECT key FROM articles WHERE section = ? AND {LISTED} {_NEWEST} LIMIT ?",
                (section, limit),
            )
        return [int(r[0]) for r in rows]

    def sections(self) -> list[tuple[str, int]]:
        """Sections by number of articles, largest first."""
        rows = self._rows(
            f"SELECT section, count(*) AS n FROM articles WHERE section IS NOT NULL AND {LISTED} "
            "GROUP BY section ORDER BY n DESC, section"
        )
        return [(str(s), int(n)) for s, n in rows]

    def translations(self, group: str, article_id: str) -> list[int]:
        """The other articles of a translation group (the same text in other languages)."""
        rows = self._rows(
            f"SELECT key FROM articles WHERE grp = ? AND id != ? AND {LISTED} "
            "ORDER BY language, key",
            (group, article_id),
        )
        return [int(r[0]) for r in rows]

    # -- the sitemap -------------------------------------------------------------------

    def count(self) -> int:
        return int(self._one(f"SELECT count(*) FROM articles WHERE {LISTED}"))

    def sitemap_rows(self, limit: int, offset: int) -> list[SitemapRow]:
        """Article ids with when the store last changed them, in a stable order."""
        rows = self._rows(
            f"SELECT id, updated FROM articles WHERE {LISTED} ORDER BY key LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [SitemapRow(str(i), str(u)) for i, u in rows]

    def sitemap_lastmod(self, limit: int, offset: int) -> str | None:
        """When the newest change among the articles of one sitemap page was made."""
        found = self._one(
            "SELECT max(updated) FROM "
            f"(SELECT updated FROM articles WHERE {LISTED} ORDER BY key LIMIT ? OFFSET ?)",
            (limit, offset),
        )
        return str(found) if found else None


def _month_bounds(year: int, month: int) -> tuple[str, str]:
    """The first day of the month and the first day of the next, as comparable text."""
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}-{month:02d}-01", f"{following[0]:04d}-{following[1]:02d}-01"


def _as_date(value: object) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:  # a day the store holds is always ISO; be safe all the same
        return None


def _as_month(value: object) -> tuple[int, int] | None:
    found = _as_date(value)
    return (found.year, found.month) if found else None
