"""The analysis pipeline: normalisation, Turkic casing, folding, per-language terms."""

from __future__ import annotations

import sys
import unicodedata
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from xronika.analysis.analyzer import analyzer_for, query_terms
from xronika.analysis.detect import detect_script
from xronika.analysis.fold import fold
from xronika.analysis.normalise import lower, repair_mixed_script, words

AZ_LETTERS = "abcçdeəfgğhxıijkqlmnoöprsştuüvyzABCÇDEƏFGĞHXIİJKQLMNOÖPRSŞTUÜVYZ"
az_words = st.text(alphabet=AZ_LETTERS, min_size=1, max_size=20)


def test_turkic_casing_maps_dotted_and_dotless_i() -> None:
    assert lower("İLHAM", "az") == "ilham" and lower("ISITMA", "tr") == "ısıtma"
    assert lower("İstanbul", "en") == "istanbul"  # no stray combining dot elsewhere either
    assert "\u0307" not in lower("İZMİR", "ru")


def test_a_cyrillic_schwa_inside_a_latin_word_is_repaired() -> None:
    assert repair_mixed_script("Azәrbaycan") == "Azərbaycan"  # U+04D9 inside Latin
    assert repair_mixed_script("мoсква") == "москва"  # Latin o inside Cyrillic
    assert repair_mixed_script("şəhid") == "şəhid"


def test_folding_takes_the_special_letters_away() -> None:
    assert fold("şəhidlərimizin") == "sehidlerimizin"
    assert fold("çğıöü") == "cgiou" and fold("ёлка") == "елка" and fold("йод") == "йод"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def turkic_upper(word: str) -> str:
    return word.replace("i", "İ").replace("ı", "I").upper()


@given(az_words)
def test_the_azerbaijani_reading_of_a_word_ignores_its_case(word: str) -> None:
    analyzer = analyzer_for("az")
    assert analyzer.terms(turkic_upper(word)) == analyzer.terms(word)


@given(az_words)
def test_the_folded_term_of_a_word_is_the_folded_term_of_its_folded_spelling(word: str) -> None:
    analyzer = analyzer_for("az")
    assert analyzer.terms(fold(lower(word, "az"))).fold == analyzer.terms(word).fold


@given(st.text(max_size=200))
def test_every_word_gets_exactly_one_term_per_reading(text: str) -> None:
    for language in ("az", "tr", "ru", "en", None):
        analysis = analyzer_for(language).analyse(unicodedata.normalize("NFC", text))
        count = len(words(unicodedata.normalize("NFC", text)))
        assert len(analysis.exact) == len(analysis.stem) == len(analysis.fold) == count
        assert all(
            term and " " not in term for term in analysis.exact + analysis.stem + analysis.fold
        )


def test_azerbaijani_cyrillic_meets_latin_in_one_form() -> None:
    analyzer = analyzer_for("az")
    cyrillic, latin = analyzer.terms("Шәһидләримизин"), analyzer.terms("Şəhidlərimizin")
    assert cyrillic == latin
    assert latin.exact == "şəhidlərimizin" and latin.stem == "şəhid" and latin.fold == "sehid"


def test_a_query_word_is_read_in_every_language_of_the_archive() -> None:
    terms = query_terms("ŞƏHİD", ("az", "en"))
    assert "şəhid" in terms.exact and "sehid" in terms.fold
    russian = query_terms("шәһид", ("az", "ru"))
    assert {"şəhid", "шәһид"} <= russian.exact  # az transliterates, ru keeps its own letters
    assert query_terms("ЁЛКИ", ("ru",)).stem == query_terms("елка", ("ru",)).stem


SCRIPT_NAMES = {"LATIN": "Latn", "CYRILLIC": "Cyrl", "ARABIC": "Arab", "GREEK": "Grek",
                "ARMENIAN": "Armn", "GEORGIAN": "Geor", "HEBREW": "Hebr", "CJK": "Hani",
                "HIRAGANA": "Jpan", "KATAKANA": "Jpan", "HANGUL": "Hang", "DEVANAGARI": "Deva"}  # fmt: skip


def letters_by_script(text: str) -> Counter[str]:
    """The definition detect_script implements faster: each letter counted by the first
    word of its Unicode name."""
    counts: Counter[str] = Counter()
    for char in text[:2000]:
        if char.isalpha():
            script = SCRIPT_NAMES.get(unicodedata.name(char, "").split(" ", 1)[0])
            if script:
                counts[script] += 1
    return counts


def test_detect_script_counts_every_code_point_by_its_unicode_name() -> None:
    wrong = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        expected = letters_by_script(char)
        found = detect_script(char)
        if found != (next(iter(expected)) if expected else None):
            wrong.append(f"U+{code:04X} {found}")
    assert wrong == []


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=2500))
def test_detect_script_names_a_script_with_the_most_letters(text: str) -> None:
    counts = letters_by_script(text)
    found = detect_script(text)
    if not counts:
        assert found is None
    else:
        assert found is not None and counts[found] == max(counts.values())
