"""The app behind `xronika serve`: a search page and the JSON API over one archive.

Errors are XronikaErrors rendered in one JSON shape for the API and as a page for HTML.
"""

from __future__ import annotations

import html
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from xronika.archive import Archive
from xronika.errors import NotFound, XronikaError
from xronika.search import SearchRequest, search


def create_app(archive: Archive) -> FastAPI:
    app = FastAPI(title="xronika", summary="A news archive: search, browse and read.")
    app.state.archive = archive

    @app.exception_handler(XronikaError)
    async def on_error(request: Request, error: XronikaError) -> JSONResponse:
        return JSONResponse(error.as_json(), status_code=error.status)

    @app.get("/api/search")
    def api_search(
        q: Annotated[str, Query(max_length=500)] = "",
        lang: Annotated[list[str] | None, Query()] = None,
        section: Annotated[list[str] | None, Query()] = None,
        source: Annotated[list[str] | None, Query()] = None,
        date_from: Annotated[str | None, Query(alias="from")] = None,
        date_to: Annotated[str | None, Query(alias="to")] = None,
        sort: str = "relevance",
        page: Annotated[int, Query(ge=1, le=1000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=100)] = 10,
    ) -> dict[str, Any]:
        request = SearchRequest(
            query=q, languages=tuple(lang or ()), sections=tuple(section or ()),
            sources=tuple(source or ()), date_from=date_from, date_to=date_to, sort=sort,
            limit=per_page, offset=(page - 1) * per_page,
        )  # fmt: skip
        return search(archive, request).to_json()

    @app.get("/api/articles/{article_id}")
    def api_article(article_id: str) -> dict[str, Any]:
        stored = archive.store.get(article_id)
        if stored is None:
            raise NotFound(f"no article with id {article_id!r}")
        return stored.article.to_json()

    @app.get("/", response_class=HTMLResponse)
    def home(q: str = "", page: int = 1) -> str:
        result = search(archive, SearchRequest(query=q, limit=20, offset=(max(page, 1) - 1) * 20))
        items = "".join(
            f"<li><h2>{html.escape(hit['title'])}</h2>"
            f"<p class=meta>{html.escape(hit['published'] or '')} · "
            f"{html.escape(hit['language'] or '')} · {html.escape(hit['source'] or '')}</p>"
            f"<p>{hit['snippet']}</p></li>"
            for hit in result.hits
        )
        return (
            "<!doctype html><html lang=en><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            "<title>xronika</title><main><h1>xronika</h1>"
            "<form role=search><label for=q>Search the archive</label> "
            f"<input id=q name=q value='{html.escape(q, quote=True)}'> "
            "<button>Search</button></form>"
            f"<p>{result.total} articles</p><ol>{items}</ol></main></html>"
        )

    return app
