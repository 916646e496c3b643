"""Pages per second for ingesting a directory of HTML pages and the same pages in a WARC file.

Run from the repository root:

    .venv/bin/python bench/ingest_files.py [--data-dir DIR] [--workers 1,2] [--repeat 1]
        [--rounds 1] [--sources html,warc,samples]

The pages are DIR/html/article-extraction-benchmark/html/*.html.gz (181 real news pages);
DIR defaults to $XRONIKA_TEST_DATA, else ../shared/data. In a fresh temporary folder the
pages are unpacked into a directory (`html`) and wrapped, one response record each (gzip
per record), into one WARC file (`warc`); `samples` is one more WARC as long, made of the
HTML captures in DIR/warc (real Heritrix, wget and warcio files) written again and again
under new URLs. Each is ingested by `xronika ingest` as a subprocess into its own new data
folder, timed end to end (read, decode, extract, detect, store, index). `--repeat N` writes
every page N times under distinct URLs (a canonical link in the HTML copies, the target URI
in the WARC), so every copy is a new article.

`--workers 1,2` compares worker counts (XRONIKA_WORKERS). Other people's processes may
share the cores, so each of `--rounds` runs every configuration once, in alternating order,
and the table gives the median; each run notes the load average when it started, how busy
the machine's cores were while it ran (ours and everyone else's work together), and the
CPU time the ingest's own processes took (the ingest, its fork server and its workers, all
in one session): that over the wall time is how many cores it got. Linux shares the CPU
between sessions first (autogroups), so while others keep the cores busy an ingest gets
about its session's share however many workers it starts.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from common import REPO_ROOT, data_dir, machine
from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.bufferedreaders import ChunkedDataException  # type: ignore[import-untyped]
from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

XRONIKA = str(REPO_ROOT / ".venv" / "bin" / "xronika")
_HEAD = re.compile(rb"<head[^>]*>", re.IGNORECASE)
_OWN_ADDRESS = re.compile(
    rb"(rel=[\"']?)canonical|((?:property|name|itemprop)=[\"']?)"
    rb"(?:og:url|twitter:url|dcterms\.identifier|url)\b",
    re.IGNORECASE,
)


def pages(data: Path) -> list[bytes]:
    folder = data / "html" / "article-extraction-benchmark" / "html"
    files = sorted(folder.glob("*.html.gz"))
    if not files:
        sys.exit(f"no pages under {folder} (pass --data-dir or set XRONIKA_TEST_DATA)")
    return [gzip.decompress(p.read_bytes()) for p in files]


def with_address(page: bytes, url: str) -> bytes:
    """The page with its own canonical address put out of the way and `url` in its place."""
    link = f'<link rel="canonical" href="{url}">'.encode()
    page = _OWN_ADDRESS.sub(rb"\1\2x-was-address", page)
    found = _HEAD.search(page)
    if found is None:
        return link + page
    return page[: found.end()] + link + page[found.end() :]


Capture = tuple[str, bytes, str]  # URL, HTML, Content-Type
_ARCHIVES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_DAMAGE = (ArchiveLoadFailed, ChunkedDataException, ValueError, EOFError, OSError)


def captures(data: Path) -> list[Capture]:
    """The HTML pages (200 responses) in every shared WARC and ARC sample."""
    found: list[Capture] = []
    for path in sorted(p for p in (data / "warc").rglob("*") if p.name.endswith(_ARCHIVES)):
        with path.open("rb") as handle:
            try:
                for record in ArchiveIterator(handle, arc2warc=True):
                    http = record.http_headers
                    if record.rec_type != "response" or http is None:
                        continue
                    kind = http.get_header("Content-Type") or ""
                    if http.get_statuscode() == "200" and kind.startswith("text/html"):
                        url = record.rec_headers.get_header("WARC-Target-URI")
                        found.append((url, record.content_stream().read(), kind))
            except _DAMAGE:
                continue  # the broken samples: what came before the damage is kept
    if not found:
        sys.exit(f"no WARC samples with HTML pages under {data / 'warc'}")
    return found


def write_record(writer: WARCWriter, url: str, page: bytes, content_type: str) -> None:
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(page), http_headers=headers
    )
    writer.write_record(record)


def write_inputs(found: list[bytes], folder: Path, repeat: int) -> tuple[Path, Path]:
    html_dir = folder / "pages"
    html_dir.mkdir()
    warc_path = folder / "pages.warc.gz"
    with warc_path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for copy in range(repeat):
            for number, page in enumerate(found):
                url = f"https://bench.example/{copy}/{number}"
                copied = with_address(page, url) if copy else page
                (html_dir / f"{copy:03d}-{number:04d}.html").write_bytes(copied)
                write_record(writer, url, page, "text/html")
    return html_dir, warc_path


def write_samples(found: list[Capture], path: Path, total: int) -> Path:
    """`total` records: the sample captures over and over, each time under a new URL."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number in range(total):
            url, page, kind = found[number % len(found)]
            address = url.strip().strip("<>").split("#")[0]
            write_record(
                writer, f"{address}{'&' if '?' in address else '?'}copy={number}", page, kind
            )
    return path


TICK = os.sysconf("SC_CLK_TCK")


def session_cpu(session: int) -> Iterator[tuple[int, float]]:
    """(pid, CPU seconds so far) of every live process in a session."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone since the listing
        if int(fields[3]) == session:
            yield int(stat.parent.name), (int(fields[11]) + int(fields[12])) / TICK


def cpu_ticks() -> tuple[int, int]:
    """Busy and total CPU time of the whole machine so far, in clock ticks."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


@dataclass
class Run:
    seconds: float
    summary: str
    load: float  # 1-minute load average when the run started
    busy: float  # share of all cores' time that was busy during the run, 0–1
    cpu: float  # CPU seconds of the ingest's own processes (a process's last 0.2 s missed)
    main_cpu: float  # of which the main process (reading, storing, indexing) took this


def timed_ingest(source: Path, data: Path, workers: int) -> Run:
    env = dict(os.environ, XRONIKA_WORKERS=str(workers))
    load = os.getloadavg()[0]
    busy_before, total_before = cpu_ticks()
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            [XRONIKA, "--data", str(data), "ingest", str(source)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,  # so its fork server and workers are found by session
        )
        used: dict[int, float] = {}
        while process.poll() is None:
            used.update(session_cpu(process.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        errors.seek(0)
        said = errors.read().strip()
    busy_after, total_after = cpu_ticks()
    summary = said.splitlines()[-1] if said else "(no output)"
    busy = (busy_after - busy_before) / max(1, total_after - total_before)
    return Run(elapsed, summary, load, busy, sum(used.values()), used.get(process.pid, 0.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,2")
    parser.add_argument("--repeat", type=int, default=1, help="copies of every page")
    parser.add_argument("--rounds", type=int, default=1, help="runs of every configuration")
    parser.add_argument("--sources", default="html,warc,samples", help="which inputs")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    kinds = args.sources.split(",")
    data = data_dir(args.data_dir)
    found = pages(data)
    total = len(found) * args.repeat
    command = " ".join(["bench/ingest_files.py", *sys.argv[1:]])
    print(f"Ingest speed, {date.today()}, {machine()}")
    print(f"Command: .venv/bin/python {command}\n")
    print(f"{total} pages; `uptime` load before: {os.getloadavg()[0]:.2f}\n")
    print(
        "| round | source | workers | seconds | pages/s | CPU s | of it, main process "
        "| cores used | load at start | machine busy | summary |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    runs: dict[tuple[str, int], list[Run]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        html_dir, warc_path = write_inputs(found, folder, args.repeat)
        sources = {"html": html_dir, "warc": warc_path}
        if "samples" in kinds:
            sources["samples"] = write_samples(captures(data), folder / "samples.warc.gz", total)
        for round_ in range(args.rounds):
            order = counts if round_ % 2 == 0 else counts[::-1]
            for kind in kinds:
                for workers in order:
                    data = folder / f"data-{kind}-{workers}-{round_}"
                    run = timed_ingest(sources[kind], data, workers)
                    runs.setdefault((kind, workers), []).append(run)
                    print(
                        f"| {round_ + 1} | {kind} | {workers} | {run.seconds:.2f} | "
                        f"{total / run.seconds:.1f} | {run.cpu:.1f} | {run.main_cpu:.1f} | "
                        f"{run.cpu / run.seconds:.2f} | {run.load:.2f} | {run.busy:.0%} | "
                        f"{run.summary} |",
                        flush=True,
                    )
    print(f"\n`uptime` load after: {os.getloadavg()[0]:.2f}\n")
    print(
        "| source | workers | median seconds | median pages/s | speed-up | median CPU s "
        "| median cores used | loads at start |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for kind in kinds:
        base = statistics.median(r.seconds for r in runs[(kind, counts[0])])
        for workers in counts:
            done = runs[(kind, workers)]
            seconds = statistics.median(r.seconds for r in done)
            cpu = statistics.median(r.cpu for r in done)
            cores = statistics.median(r.cpu / r.seconds for r in done)
            loads = ", ".join(f"{r.load:.1f}" for r in done)
            print(
                f"| {kind} | {workers} | {seconds:.2f} | {total / seconds:.1f} | "
                f"{base / seconds:.2f}× | {cpu:.1f} | {cores:.2f} | {loads} |"
            )


if __name__ == "__main__":
    main()
