"""Pages per second for ingesting a directory of HTML pages and the same pages in a WARC file.

Run from the repository root:

    .venv/bin/python bench/ingest_files.py [--data-dir DIR] [--workers 2] [--repeat 1]

The pages are DIR/html/article-extraction-benchmark/html/*.html.gz (181 real news pages);
DIR defaults to $XRONIKA_TEST_DATA, else ../shared/data. In a fresh temporary folder the
pages are unpacked into a directory and wrapped, one response record each (gzip per
record), into one WARC file; each is then ingested by `xronika ingest` as a subprocess into
its own new data folder, timed end to end (read, decode, extract, detect, store, index).
`--repeat N` writes every page N times under distinct URLs, for a longer run.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO_ROOT, data_dir
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

XRONIKA = str(REPO_ROOT / ".venv" / "bin" / "xronika")


def pages(data: Path) -> list[bytes]:
    folder = data / "html" / "article-extraction-benchmark" / "html"
    files = sorted(folder.glob("*.html.gz"))
    if not files:
        sys.exit(f"no pages under {folder} (pass --data-dir or set XRONIKA_TEST_DATA)")
    return [gzip.decompress(p.read_bytes()) for p in files]


def write_inputs(found: list[bytes], folder: Path, repeat: int) -> tuple[Path, Path]:
    html_dir = folder / "pages"
    html_dir.mkdir()
    warc_path = folder / "pages.warc.gz"
    with warc_path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for copy in range(repeat):
            for number, page in enumerate(found):
                (html_dir / f"{copy:03d}-{number:04d}.html").write_bytes(page)
                headers = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    f"https://bench.example/{copy}/{number}",
                    "response",
                    payload=io.BytesIO(page),
                    http_headers=headers,
                )
                writer.write_record(record)
    return html_dir, warc_path


def timed_ingest(source: Path, data: Path, workers: int) -> tuple[float, str]:
    env = dict(os.environ, XRONIKA_WORKERS=str(workers))
    started = time.perf_counter()
    done = subprocess.run(
        [XRONIKA, "--data", str(data), "ingest", str(source)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    summary = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "(no output)"
    return elapsed, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    found = pages(data_dir(args.data_dir))
    total = len(found) * args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        html_dir, warc_path = write_inputs(found, folder, args.repeat)
        print(f"{total} pages, workers={args.workers}, cpus={os.cpu_count()}")
        for name, source in (("HTML directory", html_dir), ("WARC file", warc_path)):
            seconds, summary = timed_ingest(source, folder / f"data-{name[:4]}", args.workers)
            print(f"{name:15} {seconds:7.2f} s  {total / seconds:7.1f} pages/s  [{summary}]")


if __name__ == "__main__":
    main()
