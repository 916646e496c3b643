"""One writer at a time, any number of readers: all real processes on one data folder.

Readers (another Archive in this process, and `xronika serve`) keep answering while
`xronika ingest` writes, and what they see only grows: every article the writer has
acknowledged can be read at once. A second writer waits for the first (`busy_timeout_ms`),
or gives up with one clear line and exit 1, and never damages the archive.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import Cli, write_jsonl
from workload import (
    XRONIKA,
    Writer,
    acknowledged,
    environment,
    free_port,
    records,
    write_parts,
    xronika,
)

from xronika.archive import Archive
from xronika.search import SearchRequest, search

SEED = 7


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder holding a first few articles, so that readers have an archive to open."""
    data = tmp_path / "data"
    done = xronika(data, "ingest", str(write_jsonl(tmp_path / "base.jsonl", records("base", 20))))
    assert done.returncode == 0, done.stderr
    return data


@pytest.fixture
def server(folder: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [XRONIKA, "--data", str(folder), "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/api/search", params={"q": "v1"})
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
    yield base
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_readers_keep_answering_and_see_only_growth_while_a_writer_ingests(
    folder: Path, server: str, tmp_path: Path
) -> None:
    incoming = records("new", 300)
    source = write_parts(tmp_path / "in", incoming, random.Random(SEED), most=4)
    reader = Archive.open(folder)
    client = httpx.Client(base_url=server, timeout=30)
    seen = {"store": 0, "search": 0, "api": 0}
    writer = Writer(folder, tmp_path / "log.jsonl", [source], environment(ingest_batch=1))
    rounds = 0
    while writer.process.poll() is None or rounds == 0:
        rounds += 1
        acked = [i for batch in acknowledged(writer.events()) for i in batch]
        now = {
            "store": reader.store.count(),
            "search": search(reader, SearchRequest(query="v1", facets=False)).total,
            "api": client.get("/api/search", params={"q": "v1"}).json()["total"],
        }
        assert all(now[name] >= seen[name] for name in seen), (seen, now)
        seen = now
        for article_id in acked[-3:]:  # acknowledged, so readable by anyone at once
            assert reader.store.get(article_id) is not None
            assert client.get(f"/api/articles/{article_id}").status_code == 200
    assert "added 300," in writer.finish()
    total = 20 + len(incoming)
    assert reader.store.count() == total
    deadline = time.monotonic() + 30
    while client.get("/api/search", params={"q": "v1"}).json()["total"] < total:
        assert time.monotonic() < deadline, "the server never saw the whole ingest"
        time.sleep(0.2)
    while search(reader, SearchRequest(query="v1", facets=False)).total < total:
        assert time.monotonic() < deadline, "the reader never saw the whole ingest"
        time.sleep(0.2)
    assert rounds > 1
    reader.close()


def test_a_second_writer_with_little_patience_fails_clearly_and_changes_nothing(
    folder: Path, tmp_path: Path
) -> None:
    first = Archive.open(folder)
    source = write_jsonl(tmp_path / "second.jsonl", records("second", 10))
    with first.writing():  # a writer at work
        second = xronika(folder, "ingest", str(source), env=environment(busy_timeout_ms=300))
    first.close()
    assert second.returncode == 1
    assert "another xronika process is writing to this archive" in second.stderr
    assert "Traceback" not in second.stderr and len(second.stderr.strip().splitlines()) == 1
    checked = Cli(folder)("check")
    assert checked.exit_code == 0, checked.output
    assert "store 20," in checked.output


def test_a_second_writer_with_patience_waits_for_the_first_then_goes_on(
    folder: Path, tmp_path: Path
) -> None:
    first_records, second_records = records("first", 200), records("second", 30)
    first = Writer(
        folder,
        tmp_path / "first.log",
        [write_parts(tmp_path / "first", first_records, random.Random(SEED), most=2)],
        environment(ingest_batch=1),
    )
    assert first.wait_for(lambda events: len(acknowledged(events)) > 0)
    second = Writer(
        folder,
        tmp_path / "second.log",
        [write_jsonl(tmp_path / "second.jsonl", second_records)],
        environment(busy_timeout_ms=120_000),
    )
    assert "added 200," in first.finish()
    assert "added 30," in second.finish()
    done_first = next(e["at"] for e in first.events() if e["event"] == "done")
    stored_second = next(e["at"] for e in second.events() if e["event"] == "stored")
    assert stored_second >= done_first, "the second writer wrote while the first held the lock"
    exported = Cli(folder)("export").stdout.splitlines()
    assert len(exported) == 20 + 200 + 30
    assert Cli(folder)("check").exit_code == 0
