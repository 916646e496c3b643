"""Relevance of xronika's search against three baselines, on every set in shared/data/eval.

    .venv/bin/python bench/relevance.py [--data-dir ../shared/data] [--sets banker-titles,...]

All of shared/data/corpus is indexed once (banker and ntrex articles without their titles,
as the sets' notes ask: their titles are the queries). Every system indexes exactly the
same title and body text, and answers the same queries as typed:

- xronika: `xronika.search.search` on a real archive (store + Tantivy + our analysis);
- fts5: SQLite FTS5, `unicode61 remove_diacritics 2`, bm25 with the title weighted 2;
- tantivy-default: Tantivy's `default` tokenizer, title boost 2;
- tantivy-stem: Tantivy's Snowball stemmers as Elasticsearch users set them up
  (tr_stem for az and tr, ru_stem, en_stem), one field pair per language, title boost 2.

Baselines OR the query's words (their usual set-up); xronika uses its own rules (all words,
then the best partial matches). Metrics: MRR@10, nDCG@10, Recall@100. Every Azerbaijani
query is also asked in three variants: typed without special letters, in Azerbaijani
Cyrillic, in upper case. banker-tags has partial judgments: read its Recall@100 first.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import tantivy

ROOT = Path(__file__).resolve().parent.parent
# bench/ comes last, so that bench/http.py never hides the standard library's http.
sys.path.append(sys.path.pop(0))
sys.path.insert(0, str(ROOT / "src"))

from xronika.analysis.fold import fold  # noqa: E402
from xronika.archive import Archive  # noqa: E402
from xronika.ingest import ingest  # noqa: E402
from xronika.search import SearchRequest, search  # noqa: E402

BODIES_ONLY = ("banker-", "ntrex-")
SETS = ("banker-titles", "banker-tags", "ntrex-crosslingual", "xquad-en", "xquad-ru", "xquad-tr")
K = 100
Searcher = Callable[[str], list[str]]

# Latin → Azerbaijani Cyrillic, the reverse of the official correspondence (for variants).
_TO_CYRILLIC = dict(
    zip(
        "abcçdeəfgğhxıijkqlmnoöprsştuüvyz",
        ["а", "б", "ҹ", "ч", "д", "е", "ә", "ф", "ҝ", "ғ", "һ", "х", "ы", "и", "ж", "к", "г",
         "л", "м", "н", "о", "ө", "п", "р", "с", "ш", "т", "у", "ү", "в", "ј", "з"],
        strict=True,
    )
)  # fmt: skip


def data_dir(explicit: str | None) -> Path:
    return Path(explicit or os.environ.get("XRONIKA_TEST_DATA") or ROOT.parent / "shared" / "data")


def turkic_upper(text: str) -> str:
    return text.replace("i", "İ").replace("ı", "I").upper()


def to_cyrillic(text: str) -> str:
    out = []
    for char in text:
        lower = char.replace("I", "ı").replace("İ", "i").lower()
        mapped = _TO_CYRILLIC.get(lower)
        if mapped is None:
            out.append(char)
        else:
            out.append(mapped.upper() if char != lower else mapped)
    return "".join(out)


VARIANTS: dict[str, Callable[[str], str]] = {
    "no special letters": lambda q: fold(q.replace("İ", "I").replace("Ə", "E")),
    "az Cyrillic": to_cyrillic,
    "UPPER CASE": turkic_upper,
}


def load_corpus(folder: Path) -> list[dict[str, Any]]:
    records = []
    for path in sorted((folder / "corpus").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            if record["id"].startswith(BODIES_ONLY):
                record.pop("title", None)
            records.append(record)
    return records


def load_set(folder: Path, name: str) -> list[dict[str, Any]]:
    path = folder / "eval" / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


# -- systems -----------------------------------------------------------------------------


def build_xronika(
    records: list[dict[str, Any]], work: Path
) -> tuple[Searcher, list[dict[str, Any]]]:
    source = work / "corpus.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    archive = Archive.open(work / "xronika")
    started = time.perf_counter()
    report = ingest(archive, [str(source)])
    print(f"xronika: {report.summary()} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    stored = [s.article for s in archive.store.iter_articles()]
    docs = [{"id": a.id, "title": a.title if not a.title_derived else "", "body": a.body,
             "language": a.language or ""} for a in stored]  # fmt: skip

    def run(query: str) -> list[str]:
        request = SearchRequest(query=query, limit=K, facets=False)
        return [hit["id"] for hit in search(archive, request).hits]

    return run, docs


def build_fts5(docs: list[dict[str, Any]]) -> Searcher:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO docs VALUES (?, ?, ?)", [(d["id"], d["title"], d["body"]) for d in docs]
    )

    def run(query: str) -> list[str]:
        words = re.findall(r"[^\W_]+", query)
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
        rows = db.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, 2.0, 1.0) LIMIT ?",
            (match, K),
        )
        return [row[0] for row in rows]

    return run


def _tantivy_index(
    fields: dict[str, str], docs: Iterable[dict[str, str]], register: Callable[[Any], None]
) -> Any:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name, tokenizer in fields.items():
        builder.add_text_field(name, tokenizer_name=tokenizer)
    schema = builder.build()
    index = tantivy.Index(schema)
    register(index)
    writer = index.writer(200_000_000, 1)
    for doc in docs:
        document = tantivy.Document()
        for name, value in doc.items():
            document.add_text(name, value)
        writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def _tantivy_searcher(index: Any, fields: list[str], boosts: dict[str, float]) -> Searcher:
    searcher = index.searcher()

    def run(query: str) -> list[str]:
        words = re.findall(r"[^\W_]+", query)
        if not words:
            return []
        parsed = index.parse_query_lenient(
            " ".join(words), fields, field_boosts=boosts, conjunction_by_default=False
        )[0]
        hits = searcher.search(parsed, K).hits
        return [searcher.doc(address)["id"][0] for _, address in hits]

    return run


def build_tantivy_default(docs: list[dict[str, Any]]) -> Searcher:
    fields = {"title": "default", "body": "default"}
    index = _tantivy_index(
        fields,
        ({"id": d["id"], "title": d["title"], "body": d["body"]} for d in docs),
        lambda i: None,
    )
    return _tantivy_searcher(index, ["title", "body"], {"title": 2.0})


STEMMED = {"az": "tr_stem", "tr": "tr_stem", "ru": "ru_stem", "en": "en_stem"}


def build_tantivy_stem(docs: list[dict[str, Any]]) -> Searcher:
    def register(index: Any) -> None:
        for name, language in (("tr_stem", "turkish"), ("ru_stem", "russian")):
            analyzer = (
                tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                .filter(tantivy.Filter.remove_long(40))
                .filter(tantivy.Filter.lowercase())
                .filter(tantivy.Filter.stemmer(language))
                .build()
            )
            index.register_tokenizer(name, analyzer)

    fields: dict[str, str] = {}
    for language, tokenizer in [*STEMMED.items(), ("other", "default")]:
        fields[f"title_{language}"] = tokenizer
        fields[f"body_{language}"] = tokenizer

    def shaped() -> Iterable[dict[str, str]]:
        for d in docs:
            language = d["language"] if d["language"] in STEMMED else "other"
            yield {"id": d["id"], f"title_{language}": d["title"], f"body_{language}": d["body"]}

    index = _tantivy_index(fields, shaped(), register)
    names = [f for f in fields]
    return _tantivy_searcher(index, names, {f: 2.0 for f in names if f.startswith("title_")})


# -- metrics -----------------------------------------------------------------------------


def scores(ranked: list[str], relevant: set[str]) -> tuple[float, float, float]:
    mrr = next((1 / rank for rank, i in enumerate(ranked[:10], 1) if i in relevant), 0.0)
    dcg = sum(1 / math.log2(rank + 1) for rank, i in enumerate(ranked[:10], 1) if i in relevant)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), 10) + 1))
    recall = len(set(ranked[:K]) & relevant) / len(relevant)
    return mrr, dcg / ideal if ideal else 0.0, recall


def evaluate(
    run: Searcher, queries: list[dict[str, Any]], variant: Callable[[str], str] | None
) -> tuple[float, float, float, float]:
    totals = [0.0, 0.0, 0.0]
    started = time.perf_counter()
    for item in queries:
        query = variant(item["query"]) if variant else item["query"]
        for n, value in enumerate(scores(run(query), set(item["relevant"]))):
            totals[n] += value
    elapsed = (time.perf_counter() - started) / max(1, len(queries)) * 1000
    count = max(1, len(queries))
    return totals[0] / count, totals[1] / count, totals[2] / count, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--systems", default="xronika,fts5,tantivy-default,tantivy-stem")
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries of each set")
    options = parser.parse_args()
    folder = data_dir(options.data_dir)
    records = load_corpus(folder)
    wanted = options.systems.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        xronika_run, docs = build_xronika(records, Path(tmp))
        systems: dict[str, Searcher] = {"xronika": xronika_run}
        builders = {
            "fts5": build_fts5,
            "tantivy-default": build_tantivy_default,
            "tantivy-stem": build_tantivy_stem,
        }
        for name, build in builders.items():
            if name in wanted:
                systems[name] = build(docs)
        rows = []
        for name in options.sets.split(","):
            queries = load_set(folder, name)
            if options.limit:
                queries = queries[: options.limit]
            az = [q for q in queries if q["lang"] == "az"]
            cases: list[tuple[str, list[dict[str, Any]], Callable[[str], str] | None]] = [
                (name, queries, None)
            ]
            cases += [(f"{name}, {label}", az, fn) for label, fn in VARIANTS.items() if az]
            for label, items, variant in cases:
                results = {system: evaluate(run, items, variant) for system, run in systems.items()}
                rows.append((label, len(items), results))
                print(label, {k: round(v[0], 3) for k, v in results.items()}, file=sys.stderr)
    print_table(rows, list(systems))


def print_table(
    rows: list[tuple[str, int, dict[str, tuple[float, float, float, float]]]], systems: list[str]
) -> None:
    print(
        f"Relevance, {date.today()}, {platform.machine()} × {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print("Command: " + " ".join([".venv/bin/python", "bench/relevance.py", *sys.argv[1:]]) + "\n")
    for metric, index in (("MRR@10", 0), ("nDCG@10", 1), ("Recall@100", 2)):
        print(f"\n{metric}\n")
        print("| set | queries | " + " | ".join(systems) + " | xronika ÷ best baseline |")
        print("|---|---:|" + "---:|" * len(systems) + "---:|")
        for label, count, results in rows:
            values = [results[s][index] for s in systems]
            best = max(values[1:]) if len(values) > 1 else 0.0
            ratio = f"{values[0] / best:.2f}" if best else "—"
            print(
                f"| {label} | {count} | " + " | ".join(f"{v:.3f}" for v in values) + f" | {ratio} |"
            )
    print(
        "\nms per query: "
        + ", ".join(f"{s} {sum(r[2][s][3] for r in rows) / len(rows):.1f}" for s in systems)
    )


if __name__ == "__main__":
    main()
