"""Everything can be taken: `/api/export` streams every article, search cursors walk every hit.

Small archives show the rules (filters, ties, undated articles, refused cursors); the
shared corpus (≈29,000 articles, skipped when absent) shows that nothing is lost or
repeated at scale.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import shared_data
from fastapi.testclient import TestClient
from test_web_api import assert_error

from xronika.archive import Archive
from xronika.ingest import ingest
from xronika.web import create_app


def lines(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


def walk(client: TestClient, **params: Any) -> list[str]:
    """Every hit's id, following next_cursor from the first page to the end."""
    ids: list[str] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/search", params=query).json()
        ids.extend(hit["id"] for hit in body["hits"])
        cursor = body["next_cursor"]
        if cursor is None:
            return ids


# -- export ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(sample_archive: Archive) -> TestClient:
    return TestClient(create_app(sample_archive))


def test_export_streams_every_article_in_the_form_ingest_reads(
    client: TestClient, sample_archive: Archive
) -> None:
    exported = lines(client.get("/api/export"))
    stored = [s.article.to_json() for s in sample_archive.store.iter_articles()]
    assert exported == stored


def test_export_takes_language_section_and_dates(
    client: TestClient, sample_archive: Archive
) -> None:
    everything = [s.article for s in sample_archive.store.iter_articles()]
    az = lines(client.get("/api/export", params={"lang": "AZ"}))
    assert [a["id"] for a in az] == [a.id for a in everything if a.language == "az"]
    history = lines(client.get("/api/export", params={"section": "Tarix"}))
    assert history and {a["section"] for a in history} == {"Tarix"}
    in_2010 = lines(client.get("/api/export", params={"from": "2010", "to": "2010-12"}))
    expected = [a.id for a in everything if a.published and a.published.startswith("2010")]
    assert [a["id"] for a in in_2010] == expected and expected


def test_export_refuses_a_bad_date_in_the_one_error_shape(client: TestClient) -> None:
    assert_error(client.get("/api/export", params={"from": "2010-13"}), 400, "bad_request")


# -- cursors --------------------------------------------------------------------------


def tied(number: int) -> dict[str, Any]:
    """Many articles share a date, some have none: the order must still be total."""
    record: dict[str, Any] = {
        "id": f"tie-{number:03d}",
        "title": f"Harbour report {number}",
        "body": "The harbour opened again. " * (1 + number % 4),
        "language": "en",
    }
    if number % 5:
        record["published"] = f"2020-0{1 + number % 3}-01"
    return record


@pytest.fixture
def ties(make_archive: Callable[[list[dict[str, Any]]], Archive]) -> TestClient:
    return TestClient(create_app(make_archive([tied(n) for n in range(137)])))


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("query", ["harbour", ""])
def test_a_cursor_walk_returns_every_hit_once_in_the_order_pages_give(
    ties: TestClient, sort: str, query: str
) -> None:
    params = {"q": query, "sort": sort, "per_page": 10}
    walked = walk(ties, **params)
    assert len(walked) == len(set(walked)) == 137
    paged = [
        hit["id"]
        for page in range(1, 15)
        for hit in ties.get("/api/search", params={**params, "page": page}).json()["hits"]
    ]
    assert walked == paged
    if sort == "oldest":  # undated articles come last
        assert all(not int(i[-3:]) % 5 for i in walked[-28:])


def test_the_response_keeps_its_shape_and_adds_next_cursor(ties: TestClient) -> None:
    body = ties.get("/api/search", params={"q": "harbour", "per_page": 100}).json()
    assert body["next_cursor"] and body["total"] == 137
    last = ties.get("/api/search", params={"q": "harbour", "cursor": body["next_cursor"],
                                           "per_page": 100}).json()  # fmt: skip
    assert len(last["hits"]) == 37 and last["next_cursor"] is None
    assert last["total"] == 137 and set(last) == set(body)


def test_a_cursor_is_only_taken_by_its_own_search(ties: TestClient) -> None:
    cursor = ties.get("/api/search", params={"q": "harbour"}).json()["next_cursor"]
    other = ties.get("/api/search", params={"q": "opened", "cursor": cursor})
    assert assert_error(other, 400, "bad_request")["where"] == "cursor"
    resorted = ties.get("/api/search", params={"q": "harbour", "sort": "oldest", "cursor": cursor})
    assert_error(resorted, 400, "bad_request")
    paged = ties.get("/api/search", params={"q": "harbour", "page": 2, "cursor": cursor})
    assert_error(paged, 400, "bad_request")
    for forged in ("nonsense", "W1tdXQ", "x" * 401):
        assert_error(
            ties.get("/api/search", params={"q": "harbour", "cursor": forged}), 400, "bad_request"
        )


# -- the shared corpus ----------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, set[str]]]:
    files = sorted((shared_data() / "corpus").glob("*.jsonl"))
    if not files:
        pytest.skip("the shared corpus is not here")
    ids = {json.loads(line)["id"] for p in files for line in p.read_text("utf-8").splitlines()}
    archive = Archive.open(tmp_path_factory.mktemp("corpus") / "archive")
    assert ingest(archive, [str(p) for p in files]).failed == 0
    yield archive, ids
    archive.close()


def test_the_whole_corpus_exports_every_article_once(corpus: tuple[Archive, set[str]]) -> None:
    archive, ids = corpus
    exported = [json.loads(line)["id"] for line in _stream(archive)]
    assert len(exported) == len(ids) and set(exported) == ids


def test_a_cursor_walk_of_the_whole_corpus_returns_every_article_once(
    corpus: tuple[Archive, set[str]],
) -> None:
    archive, ids = corpus
    client = TestClient(create_app(archive))
    walked = walk(client, q="", sort="newest", per_page=100)
    assert len(walked) == len(set(walked)) and set(walked) == originals(archive, ids)


def originals(archive: Archive, ids: set[str]) -> set[str]:
    """The ids a search walk returns: near-duplicate copies come only with their original."""
    copies = {s.article.id for s in archive.store.iter_articles() if s.copy_of}
    assert len(copies) < len(ids) // 50
    return ids - copies


def _stream(archive: Archive) -> Iterator[str]:
    with TestClient(create_app(archive)) as client, client.stream("GET", "/api/export") as r:
        assert r.status_code == 200
        yield from r.iter_lines()


SUBSET = ("en-bbc.jsonl", "az-banker.jsonl", "ntrex.jsonl")  # ≈3,200 articles, some undated


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, set[str]]]:
    """A part of the corpus: a walk costs a search per page, the whole corpus ~300 pages."""
    files = [shared_data() / "corpus" / name for name in SUBSET]
    if not all(p.is_file() for p in files):
        pytest.skip("the shared corpus is not here")
    ids = {json.loads(line)["id"] for p in files for line in p.read_text("utf-8").splitlines()}
    archive = Archive.open(tmp_path_factory.mktemp("subset") / "archive")
    assert ingest(archive, [str(p) for p in files]).failed == 0
    yield archive, ids
    archive.close()


@pytest.mark.parametrize(("query", "sort"), [("the", "relevance"), ("", "newest")])
def test_a_cursor_walks_past_every_page_limit_on_real_articles(
    subset: tuple[Archive, set[str]], query: str, sort: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XRONIKA_MAX_OFFSET", "500")  # pages stop far short of the end
    archive, ids = subset
    client = TestClient(create_app(archive))
    params = {"q": query, "sort": sort, "per_page": 100}
    total = client.get("/api/search", params=params).json()["total"]
    assert total > 2000
    assert client.get("/api/search", params={**params, "page": 7}).status_code == 400
    walked = walk(client, **params)
    assert len(walked) == len(set(walked)) == total
    if not query:
        assert set(walked) == originals(archive, ids)
