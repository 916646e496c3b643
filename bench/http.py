"""Search over HTTP under a bounded concurrent load: latency p50/p99 and requests per second.

Run from the repository root:

    .venv/bin/python bench/http.py [--data build/bench-archive] [--clients 24] [--seconds 20]

It builds an archive of ../shared/data/corpus/*.jsonl (≈29,000 articles) in --data the
first time (with `xronika ingest`) and reuses it afterwards, starts the server in its own
process on a free loopback port (uvicorn, one worker, access log off), then runs --clients
concurrent clients (httpx on asyncio) against /api/search for --seconds, after a short
warm-up. Queries are one or two words drawn, with a fixed seed, from the corpus's own
headlines and opening sentences, so most of them find something. Traffic goes to
127.0.0.1 only and the run stops by itself.

Client and server share the machine's cores, so the numbers are for the pair on one
machine, not for the server alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

# This file is called http.py: run as a script, its folder comes first on the path and it
# would stand in for the standard library's `http`, which httpx needs. Step out of the way.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import httpx  # noqa: E402

sys.path.append(str(_HERE))  # last, now that the standard `http` is loaded
from common import wait_until_serving  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WARM_UP_S = 3.0
QUERY_POOL = 2000
_WORD = re.compile(r"[^\W\d_]{4,}")

SERVER = """
import sys
from pathlib import Path
import uvicorn
from xronika.archive import Archive
from xronika.web import create_app
app = create_app(Archive.open(Path(sys.argv[1])))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def corpus_folder() -> Path:
    shared = os.environ.get("XRONIKA_TEST_DATA")
    return (Path(shared) if shared else ROOT.parent / "shared" / "data") / "corpus"


def build_archive(data: Path, corpus: Path) -> None:
    if (data / "archive.sqlite3").exists():
        print(f"reusing the archive in {data}")
        return
    sources = sorted(str(p) for p in corpus.glob("*.jsonl"))
    if not sources:
        sys.exit(f"no corpus files in {corpus}")
    print(f"building an archive of {len(sources)} corpus files in {data} …")
    xronika = Path(sys.executable).parent / "xronika"
    started = time.perf_counter()
    subprocess.run([str(xronika), "--data", str(data), "ingest", *sources], check=True)
    print(f"built in {time.perf_counter() - started:.0f} s")


def draw_queries(corpus: Path, count: int, seed: int = 7) -> list[str]:
    """One- and two-word queries from headlines and first sentences of the corpus."""
    rng = random.Random(seed)
    texts: list[str] = []
    for path in sorted(corpus.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                texts.append(record.get("title") or record["body"][:200])
    queries = []
    while len(queries) < count:
        words = _WORD.findall(rng.choice(texts))
        if not words:
            continue
        if len(words) > 1 and rng.random() < 0.35:
            first = rng.randrange(len(words) - 1)
            queries.append(f"{words[first]} {words[first + 1]}")
        else:
            queries.append(rng.choice(words))
    return queries


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(data), str(port)])
    wait_until_serving(server, f"http://127.0.0.1:{port}")
    return server


async def load(base: str, queries: list[str], clients: int, seconds: float) -> dict[str, object]:
    """Run `clients` loops until the deadline; keep what finished after the warm-up."""
    latencies: list[float] = []
    server_ms: list[float] = []
    errors = 0
    start = time.perf_counter()
    measure_from = start + WARM_UP_S
    deadline = measure_from + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(number: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        rng = random.Random(number)
        while (now := time.perf_counter()) < deadline:
            query = rng.choice(queries)
            response = await http.get("/api/search", params={"q": query})
            done = time.perf_counter()
            if now < measure_from:
                continue
            if response.status_code != 200:
                errors += 1
                continue
            latencies.append(done - now)
            server_ms.append(float(response.json()["took_ms"]))

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    return {"latencies": latencies, "server_ms": server_ms, "errors": errors, "seconds": seconds}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(found: dict[str, object], clients: int) -> None:
    latencies = found["latencies"]
    server_ms = found["server_ms"]
    assert isinstance(latencies, list) and isinstance(server_ms, list)
    seconds = float(str(found["seconds"]))
    if not latencies:
        sys.exit("no request finished")
    print(f"clients: {clients}, measured for {seconds:.0f} s after {WARM_UP_S:.0f} s warm-up")
    print(f"requests: {len(latencies)} ok, {found['errors']} failed")
    print(f"throughput: {len(latencies) / seconds:.1f} requests/s")
    ms = [x * 1000 for x in latencies]
    print(
        f"latency over HTTP (ms): p50 {percentile(ms, 0.5):.1f}  p90 {percentile(ms, 0.9):.1f}  "
        f"p99 {percentile(ms, 0.99):.1f}  max {max(ms):.1f}  mean {statistics.fmean(ms):.1f}"
    )
    print(
        f"search inside the server, took_ms: p50 {percentile(server_ms, 0.5):.1f}  "
        f"p99 {percentile(server_ms, 0.99):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "build" / "bench-archive")
    parser.add_argument("--corpus", type=Path, default=corpus_folder())
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    if not 1 <= args.clients <= 64 or not 1 <= args.seconds <= 120:
        sys.exit("keep the load bounded: 1–64 clients, 1–120 seconds")
    build_archive(args.data, args.corpus)
    queries = draw_queries(args.corpus, QUERY_POOL)
    port = free_port()
    server = start_server(args.data, port)
    try:
        found = asyncio.run(load(f"http://127.0.0.1:{port}", queries, args.clients, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(found, args.clients)


if __name__ == "__main__":
    main()
