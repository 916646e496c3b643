"""Extraction quality: the article body our HTML pipeline finds, against human gold text.

    .venv/bin/python bench/extraction.py [--data-dir ../shared/data]

On shared/data/html/article-extraction-benchmark (181 real pages with their verified
`articleBody`), in one run: precision, recall and F1 of the extracted body's words against
the gold body's words (bags of lower-cased words, as the benchmark itself scores), for
xronika's pipeline (`xronika.ingest.html.extract`: encoding, trafilatura with our settings,
the headline dropped when repeated) and for `trafilatura.extract` with default settings.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ comes last, so that bench/http.py never hides the standard library's http.
sys.path.append(sys.path.pop(0))
sys.path.insert(0, str(ROOT / "src"))

import trafilatura  # noqa: E402

from xronika.errors import InvalidRecord  # noqa: E402
from xronika.ingest.html import extract  # noqa: E402

WORD = re.compile(r"[^\W_]+")
Extractor = Callable[[bytes, str], str]


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in WORD.findall(text))


def prf(found: str, gold: str) -> tuple[float, float, float]:
    got, want = words(found), words(gold)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def ours(page: bytes, url: str) -> str:
    try:
        return extract(page, url, url).body
    except InvalidRecord:
        return ""


def trafilatura_default(page: bytes, url: str) -> str:
    return trafilatura.extract(page, url=url) or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir")
    options = parser.parse_args()
    folder = Path(
        options.data_dir or os.environ.get("XRONIKA_TEST_DATA") or ROOT.parent / "shared" / "data"
    )
    bench = folder / "html" / "article-extraction-benchmark"
    gold = json.loads((bench / "ground-truth.json").read_text("utf-8"))
    pages = []
    for digest, item in sorted(gold.items()):
        path = bench / "html" / f"{digest}.html.gz"
        if path.exists():
            pages.append((gzip.decompress(path.read_bytes()), item["url"], item["articleBody"]))
    systems: dict[str, Extractor] = {"xronika": ours, "trafilatura (default)": trafilatura_default}
    print(f"Extraction, {date.today()}, Python {platform.python_version()}, {len(pages)} pages")
    print("Command: .venv/bin/python bench/extraction.py\n")
    print("| extractor | precision | recall | F1 | empty | ms/page |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, run in systems.items():
        totals = [0.0, 0.0, 0.0]
        empty = 0
        started = time.perf_counter()
        for page, url, body in pages:
            found = run(page, url)
            empty += not found
            for i, value in enumerate(prf(found, body)):
                totals[i] += value
        elapsed = (time.perf_counter() - started) / len(pages) * 1000
        p, r, f = (t / len(pages) for t in totals)
        print(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {empty} | {elapsed:.1f} |")


if __name__ == "__main__":
    main()
