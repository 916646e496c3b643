"""The query language: words, "phrases", -exclusions, OR, word* prefixes, field:filters.

A query with broken syntax never fails: unbalanced quotes are dropped and the words
searched as they are. Parsing knows nothing of languages; `search.plan` analyses the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xronika.analysis.normalise import WORD, nfc

FILTER_FIELDS = {
    "lang": "language",
    "language": "language",
    "dil": "language",
    "section": "section",
    "source": "source",
    "tag": "tags",
    "tags": "tags",
    "year": "year",
}
_TOKEN = re.compile(r'-?\w+:"[^"]*"|-?"[^"]*"|\S+')
_FIELD = re.compile(r'^(\w+):(?:"([^"]*)"|(.+))$')


@dataclass(frozen=True, slots=True)
class Clause:
    """A word, a phrase (more than one word) or a prefix; possibly negated."""

    words: tuple[str, ...]
    negated: bool = False
    prefix: bool = False

    @property
    def phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(slots=True)
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # AND of ORs
    excluded: list[Clause] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.groups


def parse(text: str) -> ParsedQuery:
    text = nfc(text).strip()
    if text.count('"') % 2:
        text = text.replace('"', " ")
    parsed = ParsedQuery()
    joining = False
    for token in _TOKEN.findall(text):
        if token == "OR":
            joining = bool(parsed.groups)
            continue
        if _take_filter(token, parsed):
            joining = False
            continue
        clause = _clause(token)
        if clause is None:
            continue
        if clause.negated:
            parsed.excluded.append(clause)
        elif joining:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        joining = False
    return parsed


def _take_filter(token: str, parsed: ParsedQuery) -> bool:
    found = _FIELD.match(token)
    if not found or found.group(1).lower() not in FILTER_FIELDS:
        return False
    value = (found.group(2) if found.group(2) is not None else found.group(3)).strip()
    if value:
        parsed.filters.setdefault(FILTER_FIELDS[found.group(1).lower()], []).append(value)
    return True


def _clause(token: str) -> Clause | None:
    negated = token.startswith("-") and len(token) > 1
    if negated:
        token = token[1:]
    quoted = token.startswith('"')
    prefix = not quoted and token.endswith("*")
    words = tuple(WORD.findall(token))
    if not words:
        return None
    if prefix and len(words) == 1 and len(words[0]) >= 2:
        return Clause(words, negated, prefix=True)
    return Clause(words, negated)
