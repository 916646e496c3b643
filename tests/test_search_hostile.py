"""Hostile queries: whatever a person or a bot types, the parser and the whole search path
answer (a result, or one of our own clear errors) and the work stays bounded.

"Bounded" is said structurally, never with a clock: the parser makes at most one term per
character of the query, the query itself is refused past `max_query_chars`, and a search
returns at most `limit` hits. Queries are arbitrary Unicode, the query language's own
pieces shaken together (quotes, `-`, `OR`, stars, `field:` filters), and very long ones.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xronika import settings as xronika_settings
from xronika.analysis.normalise import nfc
from xronika.archive import Archive
from xronika.errors import UsageError
from xronika.search import SearchRequest, search
from xronika.search.query import parse
from xronika.web import create_app

LIMIT = xronika_settings.get_int("max_query_chars")
PIECES = [
    '"', '"', "-", "*", "OR", "OR", "AND", "(", ")", ":", "\\", "lang:", "lang:az", "section:",
    'section:"', 'section:"Mədəniyyət"', "source:", "tag:", "tags:x", "year:", "year:1990", "year:²",
    "year:99999999999999999999", "dil:ru", "unknown:field", "-lang:az", '-"', "**", "a*", "ə*",
    "İ", "I", "ı", "ŞƏHİD", "шәһид", "sehid", "Bakı", "20", "Yanvar", "\u0307", "\u200b",
    "\ufeff", "ﬃ", "ß*", "ǅ", "ΐ*", "\u0958", "🙂", "\x00", "\n", "\t", "<script>", "&amp;",
    "%00", "'", "`", "ÿ" * 40,
]  # fmt: skip

syntax_soup = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=80).map(
    lambda parts: " ".join(parts) if len(parts) % 2 else "".join(parts)
)
queries = st.one_of(
    st.text(max_size=LIMIT),
    syntax_soup,
    st.text(min_size=1, max_size=3).map(lambda unit: unit * (LIMIT // len(unit) + 50)),
)
FEW = settings(
    max_examples=300,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@given(st.one_of(queries, st.text(min_size=LIMIT, max_size=LIMIT * 8)))
@FEW
def test_the_parser_reads_anything_into_at_most_one_term_per_character(text: str) -> None:
    parsed = parse(text)
    words = sum(len(c.words) for group in parsed.groups for c in group)
    words += sum(len(c.words) for c in parsed.excluded)
    values = sum(len(v) for v in parsed.filters.values())
    assert words + values <= len(nfc(text))
    assert all(group for group in parsed.groups)  # no empty OR group
    assert all(word for group in parsed.groups for c in group for word in c.words)


languages = st.lists(st.sampled_from(["az", "ru", "tr", "en", "AZ", "", "xx", "<b>"]), max_size=3)
names = st.lists(st.text(max_size=12), max_size=3)
dates = st.none() | st.sampled_from(["2020", "2020-01", "2020-01-20", "2020-13", "0000", "x", ""])
requests = st.builds(
    SearchRequest,
    query=queries,
    languages=languages.map(tuple),
    sections=names.map(tuple),
    sources=names.map(tuple),
    tags=names.map(tuple),
    years=st.lists(st.integers(-10, 10_000), max_size=3).map(tuple),
    date_from=dates,
    date_to=dates,
    sort=st.sampled_from(["relevance", "newest", "oldest", "random", ""]),
    limit=st.integers(-1, 120),
    offset=st.integers(-1, 10_050),
    facets=st.booleans(),
    cursor=st.none() | st.text(max_size=40) | st.just("WyJhIiwgMSwgMiwgMywgZmFsc2Vd"),
)


@given(requests)
@FEW
def test_any_search_request_gets_a_bounded_result_or_a_clear_error(
    sample_archive: Archive, request: SearchRequest
) -> None:
    try:
        result = search(sample_archive, request)
    except UsageError as error:
        assert error.message and error.status == 400
        return
    assert len(request.query) <= LIMIT  # a longer query is always refused
    assert 0 <= len(result.hits) <= request.limit
    assert result.total >= 0
    for hit in result.hits:
        assert sample_archive.store.get(hit["id"]) is not None


def test_a_query_past_the_limit_is_refused_before_any_work(sample_archive: Archive) -> None:
    for text in ("a" * (LIMIT + 1), "ə OR " * LIMIT, '"' * (LIMIT * 10)):
        try:
            search(sample_archive, SearchRequest(query=text))
        except UsageError as error:
            assert str(LIMIT) in error.message
        else:
            raise AssertionError(f"a query of {len(text)} characters was searched")


@pytest.mark.parametrize("year", ["99999999999999999999", "9223372036854775808", "²", "١٩٩٠"])
def test_a_year_filter_that_is_no_year_is_ignored(sample_archive: Archive, year: str) -> None:
    found = search(sample_archive, SearchRequest(query=f"Bakı year:{year}"))
    assert found.hits == search(sample_archive, SearchRequest(query="Bakı")).hits


@pytest.fixture(scope="module")
def web(sample_archive: Archive) -> TestClient:
    """The app over the sample archive, through an ASGI client (no sockets needed here)."""
    return TestClient(create_app(sample_archive), raise_server_exceptions=False)


@given(queries, st.sampled_from(["/search", "/api/search", "/search.atom", "/api/suggest"]))
@settings(FEW, max_examples=200)
def test_the_web_answers_any_query_without_a_server_error(
    web: TestClient, text: str, path: str
) -> None:
    params: dict[str, Any] = {"q": text, "lang": "az", "sort": "newest"}
    response = web.get(path, params=params)
    assert response.status_code < 500, response.text[:500]
    if path.startswith("/api/") and response.status_code >= 400:
        assert set(response.json()) == {"error"}
