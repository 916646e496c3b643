"""Snippets and highlights built from the original text.

The index holds analysed terms, not the text, so highlighting is done here: each word of
the stored text is analysed the way it was indexed, and marked when any of its readings
(exact, stem, folded, transliterated) is one the query asked for. What is marked is always
the word as printed, `şəhidlərimizin` or `шәһидләр`, never a stem.
"""

from __future__ import annotations

import html

from xronika.analysis.analyzer import analyzer_for
from xronika.analysis.normalise import WORD
from xronika.search.plan import Highlighter

SNIPPET_WORDS = 36
SCAN_CHARS = 20_000  # a snippet comes from the start of very long texts, not their end


def marked_spans(text: str, language: str | None, wanted: Highlighter) -> list[tuple[int, int]]:
    terms = analyzer_for(language).terms
    matches = wanted.matches
    return [m.span() for m in WORD.finditer(text) if matches(terms(m.group()))]


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
    text = body[:SCAN_CHARS]
    terms = analyzer_for(language).terms
    matches = wanted.matches
    words: list[tuple[int, int]] = []
    flags: list[int] = []
    for found in WORD.finditer(text):
        words.append(found.span())
        flags.append(1 if matches(terms(found.group())) else 0)
    if not words:
        return ""
    size = min(SNIPPET_WORDS, len(words))
    best, best_at, window = -1, 0, sum(flags[:size])
    for at in range(len(words) - size + 1):
        if at:
            window += flags[at + size - 1] - flags[at - 1]
        if window > best:
            best, best_at = window, at
    if best > 0 and best_at > 0:
        # Start a few words before the first match so that it reads in context.
        first = next(i for i in range(best_at, best_at + size) if flags[i])
        best_at = max(0, min(best_at, first - 4))
    last = min(len(words), best_at + size) - 1
    start, end = words[best_at][0], words[last][1]
    marks = [
        span
        for span, flag in zip(words[best_at : last + 1], flags[best_at : last + 1], strict=True)
        if flag
    ]
    snippet_text = " ".join(mark(body, marks, start, end).split())
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(body.rstrip()) else ""
    return prefix + snippet_text + suffix
