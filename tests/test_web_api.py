"""The JSON API: the same data as the CLI and the pages, limits, and one error shape for all."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE, Cli
from fastapi.testclient import TestClient

from xronika.archive import Archive
from xronika.web import api, create_app, reading

ERROR_KEYS = {"code", "status", "message", "where", "hint"}


@pytest.fixture(scope="module")
def client(sample_archive: Archive) -> TestClient:
    return TestClient(create_app(sample_archive))


def assert_error(response: object, status: int, code: str) -> dict[str, object]:
    """The one error shape: {"error": {code, status, message, where, hint}}."""
    from httpx2 import Response

    assert isinstance(response, Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"]
    error: dict[str, object] = body["error"]
    return error


def test_api_search_is_the_same_object_as_the_cli_search_json(cli: Cli, tmp_path: Path) -> None:
    cli("ingest", str(SAMPLE))
    expected = cli.json(
        "search", "Bakı", "--lang", "az", "--sort", "newest", "--limit", "5", "--json"
    )
    archive = Archive.open(cli.folder)
    try:
        params = {"q": "Bakı", "lang": "az", "sort": "newest", "per_page": "5"}
        got = TestClient(create_app(archive)).get("/api/search", params=params).json()
    finally:
        archive.close()
    expected.pop("took_ms")
    got.pop("took_ms")
    assert got == expected and got["total"] > 5


def test_api_search_takes_every_filter(client: TestClient) -> None:
    params = {
        "q": "Yanvar", "lang": ["az"], "section": ["Tarix"], "source": ["Xəbər Günü"],
        "year": ["2010"], "from": "2010-01", "to": "2010-12-31", "sort": "oldest",
    }  # fmt: skip
    body = client.get("/api/search", params=params).json()
    assert [h["id"] for h in body["hits"]] == ["sample-az-002"]
    assert set(body) >= {
        "query",
        "total",
        "page",
        "per_page",
        "took_ms",
        "hits",
        "facets",
        "suggestion",
    }
    assert set(body["facets"]) == {"language", "section", "year", "source"}


def test_api_search_pages_through_results(client: TestClient) -> None:
    first = client.get("/api/search", params={"q": "Bakı", "per_page": 3}).json()
    second = client.get("/api/search", params={"q": "Bakı", "per_page": 3, "page": 2}).json()
    assert second["page"] == 2 and second["per_page"] == 3
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": 3000, "per_page": 10}, "page"),  # deeper than max_offset
        ({"q": "x" * 501}, "q"),
        ({"sort": "random"}, "sort"),
        ({"year": "nineteen"}, "year"),
        ({"year": "123456"}, "year"),
        ({"from": "2019-13"}, None),
        ({"lang": ["x"] * 21}, "lang"),
    ],
)
def test_api_search_limits_and_bad_values_are_400s_in_the_one_shape(
    client: TestClient, params: dict[str, object], where: str | None
) -> None:
    error = assert_error(client.get("/api/search", params=params), 400, "bad_request")
    if where:
        assert error["where"] == where


def test_api_article_is_the_article_json(client: TestClient) -> None:
    body = client.get("/api/articles/sample-az-cyrl-001").json()
    assert body["id"] == "sample-az-cyrl-001" and body["script"] == "Cyrl"
    assert body["group"] == "grp:novruz-1989" and "\n\n" in body["body"]
    error = assert_error(client.get("/api/articles/nope"), 404, "not_found")
    assert "nope" in str(error["message"])


def test_api_archive_by_year_month_and_day(client: TestClient) -> None:
    index = client.get("/api/archive").json()
    assert index["years"][0] == {"year": 1988, "count": index["years"][0]["count"]}
    year = client.get("/api/archive/2020").json()
    assert year["total"] == 4 and len(year["months"]) == 12 and year["months"][0]["count"] == 4
    assert year["previous"] == 2019 and year["next"] == 2021
    month = client.get("/api/archive/2020/01").json()
    assert month["days"] == [{"day": 20, "date": "2020-01-20", "count": 4}]
    assert (month["previous"], month["next"]) == ("2019-11", "2021-02")
    day = client.get("/api/archive/2015/06/12").json()
    assert {a["id"] for a in day["articles"]} == {"sample-az-014", "sample-ru-005", "sample-en-005"}
    assert day["previous"] < "2015-06-12" < day["next"]


def test_api_archive_days_are_paged(client: TestClient) -> None:
    first = client.get("/api/archive/2020/01/20", params={"per_page": 3}).json()
    rest = client.get("/api/archive/2020/01/20", params={"per_page": 3, "page": 2}).json()
    assert first["total"] == 4 and len(first["articles"]) == 3 and len(rest["articles"]) == 1
    assert_error(
        client.get("/api/archive/2020/01/20", params={"per_page": 500}), 400, "bad_request"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/archive/2024/13",
        "/api/archive/2023/02/29",
        "/api/archive/20x4",
        "/api/on-this-day/13-01",
    ],
)
def test_api_impossible_dates_are_404s(client: TestClient, url: str) -> None:
    assert_error(client.get(url), 404, "not_found")


def test_api_on_this_day_is_newest_year_first(client: TestClient) -> None:
    body = client.get("/api/on-this-day/01-20").json()
    dates = [a["date"] for a in body["articles"]]
    assert body["total"] == 12 and dates == sorted(dates, reverse=True)
    assert dates[0] == "2025-01-20" and dates[-1] == "1991-01-20"


def test_api_suggest_completes_the_last_word_from_headlines(client: TestClient) -> None:
    body = client.get("/api/suggest", params={"q": "Qara Yan"}).json()
    assert body["query"] == "Qara Yan"
    assert "Qara Yanvar" in body["suggestions"]
    assert all(s.startswith("Qara ") for s in body["suggestions"])
    assert client.get("/api/suggest", params={"q": "a"}).json()["suggestions"] == []


def test_api_suggest_speaks_opensearch_for_browsers(client: TestClient) -> None:
    response = client.get("/api/suggest", params={"q": "Bak", "format": "opensearch"})
    assert response.headers["content-type"] == "application/x-suggestions+json"
    query, completions = response.json()
    assert query == "Bak" and completions and all(c.startswith("Bak") for c in completions)


def test_unknown_api_paths_and_methods_use_the_one_error_shape(client: TestClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404, "not_found")
    assert_error(client.post("/api/search"), 405, "method_not_allowed")
    assert_error(client.get("/feeds/sections/Nope.atom"), 404, "not_found")


def test_openapi_documents_every_endpoint_its_limits_and_the_error_shape(
    client: TestClient,
) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/search", "/api/articles/{article_id}", "/api/archive", "/api/archive/{year}",
        "/api/archive/{year}/{month}", "/api/archive/{year}/{month}/{day}",
        "/api/on-this-day/{month_day}", "/api/suggest",
    ):  # fmt: skip
        assert path in paths, path
    assert not any(p.startswith(("/search", "/archive", "/feeds")) for p in paths)
    parameters = {p["name"]: p for p in paths["/api/search"]["get"]["parameters"]}
    assert parameters["per_page"]["schema"]["maximum"] == 100
    assert parameters["q"]["schema"]["maxLength"] == 500
    assert {"q", "lang", "section", "source", "year", "from", "to", "sort", "page"} <= set(
        parameters
    )
    responses = paths["/api/search"]["get"]["responses"]
    assert "422" not in responses
    assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_an_unexpected_failure_is_a_500_in_the_one_shape(
    sample_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(sample_archive)
    broken = TestClient(app, raise_server_exceptions=False, headers={"Accept-Language": "en"})

    def fail(store: object, article_id: str) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(api, "public_article", fail)
    monkeypatch.setattr(reading, "public_article", fail)
    error = assert_error(broken.get("/api/articles/sample-az-001"), 500, "error")
    assert "disk on fire" not in str(error["message"])  # no internals leak out
    page = broken.get("/articles/sample-az-001")
    assert page.status_code == 500 and "Something went wrong" in page.text


def test_static_files_and_api_docs_are_served(client: TestClient) -> None:
    html = client.get("/").text
    stylesheet = html.split('<link rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert stylesheet.startswith("/static/style.css?v=")
    css = client.get(stylesheet)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/suggest.js").status_code == 200
    assert client.get("/static/nope.css").status_code == 404
    assert client.get("/api/docs").status_code == 200
