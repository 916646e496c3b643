"""Plain text and Markdown files, one article each.

An optional YAML front matter (between `---` lines) gives the fields: title, published (or
date), language, script, section, source, tags, authors (or author), url, id, group.
Without a title there, the first line is the title. Markdown keeps its words and loses
its markup (heading marks, emphasis, link targets).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from xronika.errors import InvalidRecord, SourceError
from xronika.ingest.records import draft_from_record, finalise
from xronika.ingest.sources import decode_utf8
from xronika.model import Article, Provenance

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_ALIASES = {"date": "published", "author": "authors", "lang": "language", "category": "section"}


def _front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    found = _FRONT.match(text)
    if not found:
        return {}, text
    try:
        fields = yaml.safe_load(found.group(1)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 2}" if mark is not None else ""
        raise InvalidRecord(f"front matter is not valid YAML{at}", where=where) from None
    except RecursionError:  # the YAML reader recurses once per level of nesting
        raise InvalidRecord("front matter is nested too deeply", where=where) from None
    if not isinstance(fields, dict):
        raise InvalidRecord("front matter must be a mapping of fields", where=where)
    record: dict[str, Any] = {}
    for key, value in fields.items():
        name = _ALIASES.get(str(key).lower(), str(key).lower())
        if hasattr(value, "isoformat"):
            value = value.isoformat()  # YAML reads bare dates as dates
        record[name] = value
    return record, text[found.end() :]


def _unmark(text: str) -> str:
    """Markdown to its words: no heading marks, emphasis, images or link targets."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s{0,3}>\s?", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    return text


def read_text(
    path: Path, data: bytes, markdown: bool
) -> list[tuple[Article | InvalidRecord, Provenance]]:
    origin = str(path)
    place = Provenance(origin)
    try:
        text = decode_utf8(data, origin)
    except SourceError as error:
        return [(InvalidRecord(error.message, where=origin, hint=error.hint), place)]
    try:
        record, rest = _front_matter(text.replace("\r\n", "\n"), origin)
        if markdown:
            rest = _unmark(rest)
        rest = rest.strip("\n")
        if not record.get("title"):
            first, _, remainder = rest.partition("\n")
            if remainder.strip():
                record["title"], rest = first.strip(), remainder
        record["body"] = rest
        return [(finalise(draft_from_record(record, origin), origin), place)]
    except InvalidRecord as problem:
        return [(problem, place)]
