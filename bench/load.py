"""Readers and searchers under load while a writer ingests: `xronika serve` on loopback.

Run from the repository root:

    .venv/bin/python bench/load.py [--clients 100] [--seconds 60] [--workers N]
        [--data-dir DIR] [--keep DIR]

It builds an archive of the shared corpus (DIR/corpus/*.jsonl, DIR from --data-dir, else
$XRONIKA_TEST_DATA, else ../shared/data; the bundled sample/ when there is none) with
`xronika ingest`, starts `xronika serve` on a free loopback port (its own processes, its
default number of workers unless --workers), and then, for --seconds after a short warm-up:

- --clients concurrent clients (httpx on asyncio, one connection each) send requests
  without pause, each drawn at random: searches through the API and the search page
  (one to three words from the corpus's headlines, sometimes with a language, year or date
  filter, a sort, a later page), Atom feeds (the latest, a search), and reads (article pages,
  the API's article JSON, day pages, on-this-day pages) of articles and days the corpus holds;
- at the same time, a separate `xronika ingest` process writes new articles into the same
  data folder, batch after batch until the time is up (each new article mixes the words
  of two corpus articles, so it is new, and carries its batch's marker word).

At the end it searches for the last batch's marker to show that the server sees what the
writer committed, and prints per kind of request and overall: requests per second, latency
p50/p95/p99/max, and errors by kind (a status other than 2xx/3xx, a timeout, a failed
connection), whose target is zero. Clients, server and writer share the machine's cores,
so the numbers are for all three on one machine. Nothing leaves 127.0.0.1; the temporary
data folder is removed unless --keep names a folder to build in and leave behind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

# bench/ comes last, so that bench/http.py never hides the standard library's http.
sys.path.append(sys.path.pop(0))

import httpx
from common import REPO_ROOT, data_dir, machine, percentile, read_records, wait_until_serving

XRONIKA = str(Path(sys.executable).parent / "xronika")
WARM_UP_S = 3.0
BATCH = 400  # new articles per `xronika ingest` run
SAMPLE = 2000  # corpus articles whose ids, dates and headlines the clients draw from
_WORD = re.compile(r"[^\W\d_]{4,}")
# How often each kind of request is drawn (out of the sum).
MIX = {
    "api search": 30,
    "search page": 15,
    "feed": 8,
    "article page": 15,
    "api article": 12,
    "day page": 12,
    "on this day": 8,
}


@dataclass
class Corpus:
    """What the clients draw from, and where the articles come from."""

    sources: list[Path]
    ids: list[str]
    days: list[str]  # YYYY-MM-DD
    queries: list[str]
    languages: list[str]
    records: list[dict[str, Any]]  # material for the writer's new articles


def read_corpus(data: Path, seed: int) -> Corpus:
    files = sorted((data / "corpus").glob("*.jsonl"))
    if not files:
        files = [REPO_ROOT / "sample" / "articles.jsonl"]
        print(f"no corpus under {data}: using the bundled sample", file=sys.stderr)
    rng = random.Random(seed)
    records = [r for r in read_records(files) if isinstance(r.get("body"), str) and r.get("id")]
    chosen = rng.sample(records, min(SAMPLE, len(records)))
    queries = []
    for record in chosen:
        words = _WORD.findall(str(record.get("title") or record["body"][:200]))
        if words:
            start = rng.randrange(len(words))
            queries.append(" ".join(words[start : start + rng.choice((1, 1, 2, 3))]))
    return Corpus(
        sources=files,
        ids=[str(r["id"]) for r in chosen],
        days=sorted({str(r["published"])[:10] for r in records if r.get("published")}),
        queries=queries,
        languages=sorted({str(r["language"]) for r in records if r.get("language")}),
        records=records,
    )


def new_batches(corpus: Corpus, folder: Path, seed: int) -> Iterator[tuple[Path, str]]:
    """JSONL files of new articles, one batch at a time, with each batch's marker word."""
    rng = random.Random(seed)
    number = 0
    while True:
        number += 1
        marker = f"yukleme{number:04d}"
        lines = []
        for n in range(BATCH):
            first, second = rng.sample(corpus.records, 2)
            # The two bodies' words shuffled: a new text, not a near-duplicate of either.
            words = f"{first['body']} {second['body']}".split()
            rng.shuffle(words)
            lines.append(
                json.dumps(
                    {
                        "id": f"load-{number}-{n}",
                        "title": f"{first.get('title') or ''} {marker}".strip(),
                        "body": " ".join(words),
                        "published": first.get("published") or "2024-01-01",
                        "language": first.get("language"),
                        "section": first.get("section"),
                        "source": "load test",
                    },
                    ensure_ascii=False,
                )
            )
        path = folder / f"batch-{number:04d}.jsonl"
        path.write_text("\n".join(lines) + "\n", "utf-8")
        yield path, marker


def draw(kind: str, corpus: Corpus, rng: random.Random) -> str:
    """One request of this kind, as a path and query."""
    if kind in ("api search", "search page", "feed"):
        params: list[tuple[str, str]] = [("q", rng.choice(corpus.queries))]
        if rng.random() < 0.3 and corpus.languages:
            params.append(("lang", rng.choice(corpus.languages)))
        if rng.random() < 0.15 and corpus.days:
            params.append(("year", rng.choice(corpus.days)[:4]))
        elif rng.random() < 0.15 and corpus.days:
            params.append(("from", rng.choice(corpus.days)[:7]))
        if rng.random() < 0.4:
            params.append(("sort", rng.choice(("newest", "oldest"))))
        if kind != "feed" and rng.random() < 0.25:
            params.append(("page", str(rng.randint(2, 4))))
        if kind == "feed" and rng.random() < 0.4:
            return "/feeds/latest.atom"
        path = {"api search": "/api/search", "search page": "/search", "feed": "/search.atom"}
        return str(httpx.URL(path[kind], params=params))
    if kind == "article page":
        return "/articles/" + quote(rng.choice(corpus.ids), safe="")
    if kind == "api article":
        return "/api/articles/" + quote(rng.choice(corpus.ids), safe="")
    day = rng.choice(corpus.days) if corpus.days else "2020-01-20"
    if kind == "day page":
        return "/archive/" + day.replace("-", "/")
    return "/on-this-day/" + day[5:]


@dataclass
class Tally:
    """What the clients saw, per kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, what)

    def ok(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    def failed(self, kind: str, what: str) -> None:
        self.errors[(kind, what)] += 1


async def clients(
    base: str, corpus: Corpus, count: int, seconds: float, timeout: float, seed: int
) -> Tally:
    tally = Tally()
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    started = time.perf_counter()
    measure_from = started + WARM_UP_S
    deadline = measure_from + seconds

    async def client(number: int, http: httpx.AsyncClient) -> None:
        rng = random.Random(seed * 1000 + number)
        while (began := time.perf_counter()) < deadline:
            kind = rng.choices(kinds, weights)[0]
            target = draw(kind, corpus, rng)
            try:
                response = await http.get(target)
                status = response.status_code
            except httpx.TimeoutException:
                status = -1
            except httpx.TransportError:
                status = -2
            if began < measure_from:
                continue
            if 200 <= status < 400:
                tally.ok(kind, time.perf_counter() - began)
            elif status == -1:
                tally.failed(kind, "timeout")
            elif status == -2:
                tally.failed(kind, "connection error")
            else:
                tally.failed(kind, f"HTTP {status}")

    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as http:
        await asyncio.gather(*(client(n, http) for n in range(count)))
    return tally


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    folder: Path, port: int, workers: int | None, log: Path
) -> subprocess.Popen[bytes]:
    command = [XRONIKA, "--data", str(folder), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    wait_until_serving(server, f"http://127.0.0.1:{port}", str(log))
    return server


class Writer:
    """`xronika ingest` runs, one batch after another, until told to stop."""

    def __init__(self, folder: Path, batches: Iterator[tuple[Path, str]], log: Path):
        self.folder = folder
        self.batches = batches
        self.log = log
        self.runs: list[tuple[str, float, int, str]] = []  # marker, seconds, exit code, summary

    def run_until(self, deadline: float) -> None:
        with self.log.open("ab") as log:
            while time.perf_counter() < deadline:
                path, marker = next(self.batches)
                began = time.perf_counter()
                done = subprocess.run(
                    [XRONIKA, "--data", str(self.folder), "ingest", str(path)],
                    stdout=log,
                    stderr=subprocess.PIPE,
                    check=False,
                )
                said = done.stderr.decode("utf-8", "replace").strip().splitlines()
                log.write(done.stderr)
                summary = said[-1] if said else ""
                self.runs.append((marker, time.perf_counter() - began, done.returncode, summary))

    def added(self) -> int:
        return sum(
            int(found.group(1))
            for *_, summary in self.runs
            if (found := re.match(r"added (\d+)", summary))
        )


def build(folder: Path, sources: list[Path]) -> float:
    began = time.perf_counter()
    done = subprocess.run(
        [XRONIKA, "--data", str(folder), "ingest", *map(str, sources)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"building the archive failed:\n{done.stderr[-2000:]}")
    print(f"Archive: {done.stderr.strip().splitlines()[-1]} in {time.perf_counter() - began:.0f} s")
    return time.perf_counter() - began


def report(tally: Tally, seconds: float, writer: Writer, seen: int) -> int:
    """Print the tables; return the number of errors."""
    every = [x for values in tally.latencies.values() for x in values]
    errors = sum(tally.errors.values())
    print("\n| requests | count | per s | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = [(kind, tally.latencies.get(kind, [])) for kind in MIX] + [("all", every)]
    for kind, values in rows:
        failed = (
            errors if kind == "all" else sum(n for (k, _), n in tally.errors.items() if k == kind)
        )
        if not values:
            print(f"| {kind} | 0 | 0 | – | – | – | – | {failed} |")
            continue
        ms = [x * 1000 for x in values]
        print(
            f"| {kind} | {len(ms):,} | {len(ms) / seconds:.1f} | {percentile(ms, 50):.1f} "
            f"| {percentile(ms, 95):.1f} | {percentile(ms, 99):.1f} | {max(ms):.1f} | {failed} |"
        )
    kinds = Counter(what for (_, what) in tally.errors.elements())
    print(f"\nErrors: {errors} (target 0)" + "".join(f"; {w}: {n}" for w, n in kinds.items()))
    for (kind, what), count in sorted(tally.errors.items()):
        print(f"- {kind}: {what} × {count}")
    failed_runs = [r for r in writer.runs if r[2] != 0]
    print(
        f"\nWriter: {len(writer.runs)} `xronika ingest` runs of {BATCH} new articles, "
        f"{writer.added():,} added, {len(failed_runs)} failed; "
        + (f"slowest run {max(r[1] for r in writer.runs):.1f} s" if writer.runs else "no run")
    )
    if writer.runs:
        marker = writer.runs[-1][0]
        print(f"Search for the last batch's marker `{marker}` found {seen} of {BATCH} articles.")
    return errors + len(failed_runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, help="server processes (default: serve's own)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--data-dir", help="shared data folder (default: $XRONIKA_TEST_DATA)")
    parser.add_argument("--keep", type=Path, help="build in this new folder and leave it")
    args = parser.parse_args()
    if not 1 <= args.clients <= 400 or not 1 <= args.seconds <= 600:
        sys.exit("keep the load bounded: 1–400 clients, 1–600 seconds")
    corpus = read_corpus(data_dir(args.data_dir), args.seed)
    work = args.keep or Path(tempfile.mkdtemp(prefix="xronika-load-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "archive"
    print("# Load: readers and searchers while a writer ingests\n")
    print(f"Machine: {machine()}\n")
    print(
        f"Command: `.venv/bin/python bench/load.py --clients {args.clients} "
        f"--seconds {args.seconds:g}"
        + (f" --workers {args.workers}" if args.workers else "")
        + "`\n"
    )
    try:
        build(folder, corpus.sources)
        port = free_port()
        server = start_server(folder, port, args.workers, work / "server.log")
        base = f"http://127.0.0.1:{port}"
        writer = Writer(folder, new_batches(corpus, work, args.seed), work / "writer.log")
        try:
            deadline = time.perf_counter() + WARM_UP_S + args.seconds

            async def both() -> Tally:
                found, _ = await asyncio.gather(
                    clients(base, corpus, args.clients, args.seconds, args.timeout, args.seed),
                    asyncio.to_thread(writer.run_until, deadline),
                )
                return found

            tally = asyncio.run(both())
            time.sleep(1.5)  # the index reader picks a commit up within a second
            seen = 0
            if writer.runs:
                answer = httpx.get(f"{base}/api/search", params={"q": writer.runs[-1][0]})
                seen = int(answer.json()["total"]) if answer.status_code == 200 else -1
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(
            f"{args.clients} clients for {args.seconds:g} s after {WARM_UP_S:g} s warm-up; "
            f"server log in {work / 'server.log'}" if args.keep else
            f"{args.clients} clients for {args.seconds:g} s after {WARM_UP_S:g} s warm-up"
        )  # fmt: skip
        failures = report(tally, args.seconds, writer, seen)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
