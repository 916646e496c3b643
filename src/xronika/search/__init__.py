"""Search: a query and its options in, a SearchResult out (the same for CLI and API).

All words must match by default; when that finds little, longer words are matched with
typo tolerance, and when it finds nothing, the best partial matches are returned and the
result says so (`partial`). Facets are counted over the same query and filters.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from xronika import settings
from xronika.analysis.analyzer import analyzer_for
from xronika.archive import Archive
from xronika.errors import UsageError
from xronika.index.base import After, Filters, IndexResult, Plan, Sort
from xronika.search.highlight import snippet
from xronika.search.plan import build_plan, highlighter, in_latin_letters
from xronika.search.query import ParsedQuery, parse
from xronika.search.suggest import closest_term
from xronika.store.duplicates import copies_of
from xronika.store.public import public_by_keys

FEW = 3  # fewer hits than this count as "almost nothing"
FUZZY_WORDS = 4  # typo tolerance for short queries only: long ones have words to spare


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str = ""
    languages: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    limit: int = 10
    offset: int = 0
    facets: bool = True
    cursor: str | None = None  # a walk: the `next_cursor` of the previous page


@dataclass(slots=True)
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[dict[str, Any]] = field(default_factory=list)
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    suggestion: str | None = None
    partial: bool = False
    next_cursor: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "took_ms": self.took_ms,
            "hits": self.hits,
            "facets": self.facets,
            "suggestion": self.suggestion,
            "partial": self.partial,
            "next_cursor": self.next_cursor,
        }


@dataclass(frozen=True, slots=True)
class Walk:
    """Cursor pagination: a cursor names the last hit a page ended on, in a total order.

    It also carries a fingerprint of the query, filters and sort, so that a cursor is
    only taken by the search it came from, and whether typo tolerance was in use.
    """

    fingerprint: str

    @classmethod
    def of(cls, request: SearchRequest, sort: Sort) -> Walk:
        asked = [
            request.query, request.languages, request.sections, request.sources,
            request.tags, request.years, request.date_from, request.date_to, sort.value,
        ]  # fmt: skip
        digest = hashlib.blake2b(json.dumps(asked).encode(), digest_size=6).hexdigest()
        return cls(digest)

    def next(self, found: IndexResult, seen: int, fuzzy: bool) -> str | None:
        """The cursor after this page, or None when the walk has reached the end."""
        seen += len(found.hits)
        if not found.hits or seen >= found.total:
            return None
        last = found.hits[-1]
        state = [self.fingerprint, last.value, last.key, seen, fuzzy]
        return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")

    def read(self, cursor: str, offset: int) -> tuple[After, bool]:
        if offset:
            raise UsageError(
                "a cursor continues a walk from its own place: leave page out",
                where="cursor",
                hint="pass only the cursor (and the same query) to get the next page",
            )
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            fingerprint, value, key, seen, fuzzy = json.loads(raw)
            valid = (
                isinstance(value, int | float | None)
                and isinstance(key, int)
                and isinstance(seen, int)
                and seen >= 0
                and isinstance(fuzzy, bool)
            )
        except (ValueError, TypeError, binascii.Error):
            valid = False
        if not valid:
            raise UsageError(
                "the cursor is not one this archive gave",
                where="cursor",
                hint="start the walk again without a cursor",
            )
        if fingerprint != self.fingerprint:
            raise UsageError(
                "the cursor belongs to another search (query, filters or sort differ)",
                where="cursor",
                hint="send the cursor with the same query, filters and sort",
            )
        return After(value, key, seen), fuzzy


def day_bound(value: str, *, end: bool) -> int:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` as a YYYYMMDD bound (the end of the period for --to)."""
    parts = value.strip().split("-")
    try:
        if len(parts) == 1 and len(parts[0]) == 4:
            year = int(parts[0])
            return year * 10000 + (1231 if end else 101)
        if len(parts) == 2 and len(parts[0]) == 4:
            year, month = int(parts[0]), int(parts[1])
            date(year, month, 1)
            return year * 10000 + month * 100 + (31 if end else 1)
        if len(parts) == 3:
            day = date.fromisoformat(value.strip())
            return day.year * 10000 + day.month * 100 + day.day
    except ValueError:
        pass
    raise UsageError(
        f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD",
        hint="for example 2019-01 or 2019-01-20",
    )


def _resolve(values: list[str], known: list[str]) -> tuple[str, ...]:
    """Match filter values to the archive's own spelling, ignoring case."""
    by_lower = {k.casefold(): k for k in known}
    return tuple(by_lower.get(v.casefold(), v) for v in values)


def _filters(archive: Archive, request: SearchRequest, parsed: ParsedQuery) -> Filters:
    wanted = parsed.filters
    languages = [*request.languages, *wanted.get("language", [])]
    sections = [*request.sections, *wanted.get("section", [])]
    sources = [*request.sources, *wanted.get("source", [])]
    tags = [*request.tags, *wanted.get("tags", [])]
    years = list(request.years)
    for value in wanted.get("year", []):
        if value.isascii() and value.isdigit() and len(value) <= 4:  # not `year:²` nor 2**63
            years.append(int(value))
    return Filters(
        languages=tuple(v.lower() for v in languages),
        sections=_resolve(sections, archive.facet_values("section")) if sections else (),
        sources=_resolve(sources, archive.facet_values("source")) if sources else (),
        tags=tuple(tags),
        years=tuple(years),
        day_from=day_bound(request.date_from, end=False) if request.date_from else None,
        day_to=day_bound(request.date_to, end=True) if request.date_to else None,
    )


def _check(request: SearchRequest) -> Sort:
    if len(request.query) > settings.get_int("max_query_chars"):
        raise UsageError(
            f"query is longer than {settings.get_int('max_query_chars')} characters",
            hint="shorten it",
        )
    if not 1 <= request.limit <= settings.get_int("max_page_size"):
        raise UsageError(f"limit must be between 1 and {settings.get_int('max_page_size')}")
    if not 0 <= request.offset <= settings.get_int("max_offset"):
        raise UsageError(f"offset must be between 0 and {settings.get_int('max_offset')}")
    try:
        return Sort(request.sort)
    except ValueError:
        raise UsageError(
            f"sort {request.sort!r} is unknown", hint="use relevance, newest or oldest"
        ) from None


def search(archive: Archive, request: SearchRequest) -> SearchResult:
    started = time.perf_counter()
    sort = _check(request)
    typed = parse(request.query)
    parsed = in_latin_letters(typed, request.query)
    languages = archive.languages()
    filters = _filters(archive, request, parsed)
    if parsed.empty and sort is Sort.RELEVANCE:
        sort = Sort.NEWEST  # nothing to rank by: show the newest first

    def plan(
        offset: int = request.offset,
        limit: int = request.limit,
        facets: bool = request.facets,
        **options: bool,
    ) -> Plan:
        return build_plan(parsed, languages, filters, sort, limit, offset, facets=facets, **options)

    walk = Walk.of(request, sort)
    words = sum(len(g) for g in parsed.groups)
    if request.cursor is not None:
        # A walk goes on in the order it started in: no partial matches, no new fallback.
        after, fuzzy_used = walk.read(request.cursor, request.offset)
        # Facets are the first page's business: counting them again on every page of a
        # walk would cost as much as the walk itself.
        found = archive.index.search(replace(plan(facets=False, fuzzy=fuzzy_used), after=after))
        strict_total, partial, seen = found.total, False, after.seen
    else:
        found = archive.index.search(plan())
        strict_total = found.total
        partial = False
        fuzzy_used = False
        end = request.offset + request.limit
        if found.total < end and len(parsed.groups) > 1:
            found, partial = _fill_with_partial_matches(archive, plan, found, request)
        if found.total < FEW and 0 < words <= FUZZY_WORDS:
            fuzzy = archive.index.search(plan(fuzzy=True, any_group=partial))
            if fuzzy.total > found.total:
                found, fuzzy_used = fuzzy, not partial
        seen = request.offset
    next_cursor = None if partial else walk.next(found, seen, fuzzy_used)
    suggestion = _suggest(archive, typed, request.query) if strict_total < FEW and words else None
    wanted = highlighter(parsed, languages)
    stored = public_by_keys(archive.store, [hit.key for hit in found.hits])
    # Each hit carries the other copies of its story (near-duplicates are not indexed).
    copies = copies_of(archive.store, [item.article.id for item in stored.values()])
    hits = []
    for hit in found.hits:
        item = stored.get(hit.key)
        if item is None or item.copy_of:  # deleted, hidden or grouped since the index was read
            continue
        article = item.article
        hits.append(
            {
                "id": article.id,
                "title": article.title,
                "url": article.url,
                "published": article.published,
                "language": article.language,
                "section": article.section,
                "source": article.source,
                "snippet": snippet(article.body, article.language, wanted),
                "score": round(hit.score, 4),
                "copies": [copy.to_json() for copy in copies.get(article.id, [])],
            }
        )
    facets = {
        name: [{"value": b.value, "count": b.count} for b in buckets]
        for name, buckets in found.facets.items()
    }
    return SearchResult(
        query=request.query,
        total=found.total,
        page=request.offset // request.limit + 1,
        per_page=request.limit,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        hits=hits,
        facets=facets,
        suggestion=suggestion,
        partial=partial,
        next_cursor=next_cursor,
    )


def _fill_with_partial_matches(
    archive: Archive, plan: Callable[..., Plan], strict: IndexResult, request: SearchRequest
) -> tuple[IndexResult, bool]:
    """Articles with every word first, then those with some of them, best first.

    Used when the articles with every word do not fill the page: long queries (a headline,
    a question) often have one word the right article lacks.
    """
    end = request.offset + request.limit
    full = strict.hits
    if strict.total and request.offset:
        full = archive.index.search(plan(offset=0, limit=strict.total, facets=False)).hits
    broad = archive.index.search(plan(offset=0, limit=end + strict.total, any_group=True))
    seen = {hit.key for hit in full}
    merged = [*full, *(hit for hit in broad.hits if hit.key not in seen)]
    page = merged[request.offset : end]
    partial = any(hit.key not in seen for hit in page)
    return IndexResult(max(broad.total, strict.total), page, broad.facets or strict.facets), partial


def _suggest(archive: Archive, parsed: ParsedQuery, query: str) -> str | None:
    """Replace each word the archive lacks by its closest known word."""
    changed = False
    text = query
    for group in parsed.groups:
        for clause in group:
            if clause.prefix or clause.phrase:
                continue
            word = clause.words[0]
            term = analyzer_for(archive.languages()[0]).terms(word).exact
            better = closest_term(archive.index, term)
            # Never a word that only hidden or embargoed articles hold.
            if better and better != term and archive.index.visible_count("text", better):
                text = text.replace(word, better, 1)
                changed = True
    return text if changed else None
