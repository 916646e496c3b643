"""The Article and its values: dates, ids, titles, the JSON form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xronika.model import Article, clean_text, derive_id, derive_title, parse_published


def test_a_date_without_time_is_a_day_at_midnight_utc() -> None:
    published = parse_published("1990-01-20")
    assert published.day.isoformat() == "1990-01-20"
    assert published.instant == datetime(1990, 1, 20, tzinfo=UTC)
    assert not published.has_time


def test_a_timestamp_keeps_its_local_day_and_converts_its_instant() -> None:
    published = parse_published("2025-08-24T01:03:18+04:00")
    assert published.day.isoformat() == "2025-08-24"
    assert published.instant == datetime(2025, 8, 23, 21, 3, 18, tzinfo=UTC)
    assert published.day_number == 20250824


def test_a_timestamp_without_zone_is_read_as_utc() -> None:
    assert parse_published("1987-03-02T10:01:23").instant.tzinfo is UTC


@pytest.mark.parametrize(
    "value",
    ["", "yesterday", "20/01/1990", "1990-13-01", "1990-02-30", "1990-01-20T25:00",
     "0001-01-01T00:00+01:00", "9999-12-31T23:59-01:00"],  # the last two: no year in UTC
)  # fmt: skip
def test_anything_that_is_not_iso_8601_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_published(value)


def test_a_derived_title_is_the_first_sentence_or_the_first_words() -> None:
    assert derive_title("Short one. Then more.\n\nSecond paragraph.") == "Short one."
    long = " ".join(f"w{i}" for i in range(30))
    assert derive_title(long) == " ".join(f"w{i}" for i in range(12)) + " …"


def test_ids_come_from_the_url_else_from_the_content() -> None:
    assert derive_id("https://a.example/x", "T", "B") == derive_id("https://a.example/x", "U", "C")
    assert derive_id(None, "T", "B") != derive_id(None, "T", "C")
    assert derive_id(None, "T", "B").startswith("c-")


def test_the_content_hash_changes_with_any_field() -> None:
    article = Article(id="a", title="T", body="B")
    assert article.content_hash() == Article(id="a", title="T", body="B").content_hash()
    assert article.content_hash() != article.with_changes(tags=("x",)).content_hash()
    assert article.content_hash() != article.with_changes(published="2000-01-01").content_hash()


def test_clean_text_keeps_paragraphs_and_drops_invisible_characters() -> None:
    raw = "One\u00ad two\u200b\r\n\r\n\r\n  three   four \n\n"
    assert clean_text(raw) == "One two\n\nthree four"


@given(st.text())
def test_clean_text_is_idempotent(text: str) -> None:
    assert clean_text(clean_text(text)) == clean_text(text)
