"""The search engine behind one small interface.

Search builds a backend-neutral plan (analysed terms, phrases, filters, sort); an index
backend compiles and runs it. Tantivy (embedded, in-process) is the default; a distributed
engine could be added beside it without touching search, web or the CLI.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """What the index keeps of an article: analysed text, filter values, its store key."""

    key: int
    id: str
    hash: int
    title: str  # exact terms of the headline
    text: str  # exact terms of headline and body
    stem: str  # stems of headline and body
    fold: str  # folded stems of headline and body
    plain: str  # folded exact terms of headline and body
    language: str | None
    script: str | None
    section: str | None
    source: str | None
    tags: tuple[str, ...]
    group: str | None
    published: datetime | None
    day: int | None  # YYYYMMDD as the source dates it
    visible_from: int = 0  # epoch seconds an embargo ends; searches leave it out until then


# -- the plan ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One query word: any of its terms, in any reading (exact > stem > fold)."""

    exact: frozenset[str]
    stem: frozenset[str]
    fold: frozenset[str]
    plain: frozenset[str] = frozenset()
    fuzzy: bool = False


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """Words in a row; one alternative per language reading of the phrase."""

    exact: frozenset[tuple[str, ...]]
    fold: frozenset[tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class PrefixMatch:
    exact: frozenset[str]
    fold: frozenset[str]


Match = TermMatch | PhraseMatch | PrefixMatch


@dataclass(frozen=True, slots=True)
class Filters:
    languages: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    day_from: int | None = None
    day_to: int | None = None


class Sort(enum.Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"


@dataclass(frozen=True, slots=True)
class After:
    """Where a cursor walk stopped: the last hit's sort value and key.

    Hits are in a total order: by score (highest first) for relevance, by publication
    time for the date sorts (undated articles last), and by key among equals. `value` is
    the score or the publication time in nanoseconds (None: undated); `seen` is how many
    hits the walk has passed, a hint for backends that cannot seek by score.
    """

    value: float | None
    key: int
    seen: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    """A search: groups that must all match (each a disjunction), exclusions, filters."""

    must: tuple[tuple[Match, ...], ...] = ()
    must_not: tuple[Match, ...] = ()
    filters: Filters = field(default_factory=Filters)
    sort: Sort = Sort.RELEVANCE
    limit: int = 10
    offset: int = 0
    any_group: bool = False  # when true, groups are OR-ed (partial matches)
    facets: bool = True
    after: After | None = None  # a cursor walk: only hits after this one (offset is 0)


@dataclass(frozen=True, slots=True)
class Hit:
    key: int
    score: float
    value: float | None = None  # what the hit is sorted by (see After)


@dataclass(frozen=True, slots=True)
class Bucket:
    value: str
    count: int


@dataclass(frozen=True, slots=True)
class IndexResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[Bucket]]


class IndexWriter(Protocol):
    """A run of changes to an index; searchers see them once committed."""

    def put(self, doc: IndexDoc) -> None: ...
    def delete(self, key: int) -> None: ...
    def commit(self) -> None: ...


class SearchIndex(Protocol):
    """What search, the CLI and the web need from an index backend."""

    def writing(self) -> AbstractContextManager[IndexWriter]: ...
    def count(self) -> int: ...

    def write(self, docs: Iterable[IndexDoc], deleted: Iterable[int]) -> None: ...
    def clear(self) -> None: ...
    def search(self, plan: Plan) -> IndexResult: ...
    def hashes(self) -> dict[int, int]: ...
    def doc_freq(self, field: str, term: str) -> int: ...
    def visible_count(self, field: str, term: str) -> int: ...
    def vocabulary(self, field: str, prefix: str, limit: int) -> list[tuple[str, int]]: ...
