"""The JSON API's objects, described for /openapi.json.

The handlers build plain dicts (the same ones `xronika search --json` prints) and these
models only document them, so clients and schemathesis know exactly what comes back.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


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
