"""The reading room's pages: home, search results, an article, and the language switch.

Pages are rendered on the server and work without JavaScript; the one script only adds
typing suggestions to the search box. A bad search (an impossible date, a page too deep)
shows the search form again with what to fix, rather than an error page.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from xronika.archive import Archive
from xronika.errors import UsageError
from xronika.search import SearchResult, search
from xronika.store.duplicates import copies_of
from xronika.store.public import public_article, public_count
from xronika.web.chronicle import Chronicle, article_day
from xronika.web.errors import PageNotFound
from xronika.web.i18n import COOKIE, COOKIE_MAX_AGE, LOCALES
from xronika.web.memento import memento_headers
from xronika.web.params import Limits, SearchParams, search_parameters
from xronika.web.suggest import more_like_this
from xronika.web.templating import Pages

LATEST_ON_HOME = 8
SECTIONS_ON_HOME = 14
TEASER_SIZE = 3
PAGE_WINDOW = 2  # page links shown either side of the current page


def page_numbers(current: int, last: int) -> list[int | None]:
    """Pages to link to: the first, the last, and a window around the current (None = gap)."""
    wanted = {1, last, *range(current - PAGE_WINDOW, current + PAGE_WINDOW + 1)}
    shown = sorted(p for p in wanted if 1 <= p <= last)
    out: list[int | None] = []
    previous = 0
    for number in shown:
        if previous and number - previous > 1:
            out.append(None)
        out.append(number)
        previous = number
    return out


def safe_next(target: str | None) -> str:
    """Only a path on this site may follow the switch (no open redirect to elsewhere)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def router(archive: Archive, chronicle: Chronicle, pages: Pages, limits: Limits) -> APIRouter:
    reading = APIRouter(include_in_schema=False)
    read_search = Depends(search_parameters(limits))

    @reading.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        today = date.today()
        month, day = chronicle.anniversary(today)
        teaser = chronicle.on_this_day(month, day, 1, TEASER_SIZE)
        sections = chronicle.calendar.sections()[:SECTIONS_ON_HOME]
        context = {
            "latest": chronicle.latest(LATEST_ON_HOME),
            "sections": sections,
            "month": chronicle.latest_month(),
            "teaser": teaser,
            "teaser_is_today": (month, day) == (today.month, today.day),
            "total": public_count(archive.store),
        }
        return pages.render(request, "home.html", context)

    @reading.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, params: SearchParams = read_search) -> HTMLResponse:
        result: SearchResult | None = None
        problem: UsageError | None = None
        try:
            result = search(archive, params.request())
        except UsageError as error:
            problem = error
        last_page = 1
        if result is not None:
            reachable = limits.offset // params.per_page + 1
            last_page = max(1, min(-(-result.total // params.per_page), reachable))
        context = {
            "params": params,
            "result": result,
            "problem": problem,
            "pages": page_numbers(params.page, last_page),
            "last_page": last_page,
        }
        return pages.render(request, "search.html", context, status=400 if problem else 200)

    @reading.get("/articles/{article_id}", response_class=HTMLResponse)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        stored = public_article(archive.store, article_id)
        if stored is None:
            raise PageNotFound(
                f"no article with id {article_id!r}",
                key="article_not_found",
                values={"id": article_id},
                hint="search the archive",
            )
        article = stored.article
        translations = chronicle.translations(article)
        copies = copies_of(archive.store, [article.id]).get(article.id, [])
        related = {item.article.id for item in translations} | {c.id for c in copies}
        more = [hit for hit in more_like_this(archive, article, 6) if hit["id"] not in related]
        # A copy points to its story's original (when the public may see it).
        first = public_article(archive.store, stored.copy_of) if stored.copy_of else None
        context = {
            "article": article,
            "day": article_day(article),
            "translations": translations,
            "more": more[:5],
            "copies": copies,
            "first": first.article if first else None,
        }
        response = pages.render(request, "article.html", context)
        response.headers.update(memento_headers(request, archive, article_id))
        return response

    @reading.get("/locale/{locale}")
    def choose_locale(locale: str, next: str | None = Query(None)) -> RedirectResponse:
        """Remember the reader's interface language and go back where they were."""
        if locale not in LOCALES:
            raise PageNotFound(
                f"no interface language {locale!r}", key="not_found", hint="use az, en or ru"
            )
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(COOKIE, locale, max_age=COOKIE_MAX_AGE, samesite="lax", path="/")
        return response

    return reading
