"""From what a source says to an Article: validation, then what the archive settles itself.

`draft_from_record` checks one record of the JSON article format field by field and says
exactly what is wrong; `finalise` derives what the record left out: the title from the
start of the body (marked as derived), the script from the letters, the language with
lingua (Azerbaijani in Cyrillic by its letters), the id from the URL or the content. A
missing date stays missing: an invented date would be data loss in disguise.
"""

from __future__ import annotations

import re
from typing import Any

from xronika.analysis.detect import detect_language, detect_script
from xronika.errors import InvalidRecord
from xronika.model import (
    Article,
    Draft,
    check_language,
    check_script,
    clean_line,
    clean_text,
    derive_id,
    derive_title,
    parse_published,
)

_TEXT_FIELDS = (
    "id",
    "url",
    "title",
    "published",
    "language",
    "script",
    "section",
    "source",
    "group",
)
_LIST_FIELDS = ("tags", "authors")
# JSON and YAML can spell half a UTF-16 pair (`"\ud800"`); it is no character, and no
# text can be stored, indexed or shown with it.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _characters(value: str, name: str, where: str) -> str:
    found = _SURROGATE.search(value)
    if found:
        raise InvalidRecord(
            f"field {name!r} holds a lone surrogate (\\u{ord(found.group()):04x}), not a character",
            where=where,
            hint="fix the escape in the source; a character outside the BMP is written as a pair",
        )
    return value


def _text(record: dict[str, Any], name: str, where: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if name == "id" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InvalidRecord(
            f"field {name!r} must be a string, not {type(value).__name__}", where=where
        )
    value = clean_line(_characters(value, name, where))
    return value or None


def _list(record: dict[str, Any], name: str, where: str) -> list[str]:
    value = record.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidRecord(f"field {name!r} must be a list of strings", where=where)
    cleaned = [clean_line(_characters(v, name, where)) for v in value]
    return list(dict.fromkeys(v for v in cleaned if v))


def draft_from_record(record: object, where: str) -> Draft:
    """Check one JSON record of the article format; raise InvalidRecord naming the field."""
    if not isinstance(record, dict):
        raise InvalidRecord(
            f"expected a JSON object, found {type(record).__name__}",
            where=where,
            hint="each record must be an article object",
        )
    body = record.get("body")
    if body is None:
        raise InvalidRecord(
            "field 'body' is missing", where=where, hint="every article needs a body"
        )
    if not isinstance(body, str):
        raise InvalidRecord(
            f"field 'body' must be a string, not {type(body).__name__}", where=where
        )
    values = {name: _text(record, name, where) for name in _TEXT_FIELDS}
    draft = Draft(body=_characters(body, "body", where), **values)  # type: ignore[arg-type]
    draft.tags = _list(record, "tags", where)
    draft.authors = _list(record, "authors", where)
    if record.get("title_derived") is True:
        draft.title_derived = True
    return draft


def finalise(draft: Draft, where: str) -> Article:
    """Settle what the source left out and check what it said."""
    body = clean_text(draft.body)
    if not body:
        raise InvalidRecord("field 'body' is empty", where=where, hint="every article needs text")
    published = None
    if draft.published:
        try:
            published = parse_published(draft.published).text
        except ValueError as error:
            raise InvalidRecord(
                f"field 'published': {error}",
                where=where,
                hint="fix the date or leave the field out; xronika never guesses dates",
            ) from None
    title = clean_line(draft.title) if draft.title else ""
    derived = draft.title_derived or not title
    if not title:
        title = derive_title(body)
    script = (
        check_script(draft.script, where) if draft.script else detect_script(title + "\n" + body)
    )
    language = (
        check_language(draft.language, where) if draft.language else detect_language(body, script)
    )
    url = _line(draft.url)
    return Article(
        id=_line(draft.id) or derive_id(url, title, body),
        title=title,
        body=body,
        url=url,
        published=published,
        language=language,
        script=script,
        section=_line(draft.section),
        source=_line(draft.source),
        tags=_lines(draft.tags),
        authors=_lines(draft.authors),
        group=_line(draft.group),
        title_derived=derived,
    )


# Every source's fields are tidied the same way, JSON records' as much as those an HTML
# page, a WARC header or a WordPress export gives: one line, single spaces.
def _line(value: str | None) -> str | None:
    return (clean_line(value) or None) if value else None


def _lines(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in map(clean_line, values) if v))
