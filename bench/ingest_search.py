"""Ingest and search the shared corpus with xronika, and the same work in SQLite FTS5.

Run from the repository root:

    .venv/bin/python bench/ingest_search.py [--data-dir DIR] [--queries 1000] [--seed 2]
        [--warmup 100] [--keep DIR]

The corpus is DIR/corpus/*.jsonl (≈29,000 articles); DIR defaults to $XRONIKA_TEST_DATA, else
../shared/data. Everything is built in a fresh temporary folder, removed at the end unless
--keep DIR names a folder (new or empty) to build in and leave behind.

xronika:
  - ingest: `xronika --data TMP ingest FILES...` as a subprocess, timed end to end (parse,
    detect, store, analyse, index); the data folder's store and index are sized apart;
  - search: in-process `search(archive, SearchRequest(query=q, limit=10))`, facets on, which is
    the whole request: parse, index search and count, the fuzzy retry when fewer than 3 match,
    facet aggregation, reading the 10 hits from the store and building their snippets.

SQLite FTS5, the same articles (deduplicated by id, as ingest does) and the same queries:
  - build: read and parse the JSONL, insert into `fts5(title, body, tokenize='unicode61
    remove_diacritics 2')` plus a plain table of the facet fields, `optimize`, commit. A record
    without a title is indexed with an empty one (xronika derives one from the body);
  - search, per query: the words quoted and AND-ed; (1) top 10 by bm25 with title weighted 2
    (`rank MATCH 'bm25(2.0, 1.0)' ORDER BY rank LIMIT 10`) with a body snippet each, then their
    id, url, published, language, section and source read by rowid; (2) in one statement the
    total and the facet counts by language, year, section and source (top 200 each, as
    xronika) over the matching rows. No stemming, folding, typo tolerance or transliteration:
    FTS5 matches fewer articles for many queries, so it has less to count.

Queries: a seeded random article, then 1–3 distinct words of 3 letters or more from its title
and body, as spelled there (NFC). Every query therefore matches at least its own article in
both engines (FTS5 lower-cases I as i even in Turkish text, and does so on both sides). The
first --warmup queries warm both engines up and are not measured.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

# bench/ comes last, so that bench/http.py never hides the standard library's http.
sys.path.append(sys.path.pop(0))

from common import corpus_files, data_dir, folder_bytes, machine, percentile, read_records

from xronika.archive import Archive
from xronika.search import FEW, SearchRequest, search

MIN_LETTERS = 3
FACET_SIZE = 200
SLOWEST = 5
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class CorpusArticle:
    """The fields of a corpus record that the FTS5 side and the query drawing need."""

    id: str
    title: str
    body: str
    url: str | None
    published: str | None
    language: str | None
    section: str | None
    source: str | None

    @property
    def year(self) -> int | None:
        head = (self.published or "")[:4]
        return int(head) if head.isdigit() else None


@dataclass(frozen=True, slots=True)
class Build:
    """How long building took, how many articles it holds and how big it is on disk."""

    seconds: float
    articles: int
    store_bytes: int | None
    index_bytes: int
    note: str = ""

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


@dataclass(frozen=True, slots=True)
class Timing:
    query: str
    ms: float
    total: int
    note: str = ""


# -- the corpus and the queries ------------------------------------------------------------


def _text(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    return value if isinstance(value, str) and value.strip() else None


def load_articles(files: Sequence[Path]) -> list[CorpusArticle]:
    """The corpus records with a body, the last of each id winning (as ingest updates)."""
    by_id: dict[str, CorpusArticle] = {}
    for record in read_records(files):
        body = _text(record, "body")
        if body is None:
            continue
        article = CorpusArticle(
            id=_text(record, "id") or f"no-id-{len(by_id)}",
            title=_text(record, "title") or "",
            body=body,
            url=_text(record, "url"),
            published=_text(record, "published"),
            language=_text(record, "language"),
            section=_text(record, "section"),
            source=_text(record, "source"),
        )
        by_id[article.id] = article
    return list(by_id.values())


def query_words(article: CorpusArticle) -> list[str]:
    """The distinct words of 3 letters or more of an article, in order of appearance."""
    text = unicodedata.normalize("NFC", f"{article.title}\n{article.body}")
    letters = "".join(char if char.isalpha() else " " for char in text)
    return list(dict.fromkeys(word for word in letters.split() if len(word) >= MIN_LETTERS))


def draw_queries(articles: Sequence[CorpusArticle], count: int, seed: int) -> list[str]:
    """`count` queries of 1–3 words, each taken from one seeded random article."""
    rng = random.Random(seed)
    queries: list[str] = []
    while len(queries) < count:
        words = query_words(rng.choice(articles))
        if not words:
            continue
        take = min(rng.randint(1, 3), len(words))
        queries.append(" ".join(rng.sample(words, take)))
    return queries


def measure(run: Callable[[str], Timing], queries: Sequence[str], warmup: int) -> list[Timing]:
    for query in queries[:warmup]:
        run(query)
    gc.collect()
    return [run(query) for query in queries[warmup:]]


# -- xronika -------------------------------------------------------------------------------


def xronika_command() -> list[str]:
    """The installed console script next to this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "xronika"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("xronika")
    if found is None:
        sys.exit("the xronika command is not installed (pip install -e . in the venv)")
    return [found]


def xronika_ingest(files: Sequence[Path], folder: Path) -> tuple[Build, str]:
    """Ingest with the real CLI; return the build and ingest's summary line."""
    command = [*xronika_command(), "--data", str(folder), "ingest", *map(str, files)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"xronika ingest failed ({done.returncode}):\n{done.stderr[-4000:]}")
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    summary = summary or done.stderr.strip().splitlines()[-1]
    archive = Archive.open(folder)
    try:
        sizes = archive.sizes()
        count = archive.store.count()
    finally:
        archive.close()
    build = Build(seconds, count, sizes["store_bytes"], sizes["index_bytes"])
    return build, summary


def xronika_searcher(archive: Archive) -> Callable[[str], Timing]:
    def run(query: str) -> Timing:
        started = time.perf_counter()
        result = search(archive, SearchRequest(query=query, limit=10))
        ms = (time.perf_counter() - started) * 1000
        note = "partial" if result.partial else ("fuzzy retry" if result.total < FEW else "")
        return Timing(query, ms, result.total, note)

    return run


# -- SQLite FTS5 ---------------------------------------------------------------------------

FTS_SCHEMA = """
CREATE TABLE articles (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL, url TEXT, published TEXT,
    language TEXT, year INTEGER, section TEXT, source TEXT
);
CREATE VIRTUAL TABLE fts USING fts5(
    title, body, tokenize='unicode61 remove_diacritics 2'
);
"""

FTS_TOP = """
SELECT rowid, title, rank, snippet(fts, 1, '<mark>', '</mark>', '…', 24)
FROM fts WHERE fts MATCH ?1 AND rank MATCH 'bm25(2.0, 1.0)'
ORDER BY rank LIMIT 10
"""

FTS_FACETS = f"""
WITH hits(n) AS MATERIALIZED (SELECT rowid FROM fts WHERE fts MATCH ?1)
SELECT 'total', NULL, count(*) FROM hits
UNION ALL SELECT * FROM (
    SELECT 'language', language, count(*) AS c FROM articles JOIN hits USING (n)
    WHERE language IS NOT NULL GROUP BY language ORDER BY c DESC LIMIT {FACET_SIZE})
UNION ALL SELECT * FROM (
    SELECT 'year', year, count(*) AS c FROM articles JOIN hits USING (n)
    WHERE year IS NOT NULL GROUP BY year ORDER BY c DESC LIMIT {FACET_SIZE})
UNION ALL SELECT * FROM (
    SELECT 'section', section, count(*) AS c FROM articles JOIN hits USING (n)
    WHERE section IS NOT NULL GROUP BY section ORDER BY c DESC LIMIT {FACET_SIZE})
UNION ALL SELECT * FROM (
    SELECT 'source', source, count(*) AS c FROM articles JOIN hits USING (n)
    WHERE source IS NOT NULL GROUP BY source ORDER BY c DESC LIMIT {FACET_SIZE})
"""


def fts_build(files: Sequence[Path], path: Path) -> Build:
    """Read the JSONL again and build the FTS5 database, timed from the files to the commit."""
    started = time.perf_counter()
    articles = load_articles(files)
    db = sqlite3.connect(path)
    try:
        db.executescript(FTS_SCHEMA)
        with db:
            db.executemany(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (n, a.id, a.url, a.published, a.language, a.year, a.section, a.source)
                    for n, a in enumerate(articles, 1)
                ),
            )
            db.executemany(
                "INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
                ((n, a.title, a.body) for n, a in enumerate(articles, 1)),
            )
            db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    finally:
        db.close()
    seconds = time.perf_counter() - started
    return Build(seconds, len(articles), None, path.stat().st_size, "one file: text + index")


def fts_match(query: str) -> str:
    """Each word as an FTS5 string, so that all must match and none is read as syntax."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in query.split())


def fts_searcher(db: sqlite3.Connection) -> Callable[[str], Timing]:
    def run(query: str) -> Timing:
        started = time.perf_counter()
        match = fts_match(query)
        top = db.execute(FTS_TOP, (match,)).fetchall()
        rowids = [row[0] for row in top]
        marks = ", ".join("?" * len(rowids))
        db.execute(
            "SELECT n, id, url, published, language, section, source FROM articles"
            f" WHERE n IN ({marks})",
            rowids,
        ).fetchall()
        facets = db.execute(FTS_FACETS, (match,)).fetchall()
        ms = (time.perf_counter() - started) * 1000
        return Timing(query, ms, int(facets[0][2]))

    return run


# -- the report ----------------------------------------------------------------------------


def _mb(value: int | None) -> str:
    return "–" if value is None else f"{value / MB:.1f}"


def table_row(engine: str, build: Build, timings: Sequence[Timing]) -> str:
    ms = [t.ms for t in timings]
    total = build.index_bytes + (build.store_bytes or 0)
    cells = [
        engine,
        f"{build.articles:,}",
        f"{build.seconds:.1f}",
        f"{build.rate:,.0f}",
        _mb(build.store_bytes),
        _mb(build.index_bytes),
        _mb(total),
        *(f"{percentile(ms, p):.2f}" for p in (50, 95, 99)),
        f"{max(ms):.1f}",
        f"{sum(1 for t in timings if t.total == 0)}",
    ]
    return "| " + " | ".join(cells) + " |"


def report(
    command: str,
    builds: dict[str, Build],
    timings: dict[str, list[Timing]],
    summary: str,
) -> None:
    queries = len(next(iter(timings.values())))
    print(f"## Ingest and search, xronika and SQLite FTS5 ({datetime.now():%Y-%m-%d %H:%M})\n")
    print(f"Machine: {machine()}; XRONIKA_WORKERS={os.environ.get('XRONIKA_WORKERS', '2')}\n")
    print(f"Command: `{command}`\n")
    print(f"xronika ingest: `{summary}`\n")
    print(
        "| engine | articles | ingest/build s | articles/s | store MB | index MB | total MB"
        f" | p50 ms | p95 ms | p99 ms | max ms | 0 hits (of {queries}) |"
    )
    print("|---|" + "---:|" * 11)
    for engine, build in builds.items():
        print(table_row(engine, build, timings[engine]))
    print()
    for engine, measured in timings.items():
        slowest = sorted(measured, key=lambda t: t.ms, reverse=True)[:SLOWEST]
        print(f"Slowest {SLOWEST} for {engine}:\n")
        for timing in slowest:
            note = f", {timing.note}" if timing.note else ""
            print(f"- `{timing.query}`: {timing.ms:.1f} ms, {timing.total:,} found{note}")
        print()
    ours, theirs = timings["xronika"], timings["FTS5"]
    more = sum(1 for a, b in zip(ours, theirs, strict=True) if a.total > b.total)
    fewer = sum(1 for a, b in zip(ours, theirs, strict=True) if a.total < b.total)
    fuzzy = sum(1 for t in ours if t.note)
    print(
        f"xronika found more than FTS5 for {more} queries and fewer for {fewer}; it retried"
        f" with typo tolerance (fewer than {FEW} found) for {fuzzy}."
    )


def _display_command() -> str:
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(Path.cwd()))
    except ValueError:
        shown = str(python)
    return shlex.join([shown, *sys.argv])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", help="shared data folder (default: $XRONIKA_TEST_DATA)")
    parser.add_argument("--queries", type=int, default=1000, help="queries measured")
    parser.add_argument("--warmup", type=int, default=100, help="queries run first, unmeasured")
    parser.add_argument("--seed", type=int, default=2, help="seed for drawing the queries")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and leave it there")
    return parser.parse_args()


def work_folder(keep: str | None) -> Path:
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="xronika-bench-"))
    folder = Path(keep)
    if folder.exists() and any(folder.iterdir()):
        sys.exit(f"--keep {folder}: the folder is not empty")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def main() -> None:
    args = parse_args()
    files = corpus_files(data_dir(args.data_dir))
    articles = load_articles(files)
    queries = draw_queries(articles, args.warmup + args.queries, args.seed)
    folder = work_folder(args.keep)
    try:
        print(f"ingesting {len(files)} files into {folder / 'xronika'} …", file=sys.stderr)
        ours, summary = xronika_ingest(files, folder / "xronika")
        archive = Archive.open(folder / "xronika")
        try:
            print(f"searching {len(queries)} queries with xronika …", file=sys.stderr)
            our_times = measure(xronika_searcher(archive), queries, args.warmup)
        finally:
            archive.close()
        print("building and searching SQLite FTS5 …", file=sys.stderr)
        theirs = fts_build(files, folder / "fts5.sqlite3")
        db = sqlite3.connect(folder / "fts5.sqlite3")
        try:
            their_times = measure(fts_searcher(db), queries, args.warmup)
        finally:
            db.close()
        summary += f"; data folder {folder_bytes(folder / 'xronika') / MB:.1f} MB in all"
        report(
            _display_command(),
            {"xronika": ours, "FTS5": theirs},
            {"xronika": our_times, "FTS5": their_times},
            summary,
        )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
