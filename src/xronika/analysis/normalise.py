"""Normalisation: the first steps every word takes, in documents and queries alike.

Unicode NFC, repair of words that mix look-alike Latin and Cyrillic letters (Latin-script
Azerbaijani typed with the Cyrillic `ә`), and casing that is right for Turkic languages:
in az and tr `I` lower-cases to `ı` and `İ` to `i` (Unicode's default gives `i` and
`i` + U+0307, which would split `İlham` from `ilham`).
"""

from __future__ import annotations

import re
import unicodedata

TURKIC = frozenset({"az", "tr"})

# Words are runs of letters and digits; everything else separates them.
WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff\u0500-\u052f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u0259\u018f]")

# Cyrillic letters that look like Latin ones, as they turn up inside Latin words.
_TO_LATIN = str.maketrans(
    {
        "ә": "ə", "Ә": "Ə", "а": "a", "А": "A", "е": "e", "Е": "E", "о": "o", "О": "O",
        "р": "p", "Р": "P", "с": "c", "С": "C", "х": "x", "Х": "X", "у": "y", "У": "Y",
        "і": "i", "І": "I", "ј": "j", "Ј": "J", "һ": "h", "Һ": "H", "ө": "ö", "Ө": "Ö",
        "ү": "ü", "Ү": "Ü", "В": "B", "К": "K", "М": "M", "Н": "H", "Т": "T", "к": "k",
    }
)  # fmt: skip
# Latin letters that look like Cyrillic ones, as they turn up inside Cyrillic words.
_TO_CYRILLIC = str.maketrans(
    {
        "ə": "ә", "Ə": "Ә", "a": "а", "A": "А", "e": "е", "E": "Е", "o": "о", "O": "О",
        "p": "р", "P": "Р", "c": "с", "C": "С", "x": "х", "X": "Х", "y": "у", "Y": "У",
        "B": "В", "K": "К", "M": "М", "H": "Н", "T": "Т", "h": "һ",
    }
)  # fmt: skip


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def repair_mixed_script(word: str) -> str:
    """Give a word that mixes Latin and Cyrillic look-alikes one script, its majority's."""
    if word.isascii():
        return word
    cyrillic = len(_CYRILLIC.findall(word))
    if not cyrillic:
        return word
    latin = len(_LATIN.findall(word))
    if not latin:
        return word
    if latin >= cyrillic:
        return word.translate(_TO_LATIN)
    return word.translate(_TO_CYRILLIC)


def lower(word: str, language: str | None) -> str:
    """Lower-case a word the way its language does (Turkic I/ı/İ/i for az and tr)."""
    if language in TURKIC:
        return word.replace("I", "ı").replace("İ", "i").lower()
    return word.replace("İ", "i").lower()


def words(text: str) -> list[str]:
    return WORD.findall(text)


def spans(text: str) -> list[tuple[int, int, str]]:
    """Words with their character offsets in the original text (for highlighting)."""
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
