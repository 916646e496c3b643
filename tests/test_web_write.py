"""The write API: tokens on every write, upserts with per-record errors, PUT/PATCH/DELETE,
uploads through the ingest pipeline, body limits, CORS and a busy writer.

Each test gets its own small archive on the real store and index, and one live token.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser.live import serving
from conftest import write_jsonl
from fastapi.testclient import TestClient
from test_ingest_warc import Writer as WarcWriter
from test_ingest_warc import page
from test_ingest_wxr import EXPORT
from test_web_api import assert_error

from xronika.archive import Archive
from xronika.ingest import ingest
from xronika.store import curation, tokens
from xronika.web import create_app

RECORDS = [
    {
        "id": f"w-{n}",
        "title": f"Liman xəbəri {n}",
        "body": f"Bakı limanında yeni gəmi {n} yanalıb. Yük daşımaları artır.",
        "published": f"2023-0{n}-1{n}",
        "language": "az",
        "script": "Latn",
        "section": "İqtisadiyyat",
    }
    for n in range(1, 4)
]


@dataclass
class Desk:
    archive: Archive
    client: TestClient
    headers: dict[str, str]

    def search(self, query: str) -> list[str]:
        body = self.client.get("/api/search", params={"q": query}).json()
        return [hit["id"] for hit in body["hits"]]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    archive = Archive.open(tmp_path / "archive")
    assert ingest(archive, [str(write_jsonl(tmp_path / "r.jsonl", RECORDS))]).added == 3
    secret = tokens.create(archive.store, "desk")
    yield Desk(archive, TestClient(create_app(archive)), {"Authorization": f"Bearer {secret}"})
    archive.close()


# -- who may write -------------------------------------------------------------------

WRITES = [
    ("POST", "/api/articles", {"json": {"body": "x"}}),
    ("PUT", "/api/articles/w-1", {"json": {"body": "x"}}),
    ("PATCH", "/api/articles/w-1", {"json": {"title": "x"}}),
    ("DELETE", "/api/articles/w-1", {}),
    ("GET", "/api/articles/w-1/history", {}),
    ("POST", "/api/ingest", {"files": {"file": ("a.jsonl", b'{"body": "x"}\n')}}),
]


@pytest.mark.parametrize(
    "authorization", [None, "Bearer xrk_wrong", "Basic ZGVzazpzZWNyZXQ=", "Bearer "]
)
@pytest.mark.parametrize(("method", "path", "extra"), WRITES)
def test_every_write_without_a_valid_token_is_a_401_with_a_challenge(
    desk: Desk, method: str, path: str, extra: dict[str, Any], authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = desk.client.request(method, path, headers=headers, **extra)
    error = assert_error(response, 401, "unauthorized")
    assert error["where"] == "Authorization" and "token create" in str(error["hint"])
    assert response.headers["www-authenticate"] == 'Bearer realm="xronika"'
    assert desk.archive.store.get("w-1") is not None
    assert desk.archive.store.get("w-1").article.title == "Liman xəbəri 1"  # type: ignore[union-attr]


def test_reads_stay_public_and_need_no_token(desk: Desk) -> None:
    assert desk.client.get("/api/articles/w-1").status_code == 200
    assert sorted(desk.search("limanında")) == ["w-1", "w-2", "w-3"]


# -- storing records -----------------------------------------------------------------


def test_one_article_is_stored_and_found_by_a_search_right_after(desk: Desk) -> None:
    record = {"id": "n-1", "title": "Zəlzələ", "body": "Şamaxıda zəlzələ olub.", "language": "az"}
    response = desk.client.post("/api/articles", json=record, headers=desk.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["added"] == 1 and body["failed"] == 0
    assert body["articles"] == [{"index": 0, "id": "n-1", "outcome": "added"}]
    assert desk.search("zəlzələ") == ["n-1"]
    assert desk.archive.check().clean


def test_a_batch_stores_the_good_records_and_reports_each_bad_one(desk: Desk) -> None:
    batch = [
        {"id": "n-1", "body": "Birinci yazı mətni.", "language": "az"},
        {"id": "n-2", "title": "Başlıq"},
        {**RECORDS[0], "title": "Liman xəbəri bir (düzəliş)"},
        {"id": "n-3", "body": "Üçüncü.", "published": "dünən"},
        "not an object",
        dict(RECORDS[1]),
    ]
    body = desk.client.post("/api/articles", json=batch, headers=desk.headers).json()
    assert (body["added"], body["updated"], body["unchanged"], body["failed"]) == (1, 1, 1, 3)
    assert [(o["index"], o["outcome"]) for o in body["articles"]] == [
        (0, "added"), (2, "updated"), (5, "unchanged"),
    ]  # fmt: skip
    assert [(e["index"], e["field"]) for e in body["errors"]] == [
        (1, "body"), (3, "published"), (4, None),
    ]  # fmt: skip
    assert body["errors"][1]["error"]["where"] == "body[3]"
    assert desk.archive.store.get("n-2") is None and desk.archive.store.get("n-1") is not None


def test_one_invalid_object_is_a_422_naming_the_field(desk: Desk) -> None:
    response = desk.client.post(
        "/api/articles", json={"title": "x", "body": "y", "language": "azerbaijani"},
        headers=desk.headers,
    )  # fmt: skip
    error = assert_error(response, 422, "invalid_record")
    assert "language" in str(error["message"]) and error["where"] == "body"
    for bad in ([], "text", 7):
        assert desk.client.post("/api/articles", json=bad, headers=desk.headers).status_code in (
            400,
            422,
        )
    broken = desk.client.post(
        "/api/articles", content=b"{not json", headers={**desk.headers,
        "Content-Type": "application/json"},
    )  # fmt: skip
    assert_error(broken, 400, "bad_request")


def test_an_article_with_an_id_made_from_its_url_updates_the_one_stored_by_url(
    desk: Desk,
) -> None:
    first = {"id": "own-id", "url": "https://x.example/a", "body": "Birinci.", "language": "az"}
    desk.client.post("/api/articles", json=first, headers=desk.headers)
    again = {"url": "https://x.example/a", "body": "İkinci variant.", "language": "az"}
    body = desk.client.post("/api/articles", json=again, headers=desk.headers).json()
    assert body["articles"] == [{"index": 0, "id": "own-id", "outcome": "updated"}]


# -- replace, correct, delete --------------------------------------------------------


def test_put_adds_then_replaces_keeping_the_curation(desk: Desk) -> None:
    article = {"title": "Yeni", "body": "Yeni yazı.", "language": "az"}
    added = desk.client.put("/api/articles/p-1", json=article, headers=desk.headers)
    assert added.status_code == 201 and added.json()["outcome"] == "added"
    desk.client.patch("/api/articles/p-1", json={"hidden": "yoxlanılır"}, headers=desk.headers)
    replaced = desk.client.put(
        "/api/articles/p-1", json={**article, "body": "Düzəldilmiş yazı."}, headers=desk.headers
    )
    assert replaced.status_code == 200
    assert replaced.json()["article"]["body"] == "Düzəldilmiş yazı."
    assert replaced.json()["article"]["hidden"] == "yoxlanılır"
    mismatch = desk.client.put(
        "/api/articles/p-1", json={**article, "id": "other"}, headers=desk.headers
    )
    assert assert_error(mismatch, 400, "bad_request")["where"] == "id"
    invalid = desk.client.put("/api/articles/p-2", json={"title": "no body"}, headers=desk.headers)
    assert_error(invalid, 422, "invalid_record")


def test_patch_corrects_fields_and_is_reflected_in_search_at_once(desk: Desk) -> None:
    change = {
        "title": "Neft terminalı açılıb",
        "published": "2022-12-31",
        "section": "Enerji",
        "authors": ["Aygün Məmmədova"],
        "tags": ["neft", "liman"],
        "reason": "redaktor düzəlişi",
    }
    response = desk.client.patch("/api/articles/w-2", json=change, headers=desk.headers)
    assert response.status_code == 200, response.text
    article = response.json()
    assert article["title"] == "Neft terminalı açılıb" and article["published"] == "2022-12-31"
    assert article["authors"] == ["Aygün Məmmədova"] and article["tags"] == ["neft", "liman"]
    assert "title_derived" not in article
    assert desk.search("terminalı") == ["w-2"]
    hits = desk.client.get("/api/search", params={"q": "", "section": "Enerji"}).json()["hits"]
    assert [h["id"] for h in hits] == ["w-2"]
    removed = desk.client.patch(
        "/api/articles/w-2", json={"published": None, "section": None}, headers=desk.headers
    ).json()
    assert "published" not in removed and "section" not in removed
    assert desk.archive.check().clean


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"body": "new"}, "body"),
        ({"title": ""}, "title"),
        ({"title": 5}, "title"),
        ({"published": "31.12.2022"}, "published"),
        ({"embargo_until": "soon"}, "embargo_until"),
        ({"tags": "neft"}, None),  # a single string is taken as one tag
        ({"authors": [1]}, "authors"),
        ({"hidden": ""}, "hidden"),
    ],
)
def test_patch_refuses_what_cannot_be_edited_naming_the_field(
    desk: Desk, change: dict[str, Any], where: str | None
) -> None:
    response = desk.client.patch("/api/articles/w-1", json=change, headers=desk.headers)
    if where is None:
        assert response.status_code == 200 and response.json()["tags"] == ["neft"]
        return
    assert assert_error(response, 400, "bad_request")["where"] == where


def test_patch_and_delete_of_an_unknown_article_are_404s(desk: Desk) -> None:
    patch = desk.client.patch("/api/articles/nope", json={"title": "x"}, headers=desk.headers)
    assert_error(patch, 404, "not_found")
    assert_error(desk.client.delete("/api/articles/nope", headers=desk.headers), 404, "not_found")


def test_delete_removes_the_article_everywhere_and_keeps_its_history(desk: Desk) -> None:
    response = desk.client.delete(
        "/api/articles/w-3", params={"reason": "dublikat"}, headers=desk.headers
    )
    assert response.status_code == 200 and response.json() == {"id": "w-3", "deleted": True}
    assert desk.client.get("/api/articles/w-3").status_code == 404
    assert "w-3" not in desk.search("limanında")
    history = desk.client.get("/api/articles/w-3/history", headers=desk.headers).json()
    assert [e["action"] for e in history["history"]] == ["delete"]
    assert history["history"][0]["reason"] == "dublikat"
    assert desk.archive.check().clean


# -- uploads -------------------------------------------------------------------------


def upload(desk: Desk, name: str, data: bytes) -> httpx.Response:
    return desk.client.post("/api/ingest", files={"file": (name, data)}, headers=desk.headers)


def test_an_uploaded_jsonl_is_ingested_with_its_problems_placed(desk: Desk) -> None:
    data = (
        b'{"id": "u-1", "body": "Y\xc3\xbckl\xc9\x99nmi\xc5\x9f m\xc9\x99tn.", "language": "az"}\n'
    )
    data += b'{"id": "u-2"}\n{broken\n'
    response = upload(desk, "gundem.jsonl", data)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["file"], body["added"], body["failed"]) == ("gundem.jsonl", 1, 2)
    assert [p["where"] for p in body["problems"]] == ["gundem.jsonl:2", "gundem.jsonl:3"]
    assert desk.search("yüklənmiş") == ["u-1"]
    log = curation.recent(desk.archive.store, 1)[0]
    assert (log.action, log.who, log.changes["added"]) == ("ingest", "desk", 1)


def test_an_uploaded_html_page_warc_and_wordpress_export_are_ingested(desk: Desk) -> None:
    html = page("az", "Neft qiymətləri yüksəlib", *("Dünya bazarında neft bahalaşıb. " * 8,) * 3)
    assert upload(desk, "neft.html", html).json()["added"] == 1
    warc = WarcWriter()
    warc.response("https://xeber.example.az/1", page("az", "Körpü açılıb", "Yeni körpü. " * 40))
    assert upload(desk, "crawl.warc.gz", warc.buffer.getvalue()).json()["added"] == 1
    wxr = upload(desk, "export.xml", EXPORT.encode()).json()
    assert wxr["added"] == 2 and wxr["skipped"] >= 2
    assert desk.search("körpü") and desk.search("bahar")


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.jsonl", "/etc/cron.d/x.jsonl", "..\\..\\win.jsonl", "...jsonl"]
)
def test_a_hostile_upload_name_is_only_shown_never_used_as_a_path(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # Uploads are staged under the temporary folder: put it deep inside this test's own
    # folder, so that a name used as a path would land somewhere we can see.
    staging = tmp_path / "a" / "b" / "tmp"
    staging.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(staging))
    before = set(tmp_path.rglob("*"))
    record = b'{"id": "h-1", "body": "M\xc9\x99tn.", "language": "az"}\n'
    response = upload(desk, name, record)
    assert response.status_code == 200, response.text
    shown = response.json()["file"]
    assert "/" not in shown and "\\" not in shown and not shown.startswith(".")
    assert desk.archive.store.get("h-1") is not None
    assert not Path("/etc/passwd.jsonl").exists() and not Path("/etc/cron.d/x.jsonl").exists()
    created = {p for p in set(tmp_path.rglob("*")) - before if "archive" not in p.parts}
    assert not created, created  # nothing left behind, nothing written beside


def test_uploads_that_are_not_articles_are_refused_clearly(desk: Desk) -> None:
    unknown = upload(desk, "notes.exe", b"MZ\x00\x00")
    assert assert_error(unknown, 400, "bad_request")["where"] == "file"
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><item><link>http://127.0.0.1/x</link></item></channel></rss>'
    assert "feeds" in str(
        assert_error(upload(desk, "feed.xml", feed), 400, "bad_request")["message"]
    )
    empty = upload(desk, "empty.jsonl", b"   \n")
    assert assert_error(empty, 422, "unreadable_source")["where"] == "empty.jsonl"


# -- limits, CORS, a busy writer -----------------------------------------------------


def test_a_body_over_the_limit_is_a_413_announced_or_streamed(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XRONIKA_MAX_BODY_BYTES", "2000")
    client = TestClient(create_app(desk.archive))
    big = [{"body": "söz " * 100, "language": "az"}] * 10
    error = assert_error(
        client.post("/api/articles", json=big, headers=desk.headers), 413, "too_large"
    )
    assert "2,000 bytes" in str(error["message"]) and "XRONIKA_MAX_BODY_BYTES" in str(error["hint"])

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        yield b"["
        for _ in range(50):
            yield b'{"body": "' + b"a" * 100 + b'"},'
        yield b'{"body": "end"}]'

    streamed = client.post(
        "/api/articles", content=chunks(),
        headers={**desk.headers, "Content-Type": "application/json"},
    )  # fmt: skip
    assert_error(streamed, 413, "too_large")
    assert upload_with(client, desk, "big.jsonl", b"x" * 5000).status_code == 413
    assert client.post("/api/articles", json=RECORDS[0], headers=desk.headers).status_code == 200
    assert desk.archive.store.count() == 3


def upload_with(client: TestClient, desk: Desk, name: str, data: bytes) -> httpx.Response:
    return client.post("/api/ingest", files={"file": (name, data)}, headers=desk.headers)


def test_cors_is_off_by_default_and_on_for_the_configured_origins(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    preflight = {
        "Origin": "https://newsroom.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    off = desk.client.options("/api/articles", headers=preflight)
    assert "access-control-allow-origin" not in off.headers
    plain = desk.client.get("/api/articles/w-1", headers={"Origin": "https://newsroom.example"})
    assert "access-control-allow-origin" not in plain.headers

    monkeypatch.setenv("XRONIKA_CORS_ORIGINS", "https://newsroom.example, https://b.example")
    client = TestClient(create_app(desk.archive))
    on = client.options("/api/articles", headers=preflight)
    assert on.status_code == 200
    assert on.headers["access-control-allow-origin"] == "https://newsroom.example"
    assert "PATCH" in on.headers["access-control-allow-methods"]
    assert "authorization" in on.headers["access-control-allow-headers"].lower()
    read = client.get("/api/articles/w-1", headers={"Origin": "https://newsroom.example"})
    assert read.headers["access-control-allow-origin"] == "https://newsroom.example"
    other = client.get("/api/articles/w-1", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_a_busy_archive_answers_503_with_retry_after_and_writes_nothing(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XRONIKA_BUSY_TIMEOUT_MS", "300")
    held = threading.Event()
    release = threading.Event()

    def other_writer() -> None:
        with desk.archive.writing():
            held.set()
            release.wait(30)

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        assert held.wait(10)
        response = desk.client.patch("/api/articles/w-1", json={"title": "x"}, headers=desk.headers)
        assert_error(response, 503, "busy")
        assert int(response.headers["retry-after"]) > 0
    finally:
        release.set()
        thread.join()
    assert desk.archive.store.get("w-1").article.title == "Liman xəbəri 1"  # type: ignore[union-attr]
    later = desk.client.patch("/api/articles/w-1", json={"title": "x"}, headers=desk.headers)
    assert later.status_code == 200


def test_writes_over_a_real_server_are_acknowledged_durable_and_searchable(desk: Desk) -> None:
    with serving(create_app(desk.archive)) as base:
        record = {"id": "live-1", "body": "Gəncədə yeni park açılıb.", "language": "az"}
        response = httpx.post(f"{base}/api/articles", json=record, headers=desk.headers)
        assert response.status_code == 200
        found = httpx.get(f"{base}/api/search", params={"q": "park"}).json()
        assert [hit["id"] for hit in found["hits"]] == ["live-1"]
    reopened = Archive.open(desk.archive.folder)  # type: ignore[arg-type]
    try:
        assert reopened.store.get("live-1") is not None
    finally:
        reopened.close()


def test_the_openapi_schema_documents_writes_and_the_bearer_scheme(desk: Desk) -> None:
    schema = desk.client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["token"]["description"],
    }
    operations = schema["paths"]["/api/articles/{article_id}"]
    for method in ("put", "patch", "delete"):
        assert operations[method]["security"] == [{"token": []}]
        assert "401" in operations[method]["responses"]
    assert "security" not in operations["get"]
    assert "security" not in schema["paths"]["/api/search"]["get"]
    assert "multipart/form-data" in schema["paths"]["/api/ingest"]["post"]["requestBody"]["content"]
    patch_body = operations["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"hidden", "embargo_until", "reason", "title"} <= set(patch_body["properties"])
