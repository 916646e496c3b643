""" "Did you mean": the closest words the archive itself contains.

Used when a query finds nothing or almost nothing. Candidates come from the index's own
vocabulary (terms sharing the word's first letters), ranked by edit distance and then by
how many articles hold them, so a suggestion always finds something.
"""

from __future__ import annotations

from xronika.index.base import SearchIndex

_CANDIDATES = 2000


def edit_distance(left: str, right: str, limit: int) -> int:
    """Levenshtein distance with transpositions, giving up above `limit`."""
    if abs(len(left) - len(right)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, 1):
        current = [i] + [0] * len(right)
        for j, b in enumerate(right, 1):
            cost = 0 if a == b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a == right[j - 2] and left[i - 2] == b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def closest_term(index: SearchIndex, term: str) -> str | None:
    """The archive's best-supported word within one or two edits of `term`."""
    if len(term) < 3 or index.doc_freq("text", term):
        return None
    limit = 1 if len(term) < 6 else 2
    best: tuple[int, int, str] | None = None
    for prefix, size in ((term[:2], _CANDIDATES * 2), (term[:1], _CANDIDATES)):
        for candidate, count in index.vocabulary("text", prefix, size):
            distance = edit_distance(term, candidate, limit)
            if distance <= limit:
                rank = (distance, -count, candidate)
                if best is None or rank < best:
                    best = rank
    return best[2] if best else None
