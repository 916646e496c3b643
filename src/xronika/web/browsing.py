"""Pages for walking the archive by date: all years, a year, a month's calendar, a day,
and on-this-day across the years.

A valid date that holds no articles is still a page (with the nearest dates that do);
a date that cannot exist is a 404 page that says why (see `chronicle.parse_*`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from xronika.web.chronicle import (
    Chronicle,
    parse_day,
    parse_month,
    parse_month_day,
    parse_year,
)
from xronika.web.errors import PageNotFound
from xronika.web.reading import page_numbers
from xronika.web.templating import Pages

MAX_PAGE = 10_000


def _check_page(page: int, pages: int, path: str) -> None:
    if page > pages:
        raise PageNotFound(
            f"page {page} is past the last page ({pages})",
            key="page_past_end",
            values={"last": pages},
            way_on=("first_page", path),
        )


def _page_url(path: str) -> Callable[[int], str]:
    return lambda page: path if page == 1 else f"{path}?page={page}"


def router(chronicle: Chronicle, pages: Pages) -> APIRouter:
    browsing = APIRouter(include_in_schema=False)

    @browsing.get("/archive", response_class=HTMLResponse)
    def all_years(request: Request) -> HTMLResponse:
        return pages.render(request, "archive.html", {"index": chronicle.index()})

    @browsing.get("/archive/{year}", response_class=HTMLResponse)
    def year_page(request: Request, year: str) -> HTMLResponse:
        view = chronicle.year(parse_year(year))
        return pages.render(request, "year.html", {"view": view})

    @browsing.get("/archive/{year}/{month}", response_class=HTMLResponse)
    def month_page(request: Request, year: str, month: str) -> HTMLResponse:
        y = parse_year(year)
        view = chronicle.month(y, parse_month(y, month))
        context = {"view": view, "headlines": chronicle.headlines(view)}
        return pages.render(request, "month.html", context)

    @browsing.get("/archive/{year}/{month}/{day}", response_class=HTMLResponse)
    def day_page(
        request: Request, year: str, month: str, day: str, page: int = Query(1, ge=1, le=MAX_PAGE)
    ) -> HTMLResponse:
        y = parse_year(year)
        when = parse_day(y, parse_month(y, month), day)
        view = chronicle.day(when, page)
        _check_page(page, view.pages, request.url.path)
        context = {
            "view": view,
            "pages": page_numbers(page, view.pages),
            "page_url": _page_url(request.url.path),
        }
        return pages.render(request, "day.html", context)

    @browsing.get("/on-this-day")
    def on_this_day_today() -> RedirectResponse:
        today = date.today()
        return RedirectResponse(f"/on-this-day/{today.month:02d}-{today.day:02d}", 302)

    @browsing.get("/on-this-day/{month_day}", response_class=HTMLResponse)
    def on_this_day(
        request: Request, month_day: str, page: int = Query(1, ge=1, le=MAX_PAGE)
    ) -> HTMLResponse:
        month, day = parse_month_day(month_day)
        view = chronicle.on_this_day(month, day, page)
        _check_page(page, view.pages, request.url.path)
        # The same day one before and one after, for walking through the calendar year.
        ordinal = date(2000, month, day).toordinal()
        around = [date.fromordinal(ordinal - 1), date.fromordinal(ordinal + 1)]
        if around[0].year != 2000:
            around[0] = date(2000, 12, 31)
        if around[1].year != 2000:
            around[1] = date(2000, 1, 1)
        context = {
            "view": view,
            "pages": page_numbers(page, view.pages),
            "page_url": _page_url(request.url.path),
            "around": around,
        }
        return pages.render(request, "on_this_day.html", context)

    return browsing
