"""Crash safety: `xronika ingest` and `xronika reindex` killed with SIGKILL at random moments.

Every run is a real process on a real data folder. After each kill the folder must hold:
a sound SQLite file; every article the run acknowledged in its `--log`, exactly as sent;
nothing half-written (each row is a whole article equal to one that was sent, and each is
either indexed as it stands or still owed to the index); and once reopened, a clean
`xronika check`. A complete ingest of the same input then gives exactly the input.

Runs come in chains on one folder: the first run of a chain adds articles, later runs
update a third of what is stored, resend some unchanged and add new ones; half the chains
end with one big batch so that the kill lands while the index catches up. The seed makes
the plan the same every time; where each kill lands still depends on timing, so the test
counts the phases and prints them (`pytest -s`).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from conftest import Cli, write_jsonl
from workload import (
    XRONIKA,
    Record,
    Writer,
    acknowledged,
    environment,
    make_record,
    read_log,
    records,
    write_parts,
)

from xronika.archive import INDEX_FOLDER, PARALLEL_KEYS, index_hash
from xronika.index.tantivy import SCHEMA_VERSION, VERSION_FILE, TantivyIndex
from xronika.store import Store
from xronika.store.articles import FILENAME
from xronika.store.public import indexable

SEED = 20251125
CHAINS = 10
RUNS_PER_CHAIN = 5  # 50 killed ingests in all
REINDEX_KILLS = 6
# Small runs commit every file (batch 1) and skip worker start-up; big runs use workers.
SMALL = environment(ingest_batch=1, workers=1)
BIG = environment(ingest_batch=1, workers=2)


@pytest.fixture(autouse=True)
def in_process_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The restarts and follow-up ingests run in this process: keep them single-process."""
    monkeypatch.setenv("XRONIKA_WORKERS", "1")
    monkeypatch.delenv("XRONIKA_DATA", raising=False)


def plan_run(
    rng: random.Random, state: dict[str, Record], chain: int, run: int, big: bool
) -> list[Record]:
    """New articles, updates of a third of the stored ones, and some sent again unchanged."""
    new = PARALLEL_KEYS + 100 if big else rng.randint(25, 70)
    records = [make_record(rng, f"k{chain}-{run}-{n}", 1) for n in range(new)]
    stored = sorted(state)
    changed = rng.sample(stored, len(stored) // 3)
    records += [make_record(rng, article_id, run + 1) for article_id in changed]
    unchanged = sorted(set(stored) - set(changed))
    records += [state[a] for a in rng.sample(unchanged, min(len(unchanged), 10))]
    rng.shuffle(records)
    return records


def kill_somewhere(rng: random.Random, writer: Writer, total: int, parts: int, big: bool) -> None:
    """Kill at a random time, after a random number of commits, or after the last one."""
    how = "synced" if big else rng.choice(["time", "commits", "commits", "commits", "synced"])
    if how == "time":
        time.sleep(rng.uniform(0, 0.8))
    elif how == "commits":
        commits = rng.randint(1, parts)
        writer.wait_for(lambda events: len(acknowledged(events)) >= commits)
        time.sleep(rng.uniform(0, 0.02))
    else:
        writer.wait_for(lambda events: sum(map(len, acknowledged(events))) >= total)
        time.sleep(rng.uniform(0, 0.6 if big else 0.1))
    writer.kill()


def phase(events: list[Record], total: int, killed: bool) -> str:
    acked = sum(map(len, acknowledged(events)))
    if not killed:
        return "after the run had ended"
    if any(event["event"] == "done" for event in events):
        return "after the final log line"
    if not acked:
        return "before the first acknowledgement"
    if acked < total:
        return "between commits"
    return "after the last commit (index catching up)"


def index_hashes(folder: Path) -> dict[int, int] | None:
    """What the index holds, or None when it is unmarked and the next open rebuilds it."""
    marker = folder / INDEX_FOLDER / VERSION_FILE
    try:
        if json.loads(marker.read_text())["schema"] != SCHEMA_VERSION:
            return None
    except (OSError, ValueError, KeyError):
        return None
    return TantivyIndex(folder / INDEX_FOLDER).hashes()


def assert_nothing_lost_or_torn(
    folder: Path, before: dict[str, Record], sent: dict[str, Record], acked: set[str]
) -> None:
    path = folder / FILENAME
    if not path.exists():
        assert not acked
        return
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = Store(path)
    try:
        stored = {s.article.id: s for s in store.iter_articles()}
        owed = dict(store.pending(10**9))
    finally:
        store.close()
    indexed = index_hashes(folder)
    assert set(before) <= set(stored), "articles stored before the run are gone"
    for article_id, row in stored.items():
        whole = row.article.to_json()
        assert whole in (sent.get(article_id), before.get(article_id)), f"torn: {article_id}"
        if article_id in acked:
            assert whole == sent[article_id], f"acknowledged but not as sent: {article_id}"
        if indexed is None or owed.get(row.key) == "put":
            continue
        if indexable(row):
            assert indexed.get(row.key) == index_hash(row), f"index owes nothing: {article_id}"
        else:
            assert row.key not in indexed, f"indexed though not indexable: {article_id}"
    keys = {row.key for row in stored.values()}
    assert all(key in keys or owed.get(key) == "delete" for key in indexed or {})


def assert_export_is(cli: Cli, expected: dict[str, Record]) -> None:
    exported = [json.loads(line) for line in cli("export").stdout.splitlines()]
    assert {record["id"]: record for record in exported} == expected
    assert len(exported) == len(expected)


def test_the_ingest_log_acknowledges_each_commit_then_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XRONIKA_INGEST_BATCH", "1")
    sent = records("log", 12)
    source = write_parts(tmp_path / "in", sent, random.Random(SEED), most=3)
    (source / "part-99999.jsonl").write_text('{"id": "no-body"}\n', "utf-8")
    cli, log = Cli(tmp_path / "data"), tmp_path / "ingest.log"
    result = cli("ingest", "--log", str(log), str(source))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "added 12, updated 0, unchanged 0, failed 1"
    events = read_log(log)
    stored = [event for event in events if event["event"] == "stored"]
    assert [i for event in stored for i in event["ids"]] == [record["id"] for record in sent]
    assert [event["stored"] for event in stored] == list(
        itertools.accumulate(event["batch"] for event in stored)
    )
    last = sorted(source.glob("part-0*.jsonl"))[-1]
    assert stored[-1]["last"] == f"{last}:{len(last.read_text().splitlines())}"
    (failed,) = [event for event in events if event["event"] == "failed"]
    assert failed["where"].endswith("part-99999.jsonl:1") and "body" in failed["message"]
    assert events[-1]["event"] == "done" and events[-1]["added"] == 12
    assert events[-1]["failed"] == 1

    cli("ingest", "--log", str(log), str(source))  # a second run appends
    assert read_log(log)[-1]["unchanged"] == 12 and len(read_log(log)) == 2 * len(events)
    nowhere = Cli(tmp_path / "other")("ingest", "--log", str(tmp_path / "no" / "log"), str(source))
    assert nowhere.exit_code == 2 and "cannot write the ingest log" in nowhere.stderr
    assert not (tmp_path / "other").exists()


def test_killed_ingests_keep_every_acknowledged_article_whole(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    phases: Counter[str] = Counter()
    finals: list[tuple[Path, dict[str, Record]]] = []
    for chain in range(CHAINS):
        folder = tmp_path / f"chain{chain}"
        cli = Cli(folder)
        state: dict[str, Record] = {}
        for run in range(RUNS_PER_CHAIN):
            big = chain % 2 == 1 and run == RUNS_PER_CHAIN - 1
            records = plan_run(rng, state, chain, run, big)
            source = tmp_path / f"in-{chain}-{run}"
            if big:
                source.mkdir()
                write_jsonl(source / "all.jsonl", records)
            else:
                write_parts(source, records, rng, most=8)
            log = tmp_path / f"log-{chain}-{run}.jsonl"
            writer = Writer(folder, log, [source], BIG if big else SMALL)
            parts = len(list(source.iterdir()))
            kill_somewhere(rng, writer, len(records), parts, big)
            events = writer.events()
            phases[phase(events, len(records), killed=writer.process.returncode < 0)] += 1
            sent = {record["id"]: record for record in records}
            acked = {i for batch in acknowledged(events) for i in batch}
            assert_nothing_lost_or_torn(folder, state, sent, acked)

            if (folder / FILENAME).exists():  # else killed before it made one
                restarted = cli("check")
                assert restarted.exit_code == 0, restarted.output
            again = cli("ingest", str(source))
            assert again.exit_code == 0, again.output
            state.update(sent)
            assert_export_is(cli, state)
        finals.append((folder, state))
    print(f"\n{CHAINS * RUNS_PER_CHAIN} killed ingests:", dict(phases))

    killed = 0
    for folder, state in rng.sample(finals, REINDEX_KILLS):
        process = subprocess.Popen(
            [XRONIKA, "--data", str(folder), "reindex"],
            stderr=subprocess.DEVNULL,
            env=BIG,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0.3, 1.2))
        if process.poll() is None:
            killed += 1
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        with closing(sqlite3.connect(folder / FILENAME)) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        cli = Cli(folder)
        reopened = cli("check")
        assert reopened.exit_code == 0, reopened.output
        assert_export_is(cli, state)
        assert cli.json("search", "--json", "v1")["total"] > 0
    print(f"{REINDEX_KILLS} killed reindexes, {killed} still running when killed")
