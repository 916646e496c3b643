"""Azerbaijani Cyrillic → Latin: one spelling for one language.

Azerbaijani was written in Cyrillic from 1958 to 1991 and in Latin since; an archive holds both.
Analysis turns every Azerbaijani Cyrillic word into its Latin spelling before folding and
stemming, so that `шәһид` and `şəhid` meet in the index, and a Latin query finds a Cyrillic
article. This module only converts scripts; telling Azerbaijani Cyrillic from Russian or
Kazakh is `is_azerbaijani_cyrillic`, and repairing Cyrillic look-alikes inside Latin words is
done by the normaliser.

The correspondence is the official one of the Latin alphabet adopted in 1991:

    а→a б→b в→v г→q ғ→ğ д→d е→e ә→ə ж→j з→z и→i ы→ı ј→y к→k ҝ→g л→l м→m н→n
    о→o ө→ö п→p р→r с→s т→t у→u ү→ü ф→f х→x һ→h ч→ç ҹ→c ш→ş

Capitals follow Turkic rules: И→İ and Ы→I.

Letters outside the Azerbaijani Cyrillic alphabet turn up in Russian loans and names; we spell
them the way Latin-script Azerbaijani writes such words today, because that is what a reader
types in the search box:

    й→y   трамвай → tramvay          э→e   эра → era
    я→ya  Ялта → Yalta, and ю→yu, ё→yo alike
    ц→s   концерт → konsert, станция → stansiya
    щ→ş   Хрущов → Xruşov
    ъ ь   dropped, since the Latin alphabet has no signs, except before е, where they sound
          a "y" and are spelled so: объект → obyekt

Two more choices come from the data (bench/translit.py measures them):

- е is always e. Soviet Azerbaijani spelling wrote a plain е at word start and after vowels
  (етигад → etiqad, еһтијаҹ → ehtiyac); it never stands for "ye".
- An apostrophe between two Cyrillic letters is dropped: Soviet spelling marked the old
  glottal stop with it (бә'зи, мә'лумат), the current Latin spelling does not (bəzi, məlumat).
  Every other non-Cyrillic character is left as it is.

Text is expected in NFC, as the normaliser leaves it: a decomposed й (и + breve) would keep its
combining breve after the i.
"""

from __future__ import annotations

import re

# Letters that exist in Azerbaijani Cyrillic but not in Russian: one of them gives a text away.
AZ_CYRILLIC_LETTERS: frozenset[str] = frozenset("әҹҝјөүһғӘҸҜЈӨҮҺҒ")

# Kazakh shares ә ө ү һ ғ with Azerbaijani; these letters are Kazakh only.
_KAZAKH_ONLY_LETTERS: frozenset[str] = frozenset("қңұіҚҢҰІ")
# Tatar and Bashkir share ә ө ү һ too; these letters are theirs, never Azerbaijani.
_TATAR_BASHKIR_LETTERS: frozenset[str] = frozenset("җҗҙҘҫҪҡҠ")
_NOT_AZERBAIJANI = _KAZAKH_ONLY_LETTERS | _TATAR_BASHKIR_LETTERS

_LOWER: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "q", "ғ": "ğ", "д": "d", "е": "e", "ә": "ə", "ж": "j",
    "з": "z", "и": "i", "ы": "ı", "ј": "y", "к": "k", "ҝ": "g", "л": "l", "м": "m", "н": "n",
    "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "ü", "ф": "f",
    "х": "x", "һ": "h", "ч": "ç", "ҹ": "c", "ш": "ş",
    # Russian letters in loans and names (see the module docstring).
    "й": "y", "э": "e", "ц": "s", "щ": "ş", "ъ": "", "ь": "", "ё": "yo", "ю": "yu", "я": "ya",
}  # fmt: skip

# Capitals where Unicode's default upper-casing of the Latin letter is wrong for Turkic.
_TURKIC_UPPER: dict[str, str] = {"i": "İ", "ı": "I"}

# Letters that become two Latin letters: their capital depends on the word around them.
_TWO_LETTER_CAPITALS = "ЁЮЯ"


def _upper_latin(latin: str) -> str:
    return "".join(_TURKIC_UPPER.get(char, char.upper()) for char in latin)


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cyrillic, latin in _LOWER.items():
        table[ord(cyrillic)] = latin
        if cyrillic.upper() not in _TWO_LETTER_CAPITALS:
            table[ord(cyrillic.upper())] = _upper_latin(latin)
    return table


_TABLE = _build_table()

_CYRILLIC = "\u0400-\u04ff"
# An apostrophe inside a Cyrillic word: the old glottal-stop mark, gone from Latin spelling.
_INNER_APOSTROPHE = re.compile(f"(?<=[{_CYRILLIC}])['’ʼ](?=[{_CYRILLIC}])")
# Я, Ю, Ё with their neighbours: "ЯШАР" wants "YAŞAR", "Яшар" wants "Yaşar".
_TWO_LETTER_CAPITAL = re.compile(f"[{_TWO_LETTER_CAPITALS}]")
_CYRILLIC_LETTER = re.compile(f"[{_CYRILLIC}]")
# Russian ъ and ь before е sound a "y" (объект → obyekt); Cyrillic ј spells exactly that.
_SIGN_BEFORE_E = re.compile("[ъьЪЬ](?=[еЕ])")


def _sign_as_y(match: re.Match[str]) -> str:
    return "Ј" if match.group().isupper() else "ј"


def _spell_two_letter_capital(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    latin = _LOWER[match.group().lower()]
    # In an all-capitals word the neighbours are capitals too; a lone capital starts a word.
    in_caps_word = after.isupper() or (not after.isalpha() and before.isupper())
    return _upper_latin(latin) if in_caps_word else _upper_latin(latin[0]) + latin[1:]


def cyrillic_to_latin(text: str) -> str:
    """Spell Azerbaijani Cyrillic text in the Latin alphabet; other characters stay as they are.

    >>> cyrillic_to_latin("ШӘҺИД Шәһид шәһид")
    'ŞƏHİD Şəhid şəhid'
    """
    if not _CYRILLIC_LETTER.search(text):
        return text
    if "'" in text or "’" in text or "ʼ" in text:
        text = _INNER_APOSTROPHE.sub("", text)
    if "ъ" in text or "ь" in text or "Ъ" in text or "Ь" in text:
        text = _SIGN_BEFORE_E.sub(_sign_as_y, text)
    if any(capital in text for capital in _TWO_LETTER_CAPITALS):
        text = _TWO_LETTER_CAPITAL.sub(_spell_two_letter_capital, text)
    return text.translate(_TABLE)


def is_azerbaijani_cyrillic(text: str) -> bool:
    """Whether Cyrillic text is Azerbaijani: it has ә ө ү һ ғ ҹ ј ҝ and no letter of
    Kazakh (қ ң ұ і), Tatar or Bashkir (җ ҙ ҫ ҡ)."""
    letters = set(text)
    return bool(letters & AZ_CYRILLIC_LETTERS) and not letters & _NOT_AZERBAIJANI
