"""JSONL and JSON arrays in the article format (that of `shared/data/corpus/*.jsonl`).

JSONL is read line by line from bytes, so one bad line (broken JSON, not an object, bad
UTF-8) is reported as `file:line` and the lines around it still go in. Big files are cut
into chunks of lines that worker processes read in parallel.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from xronika.errors import InvalidRecord, SourceError
from xronika.ingest.records import draft_from_record, finalise
from xronika.ingest.sources import decode_utf8
from xronika.model import Article, Provenance

CHUNK_LINES = 2000
# Python's JSON reader recurses once per level: a hostile file of `[[[[…` must be a bad
# record, not a crash of the whole run.
_FLAT = "an article is an object of strings and lists of strings"
Result = tuple[Article | InvalidRecord, Provenance]


def chunks(data: bytes) -> Iterator[tuple[int, list[bytes]]]:
    """Cut a JSONL file into (first line number, lines) pieces."""
    lines = data.split(b"\n")
    for start in range(0, len(lines), CHUNK_LINES):
        yield start + 1, lines[start : start + CHUNK_LINES]


def stream_chunks(path: Path) -> Iterator[tuple[int, list[bytes]]]:
    """The same pieces as `chunks`, read from the file as they are needed.

    A JSONL export can be larger than memory; only the chunks in flight are held.
    """
    with path.open("rb") as handle:
        first, lines = 1, []
        for number, line in enumerate(handle, 1):
            lines.append(line.rstrip(b"\r\n"))
            if len(lines) >= CHUNK_LINES:
                yield first, lines
                first, lines = number + 1, []
        if lines:
            yield first, lines


def read_lines(origin: str, first: int, lines: list[bytes]) -> list[Result]:
    found: list[Result] = []
    for number, raw in enumerate(lines, first):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        place = Provenance(origin, line=number)
        where = str(place)
        try:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise InvalidRecord(
                    f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at column {error.start + 1})",
                    where=where,
                    hint="convert the file to UTF-8",
                ) from None
            try:
                record = json.loads(text)
            except json.JSONDecodeError as error:
                raise InvalidRecord(
                    f"malformed JSON: {error.msg} at column {error.colno}",
                    where=where,
                    hint="each line must be one JSON object",
                ) from None
            except RecursionError:
                raise InvalidRecord(
                    "the JSON is nested too deeply to be an article", where=where, hint=_FLAT
                ) from None
            found.append((finalise(draft_from_record(record, where), where), place))
        except InvalidRecord as problem:
            found.append((problem, place))
    return found


def read_array(path: Path, data: bytes) -> list[Result]:
    """A JSON file: an array of article objects, or one object."""
    origin = str(path)
    text = decode_utf8(data, origin)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        if text.lstrip().startswith("{") and "\n{" in text:
            return read_lines(origin, 1, data.split(b"\n"))  # JSONL named .json
        raise SourceError(
            f"malformed JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            where=origin,
            hint="the file must be a JSON array of article objects",
        ) from None
    except RecursionError:
        raise SourceError(
            "the JSON is nested too deeply to hold articles", where=origin, hint=_FLAT
        ) from None
    records = value if isinstance(value, list) else [value]
    found: list[Result] = []
    for number, record in enumerate(records, 1):
        place = Provenance(origin, offset=number)
        where = f"{origin}[{number}]"
        try:
            found.append((finalise(draft_from_record(record, where), where), place))
        except InvalidRecord as problem:
            found.append((problem, place))
    return found
