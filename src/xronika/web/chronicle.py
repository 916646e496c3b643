"""The archive by date: what the year, month, day and on-this-day pages show.

Each view is built once from the store's calendar queries and then rendered twice — as a
page and as JSON under /api/ — so the reading room and the API can never disagree.
Path parts are checked here: a month 13 or a 30 February is not an error of the server
but a page that does not exist, and it says so with a way back to real dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from xronika.archive import Archive
from xronika.model import Article, parse_published
from xronika.store.calendar import Calendar, Count
from xronika.store.public import public_by_keys
from xronika.web.errors import PageNotFound

DAY_PAGE_SIZE = 50
LEAD_WORDS = 40


@dataclass(frozen=True, slots=True)
class Item:
    """An article as a list shows it."""

    article: Article
    day: date | None

    @property
    def lead(self) -> str:
        first = self.article.body.split("\n\n", 1)[0]
        words = first.split()
        return " ".join(words[:LEAD_WORDS]) + (" …" if len(words) > LEAD_WORDS else "")

    def to_json(self) -> dict[str, Any]:
        a = self.article
        return {
            "id": a.id,
            "title": a.title,
            "url": a.url,
            "published": a.published,
            "language": a.language,
            "script": a.script,
            "section": a.section,
            "source": a.source,
        }


def items(archive: Archive, keys: list[int]) -> list[Item]:
    """Articles for row keys, in the keys' order (skipping any deleted or hidden meanwhile)."""
    found = public_by_keys(archive.store, keys)
    out = []
    for key in keys:
        stored = found.get(key)
        if stored is not None:
            out.append(Item(stored.article, _day(stored.day)))
    return out


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def article_day(article: Article) -> date | None:
    try:
        return parse_published(article.published).day if article.published else None
    except ValueError:
        return None


# -- reading path parts --------------------------------------------------------------


def parse_year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text) or int(text) < 1:
        raise PageNotFound(
            f"{text!r} is not a year",
            key="bad_year",
            values={"value": text},
            way_on=("all_years", "/archive"),
            hint="years are written with four digits, e.g. /archive/1990",
        )
    return int(text)


def parse_month(year: int, text: str) -> int:
    if not re.fullmatch(r"\d{1,2}", text) or not 1 <= int(text) <= 12:
        raise PageNotFound(
            f"{year} has no month {text!r}",
            key="bad_month",
            values={"value": text, "year": year},
            way_on=("months_of_year", f"/archive/{year:04d}"),
            hint="months go from 01 to 12",
        )
    return int(text)


def parse_day(year: int, month: int, text: str) -> date:
    last = calendar.monthrange(year, month)[1]
    if not re.fullmatch(r"\d{1,2}", text) or not 1 <= int(text) <= last:
        raise PageNotFound(
            f"{year:04d}-{month:02d} has no day {text!r} (it has {last} days)",
            key="bad_day",
            values={"value": text, "year": year, "month": month, "last": last},
            way_on=("month_calendar", f"/archive/{year:04d}/{month:02d}"),
            hint=f"days of this month go from 01 to {last:02d}",
        )
    return date(year, month, int(text))


def parse_month_day(text: str) -> tuple[int, int]:
    """`MM-DD` for on-this-day; 29 February counts (it has had articles in leap years)."""
    match = re.fullmatch(r"(\d{2})-(\d{2})", text)
    valid = False
    if match:
        month, day = int(match[1]), int(match[2])
        valid = 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]
    if not match or not valid:
        raise PageNotFound(
            f"{text!r} is not a day of the year",
            key="bad_month_day",
            values={"value": text},
            way_on=("on_this_day_today", "/on-this-day"),
            hint="write it as MM-DD, e.g. /on-this-day/01-20",
        )
    return month, day


# -- the views -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArchiveIndex:
    years: list[Count]
    undated: int

    def to_json(self) -> dict[str, Any]:
        return {
            "total": sum(y.count for y in self.years) + self.undated,
            "undated": self.undated,
            "years": [{"year": y.value, "count": y.count} for y in self.years],
        }


@dataclass(frozen=True, slots=True)
class YearView:
    year: int
    months: list[Count]  # all twelve, empty ones with 0
    previous: int | None
    next: int | None

    @property
    def total(self) -> int:
        return sum(m.count for m in self.months)

    @property
    def busiest(self) -> int:
        return max((m.count for m in self.months), default=0)

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "total": self.total,
            "months": [{"month": m.value, "count": m.count} for m in self.months],
            "previous": self.previous,
            "next": self.next,
        }


@dataclass(frozen=True, slots=True)
class MonthView:
    year: int
    month: int
    counts: dict[int, int]
    previous: tuple[int, int] | None
    next: tuple[int, int] | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def weeks(self, first_weekday: int) -> list[list[int]]:
        """The month as weeks of day numbers, 0 where a week reaches into another month."""
        return calendar.Calendar(first_weekday).monthdayscalendar(self.year, self.month)

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "month": self.month,
            "total": self.total,
            "days": [
                {"day": d, "date": date(self.year, self.month, d).isoformat(), "count": n}
                for d, n in sorted(self.counts.items())
            ],
            "previous": _month_text(self.previous),
            "next": _month_text(self.next),
        }


def _month_text(month: tuple[int, int] | None) -> str | None:
    return f"{month[0]:04d}-{month[1]:02d}" if month else None


@dataclass(frozen=True, slots=True)
class DayView:
    day: date
    articles: list[Item]
    total: int
    page: int
    per_page: int
    previous: date | None
    next: date | None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "articles": [item.to_json() for item in self.articles],
            "previous": self.previous.isoformat() if self.previous else None,
            "next": self.next.isoformat() if self.next else None,
        }


@dataclass(frozen=True, slots=True)
class OnThisDayView:
    month: int
    day: int
    articles: list[Item]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def by_year(self) -> list[tuple[int, list[Item]]]:
        """This page's articles grouped by year, newest year first (the query's order)."""
        groups: list[tuple[int, list[Item]]] = []
        for item in self.articles:
            year = item.day.year if item.day else 0
            if not groups or groups[-1][0] != year:
                groups.append((year, []))
            groups[-1][1].append(item)
        return groups

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "day": self.day,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "articles": [
                {**item.to_json(), "date": item.day.isoformat() if item.day else None}
                for item in self.articles
            ],
        }


class Chronicle:
    """Builds the date views over one archive."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self.calendar = Calendar(archive.store)

    def index(self) -> ArchiveIndex:
        return ArchiveIndex(self.calendar.years(), self.calendar.undated())

    def year(self, year: int) -> YearView:
        found = {c.value: c.count for c in self.calendar.months(year)}
        months = [Count(m, found.get(m, 0)) for m in range(1, 13)]
        return YearView(
            year, months, self.calendar.year_before(year), self.calendar.year_after(year)
        )

    def month(self, year: int, month: int) -> MonthView:
        counts = {c.value: c.count for c in self.calendar.days(year, month)}
        return MonthView(
            year,
            month,
            counts,
            self.calendar.month_before(year, month),
            self.calendar.month_after(year, month),
        )

    def headlines(self, view: MonthView) -> list[tuple[int, Item]]:
        """A headline for each day of the month that has articles, in day order."""
        firsts = self.calendar.first_of_days(view.year, view.month)
        stored = public_by_keys(self.archive.store, list(firsts.values()))
        return [
            (day, Item(stored[key].article, _day(stored[key].day)))
            for day, key in sorted(firsts.items())
            if key in stored
        ]

    def latest_month(self) -> MonthView | None:
        latest = self.calendar.latest_day()
        return self.month(latest.year, latest.month) if latest else None

    def day(self, day: date, page: int = 1, per_page: int = DAY_PAGE_SIZE) -> DayView:
        found = self.calendar.on_day(day, per_page, (page - 1) * per_page)
        return DayView(
            day,
            items(self.archive, found.keys),
            found.total,
            page,
            per_page,
            self.calendar.day_before(day),
            self.calendar.day_after(day),
        )

    def on_this_day(
        self, month: int, day: int, page: int = 1, per_page: int = DAY_PAGE_SIZE
    ) -> OnThisDayView:
        found = self.calendar.on_this_day(month, day, per_page, (page - 1) * per_page)
        return OnThisDayView(
            month, day, items(self.archive, found.keys), found.total, page, per_page
        )

    def anniversary(self, today: date) -> tuple[int, int]:
        """Today as (month, day) when the archive has articles from it in some year;
        else the next day of the year that has, so the home page always has a story."""
        days = self.calendar.days_of_year()
        wanted = (today.month, today.day)
        return next((d for d in days if d >= wanted), days[0] if days else wanted)

    def latest(self, limit: int, section: str | None = None) -> list[Item]:
        return items(self.archive, self.calendar.latest(limit, section))

    def translations(self, article: Article) -> list[Item]:
        if not article.group:
            return []
        return items(self.archive, self.calendar.translations(article.group, article.id))
