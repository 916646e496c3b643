"""The JSON API's objects, described for /openapi.json.

The handlers build plain dicts (the same ones `xronika search --json` prints) and these
models only document them, so clients and schemathesis know exactly what comes back.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorDetail(BaseModel):
    code: str = Field(description="a stable machine-readable name, e.g. not_found")
    status: int = Field(description="the HTTP status")
    message: str = Field(description="what went wrong")
    where: str | None = Field(description="the parameter, file or record it concerns")
    hint: str | None = Field(description="what to do about it")


class ErrorBody(BaseModel):
    """The one shape of every error the API returns."""

    error: ErrorDetail


class Bucket(BaseModel):
    value: str
    count: int


class Facets(BaseModel):
    language: list[Bucket] = []
    section: list[Bucket] = []
    year: list[Bucket] = []
    source: list[Bucket] = []


class CopyRef(BaseModel):
    """Another copy of the same story (a near-duplicate), listed beside its original."""

    id: str
    url: str | None
    source: str | None
    title: str
    published: str | None


class SearchHit(BaseModel):
    id: str
    title: str
    url: str | None
    published: str | None
    language: str | None
    section: str | None
    source: str | None
    snippet: str = Field(description="HTML: escaped text with <mark> around matches")
    score: float
    copies: list[CopyRef] = Field(
        [], description="the same story from other sources or captures (shown once, here)"
    )


class SearchResponse(BaseModel):
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[SearchHit]
    facets: Facets = Field(description="counted on the first page (none on cursor pages)")
    suggestion: str | None = Field(description='"did you mean": a query that finds more')
    partial: bool = Field(description="true when no article has every word")
    next_cursor: str | None = Field(
        None, description="pass as `cursor` for the next page; null at the end of the hits"
    )


class ArticleBody(BaseModel):
    """An article in the archive's JSON form; absent values are left out."""

    id: str
    title: str
    body: str
    url: str | None = None
    published: str | None = None
    language: str | None = None
    script: str | None = None
    section: str | None = None
    source: str | None = None
    tags: list[str] = []
    authors: list[str] = []
    group: str | None = None
    title_derived: bool = False
    copy_of: str | None = Field(
        None, description="the id of the original when this is a copy of its story"
    )
    copies: list[CopyRef] = Field([], description="the copies of this story, when original")


class CuratedArticle(ArticleBody):
    """An article as a token holder sees it: with its curation state."""

    hidden: str | None = Field(None, description="the takedown's reason; null: not hidden")
    embargo_until: str | None = Field(
        None, description="UTC instant the embargo ends; null: no embargo"
    )


class ListedArticle(BaseModel):
    id: str
    title: str
    url: str | None
    published: str | None
    language: str | None
    script: str | None
    section: str | None
    source: str | None


class DatedArticle(ListedArticle):
    date: str | None


class YearCount(BaseModel):
    year: int
    count: int


class ArchiveIndexResponse(BaseModel):
    total: int
    undated: int
    years: list[YearCount]


class MonthCount(BaseModel):
    month: int
    count: int


class YearResponse(BaseModel):
    year: int
    total: int
    months: list[MonthCount]
    previous: int | None = Field(description="the closest earlier year with articles")
    next: int | None = Field(description="the closest later year with articles")


class DayCount(BaseModel):
    day: int
    date: str
    count: int


class MonthResponse(BaseModel):
    year: int
    month: int
    total: int
    days: list[DayCount]
    previous: str | None = Field(description="the closest earlier month with articles, YYYY-MM")
    next: str | None = Field(description="the closest later month with articles, YYYY-MM")


class DayResponse(BaseModel):
    date: str
    total: int
    page: int
    per_page: int
    articles: list[ListedArticle]
    previous: str | None = Field(description="the closest earlier day with articles")
    next: str | None = Field(description="the closest later day with articles")


class OnThisDayResponse(BaseModel):
    month: int
    day: int
    total: int
    page: int
    per_page: int
    articles: list[DatedArticle] = Field(description="newest year first")


class SuggestResponse(BaseModel):
    query: str
    suggestions: list[str]


# -- writing (token required) ----------------------------------------------------------


class ArticleIn(BaseModel):
    """An article to store, in the JSON form ingest reads: `body` is required; what is
    left out is derived (title from the body, language and script detected, id from
    the URL or the content)."""

    id: str | None = None
    url: str | None = None
    title: str | None = None
    body: str
    published: str | None = Field(None, description="ISO 8601 date or timestamp")
    language: str | None = None
    script: str | None = None
    section: str | None = None
    source: str | None = None
    tags: list[str] = []
    authors: list[str] = []
    group: str | None = None


class ArticlePatch(BaseModel):
    """Fields to change; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1)
    published: str | None = Field(None, description="ISO 8601; null removes the date")
    section: str | None = None
    authors: list[str] | None = None
    tags: list[str] | None = None
    hidden: str | None = Field(
        None, description="hide the article with this reason (a takedown); null shows it again"
    )
    embargo_until: str | None = Field(
        None,
        description="ISO 8601 instant the article stays out of public view until; null lifts it",
    )
    reason: str | None = Field(None, description="why, for the audit log")


class MergeRequest(BaseModel):
    """Make this article a copy of another's story."""

    model_config = ConfigDict(extra="forbid")

    into: str = Field(
        min_length=1,
        max_length=300,
        description="the article whose story this is (a copy's original is used)",
    )
    reason: str | None = Field(None, max_length=500, description="why, for the audit log")


class SplitRequest(BaseModel):
    """Make this copy an original again, kept apart from automatic grouping."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, max_length=500, description="why, for the audit log")


class RecordOutcome(BaseModel):
    index: int = Field(description="the record's place in the request (0 for one object)")
    id: str
    outcome: str = Field(description="added, updated or unchanged")


class RecordError(BaseModel):
    index: int
    field: str | None = Field(description="the field that is wrong, when one is")
    error: ErrorDetail


class WriteReport(BaseModel):
    added: int
    updated: int
    unchanged: int
    failed: int
    articles: list[RecordOutcome]
    errors: list[RecordError]


class PutResponse(BaseModel):
    id: str
    outcome: str
    article: CuratedArticle


class DeleteResponse(BaseModel):
    id: str
    deleted: bool


class HistoryEntry(BaseModel):
    article: str | None
    who: str = Field(description='the token\'s name, or "cli:<user>"')
    at: str = Field(description="UTC")
    action: str = Field(
        description="create, update, edit, hide, unhide, embargo, release, merge, split, delete"
    )
    changes: dict[str, list[Any]] = Field(description="field: [before, after]")
    reason: str | None


class HistoryResponse(BaseModel):
    id: str
    history: list[HistoryEntry] = Field(description="oldest first")


class IngestProblem(BaseModel):
    where: str | None
    message: str
    hint: str | None


class IngestResponse(BaseModel):
    file: str = Field(description="the uploaded file's name, as shown (never used as a path)")
    added: int
    updated: int
    unchanged: int
    failed: int
    skipped: int
    problems: list[IngestProblem]
