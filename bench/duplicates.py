"""What near-duplicate detection costs at ingest, and what it finds in the shared corpus.

Run from the repository root:

    .venv/bin/python bench/duplicates.py [--data-dir DIR] [--rounds 3] [--examples 8]

Every corpus article (≈29,000) is parsed once up front; then each round writes them all,
in batches of 2,000 per transaction as ingest does, into a new store file, once with
detection (the store as shipped) and once without (the grouping step replaced by nothing,
which is the store as it was before), in alternating order. The index is left out: it is
the same work either way, less the copies it no longer takes. The tables give the median
round: articles per second (wall clock and this process's CPU time, since other people's
processes share the cores), detection's cost per article, and the groups found, with a
few of them to judge by eye.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# bench/ comes last, so that bench/http.py never hides the standard library's http.
sys.path.append(sys.path.pop(0))

from common import corpus_files, data_dir, machine, read_records

from xronika.ingest.records import draft_from_record, finalise
from xronika.model import Article
from xronika.store import Store, duplicates

BATCH = 2000


def articles(folder: Path) -> list[Article]:
    out = []
    for number, record in enumerate(read_records(corpus_files(folder))):
        where = f"record {number}"
        out.append(finalise(draft_from_record(record, where), where))
    return out


def batches(items: list[Article]) -> Iterator[list[tuple[Article, None]]]:
    for start in range(0, len(items), BATCH):
        yield [(article, None) for article in items[start : start + BATCH]]


def write_all(items: list[Article], path: Path, detect: bool) -> tuple[float, float, Store]:
    """Write every article into a new store; return wall and CPU seconds."""
    place = duplicates.place
    if not detect:
        duplicates.place = lambda connection, key, new=False: set()
    try:
        store = Store(path)
        wall, cpu = time.perf_counter(), time.process_time()
        for batch in batches(items):
            store.write(batch)
        return time.perf_counter() - wall, time.process_time() - cpu, store
    finally:
        duplicates.place = place


def groups(store: Store) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in store.connection.execute(
        "SELECT copy_of, id FROM articles WHERE copy_of IS NOT NULL ORDER BY copy_of, key"
    ):
        found.setdefault(row[0], []).append(row[1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", help="the shared data folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--examples", type=int, default=8, help="groups to show")
    options = parser.parse_args()
    items = articles(data_dir(options.data_dir))
    timings: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    found: dict[str, list[str]] = {}
    by_id: dict[str, Article] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(options.rounds):
            order = (False, True) if round_number % 2 == 0 else (True, False)
            for detect in order:
                path = Path(scratch) / f"{round_number}-{detect}.sqlite3"
                wall, cpu, store = write_all(items, path, detect)
                timings[detect].append((wall, cpu))
                if detect:
                    found = groups(store)
                    by_id = {s.article.id: s.article for s in store.iter_articles()}
                store.close()
    count = len(items)
    print(f"{count:,} corpus articles, {options.rounds} rounds, median; {machine()}\n")
    print("| store write | articles/s (wall) | articles/s (CPU) |")
    print("|---|---:|---:|")
    medians = {}
    for detect, label in ((False, "without detection"), (True, "with detection")):
        wall = statistics.median(t[0] for t in timings[detect])
        cpu = statistics.median(t[1] for t in timings[detect])
        medians[detect] = (wall, cpu)
        print(f"| {label} | {count / wall:,.0f} | {count / cpu:,.0f} |")
    cost_wall = (medians[True][0] - medians[False][0]) / count * 1000
    cost_cpu = (medians[True][1] - medians[False][1]) / count * 1000
    print(f"\nDetection costs {cost_wall:.2f} ms per article (wall), {cost_cpu:.2f} ms (CPU).\n")
    copies = sum(len(c) for c in found.values())
    print(f"{len(found)} groups: {len(found)} originals with {copies} copies in all.\n")
    print("| source | groups |")
    print("|---|---:|")
    by_source: dict[str, int] = {}
    for original in found:
        name = original.split("-", 1)[0]
        by_source[name] = by_source.get(name, 0) + 1
    for name, number in sorted(by_source.items(), key=lambda x: -x[1]):
        print(f"| {name} | {number} |")
    print("\n| original | copies | headline |")
    print("|---|---|---|")
    step = max(1, len(found) // max(1, options.examples))
    for original in sorted(found)[::step][: options.examples]:
        article = by_id[original]
        headline = article.title if not article.title_derived else article.title[:60]
        print(f"| {original} | {', '.join(found[original])} | {headline} |")


if __name__ == "__main__":
    main()
