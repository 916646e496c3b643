"""`xronika serve` as a person starts it: a real process tree on loopback.

With several server processes, each opens the data folder itself; an ingest by another
process while they serve must become visible in every one of them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import SAMPLE, write_jsonl

XRONIKA = str(Path(sys.executable).with_name("xronika"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def wait_until(condition: object, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():  # type: ignore[operator]
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting: {what}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[bytes]]]:
    folder = tmp_path / "data"
    subprocess.run(
        [XRONIKA, "--data", str(folder), "ingest", str(SAMPLE / "articles.jsonl")],
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [XRONIKA, "--data", str(folder), "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "XRONIKA_DATA": ""},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{base}/api/archive").status_code == 200, "server up")
        yield folder, base, server
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def test_two_server_processes_answer_and_both_see_a_later_ingest(
    served: tuple[Path, str, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    folder, base, server = served
    assert len(children(server.pid)) >= 2
    assert httpx.get(f"{base}/api/search", params={"q": "sehid"}).json()["total"] > 0

    new = {"id": "late-1", "title": "Gecikmiş xəbər", "body": "Zümrüdqanad quşu haqqında xəbər.",
           "language": "az", "published": "2026-11-25"}  # fmt: skip
    subprocess.run(
        [XRONIKA, "--data", str(folder), "ingest", str(write_jsonl(tmp_path / "n.jsonl", [new]))],
        check=True,
        capture_output=True,
    )

    def found() -> bool:
        # Fresh connections, so that the answers come from both processes in turn.
        answers = [
            httpx.get(f"{base}/api/search", params={"q": "zümrüdqanad"}).json()["total"]
            for _ in range(12)
        ]
        return all(total == 1 for total in answers)

    wait_until(found, "every server process sees the new article")
    assert httpx.get(f"{base}/api/articles/late-1").status_code == 200


def test_a_bad_worker_count_is_a_usage_error(
    tmp_path: Path,
) -> None:
    bad = subprocess.run(
        [XRONIKA, "--data", str(tmp_path / "d"), "serve", "--workers", "0"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "--workers" in bad.stderr and "Traceback" not in bad.stderr
