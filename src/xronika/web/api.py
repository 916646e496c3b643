"""The JSON API: search, articles, the archive by date, on this day, typing suggestions.

Each handler is one library call and returns the same data the pages show: `/api/search`
is `xronika search --json`, the date endpoints are the date views' `to_json()`. Limits
(query length, page size, page depth) are enforced by the shared parameter reader and
by search itself; every failure is the one JSON error shape (see `errors`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from xronika.archive import Archive
from xronika.errors import NotFound
from xronika.search import search
from xronika.store import StoredArticle
from xronika.store.duplicates import standing
from xronika.store.public import public_article
from xronika.web import schemas
from xronika.web.auth import optional_editor
from xronika.web.chronicle import (
    DAY_PAGE_SIZE,
    Chronicle,
    parse_day,
    parse_month,
    parse_month_day,
    parse_year,
)
from xronika.web.memento import memento_headers
from xronika.web.params import Limits, SearchParams, search_parameters
from xronika.web.suggest import suggestions

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": schemas.ErrorBody, "description": "a parameter is not valid"},
    404: {"model": schemas.ErrorBody, "description": "no such article or date"},
}
SUGGESTIONS_TYPE = "application/x-suggestions+json"
CURSOR_CHARS = 400


class SuggestFormat(enum.StrEnum):
    json = "json"
    opensearch = "opensearch"


def curated_json(stored: StoredArticle) -> dict[str, Any]:
    """An article with its curation state, as token holders see it."""
    return {
        **stored.article.to_json(),
        "hidden": stored.hidden,
        "embargo_until": stored.embargo_until,
    }


def _paging(limits: Limits) -> Callable[..., tuple[int, int]]:
    def read(
        page: int = Query(1, ge=1, le=limits.deepest_page),
        per_page: int = Query(DAY_PAGE_SIZE, ge=1, le=limits.page_size),
    ) -> tuple[int, int]:
        return page, per_page

    return read


def router(archive: Archive, chronicle: Chronicle, limits: Limits) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)
    paging = _paging(limits)
    read_search = Depends(search_parameters(limits))
    suggest_format = Query(SuggestFormat.json, description="json, or opensearch for browsers")

    @api.get("/search", response_model=schemas.SearchResponse)
    def api_search(
        params: SearchParams = read_search,
        cursor: str | None = Query(
            None,
            max_length=CURSOR_CHARS,
            description="the next_cursor of the previous page: walks past any page limit",
        ),
    ) -> JSONResponse:
        """Search the archive: the same object as `xronika search --json`.

        To take every hit, follow `next_cursor` (null at the end) instead of `page`.
        """
        request = replace(params.request(), cursor=cursor or None)
        return JSONResponse(search(archive, request).to_json())

    @api.get("/articles/{article_id}", response_model=schemas.CuratedArticle)
    def api_article(request: Request, article_id: str = Path(max_length=300)) -> JSONResponse:
        """One article in the archive's JSON form.

        An article made from web captures also carries Memento `Link` headers (its
        original URL and TimeMap) and the `Memento-Datetime` of its newest capture.
        A near-duplicate copy names its original (`copy_of`); an original lists its
        `copies`. Hidden and embargoed articles are a 404, except to a request with a token
        (`Authorization: Bearer`), which also gets `hidden` and `embargo_until`.
        """
        editor = optional_editor(archive, request)
        if editor is None:
            stored = public_article(archive.store, article_id)
        else:
            stored = archive.store.get(article_id)
        if stored is None:
            raise NotFound(f"no article with id {article_id!r}", where="article_id")
        headers = memento_headers(request, archive, article_id)
        body = stored.article.to_json() if editor is None else curated_json(stored)
        body.update(standing(archive.store, stored.article.id, stored.copy_of))
        return JSONResponse(body, headers=headers)

    @api.get("/archive", response_model=schemas.ArchiveIndexResponse)
    def api_archive() -> JSONResponse:
        """Every year that has articles, with its count."""
        return JSONResponse(chronicle.index().to_json())

    @api.get("/archive/{year}", response_model=schemas.YearResponse)
    def api_year(year: str) -> JSONResponse:
        """A year's months with their counts, and the neighbouring years that have articles."""
        return JSONResponse(chronicle.year(parse_year(year)).to_json())

    @api.get("/archive/{year}/{month}", response_model=schemas.MonthResponse)
    def api_month(year: str, month: str) -> JSONResponse:
        """A month's days with their counts, and the neighbouring months that have articles."""
        y = parse_year(year)
        return JSONResponse(chronicle.month(y, parse_month(y, month)).to_json())

    @api.get("/archive/{year}/{month}/{day}", response_model=schemas.DayResponse)
    def api_day(
        year: str, month: str, day: str, pages: tuple[int, int] = Depends(paging)
    ) -> JSONResponse:
        """A day's articles in publication order, and the neighbouring days with articles."""
        y = parse_year(year)
        m = parse_month(y, month)
        page, per_page = pages
        return JSONResponse(chronicle.day(parse_day(y, m, day), page, per_page).to_json())

    @api.get("/on-this-day/{month_day}", response_model=schemas.OnThisDayResponse)
    def api_on_this_day(month_day: str, pages: tuple[int, int] = Depends(paging)) -> JSONResponse:
        """What was published on this day (MM-DD) in every year, newest year first."""
        month, day = parse_month_day(month_day)
        page, per_page = pages
        return JSONResponse(chronicle.on_this_day(month, day, page, per_page).to_json())

    @api.get(
        "/suggest",
        response_model=schemas.SuggestResponse,
        responses={
            200: {
                "content": {
                    SUGGESTIONS_TYPE: {
                        "schema": {
                            "type": "array",
                            "description": "OpenSearch suggestions: [query, [completions]]",
                        }
                    }
                }
            }
        },
    )
    def api_suggest(
        q: str = Query("", max_length=limits.query_chars),
        format: SuggestFormat = suggest_format,
    ) -> JSONResponse:
        """Completions of the query's last word from the archive's own headlines."""
        found = suggestions(archive, q)
        if format is SuggestFormat.opensearch:
            return JSONResponse([q, found], media_type=SUGGESTIONS_TYPE)
        return JSONResponse({"query": q, "suggestions": found})

    return api
