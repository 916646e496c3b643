"""An Azerbaijani stemmer: the `stem` of one lower-cased Latin-script Azerbaijani word.

No search engine ships one, so this is ours. The analyzer calls it after Turkic lower-casing
(I→ı, İ→i) and Cyrillic→Latin transliteration: the stem field holds `stem(word)`, the folded
field `stem(fold(word))`.

What holds the two fields together: every decision is taken on `fold(word)` (ə→e, ı→i, ö→o,
ü→u, ş→s, ç→c, ğ→g) and the word is cut at the same place. So `stem(w)` is always a prefix of
`w`, and `fold(stem(w)) == stem(fold(w))`: whoever types `sehidlerin` meets the term of
`şəhidlərin`. Folding hides the front/back difference of ı/i, o/ö, u/ü, and ş from s; vowel
harmony is checked on what survives (a against ə, rounded against unrounded).

A word is cut right to left, each slot at most once, in this order:

    predicate   copula -dır/-dir/-dur/-dür, -dırlar
    case        genitive -(n)ın, accusative -(n)ı, dative -(y)a, locative -da, ablative -dan,
                instrumental -(y)la, relative -dakı; after a 3rd-person possessive the n-forms
                -na, -nda, -ndan, -ndakı, which are cut only if that possessive is there
    possessive  -ımız, -ınız (after a vowel -mız, -nız), -ları, 3rd person -ı (after a vowel -sı)
    plural      -lar/-lər (also the 3rd person plural of verbs)
    verb        infinitive -maq, verbal noun -ma, participles -dıq, -acaq and -an (-an only
                after ol-, ed- and passive, reflexive or causative stems: it ends many nouns,
                insan, zaman, vətən); finite forms -dı, -ır, -mış, -ıb, -araq, -malı and their
                negatives, cut only when no case or possessive follows them

Then three endings that words and suffixes share are evened out, so that the forms of one word
meet (a prefix can only keep what all its spellings share):

- a final -a/-ə (-ya/-yə after a vowel), when four letters remain: a dative, or the end of a word
  like Rusiya or müqavilə whose other forms would keep it;
- a final ş after ı/i/u/ü: folded, davranışı reads as davranı + sı, so davranış → davranı;
- a final q/ğ/k/y after a vowel in a word of two syllables or more, since spelling voices
  them before a vowel: uşaq/uşağı → uşa, nazirlik/nazirliyi → nazirli.

Guards, each one found on real text (bench/stemming.py):

- a suffix is cut only where its vowel agrees with the stem's, after the letter it takes (the
  buffers n, s, y only after a vowel), and where enough stem remains: two letters, three or
  four for a suffix that is one vowel or starts with one, since such endings close many words
  (ana, ata, ölkə, bakı, dəniz);
- what remains keeps a vowel and ends in two consonants only as Azerbaijani words can (kənd,
  xalq, dövr; not verg- of vergi, oğl- of oğlu);
- where the folded text reads two ways the likelier wins: -anı is -an + ı (planı), -anın is
  -a + nın (Avropanın), -ası is -a + sı (respublikası), özbəkistanın is özbəkistan + ın;
- no cut goes into a word of `_LEMMAS`, words of the news that only look inflected (qanun is
  not qan + un, qadın not qad + ın, sənədi not sənə + di).

Derivational suffixes (-lıq, -lı, -sız, -çı) stay: nazirlik is the ministry, not the minister,
and təhlükəsiz (safe) must not meet təhlükə (danger). Stems are index terms, not words to
show: nazirliyi → nazirli, Rusiya → rusi.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from typing import Any

from xronika.analysis.fold import fold

# Vowels after folding (ə→e, ı→i, ö→o, ü→u).
_VOWELS = frozenset("aeiou")
_ROUNDED = frozenset("ou")


class _Slot(IntEnum):
    """Where a suffix sits in the word, counted from its end."""

    PREDICATE = 0
    CASE = 1
    POSSESSIVE = 2
    PLURAL = 3
    VERB = 4


class _Before(IntEnum):
    """What the letter before a suffix must be."""

    ANY = 0
    VOWEL = 1
    CONSONANT = 2


@dataclass(frozen=True)
class _Suffix:
    text: str  # folded spelling
    slot: _Slot
    before: _Before = _Before.ANY
    min_stem: int = 2
    stem_ends: tuple[str, ...] = ()  # the stem must end so
    not_after: tuple[str, ...] = ()  # the stem must not end so
    needs_possessive: bool = False  # an n-case (-nda, -na): a 3rd-person possessive precedes it
    ends_noun_phrase: bool = False  # -da, -a: no 3rd-person possessive precedes it
    possessive_3: bool = False
    after_n_case: bool = False  # cut only right before an n-case
    finite: bool = False  # a finite verb: only a person (-lar) or the copula may follow


# Present tense -ır with its persons: bilir, bilirəm, bilirik, bilirsiniz.
_PRESENT = "ir ur iram irem uram urem irsan irsen ursan ursen iriq irik uruq uruk irsiniz ursunuz"
# Özbəkistanın is özbəkistan + ın, not özbəkista + nın.
_COUNTRY = ("sta",)
# How verbs that end in a vowel end: başla, işlə, istə, oyna, qoru, oxu, tanı, de, ye.
_VOWEL_VERB_ENDS = ("la", "le", "ste", "na", "ru", "xu", "ni", "de", "ye")
# Stems that are surely verbs before -an: passive, reflexive, causative.
_VOICED_STEM_ENDS = ("l", "n", "s", "ir", "ur")


def _suffix_table() -> Iterator[_Suffix]:
    s, vowel, consonant = _Slot, _Before.VOWEL, _Before.CONSONANT

    def add(spec: str, slot: _Slot, **options: Any) -> Iterator[_Suffix]:
        return (_Suffix(text, slot, **options) for text in spec.split())

    yield from add("dir dur dirlar dirler durlar", s.PREDICATE)
    # Günün is gün + ün, not gü + nün: a buffered case wants three letters before it.
    yield from add("nin", s.CASE, before=vowel, min_stem=3, not_after=_COUNTRY)
    yield from add("nun nu", s.CASE, before=vowel, min_stem=3, not_after=("o",))  # rayonu
    yield from add("ni", s.CASE, before=vowel, min_stem=3, not_after=("a", *_COUNTRY))  # planı
    yield from add("ya ye yla yle", s.CASE, before=vowel, min_stem=3, ends_noun_phrase=True)
    yield from add("da de dan den daki deki", s.CASE, ends_noun_phrase=True)
    yield from add("in un", s.CASE, before=consonant)
    yield from add("i u", s.CASE, before=consonant, min_stem=3)
    yield from add("a e", s.CASE, before=consonant, min_stem=4, ends_noun_phrase=True)
    yield from add("la le", s.CASE, before=consonant, min_stem=3, ends_noun_phrase=True)
    yield from add(
        "na ne nda nde ndan nden ndaki ndeki", s.CASE, needs_possessive=True, not_after=_COUNTRY
    )
    yield from add("imiz umuz iniz unuz", s.POSSESSIVE, before=consonant, min_stem=3)
    yield from add("miz muz niz nuz", s.POSSESSIVE, before=vowel, min_stem=3)
    yield from add("lari leri", s.POSSESSIVE, possessive_3=True)
    yield from add("si su", s.POSSESSIVE, before=vowel, min_stem=3, possessive_3=True)
    yield from add("i u", s.POSSESSIVE, before=consonant, min_stem=3, possessive_3=True)
    # Before an n-case the possessive is sure, and a short stem may carry it: əl-i-ndə.
    yield from add("i u", s.POSSESSIVE, before=consonant, possessive_3=True, after_n_case=True)
    yield from add("lar ler", s.PLURAL)
    yield from _verb_suffixes()


def _verb_suffixes() -> Iterator[_Suffix]:
    s, vowel, consonant = _Slot.VERB, _Before.VOWEL, _Before.CONSONANT

    def add(spec: str, **options: Any) -> Iterator[_Suffix]:
        return (_Suffix(text, s, **options) for text in spec.split())

    # Forms that cases may follow: infinitive, participles, verbal noun.
    yield from add("maq mek mag mey maga meye")
    yield from add("acaq ecek acag ecey", before=consonant)
    yield from add("yacaq yecek yacag yecey", before=vowel)
    yield from add("diq dik duq duk dig diy dug duy")
    yield from add("an en", before=consonant, min_stem=4, stem_ends=_VOICED_STEM_ENDS)
    yield from add("an en", before=consonant, stem_ends=("ol", "ed"))  # olan, edən
    yield from add("yan yen", before=vowel, min_stem=3)
    # After a vowel only a verb's -ma: sistem-ə and proqram-a are datives.
    yield from add("ma me", before=consonant, min_stem=3)
    yield from add("ma me", before=vowel, stem_ends=_VOWEL_VERB_ENDS)
    # Finite forms.
    yield from add("mis mus misdi musdu", finite=True)
    yield from add("araq erek", before=consonant, finite=True)
    yield from add("yaraq yerek", before=vowel, finite=True)
    yield from add("mali meli", finite=True)
    yield from add("di du dim dum diniz dunuz", before=consonant, finite=True)
    # After a vowel -dı is a verb's past only for verbs that end so; sənədi is sənəd + i.
    yield from add("di du diniz dunuz", before=vowel, finite=True, stem_ends=_VOWEL_VERB_ENDS)
    yield from add(_PRESENT, before=consonant, finite=True)
    yield from add(" ".join("y" + ending for ending in _PRESENT.split()), before=vowel, finite=True)
    yield from add("mir mur mirdi murdu madi medi mayib meyib mayacaq meyecek maz mez", finite=True)
    yield from add("ib ub", before=consonant, finite=True)
    yield from add("yib yub", before=vowel, finite=True)


def _index(suffixes: Iterator[_Suffix]) -> dict[str, tuple[_Suffix, ...]]:
    by_text: dict[str, list[_Suffix]] = {}
    for suffix in suffixes:
        by_text.setdefault(suffix.text, []).append(suffix)
    return {text: tuple(sorted(found, key=lambda s: s.slot)) for text, found in by_text.items()}


_SUFFIXES = _index(_suffix_table())
# Longest first: at each step the longest suffix that may be cut is cut.
_LENGTHS = sorted({len(text) for text in _SUFFIXES}, reverse=True)


def _words(text: str) -> frozenset[str]:
    """A table of words, written as running text for reading."""
    return frozenset(text.split())


# Two consonants that may end an Azerbaijani word (folded; loans of long standing included).
_FINAL_CLUSTERS = _words(
    """
    bb bs bt br bz cc cm dd dr dv ft fn gd gv hd hm hr hs hv hz kk ks kt km lb ld lf lh lk ll lm
    lp lq ls lt mb mm mp mr ms mt nc nd nf ng nk nn nq ns nt nz qd ql qq qs qt rb rc rd rf rk rm
    rq rs rt rx rz sb sf sk sl sm sq sr ss st tl tm tn tr ts tt vq vr vs xr xs xt zm zn zv zz
    """
)


def _folded_words(*lines: str) -> frozenset[str]:
    return frozenset(fold(word) for line in lines for word in line.split())


# Words that look inflected but are not: no cut goes into them. Each was met in the news.
_LEMMAS = _folded_words(
    # -(n)ın, -(n)ı, -un: qanun is not qan + un, zaman not zama + n.
    "azərbaycan insan zaman imtahan iran orqan fərman meydan vicdan bədən mədən dollar region",
    "qanun oyun qadın yaxın axın əkin əmin uzun odun lakin təmin təyin təxmin çətin yəqin dərin",
    "sakin həmin bütün bugün uyğun məzmun mümkün məzun iyun çin maşın putin ərdoğan üçün",
    "həmçinin müavin",
    # -ır, -dır, -mir: təsir is not təs + ir.
    "təsir nazir tədbir fikir səfir hazır ağır axır əmir ətir əsir ömür xeyir uğur odur budur",
    "struktur infrastruktur nadir qədir dəmir təmir",
    # -ı, -sı: bakı is not bak + ı, qarşı not qar + şı.
    "bakı ordu qapı sarı bəzi indi kimi yeni yəni hansı altı əlli quru dəri qəti bəli ərazi",
    "qarşı geri irəli yuxarı aşağı hamı qorxu xankəndi siyasi ciddi sənaye",
    "əsas proses səs ixtisas iclas vətəndaş qardaş yoldaş əməkdaş biznes maaş",
    # Roots ending in y: qoyub is qoy + ub, not qo + yub.
    "qoy say yay duy doy soy söy ged şey bəy çay pay toy boy köy tay rəy küy huy mey",
    # -dı, -dım: sənədi is sənəd + i, not sənə + di.
    "kənd fond bənd brend cəhd qeyd sənəd namizəd təqaüd məqsəd sərhəd ədəd şagird milyard",
    "rekord dörd fərd yurd addım yardım qədim",
    # -ıb, -dıq, -malı, -mış, -maq, -maz.
    "sahib rəqib tərkib vacib təsdiq sadiq ehtimal şimal normal altmış yetmiş kömək barmaq",
    "namaz",
    # -ma, -da, -a, -la, -nə: forma is not for + ma, qayda not qay + da.
    "forma firma norma klima sxema dolma kəlmə xurma cümlə kütlə fırtına zədə",
    "qayda fayda qida komanda kanada hollanda nümayəndə nümunə mövqe məhkəmə tələbə hissə",
    "dəqiqə gəncə müşahidə dəniz dünya bilər təqdim",
    # Pronouns, whose n is their own.
    "bunun bunu buna bunda bundan bunlar onun onu ona onda ondan onlar",
)
_LONGEST_LEMMA = max(len(word) for word in _LEMMAS)


def _harmonious(stem_vowel: str, suffix_vowel: str) -> bool:
    """Whether a suffix's vowel may follow the stem's last vowel, as far as folding shows."""
    if not stem_vowel or not suffix_vowel:
        return True
    if suffix_vowel in "ae":
        # a and ə survive folding; o, u, i each stand for a back and a front vowel.
        return stem_vowel not in "ae" or stem_vowel == suffix_vowel
    # A high vowel is rounded exactly when the stem's vowel is.
    return (stem_vowel in _ROUNDED) == (suffix_vowel in _ROUNDED)


def _last_vowel(folded: str, end: int) -> str:
    for index in range(end - 1, -1, -1):
        if folded[index] in _VOWELS:
            return folded[index]
    return ""


def _first_vowel(text: str) -> str:
    return next((char for char in text if char in _VOWELS), "")


def _word_like(folded: str, end: int, min_stem: int) -> bool:
    """Whether folded[:end] may be a stem: long enough, with a vowel, ending as words do."""
    if end < min_stem or not any(char in _VOWELS for char in folded[:end]):
        return False
    last, before = folded[end - 1], folded[end - 2]
    if last in _VOWELS or before in _VOWELS or before == "y":
        return True
    return before + last in _FINAL_CLUSTERS


def _fits(folded: str, start: int, suffix: _Suffix) -> bool:
    """Whether the suffix, found at folded[start:], may be cut there."""
    if not _word_like(folded, start, suffix.min_stem):
        return False
    before = folded[start - 1]
    if suffix.before is _Before.VOWEL and before not in _VOWELS:
        return False
    if suffix.before is _Before.CONSONANT and before in _VOWELS:
        return False
    if suffix.stem_ends and not folded.endswith(suffix.stem_ends, 0, start):
        return False
    if suffix.not_after and folded.endswith(suffix.not_after, 0, start):
        return False
    return _harmonious(_last_vowel(folded, start), _first_vowel(suffix.text))


def _lemma_floor(folded: str) -> int:
    """The length of the longest word of `_LEMMAS` the word starts with (0 if none)."""
    for end in range(min(len(folded), _LONGEST_LEMMA), 1, -1):
        if folded[:end] in _LEMMAS:
            return end
    return 0


@dataclass(frozen=True)
class _Cut:
    """Where cutting stands: the stem's end, the first slot still open, what was cut last."""

    end: int
    slot: int = _Slot.PREDICATE
    last: _Suffix | None = None

    def allows(self, suffix: _Suffix) -> bool:
        if suffix.slot < self.slot:
            return False
        last = self.last
        if suffix.possessive_3 and last is not None and last.ends_noun_phrase:
            return False
        if suffix.after_n_case and (last is None or not last.needs_possessive):
            return False
        # A finite verb ends the word, but for a person (-lar, which opens VERB) or the copula.
        return not suffix.finite or self.slot in (_Slot.PREDICATE, _Slot.CASE, _Slot.VERB)


def _next_cut(folded: str, state: _Cut, floor: int) -> _Cut | None:
    """The state after cutting the longest suffix that may be cut at state.end, if any."""
    for length in _LENGTHS:
        start = state.end - length
        if start < max(floor, 2):
            continue
        for suffix in _SUFFIXES.get(folded[start : state.end], ()):
            if not state.allows(suffix) or not _fits(folded, start, suffix):
                continue
            after = _Cut(start, suffix.slot + 1, suffix)
            if suffix.needs_possessive and not _possessive_3_before(folded, after, floor):
                continue
            return after
    return None


def _possessive_3_before(folded: str, state: _Cut, floor: int) -> bool:
    found = _next_cut(folded, _Cut(state.end, _Slot.POSSESSIVE, state.last), floor)
    return found is not None and found.last is not None and found.last.possessive_3


def _drop_final_low_vowel(folded: str, end: int, floor: int) -> int:
    """Drop a final -a/-ə after a consonant, or -ya/-yə after a vowel, if four letters remain."""
    if end < 3 or folded[end - 1] not in "ae":
        return end
    if folded[end - 2] == "y" and folded[end - 3] in _VOWELS:
        start = end - 2
    elif folded[end - 2] not in _VOWELS:
        start = end - 1
    else:
        return end
    if folded[start - 1] in "lm" and folded[start - 2] not in _VOWELS:
        return end  # forma, vermə, başla, səslə: after -Cm-, -Cl- it is no dative
    return start if start >= floor and _word_like(folded, start, 4) else end


def _drop_final_sh(folded: str, end: int, floor: int) -> int:
    """Drop a final ş after ı/i/u/ü (folded: s after i/u): davranış → davranı."""
    if end - 1 < max(floor, 3) or folded[end - 1] != "s" or folded[end - 2] not in "iu":
        return end
    return end - 1 if _syllables(folded, end) >= 2 else end


def _drop_voiced_final(folded: str, end: int, floor: int) -> int:
    """Drop a final q/ğ/k/y after a vowel in a word of two syllables or more."""
    if end - 1 < max(floor, 3) or folded[end - 1] not in "qgky" or folded[end - 2] not in _VOWELS:
        return end
    return end - 1 if _syllables(folded, end) >= 2 else end


def _syllables(folded: str, end: int) -> int:
    return sum(char in _VOWELS for char in folded[:end])


def _stem_length(folded: str) -> int:
    """How many letters of the folded word its stem keeps."""
    floor = _lemma_floor(folded)
    state = _Cut(len(folded))
    while (after := _next_cut(folded, state, floor)) is not None:
        state = after
    end = _drop_final_low_vowel(folded, state.end, floor)
    end = _drop_final_sh(folded, end, floor)
    return _drop_voiced_final(folded, end, floor)


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The stem of one lower-cased Latin-script Azerbaijani word: always a prefix of it.

    >>> [stem(w) for w in ("şəhidlərimizin", "sehidlerimizin", "bakıda", "ana")]
    ['şəhid', 'sehid', 'bakı', 'ana']
    """
    folded = fold(word)
    if len(folded) == len(word):
        return word[: _stem_length(folded)]
    return _cut_unequal(word, _stem_length(folded))


def _cut_unequal(word: str, folded_length: int) -> str:
    """Cut a word whose folded form is longer (ß→ss, æ→ae) after the same folded letters.

    fold() works letter by letter, so a cut between two letters of the word is a cut of its
    folded form too. No rule cuts inside one letter's expansion (that would need a suffix to
    start with the e of æ→ae after a vowel, or with the second s of ß→ss), so the loop
    always finds the place; returning the word whole is only a guard.
    """
    length = 0
    for index, char in enumerate(word):
        if length == folded_length:
            return word[:index]
        length += len(fold(char))
    return word
