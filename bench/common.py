"""What the bench scripts share: where the shared data lies, the corpus, percentiles, the machine.

Benchmarks read shared data in place and never copy it into the repository.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir(given: str | None = None) -> Path:
    """The shared data folder: `given`, else $XRONIKA_TEST_DATA, else ../shared/data."""
    if given:
        return Path(given)
    if os.environ.get("XRONIKA_TEST_DATA"):
        return Path(os.environ["XRONIKA_TEST_DATA"])
    return REPO_ROOT.parent / "shared" / "data"


def corpus_files(data: Path) -> list[Path]:
    """The corpus JSONL files, sorted; exit with a clear message when there are none."""
    files = sorted((data / "corpus").glob("*.jsonl"))
    if not files:
        sys.exit(f"no corpus/*.jsonl under {data} (pass --data-dir or set XRONIKA_TEST_DATA)")
    return files


def read_records(files: Sequence[Path]) -> Iterator[dict[str, Any]]:
    """Every JSON object of the files; lines that are not one are skipped (ingest reports them)."""
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(record, dict):
                    yield record


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation between the nearest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """One line naming the machine and the versions that matter to the numbers."""

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "absent"

    return (
        f"{os.cpu_count()} CPUs ({cpu_model()}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"tantivy-py {version('tantivy')}"
    )


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def wait_until_serving(server: subprocess.Popen[bytes], base: str, log: str = "") -> None:
    """Wait up to 120 s for a started `xronika serve` to answer; exit the bench if it dies
    or never answers (`log` says where its output went)."""
    see = f"; see {log}" if log else ""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/archive", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            sys.exit(f"the server exited before it was ready{see}")
        time.sleep(0.3)
    server.terminate()
    sys.exit(f"the server did not answer within 120 s{see}")
