"""Walking the archive by date: the store's calendar queries and the date pages over them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from xronika.archive import Archive
from xronika.store.calendar import Calendar, Count
from xronika.web import create_app

Make = Callable[[list[dict[str, Any]]], Archive]

RECORDS = [
    {"id": "a", "title": "A", "body": "a", "published": "2019-12-31", "language": "en"},
    {"id": "b", "title": "B", "body": "b", "published": "2020-01-20T23:30:00+04:00", "language": "en"},
    {"id": "c", "title": "C", "body": "c", "published": "2020-01-20T08:00:00+04:00", "language": "en"},
    {"id": "d", "title": "D", "body": "d", "published": "2020-03-01", "language": "en", "section": "World"},
    {"id": "e", "title": "E", "body": "e", "published": "2024-02-29", "language": "en"},
    {"id": "f", "title": "F", "body": "f", "published": "1991-01-20", "language": "en"},
    {"id": "g", "title": "G", "body": "g", "language": "en"},
]  # fmt: skip


@pytest.fixture
def calendar(make_archive: Make) -> Calendar:
    return Calendar(make_archive(RECORDS).store)


@pytest.fixture(scope="module")
def client(sample_archive: Archive) -> TestClient:
    return TestClient(create_app(sample_archive), headers={"Accept-Language": "en"})


# -- the queries -------------------------------------------------------------------------


def test_counts_by_year_month_and_day(calendar: Calendar) -> None:
    assert calendar.years() == [Count(1991, 1), Count(2019, 1), Count(2020, 3), Count(2024, 1)]
    assert calendar.months(2020) == [Count(1, 2), Count(3, 1)]
    assert calendar.days(2020, 1) == [Count(20, 2)]
    assert calendar.days(2019, 12) == [Count(31, 1)]  # December's end bound is next January
    assert calendar.undated() == 1


def test_neighbours_skip_periods_without_articles(calendar: Calendar) -> None:
    assert calendar.day_before(date(2020, 1, 20)) == date(2019, 12, 31)
    assert calendar.day_after(date(2020, 1, 20)) == date(2020, 3, 1)
    assert calendar.day_before(date(1991, 1, 20)) is None
    assert calendar.month_before(2020, 3) == (2020, 1)
    assert calendar.month_after(2020, 1) == (2020, 3)
    assert calendar.month_after(2024, 2) is None
    assert calendar.year_before(2019) == 1991 and calendar.year_after(2020) == 2024


def test_a_day_lists_its_articles_in_the_order_they_were_published(calendar: Calendar) -> None:
    page = calendar.on_day(date(2020, 1, 20), limit=10)
    found = calendar.store.by_keys(page.keys)
    assert [found[k].article.id for k in page.keys] == ["c", "b"] and page.total == 2


def test_on_this_day_spans_the_years_newest_first(calendar: Calendar) -> None:
    page = calendar.on_this_day(1, 20, limit=10)
    found = calendar.store.by_keys(page.keys)
    assert [found[k].article.id for k in page.keys] == ["c", "b", "f"]
    assert calendar.on_this_day(2, 29, limit=10).total == 1
    assert calendar.days_of_year()[0] == (1, 20)


def test_latest_sections_and_sitemap_rows(calendar: Calendar) -> None:
    found = calendar.store.by_keys(calendar.latest(3))
    assert [found[k].article.id for k in calendar.latest(3)] == ["e", "d", "b"]
    assert len(calendar.latest(1, "World")) == 1 and calendar.latest(1, "Nope") == []
    assert calendar.sections() == [("World", 1)]
    rows = calendar.sitemap_rows(limit=5, offset=5)
    assert [r.id for r in rows] == ["f", "g"] and rows[0].lastmod


# -- the pages ---------------------------------------------------------------------------


def test_archive_lists_every_year_with_its_count(
    client: TestClient, sample_archive: Archive
) -> None:
    html = client.get("/archive").text
    assert 'href="/archive/1988"' in html and 'href="/archive/2025"' in html
    assert f"{sample_archive.store.count()} articles" in html


def test_year_page_shows_months_with_counts_and_neighbour_years(client: TestClient) -> None:
    html = client.get("/archive/2020").text
    assert 'href="/archive/2020/01"' in html and "4 articles" in html
    assert 'href="/archive/2020/02"' not in html  # an empty month is not a link
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_month_page_is_a_calendar_with_counts_and_neighbour_months(client: TestClient) -> None:
    html = client.get("/archive/2020/01").text
    assert '<table class="calendar">' in html
    assert 'href="/archive/2020/01/20" aria-label="January 20, 2020: 4 articles"' in html
    assert 'href="/archive/2019/11" rel="prev"' in html
    assert 'href="/archive/2021/02" rel="next"' in html


def test_day_page_lists_the_day_and_links_the_nearest_days(client: TestClient) -> None:
    html = client.get("/archive/2015/06/12").text
    for article in ("sample-az-014", "sample-ru-005", "sample-en-005"):
        assert f"/articles/{article}" in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert 'href="/on-this-day/06-12"' in html


def test_an_empty_day_is_a_page_that_points_to_days_with_articles(client: TestClient) -> None:
    page = client.get("/archive/2020/01/21")
    assert page.status_code == 200
    assert "nothing from this day" in page.text and 'href="/archive/2020/01/20"' in page.text


def test_on_this_day_lists_every_year_newest_first_each_linking_its_day(client: TestClient) -> None:
    html = client.get("/on-this-day/01-20").text
    years = [int(y) for y in re.findall(r'id="year-(\d{4})"', html)]
    assert years == sorted(years, reverse=True) and years[0] == 2025 and years[-1] == 1991
    for year in years:
        assert f'href="/archive/{year}/01/20"' in html
    assert 'href="/on-this-day/01-19"' in html and 'href="/on-this-day/01-21"' in html


def test_on_this_day_without_a_date_goes_to_today(client: TestClient) -> None:
    page = client.get("/on-this-day", follow_redirects=False)
    assert page.status_code == 302
    assert page.headers["location"] == date.today().strftime("/on-this-day/%m-%d")


@pytest.mark.parametrize(
    ("url", "explains", "way_on"),
    [
        ("/archive/2024/13", "2024 has no month “13”", "/archive/2024"),
        (
            "/archive/2023/02/29",
            "2023-02 has no day “29”: that month has 28 days",
            "/archive/2023/02",
        ),
        ("/archive/2024/00", "has no month", "/archive/2024"),
        ("/archive/99999", "is not a year", "/archive"),
        ("/archive/abcd/01", "is not a year", "/archive"),
        ("/archive/2020/01/x1", "has no day", "/archive/2020/01"),
        ("/on-this-day/02-30", "is not a day of the year", "/on-this-day"),
        ("/on-this-day/1-2", "is not a day of the year", "/on-this-day"),
    ],
)
def test_impossible_dates_are_helpful_404_pages(
    client: TestClient, url: str, explains: str, way_on: str
) -> None:
    page = client.get(url)
    assert page.status_code == 404, url
    assert page.headers["content-type"].startswith("text/html")
    assert explains in page.text and f'href="{way_on}"' in page.text


def test_a_leap_day_is_a_real_day(client: TestClient) -> None:
    assert client.get("/archive/2024/02/29").status_code == 200
    assert client.get("/on-this-day/02-29").status_code == 200


def test_a_page_past_the_last_is_a_404(client: TestClient) -> None:
    assert client.get("/archive/2020/01/20?page=2").status_code == 404
    assert client.get("/on-this-day/01-20?page=9").status_code == 404


def test_a_day_page_shows_each_article_with_its_time_not_the_date_again(
    client: TestClient,
) -> None:
    html = client.get("/archive/2015/06/12").text.replace("\u202f", " ")
    assert re.search(r'<time datetime="2015-06-12T22:45:00[+]0\d:00">10:45 PM</time>', html)
    assert "June 12, 2015</time>" not in html
