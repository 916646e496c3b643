"""Folding: the form a word takes when typed without special letters.

People on phones type `sehid` for `şəhid` and `elka` for `ёлка`. The folded field of the
index holds every word in this form, so such queries still find their articles, while the
exact fields keep spellings apart and rank first.
"""

from __future__ import annotations

import unicodedata

# Letters that have no decomposition, or whose decomposition is not what a person types.
_SPECIAL = str.maketrans(
    {
        "ə": "e",
        "ı": "i",
        "ß": "ss",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ł": "l",
        "ё": "е",
    }
)


def _is_latin_letter(char: str) -> bool:
    return "LATIN" in unicodedata.name(char, "")


def fold(word: str) -> str:
    """Fold a lower-cased word: ə→e, ı→i, ş→s, ç→c, ğ→g, ö→o, ü→u, é→e …; ё→е.

    Only Latin letters lose their marks; Cyrillic keeps й, ў and the rest, since there the
    mark makes another letter (ё is the exception people expect).
    """
    word = word.translate(_SPECIAL)
    if word.isascii():
        return word
    out: list[str] = []
    for char in word:
        if char.isascii() or not _is_latin_letter(char):
            out.append(char)
            continue
        base = unicodedata.normalize("NFD", char)
        out.append("".join(c for c in base if not unicodedata.combining(c)))
    return "".join(out)
