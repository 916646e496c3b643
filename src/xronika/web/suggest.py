"""Suggestions while typing, and "more like this" under an article.

Completions come from the archive's own headline vocabulary: the query's last word, read
by every language analyser the archive uses, is looked up as a prefix among headline
terms, and the most common completions win. What the reader typed is kept as typed, so
"Bak" becomes "Bakının", not "bakının".
"""

from __future__ import annotations

import re

from xronika import settings
from xronika.analysis.analyzer import query_terms
from xronika.analysis.normalise import WORD
from xronika.archive import Archive
from xronika.model import Article
from xronika.search import SearchRequest, search

SUGGESTIONS = 8
_CANDIDATES = 40
_MIN_PREFIX = 2
_MORE_WORDS = 8
_MORE_MIN_LETTERS = 4


def suggestions(archive: Archive, query: str, limit: int = SUGGESTIONS) -> list[str]:
    """Whole queries: the reader's words with the last one completed."""
    text = query.strip()
    if not text or len(text) > settings.get_int("max_query_chars") or query.endswith(" "):
        return []
    head, _, last = text.rpartition(" ")
    if len(last) < _MIN_PREFIX or not WORD.fullmatch(last):
        return []
    counts: dict[str, int] = {}
    for prefix in query_terms(last, archive.languages()).exact:
        if len(prefix) < _MIN_PREFIX:
            continue
        for term, count in archive.index.vocabulary("title", prefix, _CANDIDATES):
            counts[term] = max(count, counts.get(term, 0))
    lowered = last.lower()
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    out: list[str] = []
    for term, _ in ranked:
        if term == lowered or not archive.index.visible_count("title", term):
            continue  # the word itself, or one only hidden or embargoed headlines hold
        # Keep the reader's own letters where the term simply extends them.
        word = last + term[len(last) :] if term.startswith(lowered) else term
        completed = f"{head} {word}" if head else word
        if completed not in out:
            out.append(completed)
        if len(out) == limit:
            break
    return out


def more_like_this(archive: Archive, article: Article, limit: int = 5) -> list[dict[str, object]]:
    """Articles sharing the headline's distinctive words (any of them), best first."""
    words: list[str] = []
    for word in re.findall(r"[^\W_]+", article.title.lower()):
        if len(word) >= _MORE_MIN_LETTERS and not word.isdigit() and word not in words:
            words.append(word)
    words = words[:_MORE_WORDS]
    if not words:
        return []
    request = SearchRequest(query=" OR ".join(words), limit=limit + 1, facets=False)
    hits = search(archive, request).hits
    return [hit for hit in hits if hit["id"] != article.id][:limit]
