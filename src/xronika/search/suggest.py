""" "Did you mean": the closest words the archive itself contains.

Used when a query finds nothing or almost nothing. Candidates come from the index's own
vocabulary (terms sharing the word's first letters), ranked by edit distance (with adjacent
transpositions) and then by how many articles hold them, so a suggestion always finds
something.
"""

from __future__ import annotations

from rapidfuzz import process
from rapidfuzz.distance import OSA

from xronika.index.base import SearchIndex

_CANDIDATES = 2000


def closest_term(index: SearchIndex, term: str) -> str | None:
    """The archive's best-supported word within one or two edits of `term`."""
    if len(term) < 3 or index.doc_freq("text", term):
        return None
    limit = 1 if len(term) < 6 else 2
    best: tuple[int, int, str] | None = None
    for prefix, size in ((term[:2], _CANDIDATES * 2), (term[:1], _CANDIDATES)):
        counts = dict(index.vocabulary("text", prefix, size))
        # Edit distance with adjacent transpositions (optimal string alignment), computed
        # by rapidfuzz in native code: thousands of candidates cost well under a millisecond.
        close = process.extract(
            term, list(counts), scorer=OSA.distance, score_cutoff=limit, limit=None
        )
        for candidate, distance, _ in close:
            rank = (int(distance), -counts[candidate], candidate)
            if best is None or rank < best:
                best = rank
    return best[2] if best else None
