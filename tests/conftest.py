"""Fixtures: temporary archives on the real store and index, our sample, shared test data."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings
from website import Site

from xronika.archive import Archive
from xronika.cli import main
from xronika.ingest import ingest

# Property tests check behaviour, not speed: a loaded CI machine must not fail them on time.
settings.register_profile("xronika", deadline=None)
settings.load_profile("xronika")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample"


def shared_data() -> Path:
    return Path(os.environ.get("XRONIKA_TEST_DATA") or ROOT.parent / "shared" / "data")


@pytest.fixture
def data_folder() -> Path:
    """The shared test data; tests that need it skip cleanly when it is absent."""
    folder = shared_data()
    if not folder.is_dir():
        pytest.skip(f"shared test data not found at {folder}")
    return folder


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


@pytest.fixture
def make_archive(tmp_path: Path) -> Iterator[Callable[[list[dict[str, Any]]], Archive]]:
    """An archive in a temporary data folder holding the given records."""
    opened: list[Archive] = []

    def build(records: list[dict[str, Any]]) -> Archive:
        folder = tmp_path / f"archive{len(opened)}"
        archive = Archive.open(folder)
        source = write_jsonl(tmp_path / f"records{len(opened)}.jsonl", records)
        report = ingest(archive, [str(source)])
        assert report.failed == 0, report
        opened.append(archive)
        return archive

    yield build
    for archive in opened:
        archive.close()


@pytest.fixture
def site() -> Iterator[Site]:
    """Our own small news site, served on 127.0.0.1 (tests/website.py)."""
    served = Site().start()
    yield served
    served.stop()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """An empty archive in a temporary data folder."""
    opened = Archive.open(tmp_path / "archive")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def sample_archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    folder = tmp_path_factory.mktemp("sample") / "archive"
    archive = Archive.open(folder)
    report = ingest(archive, [str(SAMPLE / "articles.jsonl")])
    assert report.failed == 0 and report.added >= 40
    return archive


class Cli:
    """Runs `xronika --data FOLDER ...` in-process, as a person would type it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(main, ["--data", str(self.folder), *args], input=input)

    def json(self, *args: str) -> Any:
        result = self(*args)
        assert result.exit_code == 0, result.output + result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "data")
