"""Every failure a reader or a client can meet, in one shape.

The API, the feeds and the discovery files answer with `XronikaError.as_json()` — the
same object for our own errors, for FastAPI's parameter validation, for unknown paths
and for anything unexpected. Pages answer with an HTML page in the reader's language
that says what went wrong and offers a way on (a search box, the calendar, the nearest
real date), never a traceback.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from xronika.errors import ArchiveBusy, NotFound, TooLarge, Unauthorized, UsageError, XronikaError
from xronika.web.templating import Pages

log = logging.getLogger("xronika.web")

# Paths that answer machines: their errors are JSON, never a page.
MACHINE_PREFIXES = ("/api/", "/feeds/", "/sitemap", "/search.atom", "/opensearch", "/openapi")
RETRY_AFTER_S = 5  # what a client told "busy" should wait before writing again


class PageNotFound(NotFound):
    """A path that names something the archive cannot have (a 13th month, 30 February).

    Besides the English message of every error it carries a message key and values, so
    the HTML page can say the same thing in the reader's language, and a way on.
    """

    def __init__(
        self,
        message: str,
        *,
        key: str,
        values: dict[str, object] | None = None,
        way_on: tuple[str, str] | None = None,
        hint: str | None = None,
    ):
        super().__init__(message, hint=hint)
        self.key = key
        self.values = values or {}
        self.way_on = way_on  # (message key, URL)


class MethodNotAllowed(XronikaError):
    status = 405
    code = "method_not_allowed"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(MACHINE_PREFIXES)


def _from_http(error: HTTPException) -> XronikaError:
    if error.status_code == 404:
        return PageNotFound(
            "there is nothing at this address", key="not_found", hint="check the URL"
        )
    if error.status_code == 405:
        allowed = (error.headers or {}).get("Allow", "GET")
        return MethodNotAllowed("this address does not take that method", hint=f"use {allowed}")
    if error.status_code == 413:
        return TooLarge(
            str(error.detail),
            where="body",
            hint="send less (split a batch), or raise XRONIKA_MAX_BODY_BYTES",
        )
    failure = XronikaError(str(error.detail))
    failure.status = error.status_code
    return failure


def _from_validation(error: RequestValidationError) -> UsageError:
    """FastAPI's validation report as one clear sentence naming the parameter."""
    problems = []
    where = None
    for item in error.errors():
        # ("query", "year", 0) names the parameter "year" (0 is which of its values).
        location = [str(part) for part in item.get("loc", ()) if part not in ("query", "path")]
        name = location[0] if location else "request"
        where = where or name
        problems.append(f"{name}: {item.get('msg', 'invalid value')}")
    return UsageError(
        "; ".join(problems) or "the request is not valid",
        where=where,
        hint="see /openapi.json for the parameters and their limits",
    )


def _headers(error: XronikaError) -> dict[str, str]:
    """What HTTP asks to come with some errors: a challenge with a 401, a wait with a 503."""
    if isinstance(error, Unauthorized):
        return {"WWW-Authenticate": 'Bearer realm="xronika"'}
    if isinstance(error, ArchiveBusy):
        return {"Retry-After": str(RETRY_AFTER_S)}
    return {}


def install(app: FastAPI, pages: Pages) -> None:
    """Route every kind of failure through `respond`."""

    def respond(request: Request, error: XronikaError) -> Response:
        if wants_json(request):
            return JSONResponse(error.as_json(), status_code=error.status, headers=_headers(error))
        response = pages.render(request, "error.html", {"error": error}, status=error.status)
        response.headers.update(_headers(error))
        return response

    async def on_xronika(request: Request, error: Exception) -> Response:
        assert isinstance(error, XronikaError)
        return respond(request, error)

    async def on_http(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        return respond(request, _from_http(error))

    async def on_validation(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        return respond(request, _from_validation(error))

    async def on_anything(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path, exc_info=error)
        failure = XronikaError(
            "the archive could not answer this request",
            hint="try again; if it keeps happening, report it with the address",
        )
        return respond(request, failure)

    app.add_exception_handler(XronikaError, on_xronika)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_anything)
