"""The Article and its values: ids, publication dates, languages and scripts.

Every source becomes Articles; the store keeps them, the index is built from them, and the
JSON form here is the same everywhere (JSONL ingest, export, the API).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from xronika.errors import InvalidRecord

TITLE_WORDS = 12
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_SCRIPT = re.compile(r"^[A-Z][a-z]{3}$")


@dataclass(frozen=True, slots=True)
class Published:
    """A publication date as the source states it, plus what browsing and sorting need."""

    text: str
    day: date
    instant: datetime  # UTC; a date without time is taken at 00:00 UTC
    has_time: bool

    @property
    def day_number(self) -> int:
        return self.day.year * 10000 + self.day.month * 100 + self.day.day


def parse_published(value: str) -> Published:
    """Read an ISO 8601 date or timestamp; raise ValueError with a readable reason."""
    text = value.strip()
    if not text:
        raise ValueError("empty date")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = date.fromisoformat(text)
        return Published(text, day, datetime(day.year, day.month, day.day, tzinfo=UTC), False)
    if not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text
    ):
        raise ValueError(
            f"{value!r} is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss±hh:mm)"
        )
    moment = datetime.fromisoformat(text)
    try:
        instant = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
        raise ValueError(f"{value!r} falls outside the years 0001-9999 in UTC") from None
    return Published(text, moment.date(), instant, True)


@dataclass(frozen=True, slots=True)
class Article:
    """One article: the unit the archive stores, indexes, shows and exports."""

    id: str
    title: str
    body: str
    url: str | None = None
    published: str | None = None
    language: str | None = None
    script: str | None = None
    section: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    group: str | None = None
    title_derived: bool = False

    @property
    def published_date(self) -> Published | None:
        return parse_published(self.published) if self.published else None

    def content_hash(self) -> str:
        """A hash of everything the article says; equal hashes mean nothing changed."""
        payload = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """The article's JSON form; absent values are left out, as in the corpus files."""
        out: dict[str, Any] = {"id": self.id}
        for name in ("url", "title", "body", "published", "language", "script"):
            value = getattr(self, name)
            if value:
                out[name] = value
        for name in ("section", "tags", "source", "authors", "group"):
            value = getattr(self, name)
            if value:
                out[name] = list(value) if isinstance(value, tuple) else value
        if self.title_derived:
            out["title_derived"] = True
        return out

    def with_changes(self, **changes: Any) -> Article:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an article came from: a file and line, a URL, a record offset."""

    origin: str
    line: int | None = None
    offset: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.origin}:{self.line}"
        if self.offset is not None:
            return f"{self.origin}@{self.offset}"
        return self.origin


@dataclass(slots=True)
class Draft:
    """An article as a source gives it, before ids, titles and languages are settled."""

    body: str
    title: str | None = None
    id: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    script: str | None = None
    section: str | None = None
    source: str | None = None
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    group: str | None = None
    title_derived: bool = False


_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TIDY_LINE = re.compile(
    r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\n\r\u00a0\u2000-\u200a\u202f\u205f\u3000\x0b\x0c\x1c-\x1f\x85\u2028\u2029]"
)


def clean_text(text: str) -> str:
    """NFC, no invisible characters, paragraphs separated by one blank line."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if "\n" not in text and "\r" not in text:
        return clean_line(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def clean_line(text: str) -> str:
    """One line of text: NFC, no invisible characters, single spaces."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if not _TIDY_LINE.search(text) and text == text.strip():
        return text
    return " ".join(text.split())


def derive_title(body: str) -> str:
    """A title from the start of the body: its first sentence, or its first words."""
    first = body.split("\n\n", 1)[0]
    sentence = re.split(r"(?<=[.!?…])\s", first, maxsplit=1)[0]
    words = sentence.split()
    if len(words) > TITLE_WORDS:
        return " ".join(words[:TITLE_WORDS]) + " …"
    return sentence


def derive_id(url: str | None, title: str, body: str) -> str:
    """A stable id: from the canonical URL when known, else from the content."""
    if url:
        return "u-" + hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:20]
    digest = hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()[:20]
    return "c-" + digest


def check_language(value: str, where: str) -> str:
    code = value.strip().lower()
    if not _LANGUAGE.match(code):
        raise InvalidRecord(
            f"language {value!r} is not an ISO 639 code",
            where=where,
            hint="use a code like az, ru, tr, en",
        )
    return code


def check_script(value: str, where: str) -> str:
    code = value.strip().title()
    if not _SCRIPT.match(code):
        raise InvalidRecord(
            f"script {value!r} is not an ISO 15924 code", where=where, hint="use Latn, Cyrl or Arab"
        )
    return code
