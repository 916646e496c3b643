"""WARC and ARC files (plain or gzip, one gzip member per record or not): captured pages.

The parent process walks the file with warcio and hands the HTML pages, a few to a job, to
worker processes that extract them like HTML files; everything else in the file is a note
for the parent: a revisit (a date on which a URL was seen again, without new content), a
record that is not an HTML page (skipped, not a failure), a damaged record. Reading is a
few per cent of the work (mostly zlib, which any reader of a gzip member must do to find
where the next one starts); extraction is the rest, so that is what the workers share.

Web archives are often damaged: truncated gzip members, wrong Content-Length, bad
chunking, garbage between records. A damaged record is reported as `file@offset` and the
reader resumes at the next place a record can start (the next gzip member, the next
`WARC/1.x` line or ARC header), so one bad record never costs the rest of the file.
"""

from __future__ import annotations

import logging
import mmap
import re
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.bufferedreaders import ChunkedDataException  # type: ignore[import-untyped]
from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]
from warcio.statusandheaders import (  # type: ignore[import-untyped]
    StatusAndHeadersParserException,
)

from xronika import settings
from xronika.errors import InvalidRecord, SourceError
from xronika.ingest.encoding import as_utf8
from xronika.ingest.html import extract
from xronika.ingest.records import finalise
from xronika.ingest.skipped import Skipped
from xronika.model import Article, Provenance
from xronika.store.captures import Capture

SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
# Half a second of extraction or so: far more than sending it to a worker costs, and small
# enough that the workers finish together rather than one waiting on the other's last job.
PAGES_PER_JOB = 8
JOB_BYTES = 1024 * 1024
MAX_PAGE_BYTES = 10 * 1024 * 1024  # a decompressed page past this is a bomb, not an article
_HTML = frozenset({"text/html", "application/xhtml+xml"})
_BOOKKEEPING = frozenset({"warcinfo", "request", "metadata", "conversion", "continuation"})
# What warcio raises on bytes that are not what a record should be. Damage in a web
# archive is expected, so each of these is reported for its record and reading goes on.
_DAMAGE = (
    ArchiveLoadFailed,
    ChunkedDataException,
    StatusAndHeadersParserException,
    zlib.error,
    EOFError,
    ValueError,
    IndexError,
    KeyError,
    OSError,
    AttributeError,  # warcio reads a response without WARC-Target-URI as None.startswith
    TypeError,
)
# Where a record can start in a file that is not gzipped: a WARC version line or an ARC
# header line (URL, IP address, 14-digit date).
_PLAIN_START = re.compile(
    rb"(?:^|\n)(WARC/[01]\.\d+\r?\n|[a-z][a-z0-9+.-]*:\S+ \d{1,3}(?:\.\d{1,3}){3} \d{14} )"
)
_GZIP_START = b"\x1f\x8b\x08"

# warcio logs each target URI with spaces it repairs; the repair is what we want, and a
# log line per record would bury the real problems ingest reports.
logging.getLogger("warcio").setLevel(logging.ERROR)

Result = tuple[Article | InvalidRecord, Provenance]
Note = Capture | Skipped | InvalidRecord
Output = Result | Note


@dataclass(frozen=True, slots=True)
class Page:
    """An HTML capture waiting for extraction (sent to a worker)."""

    url: str
    captured: str | None
    offset: int
    html: bytes
    content_type: str | None


Entry = Page | Note


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


class _Iterator(ArchiveIterator):  # type: ignore[misc]
    """warcio's reader, noting a record that overruns its length instead of printing it."""

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__(handle, arc2warc=True)
        self.overruns: list[int] = []

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        # Between records there should be blank lines only; anything else right after a
        # record means its Content-Length was wrong. Same contract as warcio's own.
        consumed = 0
        first = True
        while True:
            line: bytes = self.reader.readline()
            if not line:
                return None, consumed
            if line.strip() and not first:
                return line, consumed
            consumed += len(line)
            if line.strip():
                self.overruns.append(self.fh.tell() - self.reader.rem_length() - consumed)
            first = False


def _utc(value: str | None) -> str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(record: Any, offset: int, origin: str) -> Entry | None:
    """What one record means to the archive; None for the archive's own bookkeeping."""
    where = f"{origin}@{offset}"
    kind = record.rec_type
    if kind in _BOOKKEEPING:
        return None
    headers = record.rec_headers
    url = (headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    captured = _utc(headers.get_header("WARC-Date"))
    if kind == "revisit":
        if not url or not captured:
            return Skipped("a revisit record without a target URI or date", where)
        return Capture(url, captured, "revisit", origin, offset)
    if kind not in ("response", "resource"):
        return Skipped(f"a {kind} record", where)
    if not url:
        return Skipped("a record without a target URI", where)
    http = record.http_headers
    if (
        http is None
        and url.startswith(("http:", "https:"))
        and (record.content_type or "").startswith("application/http")
    ):
        return InvalidRecord(
            "damaged record: its HTTP headers cannot be read (cut short?)", where=where
        )
    if http is not None and kind == "response":
        status = http.get_statuscode()
        if status != "200":
            return Skipped(f"HTTP status {status or 'missing'}, not a page", where)
        content_type = http.get_header("Content-Type")
    else:
        content_type = record.content_type
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in _HTML:
        return Skipped(f"not an HTML page ({mime or 'no content type'})", where)
    html: bytes = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if len(html) > MAX_PAGE_BYTES:
        return InvalidRecord(
            f"the page is over {MAX_PAGE_BYTES:,} bytes once decompressed",
            where=where,
            hint="a page that large is a decompression bomb or not an article",
        )
    if not html.strip():
        return Skipped("an empty page", where)
    return Page(url, captured, offset, html, content_type)


def _next_start(data: mmap.mmap, after: int, gzipped: bool) -> int:
    """The next place after `after` where a record may start, or the end of the data."""
    if gzipped:
        found = data.find(_GZIP_START, after)
        return found if found >= 0 else len(data)
    match = _PLAIN_START.search(data, after)
    if match is None:
        return len(data)
    return int(match.start(1))


def _damage(error: BaseException) -> str:
    reason = " ".join(str(error).split()) or type(error).__name__
    if "non-chunked gzip" in reason:
        return "the file is one gzip stream, not one gzip member per record"
    return f"damaged record: {reason[:200]}"


def _walk(handle: IO[bytes], origin: str, seen: set[str]) -> Iterator[Entry]:
    """Every record's entry, each damaged place reported once."""
    told: set[str | None] = set()
    for entry in _records(handle, origin, seen):
        if isinstance(entry, InvalidRecord):
            if entry.where in told:
                continue  # the record and the reader's failure on it are one problem
            told.add(entry.where)
        yield entry


def _records(handle: IO[bytes], origin: str, seen: set[str]) -> Iterator[Entry]:
    """Every record's entry, resuming after damage; offsets count bytes of `handle`.

    `seen` holds the WARC-Record-IDs already read, so a record met twice (after a resync,
    or again in a decompressed copy) is read once.
    """
    data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    gzipped = data[:2] == b"\x1f\x8b"
    start = 0
    try:
        while start < len(data):
            handle.seek(start)
            records = _Iterator(handle)
            offset = start
            try:
                for record in records:
                    # warcio's count goes wrong (even below zero) on a damaged length; a
                    # record lies at or after where reading began, and resuming must move on.
                    offset = max(records.offset, start)
                    record_id = record.rec_headers.get_header("WARC-Record-ID")
                    if record_id in seen:
                        continue
                    if record_id:
                        seen.add(record_id)
                    found = _entry(record, offset, origin)
                    if found is not None:
                        yield found
                    for at in records.overruns:
                        yield InvalidRecord(
                            "the record before this offset does not end where its "
                            "Content-Length says; what follows it was skipped",
                            where=f"{origin}@{at}",
                        )
                    records.overruns.clear()
                stopped = max(records.offset, offset)
                if stopped >= len(data) or not data[stopped:].strip():
                    later = _next_start(data, offset + 1, gzipped) if gzipped else len(data)
                    if later >= stopped:
                        return
                    # A gzip member starts inside what was read as the last record: a cut
                    # member swallowed the records after it. Report it, read them too.
                    stopped = offset
                # warcio can take a cut gzip member for the end of the file and stop
                # quietly: bytes are left, so it is damage, and the rest is still read.
                yield InvalidRecord(
                    "damaged record: it ends before its Content-Length says (cut short?)",
                    where=f"{origin}@{stopped}",
                    hint="the rest of the file is read",
                )
                start = _next_start(data, offset + 1, gzipped)
                continue
            except _DAMAGE as error:
                failed = max(records.offset, offset)
                message = _damage(error)
                if message.startswith("the file is one gzip") and gzipped:
                    yield InvalidRecord(
                        message,
                        where=f"{origin}@{failed}",
                        hint="read it decompressed (later offsets count decompressed bytes); "
                        "`warcio recompress` fixes the file",
                    )
                    yield from _decompressed(data, origin, seen)
                    return
                yield InvalidRecord(
                    message, where=f"{origin}@{failed}", hint="the rest of the file is read"
                )
                # Resume after the start of the record being read, not after where the
                # failure showed: a cut gzip member can swallow the records after it.
                start = _next_start(data, offset + 1, gzipped)
    finally:
        data.close()


def _decompressed(data: mmap.mmap, origin: str, seen: set[str]) -> Iterator[Entry]:
    """A gzip file whose members hold several records: read it from a decompressed copy."""
    limit = settings.get_int("max_file_bytes")
    with tempfile.TemporaryFile() as plain:
        rest = bytes(data)
        written = 0
        while rest:
            inflater = zlib.decompressobj(wbits=31)
            try:
                chunk = inflater.decompress(rest, limit + 1 - written)
            except zlib.error:
                break  # what came out before the damage is still read
            written += len(chunk)
            if written > limit:
                yield InvalidRecord(
                    f"the file decompresses to more than {limit:,} bytes",
                    where=origin,
                    hint="split it, or raise XRONIKA_MAX_FILE_BYTES",
                )
                return
            plain.write(chunk)
            rest = inflater.unused_data if inflater.eof else b""
        if not written:
            return
        plain.flush()
        yield from _walk(plain, origin, seen)


def scan(path: Path) -> Iterator[Entry]:
    """Every entry of a WARC or ARC file, in file order."""
    origin = str(path)
    try:
        handle = path.open("rb")
    except OSError as error:
        raise SourceError(f"cannot open: {error.strerror}", where=origin) from None
    with handle:
        yield from _walk(handle, origin, set())


def check(path: Path) -> None:
    """Fail early, naming the file, when it cannot be a readable archive at all."""
    origin = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(1)
    except OSError as error:
        raise SourceError(f"cannot open: {error.strerror}", where=origin) from None
    if not head:
        raise SourceError("the file is empty", where=origin)


def jobs(path: Path) -> Iterator[tuple[list[Entry], int]]:
    """The file's entries in jobs for the workers, with the bytes of HTML in each."""
    job: list[Entry] = []
    pages = size = 0
    for entry in scan(path):
        job.append(entry)
        if isinstance(entry, Page):
            pages += 1
            size += len(entry.html)
        if pages >= PAGES_PER_JOB or size >= JOB_BYTES:
            yield job, size
            job, pages, size = [], 0, 0
    if job:
        yield job, size


def read_entries(origin: str, entries: list[Entry]) -> list[Output]:
    """Worker: extract the pages of one job; pass the parent's notes through."""
    found: list[Output] = []
    for entry in entries:
        if not isinstance(entry, Page):
            found.append(entry)
            continue
        place = Provenance(origin, offset=entry.offset)
        where = str(place)
        try:
            draft = extract(as_utf8(entry.html, entry.content_type), entry.url, where)
        except InvalidRecord:
            found.append(Skipped("an HTML page without article text", where))
            if entry.captured:
                found.append(Capture(entry.url, entry.captured, "response", origin, entry.offset))
            continue
        draft.url = entry.url  # the captured URL, so every capture of it is one article
        try:
            article = finalise(draft, where)
        except InvalidRecord as problem:
            found.append((problem, place))
            continue
        found.append((article, place))
        if entry.captured:
            capture = Capture(entry.url, entry.captured, "response", origin, entry.offset)
            found.append(replace(capture, article=article.id))
    return found
