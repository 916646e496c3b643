"""Which language and script a text is in, for records that do not say.

The script is counted letter by letter. The language comes from lingua, restricted to the
languages an archive like ours meets (loading all of lingua's models costs over a gigabyte).
Nothing identifies Azerbaijani written in Cyrillic, so a letter rule decides it first: its
letters ә ө ү һ ғ ҹ ј ҝ give it away (unless Kazakh's қ ң ұ і are there too).
"""

from __future__ import annotations

import re
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


# Letters of the two scripts nearly every text here is in, as ranges in which every
# letter's Unicode name starts with LATIN or CYRILLIC: counted by the regex engine, so
# that only the rare remaining letters need a lookup one by one.
_LATIN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff]")
_CYRILLIC = re.compile("[\u0400-\u0481\u048a-\u052f]")
_OTHER_LETTERS = re.compile(
    "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff"
    "\u0400-\u0481\u048a-\u052f]|[\\W\\d_]"
)


@lru_cache(maxsize=4096)
def _script_of(char: str) -> str | None:
    name = unicodedata.name(char, "")
    return _SCRIPTS.get(name.split(" ", 1)[0])


def detect_script(text: str) -> str | None:
    """The ISO 15924 code of the script most of the text's letters are in."""
    sample = text[:_SAMPLE_CHARS]
    counts: Counter[str] = Counter()
    counts["Latn"] = len(_LATIN.findall(sample))
    counts["Cyrl"] = len(_CYRILLIC.findall(sample))
    for char in _OTHER_LETTERS.sub("", sample):
        if char.isalpha():
            script = _script_of(char)
            if script:
                counts[script] += 1
    best, count = counts.most_common(1)[0]
    return best if count else None


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
