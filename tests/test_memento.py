"""Memento (RFC 7089): TimeMaps of captured URLs and the Link headers of their articles.

Each test writes its own small WARC with warcio (one story captured three times on
different dates, out of order, then revisited; a page whose URL has a query string; a
page captured once), ingests it into a temporary archive and asks the app in-process.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from xronika.archive import Archive
from xronika.ingest import ingest
from xronika.web import create_app

STORY = "https://news.example.com/world/floods"
QUERIED = "https://news.example.com/read.php?id=7&lang=en"
ONCE = "https://news.example.com/sport/final"
# The story's captures in the order they are written: not the order they were made.
STORY_CAPTURES = [
    ("2024-03-05T08:00:00", "response", "second"),
    ("2023-12-31T23:59:59", "response", "first"),
    ("2024-04-10T12:30:00", "response", "third"),
    ("2024-05-01T06:00:00", "revisit", ""),
]
STORY_DATES = [
    "Sun, 31 Dec 2023 23:59:59 GMT",
    "Tue, 05 Mar 2024 08:00:00 GMT",
    "Wed, 10 Apr 2024 12:30:00 GMT",
    "Wed, 01 May 2024 06:00:00 GMT",
]
LINK_FORMAT = "application/link-format"


def page(title: str, version: str) -> bytes:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><article><h1>{title}</h1>"
        f"<p>Heavy rain closed the coastal road on Tuesday, the police said ({version}).</p>"
        "<p>Drivers were told to take the mountain pass until the water goes down.</p>"
        "</article></body></html>"
    ).encode()


def warc_date(moment: str) -> str:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_warc(path: Path) -> Path:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)

    def response(url: str, moment: str, body: bytes) -> None:
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": warc_date(moment)},
        )
        writer.write_record(record)

    for moment, kind, version in STORY_CAPTURES:
        if kind == "response":
            response(STORY, moment, page("Floods close the coastal road", version))
        else:
            record = writer.create_revisit_record(
                STORY,
                digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                refers_to_uri=STORY,
                refers_to_date=warc_date("2024-04-10T12:30:00"),
                warc_headers_dict={"WARC-Date": warc_date(moment)},
            )
            writer.write_record(record)
    response(QUERIED, "2024-02-02T10:00:00", page("Bridge reopens after repairs", "query"))
    response(ONCE, "2024-06-01T20:00:00", page("The home side wins the cup final", "once"))
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    folder = tmp_path_factory.mktemp("memento")
    archive = Archive.open(folder / "archive")
    report = ingest(archive, [str(write_warc(folder / "crawl.warc.gz"))])
    assert report.failed == 0 and report.added == 3, report
    yield archive
    archive.close()


@pytest.fixture(scope="module")
def client(archive: Archive) -> TestClient:
    return TestClient(create_app(archive))


def article_id(archive: Archive, url: str) -> str:
    found = [s.article.id for s in archive.store.iter_articles() if s.article.url == url]
    assert len(found) == 1, found
    return found[0]


# -- a small link-format (RFC 6690) reader --------------------------------------------

_LINK = re.compile(r'\s*<([^<>\s]*)>((?:\s*;\s*[a-z-]+="[^"]*")*)\s*(,|$)')
_PARAM = re.compile(r'\s*;\s*([a-z-]+)="([^"]*)"')


def parse_links(text: str) -> list[tuple[str, dict[str, str]]]:
    """Every link of a link-format document or a Link header; fails on anything else."""
    links: list[tuple[str, dict[str, str]]] = []
    at = 0
    text = text.strip()
    while at < len(text):
        match = _LINK.match(text, at)
        assert match, f"not link-format at {at}: {text[at : at + 60]!r}"
        links.append((match[1], dict(_PARAM.findall(match[2]))))
        at = match.end()
        assert match[3] or at == len(text)
    return links


def test_the_link_format_reader_refuses_what_is_not_link_format() -> None:
    with pytest.raises(AssertionError):
        parse_links("<https://a.example/>; rel=original")
    with pytest.raises(AssertionError):
        parse_links('<https://a.example/>; rel="original" <https://b.example/>')


# -- the TimeMap ------------------------------------------------------------------------


def test_a_timemap_lists_every_capture_in_order_with_its_relations(
    client: TestClient, archive: Archive
) -> None:
    answer = client.get(f"/timemap/link/{STORY}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == LINK_FORMAT
    links = parse_links(answer.text)
    original, self_link, *mementos = links
    assert original == (STORY, {"rel": "original"})
    assert self_link == (
        f"http://testserver/timemap/link/{STORY}",
        {
            "rel": "self",
            "type": LINK_FORMAT,
            "from": STORY_DATES[0],
            "until": STORY_DATES[-1],
        },
    )
    assert [params["datetime"] for _, params in mementos] == STORY_DATES
    assert [params["rel"] for _, params in mementos] == [
        "first memento",
        "memento",
        "memento",
        "last memento",
    ]
    page_url = f"http://testserver/articles/{article_id(archive, STORY)}"
    assert {uri for uri, _ in mementos} == {page_url}


def test_every_memento_leads_to_the_article_with_the_newest_content(client: TestClient) -> None:
    links = parse_links(client.get(f"/timemap/link/{STORY}").text)
    for uri, _ in links[2:]:
        answer = client.get(uri)
        assert answer.status_code == 200
        assert "(third)" in answer.text and "(first)" not in answer.text
        assert answer.headers["memento-datetime"] == STORY_DATES[-1]


def test_a_url_captured_once_is_both_first_and_last_memento(client: TestClient) -> None:
    links = parse_links(client.get(f"/timemap/link/{ONCE}").text)
    assert [params["rel"] for _, params in links] == ["original", "self", "first last memento"]
    assert links[1][1]["from"] == links[1][1]["until"] == "Sat, 01 Jun 2024 20:00:00 GMT"


def test_the_original_urls_own_query_string_is_kept(client: TestClient, archive: Archive) -> None:
    answer = client.get(f"/timemap/link/{QUERIED}")
    assert answer.status_code == 200
    links = parse_links(answer.text)
    assert links[0] == (QUERIED, {"rel": "original"})
    assert links[1][0] == f"http://testserver/timemap/link/{QUERIED}"
    assert links[2][0] == f"http://testserver/articles/{article_id(archive, QUERIED)}"
    # Another query is another page, and without its query the URL was never captured.
    assert client.get("/timemap/link/https://news.example.com/read.php?id=8&lang=en").is_error
    assert client.get("/timemap/link/https://news.example.com/read.php").status_code == 404


def test_a_url_with_no_captures_is_a_404_in_the_one_error_shape(client: TestClient) -> None:
    answer = client.get("/timemap/link/https://elsewhere.example.org/never")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/json")
    error = answer.json()["error"]
    assert set(error) == {"code", "status", "message", "where", "hint"}
    assert (error["code"], error["status"]) == ("not_found", 404)
    assert "https://elsewhere.example.org/never" in error["message"]


def test_a_path_with_a_folded_double_slash_still_finds_the_timemap(client: TestClient) -> None:
    answer = client.get("/timemap/link/https:/news.example.com/sport/final")
    assert answer.status_code == 200
    assert parse_links(answer.text)[0][0] == ONCE


def test_memento_clients_may_ask_with_head(client: TestClient) -> None:
    answer = client.head(f"/timemap/link/{STORY}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == LINK_FORMAT


def test_the_timemap_is_not_part_of_the_json_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith("/timemap")]


# -- Link headers on articles -----------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/articles/", "/api/articles/"])
def test_an_article_from_captures_links_to_its_original_and_timemap(
    client: TestClient, archive: Archive, prefix: str
) -> None:
    answer = client.get(prefix + article_id(archive, STORY))
    assert answer.status_code == 200
    links = dict(
        (params["rel"], (uri, params)) for uri, params in parse_links(answer.headers["link"])
    )
    assert links["original"] == (STORY, {"rel": "original"})
    timemap, params = links["timemap"]
    assert (timemap, params["type"]) == (f"http://testserver/timemap/link/{STORY}", LINK_FORMAT)
    assert answer.headers["memento-datetime"] == STORY_DATES[-1]  # the revisit, the newest
    assert client.get(timemap).status_code == 200


def test_the_timemap_link_of_a_queried_url_leads_back_to_its_timemap(
    client: TestClient, archive: Archive
) -> None:
    answer = client.get(f"/articles/{article_id(archive, QUERIED)}")
    links = {params["rel"]: uri for uri, params in parse_links(answer.headers["link"])}
    assert links["original"] == QUERIED
    assert answer.headers["memento-datetime"] == "Fri, 02 Feb 2024 10:00:00 GMT"
    back = parse_links(client.get(links["timemap"]).text)
    assert back[0] == (QUERIED, {"rel": "original"})


@pytest.mark.parametrize("prefix", ["/articles/", "/api/articles/"])
def test_articles_that_came_from_no_capture_get_no_memento_headers(
    sample_archive: Archive, prefix: str
) -> None:
    client = TestClient(create_app(sample_archive))
    some = next(iter(sample_archive.store.iter_articles())).article.id
    answer = client.get(prefix + some)
    assert answer.status_code == 200
    assert "link" not in answer.headers and "memento-datetime" not in answer.headers
