"""Snippets and highlights built from the original text.

The index holds analysed terms, not the text, so highlighting is done here: each word of
the stored text is analysed the way it was indexed, and marked when any of its readings
(exact, stem, folded, transliterated) is one the query asked for. What is marked is always
the word as printed, `şəhidlərimizin` or `шәһидләр`, never a stem.
"""

from __future__ import annotations

import html

from xronika.analysis.analyzer import analyzer_for
from xronika.analysis.normalise import spans
from xronika.search.plan import Highlighter

SNIPPET_WORDS = 36


def marked_spans(text: str, language: str | None, wanted: Highlighter) -> list[tuple[int, int]]:
    analyzer = analyzer_for(language)
    found: list[tuple[int, int]] = []
    for start, end, word in spans(text):
        terms = analyzer.terms(word)
        if wanted.matches(terms.exact, terms.stem, terms.fold):
            found.append((start, end))
    return found


def mark(text: str, marks: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """HTML-escaped text[start:end] with each marked span wrapped in <mark>…</mark>."""
    end = len(text) if end is None else end
    out: list[str] = []
    cursor = start
    for left, right in marks:
        if right <= start or left >= end:
            continue
        out.append(html.escape(text[cursor:left], quote=False))
        out.append("<mark>" + html.escape(text[left:right], quote=False) + "</mark>")
        cursor = right
    out.append(html.escape(text[cursor:end], quote=False))
    return "".join(out)


def snippet(body: str, language: str | None, wanted: Highlighter) -> str:
    """The stretch of the body with the most marked words, about SNIPPET_WORDS long."""
    words = spans(body)
    if not words:
        return ""
    marks = marked_spans(body, language, wanted)
    marked_starts = {left for left, _ in marks}
    flags = [1 if w[0] in marked_starts else 0 for w in words]
    size = min(SNIPPET_WORDS, len(words))
    best, best_at, window = -1, 0, sum(flags[:size])
    for at in range(len(words) - size + 1):
        if at:
            window += flags[at + size - 1] - flags[at - 1]
        if window > best:
            best, best_at = window, at
    if best > 0 and best_at > 0:
        # Start a few words before the first match so it reads in context.
        first = next(i for i in range(best_at, best_at + size) if flags[i])
        best_at = max(0, min(best_at, first - 4))
    start = words[best_at][0]
    last = min(len(words), best_at + size) - 1
    end = words[last][1]
    text = mark(body, marks, start, end)
    text = " ".join(text.split())
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(body.rstrip()) else ""
    return prefix + text + suffix
