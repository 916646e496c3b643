"""The Azerbaijani stemmer: inflected forms meet, other words stay apart, folding commutes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xronika.analysis.azerbaijani import stem
from xronika.analysis.fold import fold

ALPHABET = "abcçdeəfgğhxıijkqlmnoöprsştuüvyz"
AZ_WORDS = st.text(alphabet=ALPHABET, max_size=20)

# The forms of one word, and the stem all of them must get.
GROUPS = {
    "şəhid": "şəhid şəhidlər şəhidlərimizin şəhidlərin şəhidimiz şəhidlərə şəhidin",
    "azərbaycan": "azərbaycan azərbaycanın azərbaycanda azərbaycana azərbaycandan",
    "prezident": "prezident prezidenti prezidentin prezidentinin prezidentə prezidentlər",
    "şəhər": "şəhər şəhərlərindən şəhərdə şəhəri şəhərlər şəhərin",
    "kitab": "kitab kitablarımızdan kitabı kitablar kitabın",
    "bakı": "bakı bakıda bakının bakıdan bakını",
    "vergi": "vergi vergisi vergiləri vergilər vergisinə vergidən",
    "borc": "borc borcu borcları borcların",
    "ölkə": "ölkə ölkədə ölkəsində ölkənin ölkələr ölkəyə",
    "nazir": "nazir naziri nazirlər nazirin",
    "qanun": "qanun qanunu qanunun qanunlar qanuna",
    "qadın": "qadın qadınlar qadının qadınların",
}


@pytest.mark.parametrize(("expected", "forms"), sorted(GROUPS.items()))
def test_the_forms_of_a_word_meet_at_its_stem(expected: str, forms: str) -> None:
    assert {form: stem(form) for form in forms.split()} == dict.fromkeys(forms.split(), expected)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("edilməsi", "edil"),
        ("olduğunu", "ol"),
        ("etdiyi", "et"),
        ("bildirib", "bildir"),
        ("keçirilən", "keçiril"),
        ("olmaqla", "ol"),
        ("verdi", "ver"),
        ("başladı", "başla"),
        ("olmuşdur", "ol"),
        ("edəcək", "ed"),
    ],
)
def test_verb_endings_are_cut(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("ana", "ana"), ("ata", "ata"), ("dəniz", "dəniz"), ("insan", "insan"), ("xəbər", "xəbər")],
)
def test_words_that_only_look_inflected_keep_their_ending(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ana", "an"),
        ("ata", "at"),
        ("dəniz", "dən"),
        ("qanun", "qan"),
        ("bakı", "bak"),
        ("nazirlik", "nazir"),
        ("təhlükəsiz", "təhlükə"),
    ],
)
def test_different_words_keep_different_stems(one: str, other: str) -> None:
    assert stem(one) != stem(other)


def test_folded_input_gets_the_folded_stem() -> None:
    assert stem("sehidlerimizin") == "sehid"
    assert stem("azerbaycanin") == "azerbaycan"
    assert stem("seherlerinden") == "seher"


def test_consonants_voiced_before_a_vowel_meet_the_unvoiced_spelling() -> None:
    assert stem("uşaq") == stem("uşağı") == stem("uşaqlar")
    assert stem("nazirlik") == stem("nazirliyi") == stem("nazirliyin")


def test_empty_word_gives_empty_stem() -> None:
    assert stem("") == ""


@given(AZ_WORDS)
def test_stem_is_a_prefix_of_the_word(word: str) -> None:
    assert word.startswith(stem(word))


@given(AZ_WORDS)
def test_stemming_commutes_with_folding(word: str) -> None:
    assert fold(stem(word)) == stem(fold(word))


@given(AZ_WORDS.filter(bool))
def test_a_word_never_loses_everything(word: str) -> None:
    assert stem(word)


@given(st.text())
def test_any_text_is_stemmed_to_a_non_empty_prefix(text: str) -> None:
    result = stem(text)
    assert text.startswith(result)
    assert bool(result) == bool(text)


@given(st.text(alphabet=ALPHABET + "ßæœé", max_size=20))
def test_folding_that_changes_length_still_commutes(word: str) -> None:
    assert word.startswith(stem(word))
    assert fold(stem(word)) == stem(fold(word))


@pytest.mark.parametrize("word", [*GROUPS, "edil", "keçiril", "dəniz", "insan", "ana", "ata"])
def test_a_stem_that_is_a_word_is_its_own_stem(word: str) -> None:
    assert stem(stem(word)) == stem(word) == word
