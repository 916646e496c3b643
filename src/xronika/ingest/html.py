"""HTML pages, one article each, extracted with trafilatura.

trafilatura removes the boilerplate and finds title, body, date, authors and canonical URL.
Around it we ask htmldate for the original publication date (not the modified one), keep
the time of day only when the page states it, drop the headline when the extractor repeats
it as the first paragraph, and take the language from `<html lang>` when the page says it.
"""

from __future__ import annotations

import re
from pathlib import Path

import trafilatura

from xronika.errors import InvalidRecord
from xronika.ingest.records import finalise
from xronika.model import Article, Draft, Provenance, clean_line

_LANG = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
MIN_WORDS = 5  # below this, what the extractor found is a menu or a caption, not an article
_DATE_PARAMS = {
    "original_date": True,
    "extensive_search": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def _published(value: str | None) -> str | None:
    """htmldate's timestamp as ISO 8601; a midnight without zone is a date, not a time."""
    if not value:
        return None
    found = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})([+-]\d{2})?(\d{2})?", value)
    if not found:
        return value[:10] if re.match(r"\d{4}-\d{2}-\d{2}", value) else None
    day, time, hours, minutes = found.groups()
    if hours is None:
        return day if time == "00:00:00" else f"{day}T{time}"
    return f"{day}T{time}{hours}:{minutes or '00'}"


def extract(data: bytes, url: str | None, where: str) -> Draft:
    """The article in one page; InvalidRecord when the page holds no article text."""
    found = trafilatura.bare_extraction(
        data,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if found is None:
        found = {}
    elif not isinstance(found, dict):
        found = found.as_dict()
    text = found.get("text")
    if not text or len(text.split()) < MIN_WORDS:
        raise InvalidRecord(
            "no article text found in the page", where=where, hint="is it an article page?"
        )
    title = clean_line(found["title"]) if found.get("title") else None
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    if title and paragraphs and clean_line(paragraphs[0]) == title and len(paragraphs) > 1:
        paragraphs = paragraphs[1:]
    language = _LANG.search(data[:4096])
    authors = [a.strip() for a in re.split(r";|\band\b", found.get("author") or "") if a.strip()]
    return Draft(
        body="\n\n".join(paragraphs),
        title=title,
        url=found.get("url") or url,
        published=_published(found.get("date")),
        language=language.group(1).decode().lower() if language else None,
        section=(found.get("categories") or [None])[0],
        source=found.get("sitename"),
        tags=list(found.get("tags") or []),
        authors=authors,
    )


def read_page(path: Path, data: bytes) -> list[tuple[Article | InvalidRecord, Provenance]]:
    place = Provenance(str(path))
    try:
        return [(finalise(extract(data, None, str(path)), str(path)), place)]
    except InvalidRecord as problem:
        return [(problem, place)]
