"""Shingles and MinHash: what makes two articles the same story.

A text becomes the set of its shingles (runs of SHINGLE_WORDS words) in the index's plain
reading (lower-cased the way its language does, Azerbaijani Cyrillic as Latin, without
special letters), so case, script, diacritics, punctuation and spacing do not tell copies
apart. Two texts are near-duplicates when the Jaccard similarity of their shingle sets is
high.

Finding them must not mean comparing a new article with every stored one. A MinHash
signature of SIGNATURE_SIZE values is cut into BANDS bands of ROWS values; texts that agree
on a whole band become candidates, found by looking up the band keys. A pair of similarity
J shares a band with chance 1 - (1 - J^ROWS)^BANDS: above 0.999 for J = 0.8, 0.64 for
J = 0.5 and 0.12 for J = 0.3, so candidates are few and every copy is among them; the
store then confirms each with the exact Jaccard similarity (see `store.duplicates`).

The signature comes from one-permutation hashing: each shingle is hashed once, the top
bits of its hash pick a bin and the bin keeps its smallest hash; an empty bin borrows the
value of the next filled one (densification by rotation), so every position still agrees
with probability J. One hash per shingle instead of one per shingle and permutation keeps
it in pure Python at thousands of articles a second (see bench/duplicates.py); a MinHash
library (datasketch) would bring numpy and scipy and was slower here.
"""

from __future__ import annotations

import struct
import zlib
from bisect import bisect
from collections.abc import Sequence
from functools import lru_cache
from itertools import repeat

from xronika.analysis.fold import fold
from xronika.analysis.normalise import lower
from xronika.analysis.translit import cyrillic_to_latin

SHINGLE_WORDS = 5
BANDS = 16
ROWS = 4
SIGNATURE_SIZE = BANDS * ROWS
_HASH_BITS = 32
_VALUE_BITS = _HASH_BITS - (SIGNATURE_SIZE.bit_length() - 1)
_ROW_FORMAT = f"<{ROWS}Q"
_SLOTS = frozenset(range(SIGNATURE_SIZE))


class _Folding(dict[int, str]):
    """A table for `str.translate`: a letter or digit folded, anything else a space."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = self[code] = fold(char) if char.isalnum() else " "
        return folded


_FOLDING = _Folding()


def plain_words(text: str, language: str | None) -> list[str]:
    """The text's words as the index's plain reading spells them: lower-cased for the
    language, Azerbaijani Cyrillic in Latin letters, without special letters.

    Done to the whole text at once, several times faster than word by word; what it skips
    is the repair of single words that mix Latin and Cyrillic look-alikes. Words are runs
    of letters and digits, as everywhere in the analysis.
    """
    lowered = lower(text, language)
    if language == "az" and not lowered.isascii():
        lowered = cyrillic_to_latin(lowered)
    return lowered.translate(_FOLDING).split()


def shingles(text: str, language: str | None) -> frozenset[int]:
    """The hashes of every run of SHINGLE_WORDS words (a shorter text is one shingle).

    CRC-32 is fast and the same on every machine (the store keeps what it makes); two
    shingles of one pair of texts share a hash by chance once in billions of pairs.
    """
    words = plain_words(text, language)
    if len(words) < SHINGLE_WORDS:
        return frozenset([zlib.crc32(" ".join(words).encode())]) if words else frozenset()
    runs = zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)
    return frozenset(map(zlib.crc32, map(str.encode, map(" ".join, runs))))


def signature(hashes: frozenset[int]) -> list[int]:
    """The MinHash signature of a shingle set: SIGNATURE_SIZE values (none when empty).

    The top bits of a shingle's hash pick its bin and each bin keeps its smallest hash:
    sorted from the largest down, the last one a bin is given stays (all of it in C).
    """
    if not hashes:
        return []
    ordered = sorted(hashes, reverse=True)
    bins = dict(zip(map(int.__rshift__, ordered, repeat(_VALUE_BITS)), ordered, strict=True))
    values = list(map(bins.get, range(SIGNATURE_SIZE), repeat(0)))
    if len(bins) < SIGNATURE_SIZE:
        # Densification: an empty bin takes the next filled bin's value (going round),
        # marked with the distance, so that it never equals a value another text holds
        # there itself.
        filled = sorted(bins)
        for slot in _SLOTS.difference(bins):
            after = filled[bisect(filled, slot) % len(filled)]
            values[slot] = bins[after] | (after - slot) % SIGNATURE_SIZE << _HASH_BITS
    return values


def band_keys(values: Sequence[int], language: str | None) -> list[int]:
    """One key per band: equal keys mean equal band values in the same language.

    Keys are signed 32-bit numbers, which SQLite stores in four bytes; the rare key that two
    unrelated bands share only adds a candidate, and candidates are always confirmed.
    """
    keys = []
    for band, seed in enumerate(_band_seeds(language)):
        key = zlib.crc32(struct.pack(_ROW_FORMAT, *values[band * ROWS : (band + 1) * ROWS]), seed)
        keys.append(key - (1 << 32) if key >= 1 << 31 else key)
    return keys


@lru_cache(maxsize=256)
def _band_seeds(language: str | None) -> tuple[int, ...]:
    """Where each band's key starts: its language and number, so bands never mix."""
    return tuple(zlib.crc32(f"{language or ''}/{band}".encode()) for band in range(BANDS))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """The exact Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)
