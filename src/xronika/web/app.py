"""The app behind `xronika serve`: pages, the JSON API and feeds over one archive.

`create_app` wires the parts together: the reading pages (`reading`, `browsing`), the
API (`api`), Atom feeds (`feeds`), discovery files (`discovery`), Memento TimeMaps
(`memento`), the write API behind tokens (`write`), the editor pages (`editor`), static
files, and the error handlers that give every failure one shape (`errors`). Limits
(request sizes among them) and the origins allowed cross-origin calls (none unless
configured) come from settings when the app is built.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from xronika import __version__, settings
from xronika.archive import Archive
from xronika.web import (
    api,
    browsing,
    discovery,
    editor,
    errors,
    export,
    feeds,
    memento,
    oai,
    reading,
    write,
)
from xronika.web.body_limit import BodyLimit
from xronika.web.chronicle import Chronicle
from xronika.web.headers import SecurityHeaders
from xronika.web.limits import REFUSALS, within_limits
from xronika.web.params import Limits
from xronika.web.schemas import ErrorBody
from xronika.web.templating import STATIC, Pages, build_environment

DESCRIPTION = """\
The JSON API of an xronika news archive. Every error has one shape:
`{"error": {"code", "status", "message", "where", "hint"}}`.
Searches are limited in query length, page size and depth (see each parameter).
Reads are public. Writes need a token (`xronika token create NAME`), sent as
`Authorization: Bearer <secret>`; request bodies are limited in size.
"""


def create_app(archive: Archive) -> FastAPI:
    limits = Limits.from_settings()
    app = FastAPI(
        title="xronika",
        summary="A news archive: search, browse by date and read.",
        description=DESCRIPTION,
        version=__version__,
        docs_url="/api/docs",
        redoc_url=None,
        dependencies=[Depends(within_limits)],
        responses=REFUSALS,
    )
    app.state.archive = archive
    pages = Pages(build_environment())
    chronicle = Chronicle(archive)
    errors.install(app, pages)
    app.include_router(api.router(archive, chronicle, limits))
    app.include_router(export.router(archive))
    app.include_router(reading.router(archive, chronicle, pages, limits))
    app.include_router(browsing.router(chronicle, pages))
    app.include_router(feeds.router(archive, limits))
    app.include_router(discovery.router(archive))
    app.include_router(oai.router(archive))
    app.include_router(memento.router(archive))
    app.include_router(write.router(archive))
    app.include_router(editor.router(archive, pages))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=settings.get_int("max_body_bytes"))
    app.add_middleware(SecurityHeaders, docs=app.docs_url)
    origins = [o.strip() for o in str(settings.get("cors_origins")).split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    _one_error_shape_in_schema(app)
    return app


def app_from_environment() -> FastAPI:
    """The app in one of several server processes (`serve --workers`): each opens the
    data folder named by `$XRONIKA_DATA` itself; SQLite and Tantivy both allow any number
    of reading processes beside the one writer."""
    return create_app(Archive.open(settings.data_folder()))


def _one_error_shape_in_schema(app: FastAPI) -> None:
    """Describe bad parameters as the 400 they really get, in the one error shape.

    FastAPI documents a 422 with its own validation body for every route with
    parameters; ours answer 400 with `ErrorBody`, so the schema says that instead.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        error_ref = {"$ref": f"#/components/schemas/{ErrorBody.__name__}"}
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.get("responses", {})
                # FastAPI's own 422 goes; ours (an invalid article) stays.
                if "HTTPValidationError" in str(responses.get("422", "")):
                    del responses["422"]
                    responses.setdefault(
                        "400",
                        {
                            "description": "a parameter is not valid",
                            "content": {"application/json": {"schema": error_ref}},
                        },
                    )
        components = schema.get("components", {}).get("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
