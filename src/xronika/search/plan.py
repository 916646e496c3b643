"""From a parsed query to a plan the index runs: every word analysed in every language.

The query's language is unknown, so each language present in the archive reads each
word: `ŞƏHİD` is lower-cased the Turkic way for az and tr and the usual way for the rest,
`шәһид` is transliterated for az and kept for ru. The index then matches any of those
terms, exact spellings weighted above stems and stems above folded forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from xronika.analysis.analyzer import analyzer_for, query_terms
from xronika.analysis.translit import cyrillic_to_latin, is_azerbaijani_cyrillic
from xronika.index.base import Filters, Match, PhraseMatch, Plan, PrefixMatch, Sort, TermMatch
from xronika.search.query import Clause, ParsedQuery


@dataclass(frozen=True, slots=True)
class Highlighter:
    """The terms to mark in a hit's text, whatever reading they matched through."""

    exact: frozenset[str]
    stem: frozenset[str]
    fold: frozenset[str]
    prefixes: tuple[str, ...]
    fold_prefixes: tuple[str, ...]
    # Printed word → marked or not, per language, remembered for the query's lifetime:
    # the hits of one page share most of their words.
    _seen: dict[str | None, dict[str, bool]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def seen(self, language: str | None) -> dict[str, bool]:
        return self._seen.setdefault(language, {})

    def matches(self, terms: tuple[str, ...]) -> bool:
        exact, stem, folded = terms[0], terms[1], terms[2]
        if exact in self.exact or stem in self.stem or folded in self.fold:
            return True
        if self.prefixes or self.fold_prefixes:
            return exact.startswith(self.prefixes) or folded.startswith(self.fold_prefixes)
        return False


def in_latin_letters(parsed: ParsedQuery, query: str) -> ParsedQuery:
    """A query typed in Azerbaijani Cyrillic (it has ә ө ү һ ғ ҹ ј ҝ) is read exactly as
    the same query typed in Latin letters, so that both scripts find the same articles in
    the same order. Otherwise its words without special letters (`Банк`, `Трамп`) would
    also be read as Russian and match Russian articles the Latin query never reaches."""
    if not is_azerbaijani_cyrillic(query.lower()):
        return parsed

    def latin(clause: Clause) -> Clause:
        return replace(clause, words=tuple(cyrillic_to_latin(w) for w in clause.words))

    return ParsedQuery(
        [[latin(c) for c in group] for group in parsed.groups],
        [latin(c) for c in parsed.excluded],
        parsed.filters,
    )


def clause_match(clause: Clause, languages: tuple[str | None, ...], fuzzy: bool) -> Match:
    if clause.prefix:
        readings = [analyzer_for(lang).terms(clause.words[0]) for lang in languages]
        return PrefixMatch(
            frozenset(r.exact for r in readings), frozenset(r.plain for r in readings)
        )
    if clause.phrase:
        exact: set[tuple[str, ...]] = set()
        folded: set[tuple[str, ...]] = set()
        for lang in languages:
            terms = [analyzer_for(lang).terms(w) for w in clause.words]
            exact.add(tuple(t.exact for t in terms))
            folded.add(tuple(t.fold for t in terms))
        return PhraseMatch(frozenset(exact), frozenset(folded))
    found = query_terms(clause.words[0], languages)
    return TermMatch(found.exact, found.stem, found.fold, found.plain, fuzzy=fuzzy)


def build_plan(
    parsed: ParsedQuery,
    languages: tuple[str | None, ...],
    filters: Filters,
    sort: Sort,
    limit: int,
    offset: int,
    *,
    fuzzy: bool = False,
    any_group: bool = False,
    facets: bool = True,
) -> Plan:
    must = tuple(tuple(clause_match(c, languages, fuzzy) for c in group) for group in parsed.groups)
    must_not = tuple(clause_match(c, languages, False) for c in parsed.excluded)
    return Plan(
        must=must,
        must_not=must_not,
        filters=filters,
        sort=sort,
        limit=limit,
        offset=offset,
        any_group=any_group,
        facets=facets,
    )


def highlighter(parsed: ParsedQuery, languages: tuple[str | None, ...]) -> Highlighter:
    exact: set[str] = set()
    stem: set[str] = set()
    folded: set[str] = set()
    prefixes: set[str] = set()
    fold_prefixes: set[str] = set()
    for group in parsed.groups:
        for clause in group:
            if clause.prefix:
                match = clause_match(clause, languages, False)
                assert isinstance(match, PrefixMatch)
                prefixes |= match.exact
                fold_prefixes |= match.fold
                continue
            for word in clause.words:
                terms = query_terms(word, languages)
                exact |= terms.exact
                stem |= terms.stem
                folded |= terms.fold
    return Highlighter(
        frozenset(exact), frozenset(stem), frozenset(folded),
        tuple(sorted(prefixes)), tuple(sorted(fold_prefixes)),
    )  # fmt: skip
