"""Which files a SOURCE names, what kind each is, and whether it can be read at all.

Sources are files, directories (walked recursively, known kinds only) and globs. A file
that cannot be read as a whole (missing, empty, binary, over the size limit) is a
SourceError naming the path; its neighbours are still ingested.
"""

from __future__ import annotations

import glob
import zlib
from collections.abc import Iterator
from pathlib import Path

from xronika import settings
from xronika.errors import SourceError
from xronika.ingest.documents import kind_of_document

KINDS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".warc": "warc",  # .warc.gz too: a trailing .gz is looked through (see suffix_of)
    ".arc": "warc",
    ".csv": "csv",
    ".tsv": "csv",
    ".xml": "wxr",  # or a sitemap or feed: told apart by content (see kind_of)
    ".rss": "feed",
    ".atom": "feed",
}
_SNIFF_BYTES = 8192


def expand(source: str) -> Iterator[Path | SourceError]:
    """The files a SOURCE stands for, in a stable order; errors for what is not there."""
    path = Path(source)
    if path.is_dir():
        found = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and suffix_of(p) in KINDS
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            yield SourceError(
                "the directory holds no files xronika can ingest",
                where=source,
                hint="it looks for " + ", ".join(sorted(KINDS)),
            )
        yield from found
        return
    if path.exists():
        yield path
        return
    if any(c in source for c in "*?["):
        matches = sorted(Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file())
        if not matches:
            yield SourceError("no files match this pattern", where=source)
        yield from matches
        return
    yield SourceError("no such file or directory", where=source, hint="check the path")


def suffix_of(path: Path) -> str:
    """The extension that says a file's kind, looking through a trailing `.gz`."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return Path(path.stem).suffix.lower()
    return suffix


def kind_of(path: Path, head: bytes) -> str:
    """A file's kind from its extension, else from its first bytes."""
    known = KINDS.get(suffix_of(path))
    if known == "wxr":
        found = kind_of_document(head)
        return found if found in ("sitemap", "feed") else "wxr"
    if known:
        return known
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"{":
        return "jsonl"
    if start == b"[":
        return "json"
    if start == b"<":
        return "html"
    return "text"


def check_head(path: Path) -> None:
    """The checks of `read_checked` for a file that is then streamed, not read whole."""
    where = str(path)
    limit = settings.get_int("max_file_bytes")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except PermissionError:
        raise SourceError("permission denied", where=where) from None
    except FileNotFoundError:
        raise SourceError("no such file", where=where) from None
    if size > limit:
        raise SourceError(
            f"the file is {size:,} bytes, over the limit of {limit:,}",
            where=where,
            hint="split it, or raise XRONIKA_MAX_FILE_BYTES",
        )
    if not head.strip() and size <= _SNIFF_BYTES:
        raise SourceError("the file is empty", where=where)
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(
            "the file is binary, not text", where=where, hint="ingest reads JSONL, JSON, HTML, text"
        )


def read_checked(path: Path) -> bytes:
    """A file's bytes, after the checks that apply to every kind."""
    where = str(path)
    limit = settings.get_int("max_file_bytes")
    try:
        size = path.stat().st_size
        if size > limit:
            raise SourceError(
                f"the file is {size:,} bytes, over the limit of {limit:,}",
                where=where,
                hint="split it, or raise XRONIKA_MAX_FILE_BYTES",
            )
        data = path.read_bytes()
        if path.suffix.lower() == ".gz":
            data = _gunzip(data, where, limit)
    except PermissionError:
        raise SourceError("permission denied", where=where) from None
    except IsADirectoryError:
        raise SourceError("is a directory", where=where) from None
    except FileNotFoundError:
        raise SourceError("no such file", where=where) from None
    if not data.strip():
        raise SourceError("the file is empty", where=where)
    if b"\x00" in data[:_SNIFF_BYTES] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(
            "the file is binary, not text", where=where, hint="ingest reads JSONL, JSON, HTML, text"
        )
    return data


def _gunzip(data: bytes, where: str, limit: int) -> bytes:
    """A gzipped source, every member of it (as `gzip -d` reads `cat a.gz b.gz`), refused
    once it inflates past the size limit (a gzip bomb)."""
    plain = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header, detected
        try:
            plain += inflater.decompress(rest, limit + 1 - len(plain))
        except zlib.error as error:
            raise SourceError(
                f"not a readable gzip file: {error}", where=where, hint="is it truncated?"
            ) from None
        if len(plain) > limit:
            raise SourceError(
                f"the file decompresses to more than {limit:,} bytes (the size limit)",
                where=where,
                hint="a gzip bomb, or split it, or raise XRONIKA_MAX_FILE_BYTES",
            )
        if not inflater.eof:
            raise SourceError(
                "the gzip file is truncated", where=where, hint="copy or download it again"
            )
        rest = inflater.unused_data
    return bytes(plain)


def decode_utf8(data: bytes, where: str) -> str:
    """Decode a whole file as UTF-8, naming the first bad byte if it is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceError(
            f"not valid UTF-8: byte 0x{data[error.start]:02x} "
            f"at offset {error.start} (line {line})",
            where=where,
            hint="convert the file to UTF-8, e.g. with iconv",
        ) from None
