"""The embedded default index: Tantivy, in-process, in the data folder's `index/`.

Text fields hold terms our analysis has already produced (one term per word, separated by
spaces), so Tantivy only splits on whitespace: the analysis lives in one place, in Python,
and is the same for documents and queries. All documents share the same fields whatever
their language, because Tantivy's BM25 takes its statistics over the whole index and sparse
per-language fields would score badly.

Embargoed articles are in the index with the instant their embargo ends (`visible_from`),
and every query compiled here leaves out what is not yet visible, so an embargo lifts by
itself at query time, with nothing to run.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import tantivy

from xronika import settings
from xronika.errors import ArchiveBusy
from xronika.index.base import (
    Bucket,
    Filters,
    Hit,
    IndexDoc,
    IndexResult,
    Match,
    PhraseMatch,
    Plan,
    PrefixMatch,
    Sort,
    TermMatch,
)

SCHEMA_VERSION = 4
VERSION_FILE = "xronika-index.json"
TEXT_FIELDS = ("title", "text", "stem", "fold", "plain")
KEYWORD_FIELDS = ("id", "language", "script", "section", "source", "tags", "group")
FACETS = ("language", "section", "source", "year")

# How much a match in each field counts: exact spellings first, then stems, then the
# folded reading. Headline and body share one field per reading, because BM25 takes its
# statistics per field: a headline-only field would give words rare in headlines (most
# articles have short ones, many none) an inflated weight. The headline gets a small
# bonus field of its own instead.
# An exact match also matches its stem, plain and folded readings, so it always outscores
# a match through the stem alone; the stem weighs most because it carries the meaning
# (tuned on bench/relevance.py, see its table).
WEIGHTS = {"title": 0.25, "text": 0.5, "stem": 1.0, "plain": 0.3, "fold": 0.5}
_FUZZY_WEIGHT = 0.15
_FOLD_PHRASE_WEIGHT = 0.5


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("key", stored=True, indexed=True, fast=True)
    builder.add_integer_field("hash", fast=True)
    for name in KEYWORD_FIELDS:
        builder.add_text_field(
            name, stored=(name == "id"), fast=True, tokenizer_name="raw", index_option="basic"
        )
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_date_field("published", indexed=True, fast=True)
    builder.add_integer_field("visible_from", indexed=True, fast=True)
    return builder.build()


class TantivyIndex:
    """A Tantivy index in a folder, or in memory when no folder is given."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.schema = _schema()
        self.rebuilt = False
        if path is not None:
            self.rebuilt = self._prepare_folder(path)
            self._index = tantivy.Index(self.schema, path=str(path), reuse=True)
        else:
            self._index = tantivy.Index(self.schema)

    @staticmethod
    def _prepare_folder(path: Path) -> bool:
        """Start afresh unless the folder holds a built index of this schema (it is derived).

        Return True for a fresh index: it stays unmarked until `mark_built`, so an index
        whose rebuild was never set going (a crash just after this) is started afresh again.
        """
        marker = path / VERSION_FILE
        try:
            if json.loads(marker.read_text())["schema"] == SCHEMA_VERSION:
                return False
        except (OSError, ValueError, KeyError, TypeError):
            pass
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True, exist_ok=True)
        return True

    def mark_built(self) -> None:
        """Record that the folder holds an index of this schema, once the store owes it all.

        Written once and atomically: a process opening the folder meanwhile never reads
        half a marker, takes the index for another schema's and wipes it.
        """
        if self.path is None:
            return
        marker = self.path / VERSION_FILE
        partial = marker.with_suffix(".partial")
        partial.write_text(json.dumps({"schema": SCHEMA_VERSION}))
        os.replace(partial, marker)

    # -- writing ---------------------------------------------------------------------

    def _writer(self) -> Any:
        heap = settings.get_int("index_memory_mb") * 1024 * 1024
        try:
            writer = self._index.writer(heap, 2)
        except ValueError as error:
            if "LockBusy" in str(error) or "lock" in str(error).lower():
                raise ArchiveBusy(
                    "another process is writing to this archive's index",
                    where=str(self.path),
                    hint="wait for it to finish and try again",
                ) from None
            raise
        # A writer killed before its commit leaves files that no commit names, such as a
        # deletes file named after the next operation number, which the next writer would
        # then fail to create (FileAlreadyExists). Removing them first is always safe: only
        # files the last commit does not list are removed (the crash test found this).
        writer.garbage_collect_files()
        return writer

    @contextmanager
    def writing(self) -> Iterator[TantivyWriter]:
        """One writer for a run of changes; what is not committed is rolled back."""
        writer = TantivyWriter(self, self._writer())
        try:
            yield writer
        except BaseException:
            writer.raw.rollback()
            raise
        finally:
            writer.raw.wait_merging_threads()
            self._index.reload()

    def write(self, docs: Iterable[IndexDoc], deleted: Iterable[int]) -> None:
        """Replace or remove documents by store key, then commit once."""
        with self.writing() as writer:
            for key in deleted:
                writer.delete(key)
            for doc in docs:
                writer.put(doc)
            writer.commit()

    def clear(self) -> None:
        writer = self._writer()
        try:
            writer.delete_all_documents()
            writer.commit()
        finally:
            writer.wait_merging_threads()
        self._index.reload()

    def _document(self, doc: IndexDoc) -> tantivy.Document:
        document = tantivy.Document()
        document.add_integer("key", doc.key)
        document.add_integer("hash", doc.hash)
        document.add_text("id", doc.id)
        for name in ("language", "script", "section", "source", "group"):
            value = getattr(doc, name)
            if value:
                document.add_text(name, value)
        for tag in doc.tags:
            document.add_text("tags", tag)
        document.add_text("title", doc.title)
        document.add_text("text", doc.text)
        document.add_text("stem", doc.stem)
        document.add_text("fold", doc.fold)
        document.add_text("plain", doc.plain)
        if doc.day is not None:
            document.add_integer("day", doc.day)
            document.add_integer("year", doc.day // 10000)
        if doc.published is not None:
            document.add_date("published", min(max(doc.published, _EARLIEST), _LATEST))
        document.add_integer("visible_from", doc.visible_from)
        return document

    # -- reading ---------------------------------------------------------------------

    def _searcher(self) -> Any:
        return self._index.searcher()

    def count(self) -> int:
        return int(self._searcher().num_docs)

    def search(self, plan: Plan) -> IndexResult:
        """Hits in a total order (see `After`): the page at `offset`, or after `after`.

        Tantivy orders by score or by publication time only, and breaks ties its own way,
        so a few more hits than the page are fetched and put in order by key here; when
        the page ends among equals, more are fetched until the tie is whole.
        """
        base = self.compile(plan)
        query = base
        if plan.after is not None and plan.sort is not Sort.RELEVANCE:
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, base), (tantivy.Occur.Must, self._after(plan))]
            )
        searcher = self._searcher()
        start = plan.offset
        fetch = plan.offset + plan.limit + 1
        after: _Position | None = None
        if plan.after is not None:
            after = _position(plan.sort, plan.after.value, plan.after.key)
            if plan.sort is Sort.RELEVANCE:
                fetch += plan.after.seen  # scores cannot be sought: pass the seen ones again
        while True:
            count, ranked, complete = self._ranked(searcher, query, plan.sort, fetch)
            following = [hit for hit in ranked if after is None or hit[0] > after]
            page = following[start : start + plan.limit]
            if complete or (
                len(page) == plan.limit and ranked and ranked[-1][0][:2] > page[-1][0][:2]
            ):
                break
            fetch *= 2
        if plan.after is not None and query is not base:
            count = int(searcher.search(base, 1, count=True).count or 0)
        hits = [hit for _, hit in page]
        facets = self._facets(searcher, base) if plan.facets else {}
        return IndexResult(count, hits, facets)

    def _ranked(
        self, searcher: Any, query: tantivy.Query, sort: Sort, fetch: int
    ) -> tuple[int, list[tuple[_Position, Hit]], bool]:
        """The first `fetch` hits in our order; the total; whether they are all there are."""
        if sort is Sort.RELEVANCE:
            found = searcher.search(query, fetch, count=True)
        else:
            order = tantivy.Order.Desc if sort is Sort.NEWEST else tantivy.Order.Asc
            found = searcher.search(
                query, fetch, count=True, order_by_field="published", order=order
            )
        addresses = [address for _, address in found.hits]
        keys = searcher.fast_field_values("key", addresses) if addresses else []
        ranked: list[tuple[_Position, Hit]] = []
        for (value, _), key in zip(found.hits, keys, strict=True):
            if sort is Sort.RELEVANCE:
                hit = Hit(int(key), float(value), float(value))
            else:
                hit = Hit(int(key), 0.0, None if value is None else int(value))
            ranked.append((_position(sort, hit.value, hit.key), hit))
        ranked.sort(key=lambda pair: pair[0])
        return int(found.count or 0), ranked, len(found.hits) < fetch

    def _after(self, plan: Plan) -> tantivy.Query:
        """Only the articles after a date-sorted cursor (the undated ones come last)."""
        assert plan.after is not None
        occur = tantivy.Occur
        undated = tantivy.Query.boolean_query(
            [
                (occur.Must, tantivy.Query.all_query()),
                (occur.MustNot, tantivy.Query.exists_query("published")),
            ]
        )
        later_key = tantivy.Query.range_query(
            self.schema, "key", tantivy.FieldType.Integer, plan.after.key, None,
            include_lower=False,
        )  # fmt: skip
        if plan.after.value is None:
            return tantivy.Query.boolean_query([(occur.Must, undated), (occur.Must, later_key)])
        moment = _EPOCH + timedelta(microseconds=int(plan.after.value) // 1000)
        date = tantivy.FieldType.Date
        same = tantivy.Query.range_query(self.schema, "published", date, moment, moment)
        if plan.sort is Sort.OLDEST:
            beyond = tantivy.Query.range_query(
                self.schema, "published", date, moment, None, include_lower=False
            )
        else:
            beyond = tantivy.Query.range_query(
                self.schema, "published", date, None, moment, include_upper=False
            )
        tie = tantivy.Query.boolean_query([(occur.Must, same), (occur.Must, later_key)])
        return tantivy.Query.boolean_query(
            [(occur.Should, beyond), (occur.Should, tie), (occur.Should, undated)]
        )

    def _facets(self, searcher: Any, query: tantivy.Query) -> dict[str, list[Bucket]]:
        spec = {name: {"terms": {"field": name, "size": 200}} for name in FACETS}
        raw = searcher.aggregate(query, spec)
        facets: dict[str, list[Bucket]] = {}
        for name in FACETS:
            buckets = [Bucket(str(b["key"]), int(b["doc_count"])) for b in raw[name]["buckets"]]
            if name == "year":
                buckets.sort(key=lambda b: b.value, reverse=True)
            facets[name] = buckets
        return facets

    def hashes(self) -> dict[int, int]:
        searcher = self._searcher()
        total = int(searcher.num_docs)
        if not total:
            return {}
        found = searcher.search(tantivy.Query.all_query(), total, count=False)
        addresses = [address for _, address in found.hits]
        keys = searcher.fast_field_values("key", addresses)
        hashes = searcher.fast_field_values("hash", addresses)
        return {int(k): int(h) for k, h in zip(keys, hashes, strict=True)}

    def doc_freq(self, field: str, term: str) -> int:
        return int(self._searcher().doc_freq(field, term))

    def visible_count(self, field: str, term: str) -> int:
        """How many visible articles hold a term (the vocabulary also knows terms of
        embargoed articles, and of deleted ones until their segment is merged away)."""
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, field, term)),
                (tantivy.Occur.Must, self._visible()),
            ]
        )
        return int(self._searcher().search(query, 1, count=True).count or 0)

    def vocabulary(self, field: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        terms = self._searcher().terms_with_prefix(field, prefix, limit=limit)
        return [(str(term), int(count)) for term, count in terms]

    # -- compiling a plan ------------------------------------------------------------

    def compile(self, plan: Plan) -> tantivy.Query:
        occur = tantivy.Occur
        clauses: list[tuple[Any, tantivy.Query]] = []
        groups = [self._group(group) for group in plan.must if group]
        if groups:
            if plan.any_group:
                clauses.append((occur.Must, tantivy.Query.boolean_query(
                    [(occur.Should, g) for g in groups])))  # fmt: skip
            else:
                clauses.extend((occur.Must, g) for g in groups)
        clauses.extend((occur.Must, f) for f in self._filters(plan.filters))
        clauses.append((occur.Must, self._visible()))
        clauses.extend((occur.MustNot, self._match(m, negated=True)) for m in plan.must_not)
        return tantivy.Query.boolean_query(clauses)

    def _group(self, group: tuple[Match, ...]) -> tantivy.Query:
        if len(group) == 1:
            return self._match(group[0])
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, self._match(m)) for m in group])

    def _match(self, match: Match, negated: bool = False) -> tantivy.Query:
        if isinstance(match, TermMatch):
            return self._term(match, negated)
        if isinstance(match, PhraseMatch):
            return self._phrase(match, negated)
        return self._prefix(match)

    def _boosted(self, query: tantivy.Query, weight: float) -> tantivy.Query:
        return tantivy.Query.boost_query(query, weight) if weight != 1.0 else query

    def _terms(self, field: str, terms: Iterable[str]) -> list[tantivy.Query]:
        return [
            self._boosted(tantivy.Query.term_query(self.schema, field, term), WEIGHTS[field])
            for term in sorted(terms)
            if term
        ]

    def _term(self, match: TermMatch, negated: bool) -> tantivy.Query:
        parts = self._terms("title", match.exact) + self._terms("text", match.exact)
        parts += self._terms("stem", match.stem)
        if not negated:
            parts += self._terms("plain", match.plain) + self._terms("fold", match.fold)
        if match.fuzzy and not negated:
            for term in sorted(match.fold):
                if len(term) >= 5:
                    distance = 2 if len(term) >= 9 else 1
                    fuzzy = tantivy.Query.fuzzy_term_query(
                        self.schema, "fold", term, distance=distance, transposition_cost_one=True
                    )
                    parts.append(self._boosted(fuzzy, _FUZZY_WEIGHT))
        return self._any(parts)

    def _phrase_in(self, field: str, words: tuple[str, ...]) -> tantivy.Query:
        if len(words) == 1:
            return tantivy.Query.term_query(self.schema, field, words[0])
        return tantivy.Query.phrase_query(self.schema, field, list(words))

    def _phrase(self, match: PhraseMatch, negated: bool) -> tantivy.Query:
        parts: list[tantivy.Query] = []
        for words in sorted(match.exact):
            parts.append(self._boosted(self._phrase_in("title", words), WEIGHTS["title"]))
            parts.append(self._phrase_in("text", words))
        if not negated:
            for words in sorted(match.fold):
                parts.append(self._boosted(self._phrase_in("fold", words), _FOLD_PHRASE_WEIGHT))
        return self._any(parts)

    def _prefix(self, match: PrefixMatch) -> tantivy.Query:
        parts: list[tantivy.Query] = []
        for field, prefixes in (
            ("title", match.exact),
            ("text", match.exact),
            ("fold", match.fold),
        ):
            for prefix in sorted(prefixes):
                if prefix:
                    query = tantivy.Query.regex_query(
                        self.schema, field, _regex_literal(prefix) + ".*"
                    )
                    parts.append(
                        self._boosted(tantivy.Query.const_score_query(query, 1.0), WEIGHTS[field])
                    )
        return self._any(parts)

    @staticmethod
    def _any(parts: list[tantivy.Query]) -> tantivy.Query:
        if not parts:
            return tantivy.Query.empty_query()
        if len(parts) == 1:
            return parts[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, p) for p in parts])

    def _visible(self) -> tantivy.Query:
        """Only articles whose embargo (if any) has ended by now; it adds nothing to scores."""
        now = int(datetime.now(UTC).timestamp())
        visible = tantivy.Query.range_query(
            self.schema, "visible_from", tantivy.FieldType.Integer, None, now
        )
        return tantivy.Query.const_score_query(visible, 0.0)

    def _filters(self, filters: Filters) -> list[tantivy.Query]:
        found: list[tantivy.Query] = []
        for field, values in (
            ("language", filters.languages),
            ("section", filters.sections),
            ("source", filters.sources),
            ("tags", filters.tags),
        ):
            if values:
                found.append(tantivy.Query.term_set_query(self.schema, field, list(values)))
        if filters.years:
            found.append(tantivy.Query.term_set_query(self.schema, "year", list(filters.years)))
        if filters.day_from is not None or filters.day_to is not None:
            found.append(
                tantivy.Query.range_query(
                    self.schema, "day", tantivy.FieldType.Integer, filters.day_from, filters.day_to
                )
            )
        return found


class TantivyWriter:
    """Changes to the index, visible to searchers once committed."""

    def __init__(self, index: TantivyIndex, raw: Any):
        self.index = index
        self.raw = raw

    def put(self, doc: IndexDoc) -> None:
        self.raw.delete_documents_by_term("key", doc.key)
        self.raw.add_document(self.index._document(doc))

    def delete(self, key: int) -> None:
        self.raw.delete_documents_by_term("key", key)

    def commit(self) -> None:
        self.raw.commit()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Tantivy keeps a date as 64-bit nanoseconds (1677-09-21 to 2262-04-11). An article dated
# outside is indexed at that end, so it sorts where it belongs among the others; its `day`
# and `year`, which date filters use, and the store keep the true date.
_EARLIEST = datetime(1677, 9, 22, tzinfo=UTC)
_LATEST = datetime(2262, 4, 11, tzinfo=UTC)
# A hit's place in the total order: (undated?, value ascending in this sort, key).
_Position = tuple[int, float, int]


def _position(sort: Sort, value: float | None, key: int) -> _Position:
    if value is None:
        return (1, 0.0, key)
    return (0, value if sort is Sort.OLDEST else -value, key)


def _regex_literal(text: str) -> str:
    """Escape a word for Tantivy's regex syntax (words are letters and digits already)."""
    return "".join(c if c.isalnum() else "\\" + c for c in text)
