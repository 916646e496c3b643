"""`xronika backup` and `xronika restore`: consistent snapshots, and nothing lost coming back.

A backup taken while another process ingests is exactly one committed state (its articles
are the articles of some prefix of the writer's acknowledged batches); one taken while the
archive is served is as good; a restore gives back the archive as it was at backup time,
checks clean and serves; a damaged backup is refused with one clear line and changes
nothing. Property tests: export → import, and backup → restore, lose nothing of articles
with any Unicode in any field.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

import httpx
import pytest
from conftest import Cli, write_jsonl
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workload import (
    XRONIKA,
    Record,
    Writer,
    acknowledged,
    environment,
    free_port,
    records,
    write_parts,
    xronika,
)

from xronika import __version__
from xronika.archive import Archive
from xronika.backup import MANIFEST
from xronika.model import clean_line, clean_text
from xronika.store.articles import FILENAME
from xronika.store.migrations import MIGRATIONS
from xronika.web import create_app

SEED = 11


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """An archive of 20 articles."""
    archive = Cli(tmp_path / "data")
    done = archive("ingest", str(write_jsonl(tmp_path / "base.jsonl", records("base", 20))))
    assert done.exit_code == 0, done.output
    return archive


def snapshot_ids(backup: Path) -> set[str]:
    """The article ids of a backed-up store, read without changing the file."""
    uri = f"file:{backup / FILENAME}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as store:
        assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {row[0] for row in store.execute("SELECT id FROM articles")}


def hidden_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith("."))


def test_the_manifest_says_what_the_backup_holds(cli: Cli, tmp_path: Path) -> None:
    result = cli("backup", str(tmp_path / "backup"))
    assert result.exit_code == 0, result.output
    assert "backed up 20 articles" in result.stderr
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    store = tmp_path / "backup" / FILENAME
    assert manifest["xronika"] == __version__ and manifest["articles"] == 20
    assert manifest["migrations"] == sorted(name for name, _ in MIGRATIONS)
    assert manifest["store"]["sha256"] == hashlib.sha256(store.read_bytes()).hexdigest()
    assert manifest["store"]["bytes"] == store.stat().st_size
    assert date.fromisoformat(manifest["created"][:10]) == date.today()
    assert sorted(p.name for p in (tmp_path / "backup").iterdir()) == [FILENAME, MANIFEST]


def test_a_backup_goes_only_to_a_new_or_empty_folder_outside_the_archive(
    cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    assert cli("backup", str(tmp_path / "empty")).exit_code == 0
    for destination, complaint in [
        (tmp_path / "empty", "is not empty"),
        (tmp_path / "base.jsonl", "is a file"),
        (cli.folder / "backup", "inside the data folder"),
    ]:
        refused = cli("backup", str(destination))
        assert refused.exit_code == 2 and complaint in refused.stderr, refused.output
    assert hidden_leftovers(cli.folder) == []
    nothing = Cli(tmp_path / "nothing")("backup", str(tmp_path / "b2"))
    assert nothing.exit_code == 2 and "no archive" in nothing.stderr


def test_a_backup_during_an_ingest_is_one_committed_state(cli: Cli, tmp_path: Path) -> None:
    incoming = records("new", 300)
    source = write_parts(tmp_path / "in", incoming, random.Random(SEED), most=4)
    writer = Writer(cli.folder, tmp_path / "log", [source], environment(ingest_batch=1))
    backups = []
    for number, commits in enumerate([1, 25, 60]):
        writer.wait_for(lambda events, n=commits: len(acknowledged(events)) >= n)
        backups.append(tmp_path / f"backup{number}")
        made = cli("backup", str(backups[-1]))
        assert made.exit_code == 0, made.output
    assert "added 300," in writer.finish()

    base = {record["id"] for record in records("base", 20)}
    states = [set(base)]
    for batch in acknowledged(writer.events()):
        states.append(states[-1] | set(batch))
    for backup in backups:
        held = snapshot_ids(backup)
        assert held in states, f"{backup.name} is no committed state"
        assert json.loads((backup / MANIFEST).read_text())["articles"] == len(held)
    restored = Cli(tmp_path / "restored")
    assert restored("restore", str(backups[-1])).exit_code == 0
    by_id = {record["id"]: record for record in records("base", 20) + incoming}
    exported = [json.loads(line) for line in restored("export").stdout.splitlines()]
    assert exported == [by_id[record["id"]] for record in exported]
    assert {record["id"] for record in exported} == snapshot_ids(backups[-1])


def test_a_restore_gives_back_the_archive_as_it_was_at_backup_time(
    cli: Cli, tmp_path: Path
) -> None:
    before = cli("export").stdout
    assert cli("backup", str(tmp_path / "backup")).exit_code == 0
    assert (
        cli("ingest", str(write_jsonl(tmp_path / "more.jsonl", records("more", 5)))).exit_code == 0
    )
    assert cli("delete", "base-3").exit_code == 0

    restored = Cli(tmp_path / "restored")
    done = restored("restore", str(tmp_path / "backup"))
    assert done.exit_code == 0 and "restored 20 articles" in done.stderr, done.output
    assert restored("export").stdout == before
    assert restored("check").exit_code == 0
    assert restored.json("search", "v1", "--json")["total"] == 20
    archive = Archive.open(restored.folder)
    client = TestClient(create_app(archive))
    assert client.get("/api/search", params={"q": "v1"}).json()["total"] == 20
    assert client.get("/api/articles/base-3").status_code == 200
    archive.close()
    assert hidden_leftovers(restored.folder) == []


def test_restore_replaces_an_archive_only_when_forced(cli: Cli, tmp_path: Path) -> None:
    assert cli("backup", str(tmp_path / "backup")).exit_code == 0
    backed_up = cli("export").stdout
    assert cli("delete", "base-0").exit_code == 0
    changed = cli("export").stdout

    refused = cli("restore", str(tmp_path / "backup"))
    assert refused.exit_code == 2 and "not empty" in refused.stderr and "--force" in refused.stderr
    assert cli("export").stdout == changed

    forced = cli("restore", str(tmp_path / "backup"), "--force")
    assert forced.exit_code == 0, forced.output
    assert cli("export").stdout == backed_up
    assert cli("check").exit_code == 0
    assert hidden_leftovers(cli.folder) == []

    inside = cli("backup", str(tmp_path / "elsewhere"))
    assert inside.exit_code == 0
    (tmp_path / "elsewhere").rename(cli.folder / "kept")
    refused = cli("restore", str(cli.folder / "kept"), "--force")
    assert refused.exit_code == 2 and "inside the data folder" in refused.stderr


def _rewrite_manifest(backup: Path, **changes: object) -> None:
    path = backup / MANIFEST
    manifest = json.loads(path.read_text())
    store = backup / FILENAME
    manifest["store"].update(
        bytes=store.stat().st_size, sha256=hashlib.sha256(store.read_bytes()).hexdigest()
    )
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


def truncate(backup: Path) -> None:
    store = backup / FILENAME
    store.write_bytes(store.read_bytes()[: store.stat().st_size // 2])


def truncate_and_vouch(backup: Path) -> None:
    truncate(backup)
    _rewrite_manifest(backup)


def wrong_checksum(backup: Path) -> None:
    manifest = json.loads((backup / MANIFEST).read_text())
    manifest["store"]["sha256"] = "0" * 64
    (backup / MANIFEST).write_text(json.dumps(manifest))


def no_manifest(backup: Path) -> None:
    (backup / MANIFEST).unlink()


def broken_manifest(backup: Path) -> None:
    (backup / MANIFEST).write_text('{"format": "xronika-backup/1", "store":')


def from_the_future(backup: Path) -> None:
    with closing(sqlite3.connect(backup / FILENAME)) as store, store:
        store.execute("INSERT INTO migrations VALUES ('9999_future', '2999-01-01')")
    names = sorted([*(name for name, _ in MIGRATIONS), "9999_future"])
    _rewrite_manifest(backup, migrations=names)


@pytest.mark.parametrize(
    ("damage", "complaint"),
    [
        (truncate, "does not match the manifest's checksum"),
        (truncate_and_vouch, "the backed-up store"),
        (wrong_checksum, "does not match the manifest's checksum"),
        (no_manifest, "not a backup made by `xronika backup`"),
        (broken_manifest, "the manifest cannot be read"),
        (from_the_future, "made by a newer xronika"),
    ],
)
def test_a_damaged_backup_is_refused_clearly_and_touches_nothing(
    cli: Cli, tmp_path: Path, damage: Callable[[Path], None], complaint: str
) -> None:
    assert cli("backup", str(tmp_path / "backup")).exit_code == 0
    damage(tmp_path / "backup")
    assert cli("delete", "base-0").exit_code == 0
    current = cli("export").stdout

    for target, force in [(cli, ["--force"]), (Cli(tmp_path / "fresh"), [])]:
        refused = target("restore", str(tmp_path / "backup"), *force)
        assert refused.exit_code == 1, refused.output
        assert complaint in refused.stderr and "Traceback" not in refused.output
        assert len(refused.stderr.strip().splitlines()) == 1
    assert cli("export").stdout == current
    assert not (tmp_path / "fresh").exists()
    assert hidden_leftovers(cli.folder) == []


def test_a_backup_while_the_archive_is_served(cli: Cli, tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [XRONIKA, "--data", str(cli.folder), "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
    )
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        for _ in range(300):
            try:
                if client.get("/api/search", params={"q": "v1"}).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        made = xronika(cli.folder, "backup", str(tmp_path / "backup"))
        assert made.returncode == 0, made.stderr
        assert client.get("/api/search", params={"q": "v1"}).json()["total"] == 20
    finally:
        server.terminate()
        server.wait(timeout=30)
    restored = Cli(tmp_path / "restored")
    assert restored("restore", str(tmp_path / "backup")).exit_code == 0
    assert restored("export").stdout == cli("export").stdout


# -- nothing lost: any Unicode, in every field -----------------------------------------

ANY_TEXT = st.text(max_size=24)  # every code point but lone surrogates
LANGUAGES = st.sampled_from(["az", "ru", "tr", "en", "kk", "ka", "fa", "zh", "ang"])
SCRIPTS = st.sampled_from(["Latn", "Cyrl", "Arab", "Hani", "Geor", "Grek"])


@st.composite
def published(draw: st.DrawFn) -> str:
    """A date of each precision ingest accepts: a day, minutes, seconds, fractions, zones."""
    day = draw(st.dates(min_value=date(1, 1, 2), max_value=date(9999, 12, 30))).isoformat()
    precision = draw(st.sampled_from(["day", "minutes", "seconds", "fraction"]))
    if precision == "day":
        return day
    hour, minute, second = (
        draw(st.integers(0, 23)),
        draw(st.integers(0, 59)),
        draw(st.integers(0, 59)),
    )
    text = f"{day}{draw(st.sampled_from('T '))}{hour:02d}:{minute:02d}"
    if precision != "minutes":
        text += f":{second:02d}"
    if precision == "fraction":
        text += "." + draw(st.from_regex(r"[0-9]{1,9}", fullmatch=True))
    return text + draw(st.sampled_from(["", "Z", "+04:00", "-0330", "+00:00", "-12:00", "+14:00"]))


@st.composite
def article_records(draw: st.DrawFn) -> Record:
    record: Record = {
        "id": draw(st.text(min_size=1, max_size=16).filter(clean_line)),
        "body": draw(st.text(min_size=1, max_size=200).filter(clean_text)),
    }
    optional = {
        "title": ANY_TEXT,
        "url": ANY_TEXT.map(lambda path: "https://news.example/" + path),
        "section": ANY_TEXT,
        "source": ANY_TEXT,
        "group": ANY_TEXT,
        "tags": st.lists(ANY_TEXT, max_size=4),
        "authors": st.lists(ANY_TEXT, max_size=3),
        "published": published(),
        "language": LANGUAGES,
        "script": SCRIPTS,
        "title_derived": st.just(True),
    }
    for name, values in optional.items():
        if draw(st.booleans()):
            record[name] = draw(values)
    return record


ARCHIVES = st.lists(
    article_records(), min_size=1, max_size=6, unique_by=lambda r: clean_line(r["id"])
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(ARCHIVES)
def test_export_then_import_and_backup_then_restore_lose_nothing(articles: list[Record]) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        tmp = Path(temporary)
        first = Cli(tmp / "first")
        ingested = first("ingest", str(write_jsonl(tmp / "in.jsonl", articles)))
        assert f"added {len(articles)}," in ingested.stderr, ingested.output
        exported = first("export").stdout
        assert len(exported.splitlines()) == len(articles)
        (tmp / "export.jsonl").write_text(exported, "utf-8")

        second = Cli(tmp / "second")
        again = second("ingest", str(tmp / "export.jsonl"))
        assert f"added {len(articles)}, updated 0, unchanged 0, failed 0" in again.stderr
        assert second("export").stdout == exported

        assert first("backup", str(tmp / "backup")).exit_code == 0
        third = Cli(tmp / "third")
        restored = third("restore", str(tmp / "backup"))
        assert restored.exit_code == 0, restored.output
        assert third("export").stdout == exported
        assert third("check").exit_code == 0
