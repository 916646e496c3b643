"""Curation: corrections, takedowns and embargoes, what the public no longer sees, and the
audit log of every change.

One archive holds a visible article, a hidden one, one under an embargo that has not
ended and one whose embargo has; every public surface (search in the API, the CLI and the
reading room, article pages, feeds, sitemaps, OAI-PMH, export, the date pages and their
counts, on this day, typing suggestions) must show the visible ones only.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, write_jsonl
from fastapi.testclient import TestClient

from xronika.archive import Archive
from xronika.store import curation, tokens
from xronika.web import create_app

OAI = "{http://www.openarchives.org/OAI/2.0/}"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def record(article_id: str, day: str, body: str) -> dict[str, Any]:
    return {
        "id": article_id,
        "title": body.split(":")[0],
        "body": body,
        "published": day,
        "language": "az",
        "script": "Latn",
        "section": "Kənd",
    }


RECORDS = [
    record("c-visible", "1999-03-10", "Açıq xəbər: bağçada alma yetişib."),
    record("c-hidden", "1999-03-10", "Gizli xəbər: qarğıdalı sahəsi yanıb."),
    record("c-future", "1999-03-11", "Embarqo xəbəri: zeytun bağları genişlənir."),
    record("c-past", "1999-04-01", "Keçmiş embarqo: festivalda nar satılıb."),
    record("c-alone", "1998-07-07", "Tək gizli: ərik qurusu ixrac olunub."),
]
PUBLIC = {"c-visible", "c-past"}
NOT_PUBLIC = {"c-hidden", "c-future", "c-alone"}
WORDS = {"c-hidden": "qarğıdalı", "c-future": "zeytun", "c-alone": "ərik", "c-past": "festivalda"}


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    folder = tmp_path_factory.mktemp("curated")
    cli = Cli(folder / "data")
    assert cli("ingest", str(write_jsonl(folder / "r.jsonl", RECORDS))).exit_code == 0
    for args in (
        ("hide", "c-hidden", "--reason", "məhkəmə qərarı"),
        ("hide", "c-alone", "--reason", "müəllif istəyi"),
        ("embargo", "c-future", "2999-01-01T00:00:00+04:00"),
        ("embargo", "c-past", "2001-01-01"),
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    return cli


@pytest.fixture(scope="module")
def client(curated: Cli) -> Iterator[TestClient]:
    archive = Archive.open(curated.folder)
    yield TestClient(create_app(archive))
    archive.close()


def ids_in(text: str) -> set[str]:
    return {r["id"] for r in RECORDS if r["id"] in text}


# -- the public sees only what is public ---------------------------------------------


def test_search_in_the_api_leaves_hidden_and_embargoed_articles_out(client: TestClient) -> None:
    for article_id, word in WORDS.items():
        body = client.get("/api/search", params={"q": word}).json()
        expected = [article_id] if article_id in PUBLIC else []
        assert [h["id"] for h in body["hits"]] == expected, word
        assert body["total"] == len(expected)
    everything = client.get("/api/search", params={"q": "", "section": "Kənd"}).json()
    assert {h["id"] for h in everything["hits"]} == PUBLIC
    assert everything["facets"]["section"] == [{"value": "Kənd", "count": 2}]
    assert {b["value"] for b in everything["facets"]["year"]} == {"1999"}


def test_search_in_the_cli_and_the_reading_room_leave_them_out(
    curated: Cli, client: TestClient
) -> None:
    for word in ("qarğıdalı", "zeytun", "ərik"):
        assert curated.json("search", word, "--json")["hits"] == []
        page = client.get("/search", params={"q": word}).text
        assert not ids_in(page) & NOT_PUBLIC
    found = curated.json("search", "festivalda", "--json")
    assert [h["id"] for h in found["hits"]] == ["c-past"]


def test_article_pages_and_the_api_are_404_for_the_public(client: TestClient) -> None:
    for article_id in NOT_PUBLIC:
        assert client.get(f"/articles/{article_id}").status_code == 404
        assert client.get(f"/api/articles/{article_id}").status_code == 404
    for article_id in PUBLIC:
        assert client.get(f"/articles/{article_id}").status_code == 200
        assert set(client.get(f"/api/articles/{article_id}").json()) >= {"id", "body"}
        assert "hidden" not in client.get(f"/api/articles/{article_id}").json()


def test_a_token_holder_reads_them_with_their_curation_state(curated: Cli) -> None:
    archive = Archive.open(curated.folder)
    try:
        secret = tokens.create(archive.store, "reader")
        client = TestClient(create_app(archive))
        headers = {"Authorization": f"Bearer {secret}"}
        hidden = client.get("/api/articles/c-hidden", headers=headers).json()
        assert hidden["hidden"] == "məhkəmə qərarı" and hidden["embargo_until"] is None
        future = client.get("/api/articles/c-future", headers=headers).json()
        assert future["embargo_until"] == "2998-12-31T20:00:00+00:00"
        assert client.get("/api/articles/c-hidden").status_code == 404
    finally:
        tokens.revoke(archive.store, "reader")
        archive.close()


def test_feeds_leave_them_out(client: TestClient) -> None:
    for path, params in (
        ("/feeds/latest.atom", {}),
        ("/feeds/sections/Kənd.atom", {}),
        ("/search.atom", {"q": "xəbər"}),
        ("/search.atom", {"q": "qarğıdalı"}),
    ):
        response = client.get(path, params=params)
        assert response.status_code == 200, path
        entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
        links = {e.find(f"{ATOM}link").get("href", "") for e in entries}  # type: ignore[union-attr]
        assert not {a for a in NOT_PUBLIC if any(a in link for link in links)}, path
    latest = ET.fromstring(client.get("/feeds/latest.atom").content)
    assert len(latest.findall(f"{ATOM}entry")) == len(PUBLIC)


def test_sitemaps_list_only_public_articles(client: TestClient) -> None:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [e.text or "" for e in root.iter(f"{SITEMAP}loc")]
    articles = {loc.rsplit("/", 1)[1] for loc in locations if "/articles/" in loc}
    assert articles == PUBLIC
    assert not any(loc.endswith("/archive/1998") for loc in locations)


def test_oai_announces_them_as_deleted_and_gives_no_metadata(client: TestClient) -> None:
    listed = ET.fromstring(
        client.get("/oai", params={"verb": "ListRecords", "metadataPrefix": "oai_dc"}).content
    )
    state: dict[str, bool] = {}
    for header in listed.iter(f"{OAI}header"):
        identifier = header.findtext(f"{OAI}identifier") or ""
        state[identifier.rsplit(":", 1)[1]] = header.get("status") == "deleted"
    assert state == {**dict.fromkeys(PUBLIC, False), **dict.fromkeys(NOT_PUBLIC, True)}
    assert len(list(listed.iter(f"{OAI}metadata"))) == len(PUBLIC)


def test_export_leaves_them_out_and_the_cli_takes_them_only_when_asked(
    curated: Cli, client: TestClient
) -> None:
    api = {json.loads(line)["id"] for line in client.get("/api/export").text.splitlines()}
    assert api == PUBLIC
    cli = {json.loads(line)["id"] for line in curated("export").stdout.splitlines()}
    assert cli == PUBLIC
    everything = {json.loads(line)["id"] for line in curated("export", "--all").stdout.splitlines()}
    assert everything == PUBLIC | NOT_PUBLIC


def test_date_pages_and_their_counts_leave_them_out(client: TestClient) -> None:
    years = client.get("/api/archive").json()
    assert years["years"] == [{"year": 1999, "count": 2}] and years["total"] == 2
    year = client.get("/api/archive/1999").json()
    assert {m["month"]: m["count"] for m in year["months"] if m["count"]} == {3: 1, 4: 1}
    month = client.get("/api/archive/1999/03").json()
    assert [(d["day"], d["count"]) for d in month["days"]] == [(10, 1)]
    day = client.get("/api/archive/1999/03/10").json()
    assert [a["id"] for a in day["articles"]] == ["c-visible"] and day["total"] == 1
    assert client.get("/api/archive/1999/03/11").json()["articles"] == []
    assert client.get("/api/archive/1998").json()["total"] == 0
    page = client.get("/archive/1999/03").text
    assert "zeytun" not in page.lower() and "qarğıdalı" not in page


def test_on_this_day_and_the_home_page_leave_them_out(client: TestClient) -> None:
    today = client.get("/api/on-this-day/03-10").json()
    assert [a["id"] for a in today["articles"]] == ["c-visible"] and today["total"] == 1
    assert client.get("/api/on-this-day/07-07").json()["total"] == 0
    assert client.get("/api/on-this-day/03-11").json()["total"] == 0
    home = client.get("/").text
    assert not ids_in(home) & NOT_PUBLIC


def test_typing_suggestions_never_complete_to_words_only_they_hold(client: TestClient) -> None:
    for prefix, word in (("Qarğ", "qarğıdalı"), ("Zeyt", "zeytun"), ("Tək", "tək")):
        found = client.get("/api/suggest", params={"q": prefix}).json()["suggestions"]
        assert not any(word in s.lower() for s in found), (prefix, found)
    assert client.get("/api/suggest", params={"q": "Keçm"}).json()["suggestions"] == ["Keçmiş"]


def test_the_index_holds_exactly_what_it_should_and_check_agrees(curated: Cli) -> None:
    result = curated("check")
    assert result.exit_code == 0, result.output
    assert "missing 0, extra 0, stale 0" in result.stdout
    archive = Archive.open(curated.folder)
    try:
        held = {archive.store.by_keys([k])[k].article.id for k in archive.index.hashes()}
    finally:
        archive.close()
    assert held == {"c-visible", "c-past", "c-future"}  # embargoed: in, filtered at query time


# -- embargoes end by themselves -----------------------------------------------------


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.2)


def test_an_embargo_that_ends_shows_the_article_everywhere_with_nothing_run(
    tmp_path: Path,
) -> None:
    cli = Cli(tmp_path / "data")
    cli("ingest", str(write_jsonl(tmp_path / "r.jsonl", [RECORDS[2]])))
    soon = (datetime.now(UTC) + timedelta(seconds=2)).isoformat(timespec="seconds")
    assert cli("embargo", "c-future", soon).exit_code == 0
    archive = Archive.open(cli.folder)
    try:
        client = TestClient(create_app(archive))

        def everywhere() -> bool:
            hits = client.get("/api/search", params={"q": "zeytun"}).json()["hits"]
            return (
                [h["id"] for h in hits] == ["c-future"]
                and client.get("/api/articles/c-future").status_code == 200
                and client.get("/api/archive/1999/03").json()["total"] == 1
                and "c-future" in client.get("/sitemap.xml").text
            )

        wait_until(everywhere, "the embargo to end")
        assert archive.check().clean
    finally:
        archive.close()


def test_lifting_or_unhiding_brings_an_article_back(curated: Cli, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data")
    cli("ingest", str(write_jsonl(tmp_path / "r.jsonl", RECORDS[:3])))
    cli("hide", "c-hidden", "--reason", "yoxlanılır")
    cli("embargo", "c-future", "2999-01-01")
    assert cli.json("search", "qarğıdalı", "--json")["hits"] == []
    assert "hidden: yoxlanılır" in cli("show", "c-hidden").stdout  # the operator still sees it
    assert "embargoed until 2999-01-01" in cli("show", "c-future").stdout
    assert cli("unhide", "c-hidden").exit_code == 0
    assert cli("embargo", "c-future", "--lift").exit_code == 0
    assert [h["id"] for h in cli.json("search", "qarğıdalı", "--json")["hits"]] == ["c-hidden"]
    assert [h["id"] for h in cli.json("search", "zeytun", "--json")["hits"]] == ["c-future"]
    assert cli("check").exit_code == 0
    both = cli("embargo", "c-future", "2999-01-01", "--lift")
    assert both.exit_code == 2 and "--lift" in both.stderr


# -- the audit log -------------------------------------------------------------------


def history(cli: Cli, article_id: str) -> list[dict[str, Any]]:
    result = cli("history", article_id, "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_every_kind_of_cli_change_is_logged_with_who_what_and_why(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data")
    cli("ingest", str(write_jsonl(tmp_path / "r.jsonl", RECORDS[:1])))
    steps = [
        ("edit", "c-visible", "--title", "Alma məhsulu", "--date", "1999-03-12",
         "--section", "Aqrar", "--author", "Leyla", "--tag", "alma", "--reason", "düzəliş"),
        ("hide", "c-visible", "--reason", "şikayət"),
        ("unhide", "c-visible", "--reason", "şikayət geri alınıb"),
        ("embargo", "c-visible", "2999-01-01"),
        ("embargo", "c-visible", "--lift"),
        ("delete", "c-visible", "--reason", "dublikat"),
    ]  # fmt: skip
    for step in steps:
        assert cli(*step).exit_code == 0, step
    log = history(cli, "c-visible")
    assert [e["action"] for e in log] == ["edit", "hide", "unhide", "embargo", "release", "delete"]
    assert {e["who"] for e in log} == {curation.cli_editor()} and curation.cli_editor().startswith(
        "cli:"
    )
    assert all(datetime.fromisoformat(e["at"]).tzinfo is not None for e in log)
    assert log[0]["changes"] == {
        "authors": [None, ["Leyla"]],
        "published": ["1999-03-10", "1999-03-12"],
        "section": ["Kənd", "Aqrar"],
        "tags": [None, ["alma"]],
        "title": ["Açıq xəbər", "Alma məhsulu"],
    }
    assert log[0]["reason"] == "düzəliş"
    assert log[1]["changes"] == {"hidden": [None, "şikayət"]} and log[1]["reason"] == "şikayət"
    assert log[2]["changes"] == {"hidden": ["şikayət", None]}
    assert log[2]["reason"] == "şikayət geri alınıb"
    assert log[3]["changes"] == {"embargo_until": [None, "2999-01-01T00:00:00+00:00"]}
    assert log[5]["changes"]["title"] == ["Alma məhsulu", None] and log[5]["reason"] == "dublikat"
    text = cli("history", "c-visible")
    assert text.exit_code == 0 and "hide (şikayət)" in text.stdout and "→" in text.stdout


def test_nothing_changed_is_nothing_logged_and_unknown_ids_are_errors(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data")
    cli("ingest", str(write_jsonl(tmp_path / "r.jsonl", RECORDS[:1])))
    assert cli("edit", "c-visible", "--title", "Açıq xəbər").exit_code == 0
    assert history(cli, "c-visible") == []
    for args in (
        ("hide", "nope", "--reason", "x"),
        ("history", "nope"),
        ("edit", "nope", "--title", "x"),
    ):
        result = cli(*args)
        assert result.exit_code == 1 and "no article with id 'nope'" in result.stderr, args
    bad = cli("edit", "c-visible", "--date", "dünən")
    assert bad.exit_code == 2 and "published" in bad.stderr
    assert cli("edit", "c-visible").exit_code == 2


def test_api_changes_are_logged_under_the_token_name(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "archive")
    try:
        secret = tokens.create(archive.store, "newsroom")
        client = TestClient(create_app(archive))
        headers = {"Authorization": f"Bearer {secret}"}
        client.post("/api/articles", json=RECORDS[0], headers=headers)
        client.put("/api/articles/c-visible", json={**RECORDS[0], "body": "Yeni mətn."},
                   headers=headers)  # fmt: skip
        client.patch("/api/articles/c-visible", json={"hidden": "x", "reason": "yoxlama"},
                     headers=headers)  # fmt: skip
        log = client.get("/api/articles/c-visible/history", headers=headers).json()["history"]
        assert [(e["action"], e["who"]) for e in log] == [
            ("create", "newsroom"), ("update", "newsroom"), ("hide", "newsroom"),
        ]  # fmt: skip
        assert log[0]["changes"]["title"] == [None, "Açıq xəbər"]
        assert log[1]["changes"] == {"body": ["Açıq xəbər: bağçada alma yetişib.", "Yeni mətn."]}
        assert log[2]["reason"] == "yoxlama"
        assert client.get("/api/articles/nope/history", headers=headers).status_code == 404
    finally:
        archive.close()


def test_a_hide_is_announced_to_an_incremental_harvest(curated: Cli, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data")
    cli("ingest", str(write_jsonl(tmp_path / "r.jsonl", RECORDS[:2])))
    archive = Archive.open(cli.folder)
    try:
        client = TestClient(create_app(archive))
        stored = archive.store.get("c-hidden")
        assert stored is not None
        ingested = datetime.fromisoformat(stored.updated)
        # Harvest stamps are whole seconds: hide in a later second than the ingest.
        wait_until(lambda: datetime.now(UTC).replace(microsecond=0) > ingested, "a new second")
        since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        cli("hide", "c-visible", "--reason", "x")
        params = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": since}
        root = ET.fromstring(client.get("/oai", params=params).content)
        headers = list(root.iter(f"{OAI}header"))
        assert [(h.findtext(f"{OAI}identifier", "").rsplit(":", 1)[1], h.get("status"))
                for h in headers] == [("c-visible", "deleted")]  # fmt: skip
    finally:
        archive.close()
