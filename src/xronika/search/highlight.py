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
SCAN_WORDS = 400  # words read looking for a first match before settling for the start
LEAD_WORDS = 4  # words shown before the first match, so that it reads in context


def marked_spans(text: str, language: str | None, wanted: Highlighter) -> list[tuple[int, int]]:
    return [m.span() for m in WORD.finditer(text) if _marked(m.group(), language, wanted)]


def _marked(word: str, language: str | None, wanted: Highlighter) -> bool:
    seen = wanted.seen(language)
    hit = seen.get(word)
    if hit is None:
        hit = seen[word] = wanted.matches(analyzer_for(language).terms(word))
    return hit


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
    """About SNIPPET_WORDS words of the body from just before its first matching word.

    Words are analysed only until the snippet is complete, so a long article costs what
    its first match costs; the first occurrence is also where a reader meets the word.
    """
    terms = analyzer_for(language).terms
    matches = wanted.matches
    seen = wanted.seen(language)
    words: list[tuple[int, int]] = []
    marked: list[bool] = []
    first: int | None = None
    for found in WORD.finditer(body, 0, min(len(body), SCAN_CHARS)):
        words.append(found.span())
        word = found.group()
        hit = seen.get(word)
        if hit is None:
            hit = seen[word] = matches(terms(word))
        marked.append(hit)
        if hit and first is None:
            first = len(words) - 1
        if first is not None and len(words) >= first + SNIPPET_WORDS:
            break
        if first is None and len(words) >= SNIPPET_WORDS and len(words) > SCAN_WORDS:
            break  # nothing matched early: the start of the article will do
    if not words:
        return ""
    begin = max(0, first - LEAD_WORDS) if first is not None else 0
    begin = max(0, min(begin, len(words) - SNIPPET_WORDS))
    last = min(len(words), begin + SNIPPET_WORDS) - 1
    start, end = words[begin][0], words[last][1]
    marks = [words[i] for i in range(begin, last + 1) if marked[i]]
    text = " ".join(mark(body, marks, start, end).split())
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(body.rstrip()) else ""
    return prefix + text + suffix
