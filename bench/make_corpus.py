"""Build a synthetic-volume corpus from the real texts, for measuring xronika at scale.

Run from the repository root:

    .venv/bin/python bench/make_corpus.py --out /tmp/xronika-1m.jsonl [--count 1000000]
        [--mix az=0.3,ru=0.2,tr=0.2,en=0.3] [--seed 1] [--data-dir DIR]

The real corpus (DIR/corpus/*.jsonl; DIR defaults to $XRONIKA_TEST_DATA, else ../shared/data)
gives, per language, its titles, its paragraphs and its section, source and tag values. A new
article is a real title of its language and 2–8 real paragraphs of the same language, drawn
with a seeded RNG, so the words, their frequencies and the paragraph lengths are real while
the volume is not. Its date lies between 1985 and 2026: some articles have none, some a day,
some a time of day with or without an offset. Ids are new (`syn-0000001`). The same seed,
mix and real corpus give the same file, byte for byte.

The file is written as JSONL outside the repository (a path inside it is refused), one line
at a time: memory stays at the size of the real corpus, and a million articles take a few
minutes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# bench/ comes last, so that bench/http.py never hides the standard library's http.
sys.path.append(sys.path.pop(0))

from common import REPO_ROOT, corpus_files, data_dir, read_records

DEFAULT_MIX = "az=0.3,ru=0.2,tr=0.2,en=0.3"
FIRST_YEAR, LAST_YEAR = 1985, 2026
PARAGRAPHS = (2, 8)
MAX_TAGS = 3
UNDATED, DAY_ONLY = 0.08, 0.42  # the rest have a time of day
OFFSETS = ("+04:00", "+03:00", "+00:00", "Z", "")
MIN_PARAGRAPH_CHARS = 40
PARAGRAPH_BREAK = "\\n\\n"  # a blank line, as it stands inside a JSON string


@dataclass(slots=True)
class LanguagePool:
    """The real pieces of one language, each already escaped as the inside of a JSON string."""

    titles: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def _inner(text: str) -> str:
    """`text` as it stands between the quotes of a JSON string."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _paragraphs(body: str) -> Iterator[str]:
    parts = body.split("\n\n") if "\n\n" in body else body.split("\n")
    for part in parts:
        part = " ".join(part.split())
        if len(part) >= MIN_PARAGRAPH_CHARS:
            yield part


def load_pools(files: Sequence[Path], languages: Sequence[str]) -> dict[str, LanguagePool]:
    """The titles, paragraphs and facet values of each wanted language, in a stable order."""
    seen: dict[str, dict[str, set[str]]] = {}
    pools = {language: LanguagePool() for language in languages}
    for record in read_records(files):
        language = record.get("language")
        if language not in pools:
            continue
        pool = pools[language]
        have = seen.setdefault(language, {})
        pieces: dict[str, list[str]] = {
            "titles": [record["title"]] if isinstance(record.get("title"), str) else [],
            "paragraphs": list(_paragraphs(record.get("body") or "")),
            "sections": [record["section"]] if isinstance(record.get("section"), str) else [],
            "sources": [record["source"]] if isinstance(record.get("source"), str) else [],
            "tags": [t for t in record.get("tags") or () if isinstance(t, str)],
        }
        for name, values in pieces.items():
            known = have.setdefault(name, set())
            for value in values:
                value = value.strip()
                if value and value not in known:
                    known.add(value)
                    getattr(pool, name).append(_inner(value))
    for language, pool in pools.items():
        if not pool.titles or len(pool.paragraphs) < PARAGRAPHS[1]:
            sys.exit(f"the real corpus has too few titles or paragraphs in {language!r}")
    return pools


def parse_mix(text: str) -> dict[str, float]:
    """`az=0.3,ru=0.2` as shares that add up to 1."""
    mix: dict[str, float] = {}
    for part in text.split(","):
        language, _, share = part.partition("=")
        try:
            mix[language.strip()] = float(share)
        except ValueError:
            sys.exit(f"--mix: {part!r} is not language=share (e.g. az=0.3)")
    total = sum(mix.values())
    if total <= 0 or any(share < 0 for share in mix.values()):
        sys.exit("--mix: shares must be positive")
    return {language: share / total for language, share in mix.items()}


def published(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < UNDATED:
        return None
    year = rng.randint(FIRST_YEAR, LAST_YEAR)
    day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if roll < UNDATED + DAY_ONLY:
        return day
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    return f"{day}T{clock}{rng.choice(OFFSETS)}"


def article_line(number: int, language: str, pool: LanguagePool, rng: random.Random) -> str:
    """One JSONL line, assembled from pre-escaped pieces (no json.dumps per article)."""
    paragraphs = rng.sample(pool.paragraphs, rng.randint(*PARAGRAPHS))
    fields = [
        f'"id": "syn-{number:07d}"',
        f'"title": "{rng.choice(pool.titles)}"',
        f'"body": "{PARAGRAPH_BREAK.join(paragraphs)}"',
        f'"language": "{language}"',
    ]
    date = published(rng)
    if date is not None:
        fields.append(f'"published": "{date}"')
    if pool.sections and rng.random() < 0.9:
        fields.append(f'"section": "{rng.choice(pool.sections)}"')
    if pool.sources:
        fields.append(f'"source": "{rng.choice(pool.sources)}"')
    if pool.tags:
        tags = rng.sample(pool.tags, min(len(pool.tags), rng.randint(0, MAX_TAGS)))
        if tags:
            fields.append('"tags": [' + ", ".join(f'"{tag}"' for tag in tags) + "]")
    return "{" + ", ".join(fields) + "}\n"


def write_corpus(
    out: Path, count: int, mix: dict[str, float], seed: int, data: Path | None = None
) -> None:
    """Write `count` synthetic articles to `out` (see the module docstring)."""
    pools = load_pools(corpus_files(data_dir(str(data) if data else None)), list(mix))
    rng = random.Random(seed)
    languages = list(mix)
    weights = list(mix.values())
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="\n") as handle:
        chunk = 10_000
        for start in range(1, count + 1, chunk):
            picks = rng.choices(languages, weights, k=min(chunk, count + 1 - start))
            handle.writelines(
                article_line(start + i, language, pools[language], rng)
                for i, language in enumerate(picks)
            )
    partial.replace(out)


def outside_repository(path: str) -> Path:
    out = Path(path).resolve()
    if out.is_relative_to(REPO_ROOT):
        raise argparse.ArgumentTypeError(f"{out} is inside the repository; write it elsewhere")
    return out


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=outside_repository, required=True, help="JSONL to write")
    parser.add_argument("--count", type=int, default=1_000_000, help="articles to write")
    parser.add_argument("--mix", default=DEFAULT_MIX, help=f"language shares ({DEFAULT_MIX})")
    parser.add_argument("--seed", type=int, default=1, help="seed of the RNG")
    parser.add_argument("--data-dir", help="shared data folder (default: $XRONIKA_TEST_DATA)")
    args = parser.parse_args()
    if args.count < 1:
        parser.error("--count must be at least 1")
    return args


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = Path(args.data_dir) if args.data_dir else None
    write_corpus(args.out, args.count, parse_mix(args.mix), args.seed, data)
    seconds = time.perf_counter() - started
    size = args.out.stat().st_size / 1024 / 1024
    print(f"wrote {args.count:,} articles ({size:,.0f} MB) to {args.out} in {seconds:.1f} s")


if __name__ == "__main__":
    main()
