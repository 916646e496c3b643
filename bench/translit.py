"""How close `cyrillic_to_latin` comes to the Latin text people wrote.

Run from the repository root:

    PYTHONPATH=src .venv/bin/python bench/translit.py [DATA_DIR]

DATA_DIR defaults to $XRONIKA_TEST_DATA, else ../shared/data. Two real sources are measured:

- translit/udhr-az-cyrl-latn.tsv: the UDHR in Soviet-era Azerbaijani Cyrillic and in Latin,
  aligned by unit (title, preamble, article-N);
- translit/tatoeba-aze-tur.tsv: its Cyrillic lines have no Latin column, so each is paired with
  the Latin line that has the same Turkish translation and is nearest to our output.

The score is the character error rate: Levenshtein distance between our Latin and the
reference, over NFC text, divided by the reference length. Not every error is the
transliterator's: the two UDHR texts are separate editions, and where they differ in wording or
spelling no letter mapping can close the gap. The worst units (up to five, those with errors)
are printed with their differing words so that such cases can be told apart.

What the data showed (and the transliterator follows): е is e everywhere, at word start too
(етинасызлыг → etinasızlıq); Soviet loan spellings map letter by letter onto the Latin ones
(ассосиасија → assosiasiya); the old apostrophe is gone from Latin (Бә'зиләрини →
Bəzilərini). The last measured errors are the Cyrillic edition's list numbers ("2.Һеч", where
the Latin edition has "Heç"), a difference of the editions, not of the letters.
"""

from __future__ import annotations

import csv
import os
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from xronika.analysis.translit import cyrillic_to_latin


@dataclass(frozen=True)
class Unit:
    """One aligned text: its name, the Cyrillic source and the Latin reference."""

    name: str
    cyrillic: str
    latin: str


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions cost 1."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def read_udhr(data: Path) -> list[Unit]:
    path = data / "translit" / "udhr-az-cyrl-latn.tsv"
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    return [
        Unit(f"udhr:{row['unit']}#{n}", _nfc(row["az_cyrl"]), _nfc(row["az_latn"]))
        for n, row in enumerate(rows)
    ]


def read_tatoeba(data: Path) -> list[Unit]:
    path = data / "translit" / "tatoeba-aze-tur.tsv"
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    latin_by_turkish: dict[str, list[str]] = {}
    for row in rows:
        if row["az_script"] == "Latn":
            latin_by_turkish.setdefault(row["tr"], []).append(_nfc(row["az"]))
    units = []
    for n, row in enumerate(rows):
        candidates = latin_by_turkish.get(row["tr"], [])
        if row["az_script"] != "Cyrl" or not candidates:
            continue
        cyrillic = _nfc(row["az"])
        ours = cyrillic_to_latin(cyrillic)
        nearest = min(candidates, key=lambda latin: edit_distance(ours, latin))
        units.append(Unit(f"tatoeba:{n}", cyrillic, nearest))
    return units


def differing_words(ours: str, reference: str) -> list[tuple[str, str]]:
    """Word pairs that differ, when both texts have the same number of words."""
    ours_words, reference_words = ours.split(), reference.split()
    if len(ours_words) != len(reference_words):
        return [("(word counts differ)", f"{len(ours_words)} vs {len(reference_words)}")]
    return [(o, r) for o, r in zip(ours_words, reference_words, strict=True) if o != r]


def report(title: str, units: list[Unit], worst: int = 5) -> None:
    scored = []
    for unit in units:
        ours = cyrillic_to_latin(unit.cyrillic)
        scored.append((edit_distance(ours, unit.latin), len(unit.latin), unit, ours))
    errors = sum(s[0] for s in scored)
    length = sum(s[1] for s in scored)
    print(f"{title}: {len(units)} units, {length} reference characters")
    print(f"  CER {errors / max(length, 1):.4%} ({errors} edits)")
    scored.sort(key=lambda s: s[0] / max(s[1], 1), reverse=True)
    for distance, size, unit, ours in scored[:worst]:
        if distance == 0:
            break
        pairs = differing_words(ours, unit.latin)
        shown = ", ".join(f"{o}≠{r}" for o, r in pairs[:8])
        print(f"  {unit.name}: CER {distance / size:.2%} ({distance}/{size}): {shown}")


def main() -> None:
    default = os.environ.get("XRONIKA_TEST_DATA") or str(Path.cwd().parent / "shared" / "data")
    data = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    report("UDHR az-Cyrl → az-Latn", read_udhr(data))
    report("Tatoeba Cyrillic lines", read_tatoeba(data))


if __name__ == "__main__":
    main()
