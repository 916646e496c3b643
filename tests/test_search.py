"""Search: the query language, filters, sort, pagination, facets, snippets, the JSON shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from xronika.archive import Archive
from xronika.errors import UsageError
from xronika.search import SearchRequest, search

Make = Callable[[list[dict[str, Any]]], Archive]

RECORDS = [
    {"id": "r1", "title": "Museum opens new hall", "body": "The city museum opened a new hall of carpets.",
     "published": "2019-01-20", "language": "en", "section": "Culture", "source": "Daily", "tags": ["museum"]},
    {"id": "r2", "title": "Carpet fair in Baku", "body": "A fair of old carpets opened in Baku on Monday.",
     "published": "2021-05-03T10:00:00+04:00", "language": "en", "section": "Culture", "source": "Weekly"},
    {"id": "r3", "title": "Oil prices fall", "body": "Oil prices fell sharply on world markets.",
     "published": "2020-03-09", "language": "en", "section": "Business", "source": "Daily"},
    {"id": "r4", "title": "Neft qiymətləri düşdü", "body": "Dünya bazarlarında neft qiymətləri kəskin düşüb.",
     "published": "2020-03-09T12:00:00+04:00", "language": "az", "section": "İqtisadiyyat", "source": "Xəbər"},
    {"id": "r5", "title": "Undated note", "body": "A museum guide without a date.", "language": "en"},
]  # fmt: skip


@pytest.fixture
def archive(make_archive: Make) -> Archive:
    return make_archive(RECORDS)


def ids(archive: Archive, query: str, **options: Any) -> list[str]:
    result = search(archive, SearchRequest(query=query, **options))
    return [hit["id"] for hit in result.hits]


def test_all_words_must_match_by_default(archive: Archive) -> None:
    assert set(ids(archive, "carpets")) == {"r1", "r2"}
    both = search(archive, SearchRequest(query="carpets museum"))
    assert both.hits[0]["id"] == "r1" and both.partial  # the rest have only one of the words


def test_articles_with_every_word_come_before_those_with_some(archive: Archive) -> None:
    result = search(archive, SearchRequest(query="carpets baku"))
    assert [h["id"] for h in result.hits] == ["r2", "r1"] and result.partial
    assert result.total == 2
    second_page = search(archive, SearchRequest(query="carpets baku", limit=1, offset=1))
    assert [h["id"] for h in second_page.hits] == ["r1"]
    assert not search(archive, SearchRequest(query="carpets baku", limit=1)).partial


def test_when_no_article_has_every_word_the_best_partial_matches_are_returned(
    archive: Archive,
) -> None:
    result = search(archive, SearchRequest(query="museum volcano"))
    assert result.partial and {h["id"] for h in result.hits} == {"r1", "r5"}
    assert not search(archive, SearchRequest(query="museum")).partial


def test_phrases_exclusions_and_or(archive: Archive) -> None:
    assert ids(archive, '"new hall"') == ["r1"]
    assert ids(archive, '"hall new"') == []
    assert ids(archive, "museum -carpets") == ["r5"]
    assert set(ids(archive, "oil OR carpet")) == {"r1", "r2", "r3"}


def test_prefix_search(archive: Archive) -> None:
    assert set(ids(archive, "carp*")) == {"r1", "r2"}


def test_field_filters_in_the_query_and_as_options(archive: Archive) -> None:
    assert ids(archive, "prices lang:az") == [] and ids(archive, "neft lang:az") == ["r4"]
    assert set(ids(archive, "section:culture")) == {"r1", "r2"}
    assert ids(archive, 'source:"Xəbər"') == ["r4"]
    assert set(ids(archive, "", sections=("Business", "İqtisadiyyat"))) == {"r3", "r4"}


def test_dates_accept_years_months_and_days(archive: Archive) -> None:
    assert set(ids(archive, "", date_from="2020", date_to="2020")) == {"r3", "r4"}
    assert ids(archive, "", date_from="2021-05", date_to="2021-05") == ["r2"]
    assert ids(archive, "", date_from="2019-01-20", date_to="2019-01-20") == ["r1"]
    with pytest.raises(UsageError):
        search(archive, SearchRequest(query="", date_from="20.01.2019"))


def test_sort_by_date_and_pagination(archive: Archive) -> None:
    newest = ids(archive, "", sort="newest", limit=4)
    assert newest == ["r2", "r4", "r3", "r1"] or newest == ["r2", "r3", "r4", "r1"]
    assert ids(archive, "", sort="oldest", limit=1) == ["r1"]
    first = ids(archive, "", sort="oldest", limit=2)
    second = ids(archive, "", sort="oldest", limit=2, offset=2)
    assert not set(first) & set(second)
    result = search(archive, SearchRequest(query="", limit=2, offset=2))
    assert result.total == 5 and result.page == 2 and result.per_page == 2


def test_facets_count_language_section_year_and_source(archive: Archive) -> None:
    facets = search(archive, SearchRequest(query="")).facets
    assert {"value": "en", "count": 4} in facets["language"]
    assert {"value": "Culture", "count": 2} in facets["section"]
    assert [b["value"] for b in facets["year"]] == ["2021", "2020", "2019"]
    assert {"value": "Daily", "count": 2} in facets["source"]
    narrowed = search(archive, SearchRequest(query="oil")).facets
    assert narrowed["language"] == [{"value": "en", "count": 1}]


def test_snippets_mark_the_matching_words_in_the_original_text(archive: Archive) -> None:
    hit = search(archive, SearchRequest(query="carpet fair")).hits[0]
    assert "<mark>carpets</mark>" in hit["snippet"] and "<mark>fair</mark>" in hit["snippet"]


def test_the_result_has_exactly_the_agreed_shape(archive: Archive) -> None:
    result = search(archive, SearchRequest(query="museum")).to_json()
    assert set(result) >= {
        "query",
        "total",
        "page",
        "per_page",
        "took_ms",
        "hits",
        "facets",
        "suggestion",
    }
    for hit in result["hits"]:
        assert set(hit) == {"id", "title", "url", "published", "language", "section", "source",
                            "snippet", "score", "copies"}  # fmt: skip
        assert hit["copies"] == []
    undated = next(h for h in result["hits"] if h["id"] == "r5")
    assert undated["published"] is None and undated["url"] is None and undated["section"] is None
    assert set(result["facets"]) == {"language", "section", "year", "source"}


@pytest.mark.parametrize(
    "query", ['"unclosed phrase', "((", "-", "OR", "OR OR museum", ":::", "lang:"]
)
def test_broken_syntax_never_fails(archive: Archive, query: str) -> None:
    search(archive, SearchRequest(query=query))


def test_typos_in_longer_words_still_find_and_suggest(archive: Archive) -> None:
    result = search(archive, SearchRequest(query="musuem"))
    assert {h["id"] for h in result.hits} == {"r1", "r5"}
    assert result.suggestion == "museum"


def test_limits_on_query_length_and_page_size(archive: Archive) -> None:
    with pytest.raises(UsageError):
        search(archive, SearchRequest(query="x" * 501))
    with pytest.raises(UsageError):
        search(archive, SearchRequest(query="museum", limit=1000))
