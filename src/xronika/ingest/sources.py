"""Which files a SOURCE names, what kind each is, and whether it can be read at all.

Sources are files, directories (walked recursively, known kinds only) and globs. A file
that cannot be read as a whole (missing, empty, binary, over the size limit) is a
SourceError naming the path; its neighbours are still ingested.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from xronika import settings
from xronika.errors import SourceError

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
            and p.suffix.lower() in KINDS
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


def kind_of(path: Path, head: bytes) -> str:
    """A file's kind from its extension, else from its first bytes."""
    known = KINDS.get(path.suffix.lower())
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
