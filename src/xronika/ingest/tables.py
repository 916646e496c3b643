"""CSV and TSV files: one article per row, the header row naming the fields.

A column named like an article field (title, body, published, url, tags, …) is that field;
`--map FIELD=COLUMN` names the column for a field when the header says it otherwise
(`--map body=Text`). Tags and authors cells hold several values split on `;` or `|`.
The parent parses the rows (a quoted cell may hold newlines, so lines cannot be cut
blindly) and hands them in chunks to the workers, which check and finalise them; a bad
row is reported as `file:line` naming the field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from xronika.errors import InvalidRecord, SourceError, UsageError
from xronika.ingest.records import draft_from_record, finalise
from xronika.model import Article, Provenance

FIELDS = (
    "id",
    "url",
    "title",
    "body",
    "published",
    "language",
    "script",
    "section",
    "source",
    "tags",
    "authors",
    "group",
)
_ALIASES = {
    "date": "published",
    "author": "authors",
    "tag": "tags",
    "lang": "language",
    "category": "section",
    "text": "body",
    "content": "body",
    "headline": "title",
    "link": "url",
}
_LISTS = ("tags", "authors")
_SPLIT = re.compile(r"\s*[;|]\s*")
CHUNK_ROWS = 2000
Rows = list[tuple[int, dict[str, str]]]
Result = tuple[Article | InvalidRecord, Provenance]


def parse_map(values: tuple[str, ...] | list[str]) -> dict[str, str]:
    """`--map` values (FIELD=COLUMN, or a JSON file of them) as {field: column}."""
    mapping: dict[str, str] = {}
    for value in values:
        if "=" not in value and value.endswith(".json"):
            try:
                loaded = json.loads(Path(value).read_text("utf-8"))
            except (OSError, ValueError) as error:
                raise UsageError(f"cannot read the map file: {error}", where=value) from None
            if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
                raise UsageError(
                    "a map file must be a JSON object of field names to column names",
                    where=value,
                    hint='e.g. {"title": "Headline", "body": "Text"}',
                )
            pairs = [(str(k), v) for k, v in loaded.items()]
        else:
            field, sep, column = value.partition("=")
            if not sep or not column.strip():
                raise UsageError(
                    f"--map {value!r} is not FIELD=COLUMN", hint="e.g. --map body=Text"
                )
            pairs = [(field, column)]
        for field, column in pairs:
            name = field.strip().lower()
            if name not in FIELDS:
                raise UsageError(
                    f"--map names an unknown article field {field!r}",
                    hint="fields are " + ", ".join(FIELDS),
                )
            mapping[name] = column.strip()
    return mapping


def _columns(header: list[str], mapping: Mapping[str, str], where: str) -> dict[int, str]:
    """Which article field each column feeds; the body must be one of them."""
    by_column = {column.lower(): field for field, column in mapping.items()}
    fields: dict[int, str] = {}
    for number, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff")
        field = by_column.get(name.lower())
        if field is None and name.lower() not in {c.lower() for c in mapping.values()}:
            guess = name.lower()
            field = guess if guess in FIELDS else _ALIASES.get(guess)
            if field in mapping:
                field = None  # --map chose another column for this field
        if field is not None and field not in fields.values():
            fields[number] = field
    missing = [
        c for f, c in mapping.items() if c.lower() not in {h.strip().lower() for h in header}
    ]
    if missing:
        raise SourceError(
            f"no column named {missing[0]!r} in the header",
            where=f"{where}:1",
            hint="the columns are " + ", ".join(repr(h) for h in header),
        )
    if "body" not in fields.values():
        raise SourceError(
            "no column holds the article body",
            where=f"{where}:1",
            hint="name it with --map body=COLUMN; the columns are "
            + ", ".join(repr(h) for h in header),
        )
    return fields


def _text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceError(
            f"not valid UTF-8: byte 0x{data[error.start]:02x} on line {line}",
            where=f"{where}:{line}",
            hint="save the file as UTF-8 (iconv -f cp1251 -t utf-8, or your spreadsheet's "
            "'CSV UTF-8' option)",
        ) from None


def _dialect(path: Path, text: str) -> type[csv.Dialect] | csv.Dialect:
    if path.name.lower().removesuffix(".gz").endswith(".tsv"):
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def rows(path: Path, data: bytes, mapping: Mapping[str, str]) -> Iterator[Rows]:
    """The file's rows as {field: cell} with their line numbers, in chunks for workers."""
    origin = str(path)
    text = _text(data, origin)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(path, text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise SourceError("no header row", where=origin) from None
    fields = _columns(header, mapping, origin)
    chunk: Rows = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            chunk.append((line, {"\x00error": str(error)}))
            line = reader.line_num + 1
            continue
        if any(cell.strip() for cell in cells):
            record = {fields[i]: cell for i, cell in enumerate(cells) if i in fields}
            if len(cells) > len(header):
                record["\x00error"] = f"the row has {len(cells)} cells, the header {len(header)}"
            chunk.append((line, record))
        line = reader.line_num + 1
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def read_rows(origin: str, chunk: Rows) -> list[Result]:
    """Worker: check and finalise rows; a bad one is `file:line` naming the field."""
    found: list[Result] = []
    for line, cells in chunk:
        place = Provenance(origin, line=line)
        where = str(place)
        try:
            if "\x00error" in cells:
                raise InvalidRecord(
                    cells["\x00error"], where=where, hint="check the quoting of this row"
                )
            record: dict[str, object] = {}
            for field, cell in cells.items():
                value = cell.strip()
                if not value:
                    continue
                record[field] = [v for v in _SPLIT.split(value) if v] if field in _LISTS else value
            if "body" not in record:
                record["body"] = ""  # an empty cell: finalise names the field
            found.append((finalise(draft_from_record(record, where), where), place))
        except InvalidRecord as problem:
            found.append((problem, place))
    return found
