"""OAI-PMH 2.0: a real harvester (sickle) against a running server.

A full harvest must return exactly the public articles, an incremental one exactly what
changed since (deletions included), and every protocol error must come from the request
that should produce it.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser.live import serving
from conftest import write_jsonl
from sickle import Sickle  # type: ignore[import-untyped]
from sickle.oaiexceptions import (  # type: ignore[import-untyped]
    BadResumptionToken,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoRecordsMatch,
)

from xronika.archive import Archive
from xronika.ingest import ingest
from xronika.web import create_app
from xronika.web.oai_dc import parse_set, set_spec

OAI = "{http://www.openarchives.org/OAI/2.0/}"
SECTIONS = ("Tarix", "Xəbər", "Политика", "Sport & Life")
LANGUAGES = ("az", "ru", "en")
COUNT = 230  # more than two pages of 100


def record(number: int, version: str = "") -> dict[str, Any]:
    return {
        "id": f"oai-{number:03d}",
        "url": f"https://paper.example.az/{number}",
        "title": f"Headline number {number}",
        "body": f"Story {number} about the harbour and the old city walls.{version} " * 30,
        "published": f"20{10 + number % 10}-0{1 + number % 9}-1{number % 10}",
        "language": LANGUAGES[number % 3],
        "section": SECTIONS[number % 4],
        "tags": [f"tag{number % 5}"],
        "authors": [f"Author {number % 7}"],
        "source": "Xəbər Günü",
    }


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    folder = tmp_path_factory.mktemp("oai")
    archive = Archive.open(folder / "archive")
    source = write_jsonl(folder / "records.jsonl", [record(n) for n in range(COUNT)])
    assert ingest(archive, [str(source)]).added == COUNT
    yield archive
    archive.close()


@pytest.fixture(scope="module")
def base(archive: Archive) -> Iterator[str]:
    with serving(create_app(archive)) as url:
        yield f"{url}/oai"


def ids(records: Any) -> list[str]:
    return [r.header.identifier.rsplit(":", 1)[1] for r in records]


def oai_error(base: str, **params: str) -> str | None:
    """The error code a GET request gets, None when it succeeds."""
    response = httpx.get(base, params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    error = root.find(f"{OAI}error")
    return None if error is None else error.get("code")


def test_identify_says_how_the_repository_behaves(base: str, archive: Archive) -> None:
    identify = Sickle(base).Identify()
    assert identify.protocolVersion == "2.0"
    assert identify.baseURL == base
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    first = min(s.updated for s in archive.store.iter_articles())
    assert identify.earliestDatestamp == datetime.fromisoformat(first).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def test_a_full_harvest_returns_exactly_the_public_articles(base: str, archive: Archive) -> None:
    harvested = list(Sickle(base).ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    public = {s.article.id for s in archive.store.iter_articles()}
    assert len(harvested) == len(public)  # each once
    assert set(ids(harvested)) == public
    assert not any(r.header.deleted for r in harvested)


def test_a_record_carries_dublin_core(base: str) -> None:
    found = Sickle(base).GetRecord(identifier="oai:127.0.0.1:oai-005", metadataPrefix="oai_dc")
    dc = found.metadata
    assert dc["title"] == ["Headline number 5"]
    assert dc["creator"] == ["Author 5"]
    assert dc["subject"] == ["Xəbər", "tag0"]
    assert dc["language"] == ["en"] and dc["source"] == ["Xəbər Günü"]
    assert dc["date"] == ["2015-06-15"]
    assert dc["identifier"][1] == "https://paper.example.az/5"
    assert dc["identifier"][0].endswith("/articles/oai-005")
    assert dc["description"][0].startswith("Story 5 about the harbour")
    assert len(dc["description"][0]) < 500
    assert set(found.header.setSpecs) == {set_spec("section", "Xəbər"), "language:en"}


def test_identifiers_page_with_resumption_tokens(base: str) -> None:
    first = httpx.get(base, params={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    token = ET.fromstring(first.content).find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    assert token is not None and token.text
    assert token.get("cursor") == "0" and int(token.get("completeListSize", 0)) >= COUNT
    headers = list(Sickle(base).ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=False))
    assert len({h.identifier for h in headers}) == len(headers) >= COUNT


def test_post_requests_are_answered_like_get(base: str) -> None:
    response = httpx.post(base, data={"verb": "ListSets"})
    assert ET.fromstring(response.content).find(f"{OAI}ListSets") is not None
    harvested = list(Sickle(base, http_method="POST").ListIdentifiers(metadataPrefix="oai_dc"))
    assert len(harvested) >= COUNT - 1


def test_sets_by_section_and_language_have_valid_specs_and_human_names(base: str) -> None:
    sets = {s.setSpec: s.setName for s in Sickle(base).ListSets()}
    valid = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'():"
    for spec in sets:
        assert set(spec) <= set(valid), spec
    assert {"section", "language", "language:az", "language:ru", "section:Tarix"} <= set(sets)
    for section in SECTIONS:
        assert sets[set_spec("section", section)] == f"section: {section}"
        assert parse_set(set_spec("section", section)) == ("section", section)
    in_set = list(Sickle(base).ListIdentifiers(metadataPrefix="oai_dc", set="language:az"))
    assert len(in_set) == len([n for n in range(COUNT) if n % 3 == 0])
    politics = Sickle(base).ListRecords(
        metadataPrefix="oai_dc", set=set_spec("section", "Политика")
    )
    assert all(r.metadata["subject"][0] == "Политика" for r in politics)


def test_an_incremental_harvest_returns_exactly_what_changed(
    tmp_path: Path, make_archive: Callable[[list[dict[str, Any]]], Archive]
) -> None:
    archive = make_archive([record(n) for n in range(30)])
    with serving(create_app(archive)) as url:
        sickle = Sickle(f"{url}/oai")
        first = list(sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
        assert set(ids(first)) == {f"oai-{n:03d}" for n in range(30)}
        time.sleep(1.1)  # datestamps have second granularity
        since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        changed = write_jsonl(tmp_path / "changed.jsonl", [record(3, " v2"), record(4, " v2")])
        assert ingest(archive, [str(changed)]).updated == 2
        with archive.writing():
            assert archive.store.delete("oai-007")
            archive.sync()
        later = list(
            sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False, **{"from": since})
        )
        assert sorted(ids(later)) == ["oai-003", "oai-004", "oai-007"]
        deleted = [r for r in later if r.header.deleted]
        assert ids(deleted) == ["oai-007"]
        assert deleted[0].xml.find(f".//{OAI}metadata") is None
        # The deletion stays announced in a full harvest and in its sets.
        again = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=False))
        assert [h.identifier for h in again if h.deleted] == ["oai:127.0.0.1:oai-007"]
        in_set = sickle.ListIdentifiers(
            metadataPrefix="oai_dc", set=set_spec("section", SECTIONS[7 % 4]), ignore_deleted=False
        )
        assert "oai:127.0.0.1:oai-007" in {h.identifier for h in in_set}
        gone = sickle.GetRecord(identifier="oai:127.0.0.1:oai-007", metadataPrefix="oai_dc")
        assert gone.header.deleted
        day = since[:10]
        listing = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
        assert oai_error(f"{url}/oai", **listing, until="1999-01-01") == "noRecordsMatch"
        assert oai_error(f"{url}/oai", **listing, **{"from": day, "until": day}) is None


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": "Identify", "set": "x"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-13-01"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2020-01-01",
                "until": "2021-01-01T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2021-01-01",
                "until": "2020-01-01",
            },
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "metadataPrefix": "mods", "identifier": "oai:127.0.0.1:oai-001"},
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:127.0.0.1:none"},
            "idDoesNotExist",
        ),
        (
            {
                "verb": "GetRecord",
                "metadataPrefix": "oai_dc",
                "identifier": "oai:elsewhere:oai-001",
            },
            "idDoesNotExist",
        ),
        ({"verb": "ListMetadataFormats", "identifier": "oai:127.0.0.1:none"}, "idDoesNotExist"),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "section:Nowhere"},
            "noRecordsMatch",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "colour:red"},
            "noRecordsMatch",
        ),
        (
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2999-01-01T00:00:00Z"},
            "noRecordsMatch",
        ),
    ],
)
def test_each_protocol_error_comes_from_the_request_that_deserves_it(
    base: str, params: dict[str, str], code: str
) -> None:
    assert oai_error(base, **params) == code


def test_repeated_arguments_are_bad_arguments(base: str) -> None:
    response = httpx.get(f"{base}?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc")
    error = ET.fromstring(response.content).find(f"{OAI}error")
    assert error is not None and error.get("code") == "badArgument"
    request = ET.fromstring(response.content).find(f"{OAI}request")
    assert request is not None and request.attrib == {}  # a rejected request is not echoed


def test_a_token_changed_by_hand_or_used_with_another_verb_is_refused(base: str) -> None:
    first = httpx.get(base, params={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    token = ET.fromstring(first.content).find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    assert token is not None and token.text
    assert oai_error(base, verb="ListIdentifiers", resumptionToken=token.text) is None
    assert oai_error(base, verb="ListRecords", resumptionToken=token.text) == "badResumptionToken"
    payload, checksum = token.text.split(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + checksum
    assert oai_error(base, verb="ListIdentifiers", resumptionToken=forged) == "badResumptionToken"


def test_the_harvester_understands_the_errors(base: str) -> None:
    sickle = Sickle(base)
    with pytest.raises(CannotDisseminateFormat):
        next(iter(sickle.ListRecords(metadataPrefix="marc21")))
    with pytest.raises(NoRecordsMatch):
        next(iter(sickle.ListRecords(metadataPrefix="oai_dc", set="language:xx")))
    with pytest.raises(IdDoesNotExist):
        sickle.GetRecord(identifier="oai:127.0.0.1:nothing", metadataPrefix="oai_dc")
    with pytest.raises(BadResumptionToken):
        next(iter(sickle.ListRecords(resumptionToken="garbage")))
