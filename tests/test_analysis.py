"""The analysis pipeline: normalisation, Turkic casing, folding, per-language terms."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from xronika.analysis.analyzer import analyzer_for, query_terms
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
