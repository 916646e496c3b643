"""Search parameters as they travel in a URL: read once, used by the page, the API and the feed.

The search page, `/api/search` and `/search.atom` take the same parameters (q, lang,
section, source, tag, year, from, to, sort, page, per_page), so one dependency reads and
bounds them, and one value object turns them into a `SearchRequest` and back into the
links a results page needs (add a filter, remove it, sort, turn the page). Query and
filters live in the URL, so every search is shareable and the back button works.
"""

# FastAPI declares parameters through defaults (`= Query(...)`); their bounds come from the
# settings when the app is built, so they cannot be module-level constants.
# ruff: noqa: B008

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query
from pydantic import Field

from xronika import settings
from xronika.errors import UsageError
from xronika.search import SearchRequest

DEFAULT_PAGE_SIZE = 10
MAX_FILTER_VALUES = 20
MAX_FILTER_CHARS = 200
FILTERS = ("lang", "section", "source", "tag", "year")
# Empty is allowed: a search form sends `from=` when its date field is left blank.
DATE_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"

FilterValue = Annotated[str, Field(max_length=MAX_FILTER_CHARS)]
Year = Annotated[int, Field(ge=1, le=9999)]


class SortOrder(enum.StrEnum):
    relevance = "relevance"
    newest = "newest"
    oldest = "oldest"


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds every search obeys, read from settings when the app is built."""

    query_chars: int
    page_size: int
    offset: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            settings.get_int("max_query_chars"),
            settings.get_int("max_page_size"),
            settings.get_int("max_offset"),
        )

    @property
    def deepest_page(self) -> int:
        return self.offset + 1  # with one hit per page


@dataclass(frozen=True, slots=True)
class SearchParams:
    q: str = ""
    lang: tuple[str, ...] = ()
    section: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PAGE_SIZE
    limits: Limits = field(default_factory=Limits.from_settings, compare=False)

    def request(self) -> SearchRequest:
        offset = (self.page - 1) * self.per_page
        if offset > self.limits.offset:
            raise UsageError(
                f"page {self.page} is deeper than searches go "
                f"(at most {self.limits.offset} results in)",
                where="page",
                hint="narrow the search with filters or a date range",
            )
        return SearchRequest(
            query=self.q,
            languages=self.lang,
            sections=self.section,
            sources=self.source,
            tags=self.tag,
            years=self.year,
            date_from=self.date_from or None,
            date_to=self.date_to or None,
            sort=self.sort,
            limit=self.per_page,
            offset=offset,
        )

    @property
    def filtered(self) -> bool:
        return any(getattr(self, name) for name in FILTERS) or bool(self.date_from or self.date_to)

    def active(self) -> list[tuple[str, str]]:
        """Every filter in force as (parameter, value), in a stable order."""
        found = [(name, str(value)) for name in FILTERS for value in getattr(self, name)]
        if self.date_from:
            found.append(("from", self.date_from))
        if self.date_to:
            found.append(("to", self.date_to))
        return found

    def has(self, name: str, value: object) -> bool:
        return str(value) in {str(v) for v in getattr(self, name)}

    # -- new searches from this one (each starts again at page 1) ---------------------

    def adding(self, name: str, value: object) -> SearchParams:
        if self.has(name, value):
            return replace(self, page=1)
        changes: dict[str, Any] = {
            name: (*getattr(self, name), int(str(value)) if name == "year" else str(value))
        }
        return replace(self, page=1, **changes)

    def removing(self, name: str, value: object) -> SearchParams:
        changes: dict[str, Any]
        if name in ("from", "to"):
            changes = {f"date_{name}": ""}
        else:
            changes = {name: tuple(v for v in getattr(self, name) if str(v) != str(value))}
        return replace(self, page=1, **changes)

    def unfiltered(self) -> SearchParams:
        return SearchParams(q=self.q, sort=self.sort, per_page=self.per_page, limits=self.limits)

    def sorted_by(self, sort: str) -> SearchParams:
        return replace(self, sort=sort, page=1)

    def at_page(self, page: int) -> SearchParams:
        return replace(self, page=page)

    def page_url(self, page: int) -> str:
        return self.at_page(page).url()

    def with_query(self, q: str) -> SearchParams:
        return replace(self, q=q, page=1)

    # -- back into a URL --------------------------------------------------------------

    def items(self, *, paging: bool = True) -> list[tuple[str, str]]:
        """The parameters as they go in a URL, leaving defaults out."""
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        out.extend(self.active())
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if paging and self.page != 1:
            out.append(("page", str(self.page)))
        if paging and self.per_page != DEFAULT_PAGE_SIZE:
            out.append(("per_page", str(self.per_page)))
        return out

    def url(self, path: str = "/search") -> str:
        query = urlencode(self.items())
        return f"{path}?{query}" if query else path


def _clean(values: list[str] | None) -> tuple[str, ...]:
    """Filter values without surrounding space; a blank value (an empty form field) is none."""
    return tuple(v.strip() for v in values or () if v.strip())


def search_parameters(limits: Limits) -> Callable[..., SearchParams]:
    """The FastAPI dependency that reads a search from the query string.

    Bounds are passed as defaults (not in annotations) so that they come from the settings
    in force when the app is built.
    """

    def read(
        q: str = Query(
            "",
            max_length=limits.query_chars,
            description="the query (query language as in the CLI)",
        ),
        lang: list[FilterValue] | None = Query(
            None, max_length=MAX_FILTER_VALUES, description="language codes, e.g. az, ru"
        ),
        section: list[FilterValue] | None = Query(
            None, max_length=MAX_FILTER_VALUES, description="sections, as the archive names them"
        ),
        source: list[FilterValue] | None = Query(
            None, max_length=MAX_FILTER_VALUES, description="sources (publications)"
        ),
        tag: list[FilterValue] | None = Query(
            None, max_length=MAX_FILTER_VALUES, description="tags"
        ),
        year: list[Year] | None = Query(
            None, max_length=MAX_FILTER_VALUES, description="publication years"
        ),
        date_from: str | None = Query(
            None, alias="from", pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD"
        ),
        date_to: str | None = Query(
            None, alias="to", pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD"
        ),
        sort: SortOrder = Query(SortOrder.relevance),
        page: int = Query(1, ge=1, le=limits.deepest_page),
        per_page: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=limits.page_size),
    ) -> SearchParams:
        return SearchParams(
            q=q.strip(),
            lang=tuple(v.lower() for v in _clean(lang)),
            section=_clean(section),
            source=_clean(source),
            tag=_clean(tag),
            year=tuple(year or ()),
            date_from=(date_from or "").strip(),
            date_to=(date_to or "").strip(),
            sort=sort.value,
            page=page,
            per_page=per_page,
            limits=limits,
        )

    return read
