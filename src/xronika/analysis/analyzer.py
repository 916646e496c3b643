"""Text → terms, per language: the pipeline documents and queries share.

Every word becomes three terms, one per reading the index keeps:

- exact: normalised (NFC, mixed-script repair), lower-cased for its language (Turkic I/ı),
  Azerbaijani Cyrillic transliterated to Latin so both scripts meet in one form;
- stem: the exact term reduced by the language's stemmer (our own for az, Snowball for
  ru, tr, en and the other languages Snowball knows);
- fold: the stem as typed without special letters (ə→e, ı→i, ş→s, ё→е …);
- plain: the exact term as typed without special letters, so that a word typed that way
  still ranks the articles with that very form above its other forms.

Each word gives exactly one term per reading, so positions line up and phrases work in all
three. `analyzer_for(language)` degrades gracefully: a language without a stemmer keeps
its exact terms as stems, and an unknown language gets plain lower-casing and folding.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import Stemmer

from xronika.analysis import translit
from xronika.analysis.azerbaijani import stem as azerbaijani_stem
from xronika.analysis.fold import fold
from xronika.analysis.normalise import WORD, lower, repair_mixed_script

SNOWBALL = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech",
    "da": "danish", "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian",
    "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian",
    "ne": "nepali", "no": "norwegian", "nb": "norwegian", "fa": "persian", "pl": "polish",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish",
    "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip

_CACHE_LIMIT = 400_000


class Terms(NamedTuple):
    exact: str
    stem: str
    fold: str
    plain: str


class Analysis(NamedTuple):
    """A text's terms, one list per reading, in word order."""

    exact: list[str]
    stem: list[str]
    fold: list[str]
    plain: list[str]


class Analyzer:
    """The analysis of one language; cheap to call again on words it has seen."""

    def __init__(self, language: str | None):
        self.language = language
        self._snowball = Stemmer.Stemmer(SNOWBALL[language]) if language in SNOWBALL else None
        self._cache: dict[str, Terms] = {}

    def terms(self, word: str) -> Terms:
        found = self._cache.get(word)
        if found is not None:
            return found
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        exact, stem, folded = self._terms(word)
        # A word must keep one term per reading, or positions (and phrases) would shift:
        # a lone hard sign transliterates to nothing, so it keeps its own letter.
        exact = exact or lower(word, self.language)
        found = Terms(exact, stem or exact, folded or exact, fold(exact) or exact)
        self._cache[word] = found
        return found

    def _terms(self, word: str) -> tuple[str, str, str]:
        language = self.language
        exact = lower(repair_mixed_script(word), language)
        if language == "az":
            if not exact.isascii():
                exact = translit.cyrillic_to_latin(exact)
            return exact, azerbaijani_stem(exact), azerbaijani_stem(fold(exact))
        if language == "tr":
            # Snowball's Turkish needs the special letters; the folded reading uses the
            # Turkic suffix rules, which are written to work on folded text.
            assert self._snowball is not None
            stem = self._snowball.stemWord(exact)
            return exact, stem, azerbaijani_stem(fold(exact))
        if language == "ru":
            assert self._snowball is not None
            stem = self._snowball.stemWord(exact.replace("ё", "е"))
            return exact, stem, fold(stem)
        stem = self._snowball.stemWord(exact) if self._snowball else exact
        return exact, stem, fold(stem)

    def analyse(self, text: str) -> Analysis:
        terms = self.terms
        found = [terms(w) for w in WORD.findall(text)]
        return Analysis(
            [t[0] for t in found],
            [t[1] for t in found],
            [t[2] for t in found],
            [t[3] for t in found],
        )


@lru_cache(maxsize=64)
def analyzer_for(language: str | None) -> Analyzer:
    return Analyzer(language)


class QueryTerms(NamedTuple):
    """One query word's terms under every language's reading."""

    exact: frozenset[str]
    stem: frozenset[str]
    fold: frozenset[str]
    plain: frozenset[str]


def query_terms(word: str, languages: tuple[str | None, ...]) -> QueryTerms:
    """The query's language is unknown, so each language of the archive reads it."""
    readings = [analyzer_for(language).terms(word) for language in languages]
    return QueryTerms(
        frozenset(t.exact for t in readings),
        frozenset(t.stem for t in readings),
        frozenset(t.fold for t in readings),
        frozenset(t.plain for t in readings),
    )
