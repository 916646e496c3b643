"""Ingest: sources → Articles → store (durable) → index (caught up at the end).

Each source is cut into jobs (a chunk of JSONL lines, one JSON file, one page, a few pages
of a WARC file); jobs turn bytes into Articles or InvalidRecord errors, in worker processes
when the input is large (workers.py). Articles are written to the store in batches, each
one durable transaction; errors are reported with their place and counted, and the rest of
the batch goes on. Records that are not articles (images in a WARC) are counted as skipped;
web-archive captures are remembered beside their articles, the newest content winning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xronika import settings
from xronika.archive import Archive
from xronika.errors import InvalidRecord, SourceError, XronikaError
from xronika.ingest import html, jsonl, pages, tables, text, warc, web, wxr
from xronika.ingest.encoding import as_utf8
from xronika.ingest.skipped import Skipped
from xronika.ingest.sources import check_head, expand, kind_of, read_checked
from xronika.ingest.workers import Workers
from xronika.model import Article, Provenance
from xronika.store import Outcome, captures, fetch_cache
from xronika.store.captures import Capture
from xronika.store.fetch_cache import CacheEntry

Result = tuple[Article | InvalidRecord, Provenance]
Output = Result | Capture | Skipped | InvalidRecord | CacheEntry
Payload = list[bytes] | bytes | list[warc.Entry] | tables.Rows | pages.WebPage
STREAMED = (".jsonl", ".ndjson")  # read chunk by chunk: exports can outgrow memory
Job = tuple[str, str, int, Payload]  # kind, origin, first line, payload


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0  # records that are not articles: images in a WARC, drafts in a WXR
    unreadable: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"added {self.added}, updated {self.updated}, "
            f"unchanged {self.unchanged}, failed {self.failed}"
        )
        return text + (f", skipped {self.skipped}" if self.skipped else "")

    def count(self, outcome: Outcome) -> None:
        if outcome is Outcome.ADDED:
            self.added += 1
        elif outcome is Outcome.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1


Problem = Callable[[XronikaError], None]
Advance = Callable[[int], None]
Committed = Callable[[Sequence[tuple[Article, Provenance | None]]], None]


def run_job(job: Job) -> Sequence[Output]:
    """Turn one job's bytes into Articles (runs in a worker process for big inputs)."""
    kind, origin, first, payload = job
    path = Path(origin)
    if kind == "warc":
        assert isinstance(payload, list)
        return warc.read_entries(origin, payload)  # type: ignore[arg-type]
    if kind == "csv":
        assert isinstance(payload, list)
        return tables.read_rows(origin, payload)  # type: ignore[arg-type]
    if kind == "jsonl":
        assert isinstance(payload, list)
        return jsonl.read_lines(origin, first, payload)  # type: ignore[arg-type]
    if kind == "web":
        assert isinstance(payload, pages.WebPage)
        return pages.read_web_page(payload)
    assert isinstance(payload, bytes)
    if kind == "json":
        try:
            return jsonl.read_array(path, payload)
        except SourceError as error:
            return [
                (
                    InvalidRecord(error.message, where=error.where, hint=error.hint),
                    Provenance(origin),
                )
            ]
    if kind == "html":
        return html.read_page(path, as_utf8(payload))
    if kind == "wxr":
        try:
            return wxr.read_export(path, payload)
        except SourceError as error:
            problem = InvalidRecord(error.message, where=error.where, hint=error.hint)
            return [(problem, Provenance(origin))]
    return text.read_text(path, payload, markdown=kind == "markdown")


def _from_web(
    events: Iterable[web.Event], report: IngestReport, problem: Problem
) -> Iterator[tuple[Job, int]]:
    """Jobs for the pages a web source yields; its other events counted and reported."""
    for event in events:
        if isinstance(event, pages.WebPage):
            yield ("web", event.url, 1, event), len(event.data)
        elif isinstance(event, Skipped):
            report.skipped += 1
        elif isinstance(event, web.Unchanged):
            report.unchanged += 1
        else:
            if isinstance(event, SourceError):
                report.unreadable.append(event.where or "")
            report.failed += 1
            problem(event)


def _jobs(
    sources: Iterable[str],
    report: IngestReport,
    problem: Problem,
    mapping: Mapping[str, str],
    session: Callable[[], web.WebSession],
) -> Iterator[tuple[Job, int]]:
    for source in sources:
        if web.is_url(source):
            yield from _from_web(session().from_url(source), report, problem)
            continue
        for item in expand(source):
            if isinstance(item, SourceError):
                report.unreadable.append(item.where or source)
                report.failed += 1
                problem(item)
                continue
            if warc.is_archive(item):
                try:
                    warc.check(item)
                    for entries, size in warc.jobs(item):
                        yield ("warc", str(item), 1, entries), size
                except SourceError as error:
                    report.unreadable.append(str(item))
                    report.failed += 1
                    problem(error)
                continue
            if item.suffix.lower() in STREAMED:
                try:
                    check_head(item)
                except SourceError as error:
                    report.unreadable.append(str(item))
                    report.failed += 1
                    problem(error)
                    continue
                for first, lines in jsonl.stream_chunks(item):
                    yield ("jsonl", str(item), first, lines), sum(len(x) for x in lines)
                continue
            try:
                data = read_checked(item)
            except SourceError as error:
                report.unreadable.append(str(item))
                report.failed += 1
                problem(error)
                continue
            kind = kind_of(item, data[:16384])
            if kind in ("feed", "sitemap"):
                events = session().from_document(str(item), kind, data)
                yield from _from_web(events, report, problem)
            elif kind == "jsonl":
                for first, lines in jsonl.chunks(data):
                    yield (kind, str(item), first, lines), sum(len(x) for x in lines)
            elif kind == "csv":
                try:
                    for rows in tables.rows(item, data, mapping):
                        yield (kind, str(item), rows[0][0], rows), len(data)
                except SourceError as error:
                    report.unreadable.append(str(item))
                    report.failed += 1
                    problem(error)
            else:
                yield (kind, str(item), 1, data), len(data)


def ingest(
    archive: Archive,
    sources: Iterable[str],
    *,
    problem: Problem | None = None,
    advance: Advance | None = None,
    sync_advance: Advance | None = None,
    committed: Committed | None = None,
    mapping: Mapping[str, str] | None = None,
    web_options: web.WebOptions | None = None,
) -> IngestReport:
    """Ingest every source; report problems as they come; return the counts.

    `committed` hears each batch of articles once it is durable in the store (and not
    before), so that a caller can acknowledge exactly what a crash cannot take back.
    `mapping` names, for CSV files, the column that holds each article field;
    `web_options` says how to fetch URLs, crawl sites and read feeds and sitemaps.
    """
    report = IngestReport()
    say = problem or (lambda error: None)
    batch_size = settings.get_int("ingest_batch")
    workers: Workers[Job, Sequence[Output]] = Workers(run_job, settings.get_int("workers"))
    sessions: list[web.WebSession] = []

    def session() -> web.WebSession:
        if not sessions:
            sessions.append(web.WebSession(archive.store, web_options or web.WebOptions()))
        return sessions[0]

    with archive.writing():
        archive.sync()  # finish whatever a crashed writer left for the index
        try:
            batch: list[tuple[Article, Provenance | None]] = []
            seen: list[Capture] = []
            cached: list[CacheEntry] = []
            jobs_of = _jobs(sources, report, say, mapping or {}, session)
            for found in workers.run(jobs_of):
                for output in found:
                    if isinstance(output, Capture):
                        seen.append(output)
                    elif isinstance(output, CacheEntry):
                        cached.append(output)
                    elif isinstance(output, Skipped):
                        report.skipped += 1
                    elif isinstance(output, InvalidRecord):
                        report.failed += 1
                        say(output)
                    elif isinstance(output[0], InvalidRecord):
                        report.failed += 1
                        say(output[0])
                    else:
                        batch.append((output[0], output[1]))
                if advance:
                    advance(len(found))
                if len(batch) >= batch_size or len(seen) + len(cached) >= batch_size:
                    _store(archive, batch, seen, cached, report, committed)
                    batch, seen, cached = [], [], []
            _store(archive, batch, seen, cached, report, committed)
        finally:
            workers.close()
            for opened in sessions:
                opened.close()
        archive.sync(sync_advance)
    return report


def _store(
    archive: Archive,
    batch: list[tuple[Article, Provenance | None]],
    seen: list[Capture],
    cached: list[CacheEntry],
    report: IngestReport,
    committed: Committed | None,
) -> None:
    if seen:
        batch, older = captures.newest_only(archive.store, batch, seen)
        report.unchanged += older  # an older capture of content the archive already holds
    if batch:
        for outcome in archive.store.write(batch):
            report.count(outcome)
        if committed:
            committed(batch)
    captures.record(archive.store, seen)
    # Only now that the articles are durable may a later crawl take a 304 for them.
    fetch_cache.record(archive.store, cached)
