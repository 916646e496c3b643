"""Which language and script a text is in, for records that do not say.

The script is counted letter by letter. The language comes from lingua, restricted to the
languages an archive like ours meets (loading all of lingua's models costs over a gigabyte).
Nothing identifies Azerbaijani written in Cyrillic, so a letter rule decides it first: its
letters ә ө ү һ ғ ҹ ј ҝ give it away (unless Kazakh's қ ң ұ і are there too).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Any

from xronika.analysis.translit import is_azerbaijani_cyrillic

_SCRIPTS = {"LATIN": "Latn", "CYRILLIC": "Cyrl", "ARABIC": "Arab", "GREEK": "Grek",
            "ARMENIAN": "Armn", "GEORGIAN": "Geor", "HEBREW": "Hebr", "CJK": "Hani",
            "HIRAGANA": "Jpan", "KATAKANA": "Jpan", "HANGUL": "Hang", "DEVANAGARI": "Deva"}  # fmt: skip
_SAMPLE_CHARS = 2000
_LINGUA_LANGUAGES = (
    "AZERBAIJANI", "TURKISH", "RUSSIAN", "ENGLISH", "UKRAINIAN", "KAZAKH", "GERMAN",
    "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE", "ARABIC", "PERSIAN", "GEORGIAN",
    "ARMENIAN", "POLISH", "DUTCH",
)  # fmt: skip


@lru_cache(maxsize=4096)
def _script_of(char: str) -> str | None:
    name = unicodedata.name(char, "")
    return _SCRIPTS.get(name.split(" ", 1)[0])


def detect_script(text: str) -> str | None:
    """The ISO 15924 code of the script most of the text's letters are in."""
    counts: Counter[str] = Counter()
    for char in text[:_SAMPLE_CHARS]:
        if char.isalpha():
            script = _script_of(char)
            if script:
                counts[script] += 1
    return counts.most_common(1)[0][0] if counts else None


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _LINGUA_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str, script: str | None = None) -> str | None:
    """The ISO 639-1 code of the text's language, or None when it cannot be told."""
    sample = text[:_SAMPLE_CHARS]
    if (script or detect_script(sample)) == "Cyrl" and is_azerbaijani_cyrillic(sample):
        return "az"
    found = _detector().detect_language_of(sample)
    if found is None:
        return None
    return str(found.iso_code_639_1.name).lower()
