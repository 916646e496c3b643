"""Merging near-duplicates by hand and splitting them again: through the API, the editor
pages (over a real server on loopback) and the CLI, each change in the audit log.

The archive holds one story from two sources that detection groups by itself
(`courier-1`, with `herald-7` its copy), the same story retold in other words by a wire
service that detection cannot tell is the same (`wire-9`), and an unrelated story.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser.live import serving
from conftest import Cli, write_jsonl
from fastapi.testclient import TestClient
from test_web_api import assert_error

from xronika.archive import Archive
from xronika.ingest import ingest
from xronika.store import curation, tokens
from xronika.web import create_app

STORY = (
    "The city council approved a new budget for the public libraries on Monday evening, "
    "after a long debate about the cost of repairing old buildings and the wages of the "
    "librarians who keep them open.\n\n"
    "Council members said the money would pay for longer opening hours, new books in "
    "several languages and a reading room for children in every district of the city. "
    "The mayor called the vote a good day for readers of all ages."
)
RETOLD = (
    "Libraries will stay open longer: councillors voted on Monday to spend more on the "
    "city's reading rooms, repair ageing branches and raise the pay of library staff. "
    "Every district is to get a children's corner, the mayor said after the vote."
)


def record(article_id: str, body: str, published: str, **fields: Any) -> dict[str, Any]:
    return {"id": article_id, "title": fields.pop("title", "Libraries get a new budget"),
            "body": body, "language": "en", "published": published, **fields}  # fmt: skip


RECORDS = [
    record("courier-1", STORY, "2024-03-04T09:00:00+00:00", source="Courier"),
    record("herald-7", "By Jane Roe\n\n" + STORY, "2024-03-04T15:00:00+00:00", source="Herald"),
    record("wire-9", RETOLD, "2024-03-05T08:00:00+00:00", source="Wire", title="More money"),
    record("zoo-1", "A panda was born at the city zoo on Sunday.", "2024-03-03", title="Panda"),
]


@dataclass
class Desk:
    archive: Archive
    client: TestClient
    headers: dict[str, str]
    source: Path

    def search(self, query: str) -> list[tuple[str, list[str]]]:
        """Each hit's id with the ids of the copies listed beside it."""
        body = self.client.get("/api/search", params={"q": query}).json()
        return [(hit["id"], [c["id"] for c in hit["copies"]]) for hit in body["hits"]]

    def post(self, path: str, body: object, **options: Any) -> Any:
        return self.client.post(path, json=body, headers=self.headers, **options)

    def history(self, article_id: str) -> list[dict[str, Any]]:
        response = self.client.get(f"/api/articles/{article_id}/history", headers=self.headers)
        assert response.status_code == 200, response.text
        entries: list[dict[str, Any]] = response.json()["history"]
        return entries


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    archive = Archive.open(tmp_path / "archive")
    source = write_jsonl(tmp_path / "stories.jsonl", RECORDS)
    assert ingest(archive, [str(source)]).added == 4
    secret = tokens.create(archive.store, "desk")
    client = TestClient(create_app(archive))
    yield Desk(archive, client, {"Authorization": f"Bearer {secret}"}, source)
    archive.close()


def copy_of(archive: Archive, article_id: str) -> str | None:
    stored = archive.store.get(article_id)
    assert stored is not None
    return stored.copy_of


# -- the API ---------------------------------------------------------------------------


def test_detection_groups_one_copy_and_misses_the_retold_story(desk: Desk) -> None:
    assert dict(desk.search("libraries")) == {"courier-1": ["herald-7"], "wire-9": []}


@pytest.mark.parametrize("authorization", [None, "Bearer xrk_wrong"])
@pytest.mark.parametrize(
    ("path", "body"),
    [("/api/articles/wire-9/merge", {"into": "courier-1"}), ("/api/articles/herald-7/split", {})],
)
def test_merging_and_splitting_need_a_token(
    desk: Desk, path: str, body: dict[str, str], authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = desk.client.post(path, json=body, headers=headers)
    assert_error(response, 401, "unauthorized")
    assert copy_of(desk.archive, "wire-9") is None
    assert copy_of(desk.archive, "herald-7") == "courier-1"


def test_a_merge_shows_the_story_once_and_is_logged_on_both_articles(desk: Desk) -> None:
    response = desk.post("/api/articles/wire-9/merge", {"into": "courier-1", "reason": "same"})
    assert response.status_code == 200, response.text
    assert response.json()["copy_of"] == "courier-1" and response.json()["id"] == "wire-9"
    assert desk.search("libraries") == [("courier-1", ["herald-7", "wire-9"])]
    assert desk.search("councillors") == []  # a copy: found through its original only
    original = desk.client.get("/api/articles/courier-1").json()
    assert [c["id"] for c in original["copies"]] == ["herald-7", "wire-9"]
    [copy_entry] = desk.history("wire-9")
    assert (copy_entry["who"], copy_entry["action"], copy_entry["reason"]) == (
        "desk",
        "merge",
        "same",
    )
    assert copy_entry["changes"] == {"copy_of": [None, "courier-1"]}
    [original_entry] = desk.history("courier-1")
    assert original_entry["action"] == "merge"
    assert original_entry["changes"] == {"copies": [["herald-7"], ["herald-7", "wire-9"]]}
    assert desk.archive.check().clean


def test_merging_into_a_copy_merges_into_its_original(desk: Desk) -> None:
    response = desk.post("/api/articles/wire-9/merge", {"into": "herald-7"})
    assert response.status_code == 200, response.text
    assert response.json()["copy_of"] == "courier-1"
    assert copy_of(desk.archive, "wire-9") == "courier-1"


def test_merging_across_languages_is_the_editors_call(desk: Desk) -> None:
    other = {"id": "ru-1", "title": "Библиотеки", "body": "Городской совет одобрил бюджет.",
             "language": "ru", "published": "2024-03-04"}  # fmt: skip
    assert desk.post("/api/articles", other).status_code == 200
    response = desk.post("/api/articles/ru-1/merge", {"into": "courier-1"})
    assert response.status_code == 200 and response.json()["copy_of"] == "courier-1"


def test_a_split_shows_the_story_twice_and_sticks_after_ingesting_again(desk: Desk) -> None:
    response = desk.post("/api/articles/herald-7/split", {"reason": "another report"})
    assert response.status_code == 200, response.text
    assert "copy_of" not in response.json() and copy_of(desk.archive, "herald-7") is None
    hits = dict(desk.search('"city council approved"'))
    assert hits == {"courier-1": [], "herald-7": []}
    [entry] = desk.history("herald-7")
    assert entry["action"] == "split" and entry["changes"] == {"copy_of": ["courier-1", None]}
    assert entry["reason"] == "another report"
    assert desk.history("courier-1")[0]["changes"] == {"copies": [["herald-7"], []]}
    # The same files again, then both changed: detection places each anew.
    assert ingest(desk.archive, [str(desk.source)]).unchanged == 4
    edited = [{**RECORDS[0], "title": "Libraries get a bigger budget"},
              {**RECORDS[1], "title": "Libraries: the budget is approved"}]  # fmt: skip
    changed = write_jsonl(desk.source.with_name("edited.jsonl"), edited)
    assert ingest(desk.archive, [str(changed)]).updated == 2
    assert dict(desk.search('"city council approved"')) == hits
    assert copy_of(desk.archive, "herald-7") is None
    # An editor's merge still brings it back.
    assert desk.post("/api/articles/herald-7/merge", {"into": "courier-1"}).status_code == 200
    assert desk.search('"city council approved"') == [("courier-1", ["herald-7"])]
    assert desk.archive.check().clean


def test_a_story_split_off_is_not_grouped_with_a_new_copy_of_it(desk: Desk) -> None:
    assert desk.post("/api/articles/herald-7/split", {}).status_code == 200
    again = record("times-2", "From our correspondent\n\n" + STORY, "2024-03-04T11:00:00Z")
    assert desk.post("/api/articles", again).status_code == 200
    assert copy_of(desk.archive, "times-2") == "courier-1"
    assert copy_of(desk.archive, "herald-7") is None


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/api/articles/nothing/merge", {"into": "courier-1"}, 404, "not_found"),
        ("/api/articles/wire-9/merge", {"into": "nothing"}, 404, "not_found"),
        ("/api/articles/wire-9/merge", {"into": "wire-9"}, 400, "bad_request"),
        ("/api/articles/wire-9/merge", {}, 400, "bad_request"),
        ("/api/articles/wire-9/merge", {"into": "courier-1", "why": "x"}, 400, "bad_request"),
        ("/api/articles/wire-9/merge", ["courier-1"], 400, "bad_request"),
        ("/api/articles/herald-7/split", {"reason": "x" * 501}, 400, "bad_request"),
        ("/api/articles/wire-9/split", {}, 400, "bad_request"),
        ("/api/articles/courier-1/split", {}, 400, "bad_request"),
        ("/api/articles/nothing/split", {}, 404, "not_found"),
    ],
)
def test_a_merge_or_split_that_cannot_be_done_is_refused_in_the_one_error_shape(
    desk: Desk, path: str, body: object, status: int, code: str
) -> None:
    error = assert_error(desk.post(path, body), status, code)
    assert error["message"]
    assert copy_of(desk.archive, "herald-7") == "courier-1"
    assert copy_of(desk.archive, "wire-9") is None
    assert curation.recent(desk.archive.store, 10) == []


def test_an_id_that_is_no_text_is_refused(desk: Desk) -> None:
    headers = {**desk.headers, "Content-Type": "application/json"}
    lone = b'{"into": "\\ud800"}'  # a lone surrogate, which no store can hold
    response = desk.client.post("/api/articles/wire-9/merge", content=lone, headers=headers)
    assert assert_error(response, 400, "bad_request")["where"] == "into"


def test_a_split_needs_no_body(desk: Desk) -> None:
    response = desk.client.post("/api/articles/herald-7/split", headers=desk.headers)
    assert response.status_code == 200, response.text
    assert copy_of(desk.archive, "herald-7") is None


def test_the_operations_are_documented_with_a_token_and_the_error_shape(desk: Desk) -> None:
    paths = desk.client.get("/openapi.json").json()["paths"]
    for path in ("/api/articles/{article_id}/merge", "/api/articles/{article_id}/split"):
        operation = paths[path]["post"]
        assert operation["security"]
        error = {"$ref": "#/components/schemas/ErrorBody"}
        for status in ("401", "404"):
            assert operation["responses"][status]["content"]["application/json"]["schema"] == error
    merge = paths["/api/articles/{article_id}/merge"]["post"]["requestBody"]
    assert merge["required"]
    assert "into" in merge["content"]["application/json"]["schema"]["required"]


# -- the editor pages ------------------------------------------------------------------


def form_key(html: str) -> str:
    found = re.search(r'name="form_key" value="([^"]+)"', html)
    assert found, "no form key on the page"
    return found[1]


def test_an_editor_merges_and_splits_through_the_forms(desk: Desk) -> None:
    secret = tokens.create(desk.archive.store, "redaksiya")
    with serving(create_app(desk.archive)) as base:
        client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
        client.headers["Accept-Language"] = "en"
        signed_in = client.post("/editor/login", data={"token": secret, "next": "/editor"})
        assert signed_in.status_code == 303, signed_in.text
        page = client.get("/editor/articles/wire-9")
        assert "Merge into another article" in page.text and 'name="into"' in page.text
        key = form_key(page.text)

        merge = {"do": "merge", "into": "courier-1", "reason": "one story"}
        refused = client.post("/editor/articles/wire-9", data=merge)
        assert refused.status_code == 403 and copy_of(desk.archive, "wire-9") is None

        merged = client.post("/editor/articles/wire-9", data={**merge, "form_key": key})
        assert merged.status_code == 303, merged.text
        assert copy_of(desk.archive, "wire-9") == "courier-1"
        public = httpx.get(f"{base}/articles/courier-1").text
        assert "/articles/wire-9" in public
        after = client.get("/editor/articles/wire-9").text
        assert "This is a copy of" in after and "Make it an original again" in after
        assert "one story" in after  # the history on the page
        assert "wire-9" in client.get("/editor/articles/courier-1").text

        unknown = client.post(
            "/editor/articles/zoo-1", data={"do": "merge", "into": "nothing", "form_key": key}
        )
        assert unknown.status_code == 400 and "nothing" in unknown.text

        split = {"do": "split", "reason": "two reports", "form_key": key}
        assert client.post("/editor/articles/wire-9", data=split).status_code == 303
        assert copy_of(desk.archive, "wire-9") is None
    entries = curation.history(desk.archive.store, "wire-9")
    assert [(e.who, e.action, e.reason) for e in entries] == [
        ("redaksiya", "merge", "one story"),
        ("redaksiya", "split", "two reports"),
    ]


@pytest.mark.parametrize(
    ("language", "words"),
    [("az", ("Birləşdir", "Başqa məqaləyə")), ("ru", ("Объединить", "Снова сделать"))],
)
def test_the_merge_form_speaks_the_editors_language(
    desk: Desk, language: str, words: tuple[str, ...]
) -> None:
    secret = tokens.create(desk.archive.store, "redaksiya")
    with serving(create_app(desk.archive)) as base:
        client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
        client.headers["Accept-Language"] = language
        assert client.post("/editor/login", data={"token": secret}).status_code == 303
        page = client.get("/editor/articles/herald-7").text
        assert all(word in page for word in words)


# -- the CLI ---------------------------------------------------------------------------


def test_the_cli_merges_splits_shows_and_logs(desk: Desk) -> None:
    folder = desk.archive.folder
    assert folder is not None
    desk.archive.close()
    cli = Cli(folder)
    merged = cli("merge", "wire-9", "courier-1", "--reason", "the same vote")
    assert merged.exit_code == 0, merged.output
    assert "copy of courier-1" in cli("show", "wire-9").stdout
    assert "copies: herald-7, wire-9" in cli("show", "courier-1").stdout
    assert cli.json("show", "wire-9", "--json")["copy_of"] == "courier-1"
    shown = cli.json("show", "courier-1", "--json")
    assert [c["id"] for c in shown["copies"]] == ["herald-7", "wire-9"]
    assert [h["id"] for h in cli.json("search", "libraries", "--json")["hits"]] == ["courier-1"]

    split = cli("split", "wire-9", "--reason", "not the same")
    assert split.exit_code == 0, split.output
    assert "copy_of" not in cli.json("show", "wire-9", "--json")
    log = [json.loads(line) for line in cli("history", "wire-9", "--json").stdout.splitlines()]
    assert [(e["action"], e["reason"], e["who"].startswith("cli:")) for e in log] == [
        ("merge", "the same vote", True),
        ("split", "not the same", True),
    ]
    assert "copy_of: None → 'courier-1'" in cli("history", "wire-9").stdout

    missing = cli("merge", "wire-9", "nothing")
    assert missing.exit_code == 1 and "nothing" in missing.stderr
    not_a_copy = cli("split", "courier-1")
    assert not_a_copy.exit_code == 2 and "not a copy" in not_a_copy.stderr
