"""Analysis speed: words per second through each language's analyzer, on the real corpus.

    .venv/bin/python bench/analysis.py [--data-dir ../shared/data]

Measures the whole per-word pipeline (normalise, Turkic casing, transliteration, stem,
fold) as indexing runs it, once with a cold cache and once warm, per language.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ comes last, so that bench/http.py never hides the standard library's http.
sys.path.append(sys.path.pop(0))
sys.path.insert(0, str(ROOT / "src"))

from xronika.analysis.analyzer import Analyzer  # noqa: E402
from xronika.analysis.normalise import words  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir")
    options = parser.parse_args()
    folder = Path(
        options.data_dir or os.environ.get("XRONIKA_TEST_DATA") or ROOT.parent / "shared" / "data"
    )
    texts: dict[str, list[str]] = defaultdict(list)
    for path in sorted((folder / "corpus").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            if record["language"] in ("az", "ru", "tr", "en"):
                texts[record["language"]].append(record.get("title", "") + "\n" + record["body"])
    print(f"Analysis speed, {date.today()}, Python {platform.python_version()}, one core")
    print("Command: .venv/bin/python bench/analysis.py\n")
    print("| language | documents | words | cold words/s | warm words/s |")
    print("|---|---:|---:|---:|---:|")
    for language in ("az", "ru", "tr", "en"):
        documents = texts[language]
        count = sum(len(words(t)) for t in documents)
        analyzer = Analyzer(language)
        rates = []
        for _ in range(2):
            started = time.perf_counter()
            for text in documents:
                analyzer.analyse(text)
            rates.append(count / (time.perf_counter() - started))
        print(
            f"| {language} | {len(documents):,} | {count:,} | {rates[0]:,.0f} | {rates[1]:,.0f} |"
        )


if __name__ == "__main__":
    main()
