"""`/api/export`: every public article as JSONL, streamed, with no cap on how many.

The articles are read from the store in batches by key while the response is written, so
memory stays flat whatever the archive's size. Each line is the article's JSON form, the
same one ingest reads, so an export can be ingested into another archive as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from xronika.archive import Archive
from xronika.search import day_bound
from xronika.store.public import Selection, public_articles
from xronika.web.params import DATE_PATTERN, MAX_FILTER_CHARS

MEDIA_TYPE = "application/x-ndjson"
BATCH = 500


def _iso_day(value: str | None, *, end: bool) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD as an inclusive YYYY-MM-DD bound."""
    if not value:
        return None
    number = day_bound(value, end=end)
    return f"{number // 10000:04d}-{number // 100 % 100:02d}-{number % 100:02d}"


def _lines(archive: Archive, selection: Selection) -> Iterator[bytes]:
    batch: list[str] = []
    for stored in public_articles(archive.store, selection, BATCH):
        batch.append(json.dumps(stored.article.to_json(), ensure_ascii=False))
        if len(batch) == BATCH:
            yield ("\n".join(batch) + "\n").encode()
            batch = []
    if batch:
        yield ("\n".join(batch) + "\n").encode()


def router(archive: Archive) -> APIRouter:
    export = APIRouter(prefix="/api", tags=["api"])

    @export.get(
        "/export",
        response_class=StreamingResponse,
        responses={200: {"content": {MEDIA_TYPE: {}}, "description": "one article per line"}},
    )
    def api_export(
        lang: str | None = Query(None, max_length=MAX_FILTER_CHARS, description="e.g. az"),
        section: str | None = Query(None, max_length=MAX_FILTER_CHARS),
        date_from: str | None = Query(
            None, alias="from", pattern=DATE_PATTERN, description="published on or after"
        ),
        date_to: str | None = Query(
            None, alias="to", pattern=DATE_PATTERN, description="published on or before"
        ),
    ) -> StreamingResponse:
        """Every public article as JSONL (the format ingest reads), in store order."""
        selection = Selection(
            language=lang.strip().lower() if lang and lang.strip() else None,
            section=section.strip() if section and section.strip() else None,
            day_from=_iso_day(date_from, end=False),
            day_to=_iso_day(date_to, end=True),
        )
        return StreamingResponse(
            _lines(archive, selection),
            media_type=MEDIA_TYPE,
            headers={"Content-Disposition": 'attachment; filename="xronika-export.jsonl"'},
        )

    return export
