"""Writers as real processes: generated articles, `xronika ingest --log` runs, their receipts.

The crash, concurrency and backup tests start `xronika` the way a person does, in its own
process group (so that a kill takes the whole run, pool workers included), and read what
the run acknowledged from its `--log` file: a complete line is an acknowledgement, a torn
last line is not.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

XRONIKA = str(Path(sys.executable).with_name("xronika"))
Record = dict[str, Any]

_WORDS = {
    "az": [
        "xəbər",
        "şəhər",
        "iqtisadiyyat",
        "neft",
        "bazar",
        "hökumət",
        "təhsil",
        "məktəb",
        "ölkə",
        "gənclər",
        "idman",
    ],
    "ru": [
        "новости",
        "город",
        "экономика",
        "нефть",
        "рынок",
        "правительство",
        "школа",
        "страна",
        "спорт",
    ],
    "en": [
        "news",
        "city",
        "economy",
        "oil",
        "market",
        "government",
        "school",
        "country",
        "sport",
        "harbour",
    ],
}
_SCRIPTS = {"az": "Latn", "ru": "Cyrl", "en": "Latn"}


def make_record(rng: random.Random, article_id: str, version: int) -> Record:
    """An article already in the form the archive keeps, so that what is stored equals it."""
    language = rng.choice(sorted(_WORDS))
    words = _WORDS[language]

    def sentence(length: int) -> str:
        return " ".join(rng.choice(words) for _ in range(length))

    paragraphs = [f"{sentence(rng.randint(4, 12))}." for _ in range(rng.randint(1, 3))]
    return {
        "id": article_id,
        "title": f"{sentence(3).capitalize()} {article_id} v{version}",
        "body": "\n\n".join(paragraphs),
        "published": f"{rng.randint(1990, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "language": language,
        "script": _SCRIPTS[language],
        "section": rng.choice(words).capitalize(),
        "tags": sorted({rng.choice(words) for _ in range(rng.randint(1, 3))}),
    }


def records(prefix: str, count: int) -> list[Record]:
    """`count` articles with ids `prefix-0`, `prefix-1`, …; the same ones every time."""
    rng = random.Random(prefix)
    return [make_record(rng, f"{prefix}-{n}", 1) for n in range(count)]


def write_parts(folder: Path, records: list[Record], rng: random.Random, most: int) -> Path:
    """The records as numbered JSONL files of 1..`most` lines (ingest reads them in order)."""
    folder.mkdir(parents=True)
    start, number = 0, 0
    while start < len(records):
        size = rng.randint(1, most)
        part = records[start : start + size]
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part)
        (folder / f"part-{number:05d}.jsonl").write_text(lines, "utf-8")
        start, number = start + size, number + 1
    return folder


def read_log(path: Path) -> list[Record]:
    """The complete lines of an ingest log; a line torn by a kill acknowledges nothing."""
    if not path.exists():
        return []
    text = path.read_text("utf-8")
    complete = text[: text.rfind("\n") + 1]
    return [json.loads(line) for line in complete.splitlines()]


def acknowledged(events: list[Record]) -> list[list[str]]:
    """The ids of each batch the log says was stored, in commit order."""
    return [event["ids"] for event in events if event["event"] == "stored"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(**settings: int) -> dict[str, str]:
    env = {**os.environ, "XRONIKA_DATA": ""}
    env.update({f"XRONIKA_{name.upper()}": str(value) for name, value in settings.items()})
    return env


class Writer:
    """`xronika --data FOLDER ingest --log LOG SOURCES...` running in its own process group."""

    def __init__(self, folder: Path, log: Path, sources: list[Path], env: Mapping[str, str]):
        self.log = log
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [XRONIKA, "--data", str(folder), "ingest", "--log", str(log), *map(str, sources)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=dict(env),
            start_new_session=True,
        )

    def events(self) -> list[Record]:
        return read_log(self.log)

    def wait_for(self, condition: Callable[[list[Record]], bool], seconds: float = 60) -> bool:
        """Wait until the log satisfies `condition`; False if the run ended first."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition(self.events()):
                return True
            if self.process.poll() is not None:
                return condition(self.events())
            time.sleep(0.005)
        raise AssertionError(f"gave up waiting on the ingest log {self.log}")

    def kill(self) -> bool:
        """SIGKILL the whole run; True if it was still running."""
        running = self.process.poll() is None
        if running:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        assert self.process.stderr is not None
        self.process.stderr.close()
        return running

    def finish(self, seconds: float = 120) -> str:
        """Wait for a normal end; return its stderr."""
        _, stderr = self.process.communicate(timeout=seconds)
        return stderr.decode("utf-8")


def xronika(folder: Path, *args: str, env: Mapping[str, str] | None = None) -> Any:
    """Run one xronika command to its end, as a separate process."""
    return subprocess.run(
        [XRONIKA, "--data", str(folder), *args],
        capture_output=True,
        text=True,
        env=dict(env or environment()),
        timeout=300,
    )
