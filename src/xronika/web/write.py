"""The write API: store, replace, correct, hide, embargo, merge and delete articles; upload
files.

Every operation here needs a token (see `auth`). A write holds the archive's single
writer (`Archive.writing()`; a busy archive is a 503 with Retry-After), commits to the
store, and only then answers; the index is synced before the answer too, so a search
right after sees the change. Records are checked by the same code as ingest, and a
batch stores every good record while reporting each bad one by its index and field.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, Body, Depends, File, Query, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from xronika.archive import Archive
from xronika.errors import InvalidRecord, NotFound, SourceError, UsageError, XronikaError
from xronika.ingest import ingest
from xronika.ingest.documents import kind_of_document
from xronika.ingest.records import draft_from_record, finalise
from xronika.model import Article, Provenance
from xronika.store import curation
from xronika.store.articles import StoredArticle
from xronika.store.duplicates import standing
from xronika.web import schemas
from xronika.web.api import curated_json
from xronika.web.auth import editor

T = TypeVar("T")
ID_CHARS = 300
REASON_CHARS = curation.REASON_CHARS
# What an upload may be, by the end of its name: the kinds that ingest reads from the
# file alone. Feeds and sitemaps are refused: they would make the server fetch pages.
UPLOAD_SUFFIXES = (".jsonl", ".ndjson", ".json", ".html", ".htm", ".warc", ".warc.gz",
                   ".arc", ".arc.gz", ".xml")  # fmt: skip
_SHOWN_NAME = re.compile(r"[^\w.\-]+")
_FIELD = re.compile(r"^field '(\w+)'|^(language|script) ")

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": schemas.ErrorBody, "description": "the request is not valid"},
    401: {"model": schemas.ErrorBody, "description": "no token, or a wrong or revoked one"},
    413: {"model": schemas.ErrorBody, "description": "the body is over the size limit"},
    503: {"model": schemas.ErrorBody, "description": "another writer is busy: retry later"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": schemas.ErrorBody, "description": "no such article"}
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": schemas.ErrorBody, "description": "the article is not valid"}
}


def _inline(model: type[BaseModel]) -> dict[str, Any]:
    schema: dict[str, Any] = model.model_json_schema()
    return schema


ONE_OR_MANY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        _inline(schemas.ArticleIn),
                        {"type": "array", "minItems": 1, "items": _inline(schemas.ArticleIn)},
                    ]
                }
            }
        },
    }
}


def _body(model: type[BaseModel], required: bool = True) -> dict[str, Any]:
    schema = {"application/json": {"schema": _inline(model)}}
    return {"requestBody": {"required": required, "content": schema}}


def _fields(payload: object, what: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise UsageError(f"expected a JSON object of {what}", where="body")
    return dict(payload)


def _unexpected(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    extra = sorted(fields.keys() - set(allowed))
    if extra:
        raise UsageError(
            f"{extra[0]!r} is not taken here", where=extra[0], hint="send " + ", ".join(allowed)
        )


def _field_of(error: InvalidRecord) -> str | None:
    """The field a record error names (ingest's checks name it first in the message)."""
    found = _FIELD.match(error.message)
    return (found[1] or found[2]) if found else None


def _record(record: object, where: str) -> Article:
    return finalise(draft_from_record(record, where), where)


def shown_name(filename: str | None) -> str:
    """An uploaded file's name fit to show in a report: its last part, plain characters."""
    last = re.split(r"[/\\]", filename or "")[-1]
    cleaned = _SHOWN_NAME.sub("_", last)[-100:]  # the end holds the extension
    return "upload" + cleaned if cleaned.startswith(".") or not cleaned else cleaned


def upload_suffix(name: str) -> str:
    lowered = name.lower()
    for suffix in sorted(UPLOAD_SUFFIXES, key=len, reverse=True):
        if lowered.endswith(suffix):
            return suffix
    raise UsageError(
        f"cannot tell what kind of file {name!r} is",
        where="file",
        hint="upload JSONL (.jsonl), JSON, HTML (.html), WARC (.warc, .warc.gz) "
        "or a WordPress export (.xml), named with its extension",
    )


class Writer:
    """The write operations over one archive: each holds the writer, commits, syncs."""

    def __init__(self, archive: Archive):
        self.archive = archive

    def write(self, change: Callable[[], T]) -> T:
        with self.archive.writing():
            done = change()
            self.archive.sync()
        return done

    def store(self, payload: object, who: str) -> dict[str, Any]:
        single = not isinstance(payload, list)
        records = [payload] if single else payload
        assert isinstance(records, list)
        if not records:
            raise UsageError("the list holds no articles", where="body", hint="send at least one")
        good: list[tuple[int, Article]] = []
        errors: list[dict[str, Any]] = []
        for index, record in enumerate(records):
            where = "body" if single else f"body[{index}]"
            try:
                good.append((index, _record(record, where)))
            except InvalidRecord as error:
                if single:
                    raise
                errors.append(
                    {"index": index, "field": _field_of(error), "error": error.as_json()["error"]}
                )
        provenance = Provenance(f"api:{who}")
        done = self.write(
            lambda: curation.upsert(self.archive.store, [(a, provenance) for _, a in good], who)
        )
        outcomes = [
            {"index": index, "id": article_id, "outcome": outcome.value}
            for (index, _), (article_id, outcome) in zip(good, done, strict=True)
        ]
        counts = {name: sum(o["outcome"] == name for o in outcomes) for name in
                  ("added", "updated", "unchanged")}  # fmt: skip
        return {**counts, "failed": len(errors), "articles": outcomes, "errors": errors}

    def replace(self, article_id: str, payload: object, who: str) -> tuple[dict[str, Any], bool]:
        if not isinstance(payload, dict):
            raise InvalidRecord("expected a JSON object (the article)", where="body")
        given = payload.get("id")
        if given is not None and str(given) != article_id:
            raise UsageError(
                f"the body's id {given!r} is not the id in the path",
                where="id",
                hint="leave id out of the body, or make it the same",
            )
        article = _record({**payload, "id": article_id}, "body")
        stored_id, outcome = self.write(
            lambda: curation.upsert(self.archive.store, [(article, Provenance(f"api:{who}"))], who)
        )[0]
        stored = self.archive.store.get(stored_id)
        assert stored is not None
        answer = {"id": stored_id, "outcome": outcome.value, "article": curated_json(stored)}
        return answer, outcome.value == "added"

    def edit(self, article_id: str, payload: object, who: str) -> dict[str, Any]:
        fields = _fields(payload, "the fields to change")
        reason = curation.read_reason(fields.pop("reason", None))
        edit = curation.read_edit(fields)
        stored = self.write(
            lambda: curation.apply(self.archive.store, article_id, edit, who, reason)
        )
        return curated_json(stored)

    def grouped(self, stored: StoredArticle) -> dict[str, Any]:
        """An article as token holders see it, with its place in its group of copies."""
        group = standing(self.archive.store, stored.article.id, stored.copy_of)
        return {**curated_json(stored), **group}

    def merge(self, article_id: str, payload: object, who: str) -> dict[str, Any]:
        fields = _fields(payload, "into (an article id) and reason")
        _unexpected(fields, ("into", "reason"))
        into = curation.read_id(fields.get("into"), "into")
        reason = curation.read_reason(fields.get("reason"))
        stored = self.write(
            lambda: curation.merge(self.archive.store, article_id, into, who, reason)
        )
        return self.grouped(stored)

    def split(self, article_id: str, payload: object, who: str) -> dict[str, Any]:
        fields = {} if payload is None else _fields(payload, "reason")
        _unexpected(fields, ("reason",))
        reason = curation.read_reason(fields.get("reason"))
        stored = self.write(lambda: curation.split(self.archive.store, article_id, who, reason))
        return self.grouped(stored)

    def delete(self, article_id: str, who: str, reason: str | None) -> None:
        if not self.write(lambda: curation.remove(self.archive.store, article_id, who, reason)):
            raise NotFound(f"no article with id {article_id!r}", where="article_id")

    def upload(self, file: UploadFile, who: str) -> dict[str, Any]:
        """Ingest one uploaded file through the ingest pipeline.

        The file is copied into a fresh private folder under a name of our own; the name
        the client gave is only shown, never used as a path.
        """
        name = shown_name(file.filename)
        suffix = upload_suffix(name)
        folder = Path(tempfile.mkdtemp(prefix="xronika-upload-"))
        path = folder / f"upload{suffix}"
        try:
            with path.open("wb") as target:
                shutil.copyfileobj(file.file, target)
            if suffix == ".xml":
                with path.open("rb") as handle:
                    if kind_of_document(handle.read(16384)) in ("feed", "sitemap"):
                        raise UsageError(
                            "feeds and sitemaps are not taken as uploads",
                            where="file",
                            hint="they would make the archive fetch other sites; "
                            "ingest them with the CLI",
                        )
            problems: list[XronikaError] = []
            report = ingest(self.archive, [str(path)], problem=problems.append)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

        def shown(error: XronikaError) -> dict[str, Any]:
            where = (error.where or "").replace(str(path), name) or None
            return {"where": where, "message": error.message, "hint": error.hint}

        if report.unreadable:
            whole = next(p for p in problems if isinstance(p, SourceError))
            raise SourceError(whole.message, where=shown(whole)["where"], hint=whole.hint)
        counts = {
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "failed": report.failed,
            "skipped": report.skipped,
        }
        self.write(lambda: curation.log_ingest(self.archive.store, who, name, counts))
        return {"file": name, **counts, "problems": [shown(p) for p in problems]}


def router(archive: Archive) -> APIRouter:
    write = APIRouter(prefix="/api", tags=["write"], responses=ERRORS)
    writer = Writer(archive)
    who = Depends(editor(archive))
    article_id_path = PathParam(max_length=ID_CHARS)
    json_body = Body(...)
    optional_body = Body(None)
    uploaded = File(..., description="JSONL, JSON, HTML, WARC or WXR")

    @write.post(
        "/articles",
        response_model=schemas.WriteReport,
        responses=INVALID,
        openapi_extra=ONE_OR_MANY,
    )
    def post_articles(payload: Any = json_body, token: str = who) -> JSONResponse:
        """Store one article or a list of them: each added, or updated when it is already
        stored (same id, or same URL for an id made from it), as ingest does.

        Good records are stored even when others are not; each bad one is reported with
        its index and field. One object (not a list) that is not valid is a 422.
        """
        return JSONResponse(writer.store(payload, token))

    @write.put(
        "/articles/{article_id}",
        response_model=schemas.PutResponse,
        responses={201: {"model": schemas.PutResponse, "description": "added"}, **INVALID},
        openapi_extra=_body(schemas.ArticleIn),
    )
    def put_article(
        article_id: str = article_id_path, payload: Any = json_body, token: str = who
    ) -> JSONResponse:
        """Replace an article whole (or add it under this id): 200 replaced, 201 added.
        Its curation (hidden, embargo) stays as it was."""
        answer, added = writer.replace(article_id, payload, token)
        return JSONResponse(answer, status_code=201 if added else 200)

    @write.patch(
        "/articles/{article_id}",
        response_model=schemas.CuratedArticle,
        responses=NOT_FOUND,
        openapi_extra=_body(schemas.ArticlePatch),
    )
    def patch_article(
        article_id: str = article_id_path, payload: Any = json_body, token: str = who
    ) -> JSONResponse:
        """Correct an article's date, title, section, authors or tags; hide it
        (`{"hidden": "reason"}`, a takedown) or show it again (`{"hidden": null}`);
        embargo it (`{"embargo_until": "2030-01-31T09:00:00Z"}`: out of public view until
        then, back by itself after) or lift the embargo (`null`). `reason` goes into the
        audit log. Hidden and embargoed articles leave search, feeds, sitemaps, the date
        pages, export and the harvest; the public gets a 404 for them."""
        return JSONResponse(writer.edit(article_id, payload, token))

    @write.post(
        "/articles/{article_id}/merge",
        response_model=schemas.CuratedArticle,
        responses=NOT_FOUND,
        openapi_extra=_body(schemas.MergeRequest),
    )
    def merge_article(
        article_id: str = article_id_path, payload: Any = json_body, token: str = who
    ) -> JSONResponse:
        """Make this article a copy of another's story (`{"into": "ID"}`), where detection
        missed it: it leaves search and the lists, and is shown beside its original. The
        two groups become one; into a copy means into its original. Editors may merge
        across languages and dates. Answers the article with its `copy_of`."""
        return JSONResponse(writer.merge(article_id, payload, token))

    @write.post(
        "/articles/{article_id}/split",
        response_model=schemas.CuratedArticle,
        responses=NOT_FOUND,
        openapi_extra=_body(schemas.SplitRequest, required=False),
    )
    def split_article(
        article_id: str = article_id_path, payload: Any = optional_body, token: str = who
    ) -> JSONResponse:
        """Make a copy an original again: back in search, and kept apart from automatic
        grouping from now on (merge it again to undo). A body may give a `reason`. Answers
        the article with its `copies`, if any."""
        return JSONResponse(writer.split(article_id, payload, token))

    @write.delete(
        "/articles/{article_id}", response_model=schemas.DeleteResponse, responses=NOT_FOUND
    )
    def delete_article(
        article_id: str = article_id_path,
        reason: str | None = Query(None, max_length=REASON_CHARS, description="for the log"),
        token: str = who,
    ) -> JSONResponse:
        """Delete an article for good (harvesters are told it is gone). To take it out
        of view reversibly, hide it instead (PATCH)."""
        writer.delete(article_id, token, reason)
        return JSONResponse({"id": article_id, "deleted": True})

    @write.get(
        "/articles/{article_id}/history",
        response_model=schemas.HistoryResponse,
        responses=NOT_FOUND,
    )
    def article_history(article_id: str = article_id_path, token: str = who) -> JSONResponse:
        """Every change made to an article, oldest first: who, when (UTC), what changed
        (field: [before, after]) and why. Needs a token: the log may hold takedown reasons."""
        entries = curation.history(archive.store, article_id)
        if not entries and archive.store.get(article_id) is None:
            raise NotFound(f"no article with id {article_id!r}", where="article_id")
        return JSONResponse({"id": article_id, "history": [e.to_json() for e in entries]})

    @write.post(
        "/ingest",
        response_model=schemas.IngestResponse,
        responses={422: {"model": schemas.ErrorBody, "description": "the file cannot be read"}},
    )
    def upload(file: UploadFile = uploaded, token: str = who) -> JSONResponse:
        """Ingest an uploaded file (multipart form field `file`) as `xronika ingest` would;
        answer its summary and every problem with where it is in the file."""
        return JSONResponse(writer.upload(file, token))

    return write
