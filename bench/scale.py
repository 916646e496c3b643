"""xronika at scale: ingest, size, memory and search latency, against bare Tantivy and FTS5.

Run from the repository root:

    .venv/bin/python bench/scale.py [--sizes 100000,1000000] [--queries 200] [--warmup 20]
        [--seed 1] [--corpus-dir /tmp/xronika-scale] [--keep DIR]

For each size N, the synthetic corpus CORPUS-DIR/corpus-N.jsonl is made first if missing
(bench/make_corpus.py, same seed, default mix). Then, in one run:

- xronika ingest: `xronika --data DIR ingest FILE` as a subprocess (XRONIKA_MAX_FILE_BYTES
  raised to the file's size), timed end to end; peak
  memory as GNU time's %M (the largest single process of the tree: ingest's worker processes
  are waited for, so they count, but one at a time) and as the largest sum of VmRSS over the
  process tree, sampled from /proc every 0.2 s; the data folder's size.
- bare Tantivy, no xronika code: title and body with tantivy's "default" analyzer, language,
  section and source as raw fast fields, published as a fast date, year as a fast integer; one
  writer, two threads. Timed from reading the JSONL to the last merge.
- SQLite FTS5 (`unicode61 remove_diacritics 2`), bm25 with title weight 2, and a plain table of
  the facet fields. Timed from reading the JSONL to `optimize` and commit.

Queries, --queries per class (after --warmup unmeasured ones), drawn with the seed from a
reservoir sample of the corpus's own articles, so each finds at least its own article:

| class     | query                               | xronika request                      |
|-----------|-------------------------------------|--------------------------------------|
| one-word  | a word of 3+ letters                | facets off                           |
| two-word  | 2 words of one article              | facets off                           |
| three-word| 3 words of one article              | facets off                           |
| phrase    | 2–3 consecutive words, in quotes    | facets off                           |
| filtered  | 1–2 words, its language, ±5 years   | languages, date_from, date_to; off   |
| faceted   | 1–3 words                           | the default: facets on               |
| newest    | 1–2 words                           | sort="newest", facets off            |
| misspelt  | a word of 5+ letters with one edit  | facets off (xronika retries fuzzily) |

Each engine does the same thing per query: top 10 and the total (xronika also reads the hits
from its store and builds snippets, which the others do not). Bare Tantivy: `parse_query(q,
["title", "body"], conjunction_by_default=True)`; filtered adds a term query on language and a
range query on published; faceted adds `searcher.aggregate` terms on language, year, section
and source (top 200, as xronika); newest orders by the published fast field; misspelt uses
`fuzzy_fields` (distance 1, transpositions cost 1). FTS5: the words quoted and AND-ed (the
phrase as one FTS5 phrase), the filters and the order as SQL over the plain table, and for
faceted the counts by language, year, section and source; no typo tolerance.

Over HTTP, `xronika --data DIR serve` runs as a subprocess on a free 127.0.0.1 port and one
httpx client sends the same queries one after another to /api/search. The API always counts
facets, so over HTTP every class includes them. The server's peak memory is VmHWM from
/proc after the run (summed over its process tree).

Everything is built in a temporary folder and removed, unless --keep DIR: then DIR/N/ holds
the builds and their measurements (build.json), and a later run with the same --keep reuses
them and only searches again.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# bench/ comes last, so that bench/http.py never hides the standard library's http.
sys.path.append(sys.path.pop(0))

import httpx
import tantivy
from common import folder_bytes, machine, percentile, wait_until_serving
from make_corpus import DEFAULT_MIX, parse_mix, write_corpus

from xronika.archive import Archive
from xronika.search import SearchRequest, search

CLASSES = (
    "one-word",
    "two-word",
    "three-word",
    "phrase",
    "filtered",
    "faceted",
    "newest",
    "misspelt",
)
SAMPLE = 3000  # articles kept from the corpus to draw queries from
FACET_SIZE = 200
MB = 1024 * 1024
WORD = re.compile(r"\w+")
GNU_TIME = Path("/usr/bin/time")


@dataclass(frozen=True, slots=True)
class Query:
    """One benchmark query, in a form each engine can take."""

    text: str  # as typed, quotes included for a phrase
    words: tuple[str, ...]
    phrase: bool = False
    language: str | None = None
    date_from: str | None = None  # YYYY-MM-DD, both or neither
    date_to: str | None = None
    facets: bool = False
    newest: bool = False
    fuzzy: bool = False


@dataclass(frozen=True, slots=True)
class Timing:
    ms: float
    total: int


@dataclass(slots=True)
class Build:
    seconds: float
    articles: int
    bytes: int
    peak_mb: float | None = None  # largest single process
    tree_mb: float | None = None  # largest sum over the process tree
    note: str = ""

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


# -- the corpus and the queries ------------------------------------------------------------


def corpus_for(size: int, folder: Path, seed: int) -> Path:
    path = folder / f"corpus-{size}.jsonl"
    if not path.exists():
        print(f"making {path} …", file=sys.stderr)
        folder.mkdir(parents=True, exist_ok=True)
        write_corpus(path, size, parse_mix(DEFAULT_MIX), seed)
    return path


def read_corpus(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def sample_articles(path: Path, count: int, seed: int) -> list[dict[str, Any]]:
    """A seeded reservoir sample of the corpus; only the kept lines are parsed."""
    rng = random.Random(seed)
    kept: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number < count:
                kept.append(line)
            elif (slot := rng.randrange(number + 1)) < count:
                kept[slot] = line
    return [json.loads(line) for line in kept]


def tokens(article: dict[str, Any]) -> list[str]:
    return WORD.findall(f"{article['title']}\n{article['body']}")


def letters(article: dict[str, Any], shortest: int) -> list[str]:
    found = (t for t in tokens(article) if t.isalpha() and len(t) >= shortest)
    return list(dict.fromkeys(found))


def misspell(word: str, rng: random.Random) -> str:
    """One edit after the first letter: substitute, delete, insert or swap neighbours."""
    at = rng.randrange(1, len(word) - 1)
    letter = rng.choice(word)
    edit = rng.choice(("substitute", "delete", "insert", "swap"))
    if edit == "swap" and word[at] != word[at + 1]:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if edit == "delete":
        return word[:at] + word[at + 1 :]
    if edit == "insert":
        return word[:at] + letter + word[at:]
    other = next((c for c in word + "aeiou" if c != word[at]), "x")
    return word[:at] + other + word[at + 1 :]


def year_range(article: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    year = int(article["published"][:4]) if article.get("published") else rng.randint(1990, 2021)
    return f"{year - 5}-01-01", f"{year + 5}-12-31"


def draw_query(kind: str, article: dict[str, Any], rng: random.Random) -> Query | None:
    words = letters(article, 5 if kind == "misspelt" else 3)
    take = {"one-word": 1, "two-word": 2, "three-word": 3}.get(kind) or rng.randint(1, 3)
    if kind in ("filtered", "newest"):
        take = rng.randint(1, 2)
    if kind == "phrase":
        run = tokens(article)
        start = rng.randrange(max(1, len(run) - 3))
        chosen = tuple(run[start : start + rng.randint(2, 3)])
        if len(chosen) < 2 or not all(t.isalpha() for t in chosen):
            return None
        return Query(f'"{" ".join(chosen)}"', chosen, phrase=True)
    if len(words) < take:
        return None
    if kind == "misspelt":
        wrong = misspell(rng.choice(words), rng)
        return Query(wrong, (wrong,), fuzzy=True)
    chosen = tuple(rng.sample(words, take))
    text = " ".join(chosen)
    if kind == "filtered":
        low, high = year_range(article, rng)
        return Query(text, chosen, language=article["language"], date_from=low, date_to=high)
    return Query(text, chosen, facets=kind == "faceted", newest=kind == "newest")


def draw_queries(sample: Sequence[dict[str, Any]], count: int, seed: int) -> dict[str, list[Query]]:
    drawn: dict[str, list[Query]] = {}
    for number, kind in enumerate(CLASSES):
        rng = random.Random(seed * 1000 + number)
        queries: list[Query] = []
        while len(queries) < count:
            query = draw_query(kind, rng.choice(sample), rng)
            if query is not None:
                queries.append(query)
        drawn[kind] = queries
    return drawn


# -- measuring -----------------------------------------------------------------------------

Runner = Callable[[Query], int]


def timed(run: Runner, queries: Sequence[Query], warmup: int) -> list[Timing]:
    for query in queries[:warmup]:
        run(query)
    gc.collect()
    timings = []
    for query in queries[warmup:]:
        started = time.perf_counter()
        total = run(query)
        timings.append(Timing((time.perf_counter() - started) * 1000, total))
    return timings


def process_tree(root: int) -> list[int]:
    """`root` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def status_kb(pid: int, name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples the summed VmRSS of a process tree until stopped; keeps the largest."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.stopping = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.2):
            total = sum(status_kb(pid, "VmRSS") for pid in process_tree(self.pid))
            self.peak_kb = max(self.peak_kb, total)


# -- xronika -------------------------------------------------------------------------------


def xronika_command() -> list[str]:
    beside = Path(sys.executable).parent / "xronika"
    found = str(beside) if beside.exists() else shutil.which("xronika")
    if found is None:
        sys.exit("the xronika command is not installed (pip install -e . in the venv)")
    return [found]


def xronika_ingest(corpus: Path, folder: Path) -> Build:
    command = [*xronika_command(), "--data", str(folder), "ingest", str(corpus)]
    peak_file = folder.parent / "ingest-peak-kb"
    if GNU_TIME.exists():
        command = [str(GNU_TIME), "-f", "%M", "-o", str(peak_file), *command]
    started = time.perf_counter()
    # One big file on purpose (a real dump is one); lift ingest's per-file limit for it.
    env = {**os.environ, "XRONIKA_MAX_FILE_BYTES": str(corpus.stat().st_size + 1)}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    sampler = TreeMemory(process.pid)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    sampler.stopping.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"xronika ingest failed ({process.returncode}):\n{err[-4000:]}")
    peak_kb = int(peak_file.read_text().split()[-1]) if peak_file.exists() else None
    archive = Archive.open(folder)
    try:
        count = archive.store.count()
    finally:
        archive.close()
    summary = (out.strip() or err.strip()).splitlines()[-1:]
    return Build(
        seconds,
        count,
        folder_bytes(folder),
        peak_kb / 1024 if peak_kb else None,
        sampler.peak_kb / 1024,
        summary[0] if summary else "",
    )


def xronika_runner(archive: Archive) -> Runner:
    def run(query: Query) -> int:
        request = SearchRequest(
            query=query.text,
            languages=(query.language,) if query.language else (),
            date_from=query.date_from,
            date_to=query.date_to,
            sort="newest" if query.newest else "relevance",
            facets=query.facets,
            limit=10,
        )
        return search(archive, request).total

    return run


def http_params(query: Query) -> dict[str, str]:
    params = {"q": query.text}
    if query.language:
        params["lang"] = query.language
    if query.date_from and query.date_to:
        params["from"], params["to"] = query.date_from, query.date_to
    if query.newest:
        params["sort"] = "newest"
    return params


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [*xronika_command(), "--data", str(folder), "serve", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(server, base)
    return server, base


def http_search(
    folder: Path, queries: dict[str, list[Query]], warmup: int
) -> tuple[dict[str, list[Timing]], float]:
    """Latencies per class over HTTP, and the server tree's peak memory in MB."""
    server, base = start_server(folder)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:

            def run(query: Query) -> int:
                response = client.get("/api/search", params=http_params(query))
                response.raise_for_status()
                return int(response.json()["total"])

            found = {kind: timed(run, qs, warmup) for kind, qs in queries.items()}
        peak_kb = sum(status_kb(pid, "VmHWM") for pid in process_tree(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return found, peak_kb / 1024


# -- bare Tantivy --------------------------------------------------------------------------


def tantivy_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True)
    builder.add_text_field("body")
    for name in ("language", "section", "source"):
        builder.add_text_field(name, fast=True, tokenizer_name="raw")
    builder.add_date_field("published", indexed=True, fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    return builder.build()


def moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def tantivy_build(corpus: Path, folder: Path) -> Build:
    started = time.perf_counter()
    folder.mkdir(parents=True)
    index = tantivy.Index(tantivy_schema(), path=str(folder))
    writer = index.writer(heap_size=512 * MB, num_threads=2)
    count = 0
    for record in read_corpus(corpus):
        fields: dict[str, Any] = {k: record[k] for k in ("id", "title", "body", "language")}
        for name in ("section", "source"):
            if record.get(name):
                fields[name] = record[name]
        if record.get("published"):
            fields["published"] = moment(record["published"])
            fields["year"] = int(record["published"][:4])
        writer.add_document(tantivy.Document(**fields))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return Build(time.perf_counter() - started, count, folder_bytes(folder))


def tantivy_runner(folder: Path) -> Runner:
    index = tantivy.Index.open(str(folder))
    index.reload()
    searcher = index.searcher()
    schema = index.schema
    text_fields = ["title", "body"]
    fuzzy = {name: (False, 1, True) for name in text_fields}
    aggregation = {
        name: {"terms": {"field": name, "size": FACET_SIZE}}
        for name in ("language", "year", "section", "source")
    }

    def run(query: Query) -> int:
        if query.fuzzy:
            parsed = index.parse_query(
                query.text, text_fields, fuzzy_fields=fuzzy, conjunction_by_default=True
            )
        else:
            parsed = index.parse_query(query.text, text_fields, conjunction_by_default=True)
        if query.language and query.date_from and query.date_to:
            parsed = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, parsed),
                    (
                        tantivy.Occur.Must,
                        tantivy.Query.term_query(schema, "language", query.language),
                    ),
                    (
                        tantivy.Occur.Must,
                        tantivy.Query.range_query(
                            schema,
                            "published",
                            tantivy.FieldType.Date,
                            moment(query.date_from),
                            moment(query.date_to + "T23:59:59"),
                        ),
                    ),
                ]
            )
        if query.newest:
            found = searcher.search(
                parsed, 10, count=True, order_by_field="published", order=tantivy.Order.Desc
            )
        else:
            found = searcher.search(parsed, 10, count=True)
        for _, address in found.hits:
            searcher.doc(address)
        if query.facets:
            searcher.aggregate(parsed, aggregation)
        return int(found.count or 0)

    return run


# -- SQLite FTS5 ---------------------------------------------------------------------------

FTS_SCHEMA = """
CREATE TABLE articles (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL, published TEXT,
    language TEXT, year INTEGER, section TEXT, source TEXT
);
CREATE INDEX articles_published ON articles (published);
CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2');
"""

FTS_FACETS = "\nUNION ALL ".join(
    f"SELECT * FROM (SELECT '{name}', {name}, count(*) AS c FROM articles JOIN hits USING (n)"
    f" WHERE {name} IS NOT NULL GROUP BY {name} ORDER BY c DESC LIMIT {FACET_SIZE})"
    for name in ("language", "year", "section", "source")
)
FTS_FACETS = (
    f"WITH hits(n) AS MATERIALIZED (SELECT rowid FROM fts WHERE fts MATCH ?1)\n{FTS_FACETS}"
)


def fts_build(corpus: Path, path: Path) -> Build:
    started = time.perf_counter()
    db = sqlite3.connect(path)
    count = 0
    try:
        db.executescript(FTS_SCHEMA)
        with db:
            for n, record in enumerate(read_corpus(corpus), 1):
                day = record.get("published")
                db.execute(
                    "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        n,
                        record["id"],
                        day,
                        record["language"],
                        int(day[:4]) if day else None,
                        record.get("section"),
                        record.get("source"),
                    ),
                )
                db.execute(
                    "INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
                    (n, record["title"], record["body"]),
                )
                count = n
            db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    finally:
        db.close()
    return Build(time.perf_counter() - started, count, path.stat().st_size)


def fts_match(query: Query) -> str:
    quoted = ['"' + word.replace('"', '""') + '"' for word in query.words]
    return (
        '"' + " ".join(query.words).replace('"', '""') + '"' if query.phrase else " ".join(quoted)
    )


def fts_runner(db: sqlite3.Connection) -> Runner:
    def run(query: Query) -> int:
        match = fts_match(query)
        where, args = "fts MATCH ?", [match]
        if query.language and query.date_from and query.date_to:
            where += " AND a.language = ? AND a.published >= ? AND a.published < ?"
            args += [query.language, query.date_from, query.date_to + "~"]
        order = "a.published DESC" if query.newest else "rank"
        top = db.execute(
            "SELECT a.n, a.id, fts.title FROM fts JOIN articles a ON a.n = fts.rowid"
            f" WHERE {where} AND rank MATCH 'bm25(2.0, 1.0)' ORDER BY {order} LIMIT 10",
            args,
        ).fetchall()
        del top
        (total,) = db.execute(
            f"SELECT count(*) FROM fts JOIN articles a ON a.n = fts.rowid WHERE {where}", args
        ).fetchone()
        if query.facets:
            db.execute(FTS_FACETS, (match,)).fetchall()
        return int(total)

    return run


# -- one size ------------------------------------------------------------------------------


def build_all(corpus: Path, folder: Path) -> dict[str, Build]:
    saved = folder / "build.json"
    if saved.exists():
        print(f"reusing the builds in {folder}", file=sys.stderr)
        return {name: Build(**fields) for name, fields in json.loads(saved.read_text()).items()}
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in ("xronika", "tantivy", "fts5.sqlite3"):
        if (folder / leftover).exists():
            sys.exit(f"{folder / leftover} is left from an unfinished run: remove it first")
    builds = {}
    print(f"ingesting {corpus} with xronika …", file=sys.stderr)
    builds["xronika"] = xronika_ingest(corpus, folder / "xronika")
    print("building bare Tantivy …", file=sys.stderr)
    builds["Tantivy"] = tantivy_build(corpus, folder / "tantivy")
    print("building SQLite FTS5 …", file=sys.stderr)
    builds["FTS5"] = fts_build(corpus, folder / "fts5.sqlite3")
    saved.write_text(json.dumps({name: asdict(build) for name, build in builds.items()}))
    return builds


def measure_size(
    corpus: Path, folder: Path, args: argparse.Namespace
) -> tuple[dict[str, Build], dict[str, dict[str, list[Timing]]], float]:
    builds = build_all(corpus, folder)
    queries = draw_queries(
        sample_articles(corpus, SAMPLE, args.seed), args.warmup + args.queries, args.seed
    )
    timings: dict[str, dict[str, list[Timing]]] = {}
    archive = Archive.open(folder / "xronika")
    try:
        print("searching in-process with xronika …", file=sys.stderr)
        run = xronika_runner(archive)
        timings["xronika"] = {k: timed(run, qs, args.warmup) for k, qs in queries.items()}
    finally:
        archive.close()
    print("searching over HTTP …", file=sys.stderr)
    timings["xronika HTTP"], serve_mb = http_search(folder / "xronika", queries, args.warmup)
    print("searching bare Tantivy …", file=sys.stderr)
    run = tantivy_runner(folder / "tantivy")
    timings["Tantivy"] = {k: timed(run, qs, args.warmup) for k, qs in queries.items()}
    print("searching SQLite FTS5 …", file=sys.stderr)
    db = sqlite3.connect(folder / "fts5.sqlite3")
    try:
        run = fts_runner(db)
        timings["FTS5"] = {k: timed(run, qs, args.warmup) for k, qs in queries.items()}
    finally:
        db.close()
    return builds, timings, serve_mb


# -- the report ----------------------------------------------------------------------------


def _ms(timings: Sequence[Timing]) -> list[float]:
    return [t.ms for t in timings]


def _three(timings: Sequence[Timing]) -> str:
    ms = _ms(timings)
    return " / ".join(f"{percentile(ms, p):.2f}" for p in (50, 95, 99))


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def report(
    size: int,
    builds: dict[str, Build],
    timings: dict[str, dict[str, list[Timing]]],
    serve_mb: float,
    loads: tuple[str, str],
) -> None:
    queries = len(timings["xronika"]["one-word"])
    print(f"\n## {size:,} articles\n")
    print(
        "| engine | articles | build s | articles/s | peak MB (largest process)"
        " | peak MB (process tree) | on disk MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, build in builds.items():
        cells = [
            name,
            f"{build.articles:,}",
            f"{build.seconds:.1f}",
            f"{build.rate:,.0f}",
            _mb(build.peak_mb),
            _mb(build.tree_mb),
            f"{build.bytes / MB:,.0f}",
        ]
        print("| " + " | ".join(cells) + " |")
    print(f"\nxronika ingest said: `{builds['xronika'].note}`")
    print(
        f"\n`xronika serve` peak memory (VmHWM, process tree) after the HTTP run: {serve_mb:,.0f} MB"
    )
    print(f"\nLoad average before / after: {loads[0]} / {loads[1]}\n")
    print(
        f"Latency in ms, p50 / p95 / p99, {queries} queries per class; ratio = xronika"
        " in-process ÷ bare Tantivy; no hits = queries that found nothing.\n"
    )
    print(
        "| class | xronika | xronika HTTP (facets on) | bare Tantivy | FTS5"
        " | ratio p50 | ratio p99 | no hits x / T / F |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in CLASSES:
        ours, engine = _ms(timings["xronika"][kind]), _ms(timings["Tantivy"][kind])
        empty = " / ".join(
            str(sum(1 for t in timings[name][kind] if t.total == 0))
            for name in ("xronika", "Tantivy", "FTS5")
        )
        cells = [
            kind,
            *(
                _three(timings[name][kind])
                for name in ("xronika", "xronika HTTP", "Tantivy", "FTS5")
            ),
            f"{percentile(ours, 50) / percentile(engine, 50):.1f}×",
            f"{percentile(ours, 99) / percentile(engine, 99):.1f}×",
            empty,
        ]
        print("| " + " | ".join(cells) + " |")


def _display_command() -> str:
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(Path.cwd()))
    except ValueError:
        shown = str(python)
    return shlex.join([shown, *sys.argv])


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated article counts")
    parser.add_argument("--queries", type=int, default=200, help="queries measured per class")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured queries per class")
    parser.add_argument("--seed", type=int, default=1, help="seed of the corpus and queries")
    parser.add_argument("--corpus-dir", type=Path, default=Path("/tmp/xronika-scale"))
    parser.add_argument("--keep", metavar="DIR", type=Path, help="build in DIR/N and reuse it")
    args = parser.parse_args()
    try:
        args.sizes = [int(size) for size in args.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes: {args.sizes!r} is not a list of numbers like 100000,1000000")
    return args


def main() -> None:
    args = parse_args()
    print(f"# xronika at scale ({datetime.now():%Y-%m-%d %H:%M})\n")
    print(f"Machine: {machine()}; XRONIKA_WORKERS={os.environ.get('XRONIKA_WORKERS', '2')}\n")
    print(f"Command: `{_display_command()}`")
    root = args.keep or Path(tempfile.mkdtemp(prefix="xronika-scale-"))
    try:
        for size in args.sizes:
            corpus = corpus_for(size, args.corpus_dir, args.seed)
            before = _load()
            builds, timings, serve_mb = measure_size(corpus, root / str(size), args)
            report(size, builds, timings, serve_mb, (before, _load()))
            sys.stdout.flush()
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
