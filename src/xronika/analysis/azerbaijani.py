"""An Azerbaijani stemmer: the `stem` of one lower-cased Latin-script Azerbaijani word.

No search engine ships one, so this is ours. The analyzer calls it after Turkic lower-casing
(I→ı, İ→i) and Cyrillic→Latin transliteration; the index's exact field holds `stem(word)` and
the folded field `fold(stem(word))`.

The rule that holds the two fields together: every decision is taken on `fold(word)` (ə→e,
ı→i, ö→o, ü→u, ş→s, ç→c, ğ→g) and the original word is cut at the same place. So `stem(word)`
is always a prefix of `word`, and `fold(stem(w)) == stem(fold(w))`: a reader who types `sehidlerin`
meets the same term as one who types `şəhidlərin`. Folding loses the front/back difference of
ı/i, o/ö, u/ü; vowel harmony is checked on what survives (a against ə, rounded against
unrounded), which is still enough to refuse most false suffixes.

How a word is cut, right to left, each morpheme at most once and in this order:

    predicate   -dır/-dir/-dur/-dür, -dırlar (copula)
    case        genitive -(n)ın, accusative -(n)ı, dative -(y)a, locative -da, ablative -dan,
                instrumental -(y)la, relative -dakı; after a 3rd-person possessive the n-forms
                -na, -nda, -ndan, -ndakı, which need that possessive before them
    possessive  -ımız, -ınız (after a vowel -mız, -nız), -ları, 3rd person -ı (after a vowel -sı)
    plural      -lar/-lər (also the 3rd-person plural of verbs)
    verb        infinitive -maq/-mək, past -dı, present -ır (after a vowel -yır), perfect -mış,
                converb -ıb, future -acaq, -araq, -malı, participles -dıq and -an (only after a
                passive or causative stem, since -an ends many nouns: insan, zaman, vətən),
                verbal noun -ma before an ending (edilməsi → edil)

then two endings that words and suffixes share are evened out, so that every form of a word
meets the same stem:

- a final -a/-ə (or -ya/-yə after a vowel) goes when four letters remain: it is a dative, or it
  ends a word like tələbə or Rusiya whose other forms would otherwise keep it;
- a final q/ğ/k/y after a vowel goes in words of two syllables or more: uşaq and uşağı,
  nazirlik and nazirliyi meet at uşa and nazirli (Azerbaijani spelling voices them before a
  vowel, and a prefix can only keep what both spellings share).

Guards against cutting too much, each one found on real text (bench/stemming.py):

- a suffix is cut only where its vowel agrees with the stem's, after the kind of letter it
  takes (buffer letters n, s, y only after a vowel), and where enough stem remains: two letters
  for most suffixes, three or four for those that are one vowel or start with one (-ı, -ın,
  -a), which ends many words (ana, ata, bakı, qadın);
- what remains keeps a vowel and may end in two consonants only where Azerbaijani words do
  (kənd, xalq, dövr, not verg- of vergi or oğl- of oğlu);
- a cut never goes into a word of `_LEMMAS`, words that look inflected but are not (qanun is not
  qan+un, dəniz not də+niz).

Derivational suffixes (-lıq, -lı, -sız, -çı) are kept: nazirlik is the ministry, not the
minister, and təhlükəsiz (safe) must not meet təhlükə (danger). Stems are index terms, not
words to show: nazirliyi → nazirli, tələbə → tələb.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from xronika.analysis.fold import fold

# Vowels after folding: ə→e, ı→i, ö→o, ü→u.
_VOWELS = frozenset("aeiou")
_ROUNDED = frozenset("ou")


class _Slot(IntEnum):
    """Where a suffix sits; cutting goes right to left, so a slot is never taken twice."""

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
    needs_possessive: bool = False  # the n-cases: -nda, -na, ... follow a 3rd-person possessive
    ends_noun_phrase: bool = False  # -da, -a, ...: no 3rd-person possessive before them
    possessive_3: bool = False
    in_chain_only: bool = False  # cut only when something after it was cut (verbal noun -ma)
    stem_ends: tuple[str, ...] = ()  # the stem must end so (-an after passive/causative stems)
    finite: bool = False  # a finite verb form: no case or possessive after it
    not_after: tuple[str, ...] = ()  # the stem must not end so
    after_n_case: bool = False  # only right before an n-case (-nda, -na, ...)


def _forms(spec: str) -> list[str]:
    return spec.split()


# The present tense -ır with its persons (folded): bilir, bilirəm, bilirik, bilirdi ...
_PRESENT = "ir ur iram irem uram urem irsan irsen ursan ursen iriq irik uruq uruk irsiniz ursunuz"
# Özbəkistanın is Özbəkistan plus -ın, not Özbəkista plus -nın.
_COUNTRY = ("sta",)
# How the verbs that end in a vowel end: başla, işlə, istə, oyna, qoru, oxu, tanı, de, ye.
_VOWEL_VERB_ENDS = ("la", "le", "ste", "na", "ru", "xu", "ni", "de", "ye")
# Participle -an only after stems that are surely verbs: passive, reflexive, causative.
_VOICED_STEM_ENDS = ("l", "n", "s", "ir", "ur")


def _suffixes() -> list[_Suffix]:
    s = _Slot
    out: list[_Suffix] = []

    def add(spec: str, slot: _Slot, **options: object) -> None:
        out.extend(_Suffix(text, slot, **options) for text in _forms(spec))  # type: ignore[arg-type]

    add("dir dur dirlar dirler durlar", s.PREDICATE, min_stem=3)
    # Cases after a vowel or any letter. Günün is gün plus -ün, not gü plus -nün.
    add("nin", s.CASE, before=_Before.VOWEL, min_stem=3, not_after=_COUNTRY)
    add("nun", s.CASE, before=_Before.VOWEL, min_stem=3, not_after=("o",))
    # -anı is mostly -an plus -ı (planı, zamanı), -onu -on plus -u (rayonu, milyonu).
    add("ni", s.CASE, before=_Before.VOWEL, min_stem=3, not_after=("a", *_COUNTRY))
    add("nu", s.CASE, before=_Before.VOWEL, min_stem=3, not_after=("o",))
    add("ya ye yla yle", s.CASE, before=_Before.VOWEL, min_stem=3, ends_noun_phrase=True)
    add("da de dan den daki deki", s.CASE, ends_noun_phrase=True)
    # Cases that start with a vowel: only after a consonant, and they end many words.
    add("in un", s.CASE, before=_Before.CONSONANT)
    add("i u", s.CASE, before=_Before.CONSONANT, min_stem=3)
    add("a e", s.CASE, before=_Before.CONSONANT, min_stem=4, ends_noun_phrase=True)
    add("la le", s.CASE, before=_Before.CONSONANT, min_stem=4, ends_noun_phrase=True)
    # After a 3rd-person possessive: ölkəsində, vergisinə, şəhərlərindən.
    add("na ne nda nde ndan nden ndaki ndeki", s.CASE, needs_possessive=True, not_after=_COUNTRY)
    add("imiz umuz iniz unuz", s.POSSESSIVE, before=_Before.CONSONANT, min_stem=3)
    add("miz muz niz nuz", s.POSSESSIVE, before=_Before.VOWEL, min_stem=3)
    add("lari leri", s.POSSESSIVE, possessive_3=True)
    add("si su", s.POSSESSIVE, before=_Before.VOWEL, min_stem=3, possessive_3=True)
    add("i u", s.POSSESSIVE, before=_Before.CONSONANT, min_stem=3, possessive_3=True)
    # Before an n-case the possessive is sure, and a short stem may carry it: əl-i-ndə.
    add("i u", s.POSSESSIVE, before=_Before.CONSONANT, possessive_3=True, after_n_case=True)
    add("lar ler", s.PLURAL)
    # Verbal forms that can take cases after them: infinitive, participles, verbal noun.
    add("maq mek mag mey maga meye", s.VERB)
    add("acaq ecek acag ecey", s.VERB, before=_Before.CONSONANT)
    add("yacaq yecek yacag yecey", s.VERB, before=_Before.VOWEL)
    add("diq dik duq duk dig diy dug duy", s.VERB)
    add("an en", s.VERB, before=_Before.CONSONANT, min_stem=4, stem_ends=_VOICED_STEM_ENDS)
    add("yan yen", s.VERB, before=_Before.VOWEL, min_stem=3)
    # The verbal noun -ma (ver-mə, başla-ma); after a vowel only that of -la, since sistem-ə
    # and proqram-a are datives.
    add("ma me", s.VERB, before=_Before.CONSONANT, min_stem=3)
    add("ma me", s.VERB, before=_Before.VOWEL, stem_ends=("la", "le"))
    # Finite forms: only a person (-lar) or the copula (-dır) follows them.
    add("mis mus misdi musdu", s.VERB, finite=True)
    add("araq erek", s.VERB, before=_Before.CONSONANT, finite=True)
    add("yaraq yerek", s.VERB, before=_Before.VOWEL, finite=True)
    add("mali meli", s.VERB, finite=True)
    add("di du dim dum diniz dunuz", s.VERB, before=_Before.CONSONANT, finite=True)
    # After a vowel, the past is of a verb in -la (başladı) or of de, ye; sənədi is sənəd-i.
    add("di du dim dum diniz dunuz", s.VERB, before=_Before.VOWEL, finite=True,
        stem_ends=_VOWEL_VERB_ENDS)
    add(_PRESENT, s.VERB, before=_Before.CONSONANT, finite=True)
    add(" ".join("y" + ending for ending in _PRESENT.split()), s.VERB, before=_Before.VOWEL,
        finite=True)
    add("mir mur mirdi murdu madi medi mayib meyib mayacaq meyecek maz mez", s.VERB, finite=True)
    add("ib ub", s.VERB, before=_Before.CONSONANT, finite=True)
    add("yib yub", s.VERB, before=_Before.VOWEL, finite=True)
    return out


_SUFFIXES = sorted(_suffixes(), key=lambda suffix: (-len(suffix.text), suffix.slot))
_BY_LAST_LETTER: dict[str, list[_Suffix]] = {}
for _suffix in _SUFFIXES:
    _BY_LAST_LETTER.setdefault(_suffix.text[-1], []).append(_suffix)

# Two consonants that may end an Azerbaijani word (folded), loans of long standing included.
_FINAL_CLUSTERS = frozenset(
    ["bb", "bs", "bt", "br", "bz", "cc", "cm", "dd", "dr", "dv", "ft", "fn", "gd", "gv", "hd", "hm", "hr", "hs", "hv", "hz", "kk", "ks", "kt", "km", "lb", "ld", "lf", "lh", "lk", "ll", "lm", "lp", "lq", "ls", "lt", "mb", "mm", "mp", "mr", "ms", "mt", "nc", "nd", "nf", "ng", "nk", "nn", "nq", "ns", "nt", "nz", "qd", "ql", "qq", "qs", "qt", "rb", "rc", "rd", "rf", "rk", "rm", "rq", "rs", "rt", "rx", "rz", "sb", "sf", "sk", "sl", "sm", "sq", "sr", "ss", "st", "tl", "tm", "tn", "tr", "ts", "tt", "vq", "vr", "vs", "xr", "xs", "xt", "zm", "zn", "zv", "zz"]
)

# Words that look inflected but are not: no cut goes into them (folded spelling).
def _folded_words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in text.split())


# Words that look inflected but are not: no cut goes into them. Each was met on real text.
_LEMMAS = _folded_words(
    """
    ana ata ada ara bakı dəniz dəmir təmir dünya görə
    bunun bunu buna bunda bundan bunlar onun onu ona onda ondan onlar
    azərbaycan insan zaman imtahan iran orqan fərman meydan vicdan bədən mədən dollar region
    qanun oyun qadın yaxın axın əkin əmin uzun odun lakin təmin təyin təxmin çətin yəqin dərin
    sakin həmin bütün bugün uyğun məzmun mümkün məzun iyun çin
    təsir nazir tədbir fikir səfir hazır ağır axır əmir ətir əsir ömür xeyir uğur odur budur
    struktur infrastruktur
    ordu qapı sarı bəzi indi kimi yeni yəni hansı altı əlli quru dəri qəti bəli ərazi
    qoy say yay duy doy soy söy dəy ged şey bəy çay pay toy boy köy tay rəy küy huy mey
    kənd fond bənd brend cəhd qeyd süd sənəd namizəd təqaüd məqsəd sərhəd ədəd şagird milyard
    rekord dörd fərd yurd addım yardım qədim
    sahib rəqib tərkib vacib qorxu xankəndi
    əsas proses səs ixtisas iclas vətəndaş qardaş yoldaş əməkdaş
    ehtimal şimal normal
    forma firma norma klima sxema dolma kəlmə xurma
    qayda fayda qida komanda kanada hollanda nümayəndə nümunə mövqe məhkəmə tələbə hissə dəqiqə
    gəncə
    bilər kömək barmaq altmış yetmiş namaz
    """
)


def _last_vowel(folded: str, end: int) -> str:
    for index in range(end - 1, -1, -1):
        if folded[index] in _VOWELS:
            return folded[index]
    return ""


def _first_vowel(text: str) -> str:
    return next((char for char in text if char in _VOWELS), "")


def _harmonious(stem_vowel: str, suffix_vowel: str) -> bool:
    """Whether a suffix vowel may follow a stem vowel, as far as folding lets us tell."""
    if not stem_vowel or not suffix_vowel:
        return True
    if suffix_vowel in "ae":
        # a and ə survive folding; o, u, i stand for a back and a front vowel each.
        return stem_vowel not in "ae" or stem_vowel == suffix_vowel
    # A high vowel is rounded exactly when the stem's vowel is.
    return (stem_vowel in _ROUNDED) == (suffix_vowel in _ROUNDED)


def _word_like(folded: str, end: int, min_stem: int) -> bool:
    """Whether folded[:end] can stand as a stem: long enough, a vowel, a possible ending."""
    if end < min_stem or not any(char in _VOWELS for char in folded[:end]):
        return False
    last, before = folded[end - 1], folded[end - 2]
    if last in _VOWELS or before in _VOWELS:
        return True
    return before == "y" or before + last in _FINAL_CLUSTERS


def _fits(folded: str, end: int, suffix: _Suffix, floor: int) -> bool:
    start = end - len(suffix.text)
    if start < floor or not folded.startswith(suffix.text, start):
        return False
    if not _word_like(folded, start, max(suffix.min_stem, 2)):
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
    """The length of the longest word of `_LEMMAS` that the word starts with (0 if none)."""
    for end in range(len(folded), 1, -1):
        if folded[:end] in _LEMMAS:
            return end
    return 0


@dataclass(frozen=True)
class _Cut:
    """Where cutting stands: the stem's end, the first slot still open, what was cut last."""

    end: int
    slot: int = 0
    suffix: _Suffix | None = None

    def allows(self, suffix: _Suffix) -> bool:
        if suffix.slot < self.slot:
            return False
        if suffix.possessive_3 and self.suffix is not None and self.suffix.ends_noun_phrase:
            return False
        if suffix.after_n_case and (self.suffix is None or not self.suffix.needs_possessive):
            return False
        # Open slot PREDICATE, CASE or VERB: nothing, the copula or a person (-lar) was cut.
        if suffix.finite and self.slot not in (_Slot.PREDICATE, _Slot.CASE, _Slot.VERB):
            return False
        return self.suffix is not None or not suffix.in_chain_only


def _next_cut(folded: str, state: _Cut, floor: int) -> _Cut | None:
    """The longest suffix that may be cut at state.end, as the state after cutting it."""
    for suffix in _BY_LAST_LETTER.get(folded[state.end - 1], ()):
        if not state.allows(suffix) or not _fits(folded, state.end, suffix, floor):
            continue
        after = _Cut(state.end - len(suffix.text), suffix.slot + 1, suffix)
        if suffix.needs_possessive and not _possessive_3_before(folded, after, floor):
            continue
        return after
    return None


def _possessive_3_before(folded: str, state: _Cut, floor: int) -> bool:
    possessive = _next_cut(folded, _Cut(state.end, _Slot.POSSESSIVE, state.suffix), floor)
    return possessive is not None and possessive.suffix is not None and possessive.suffix.possessive_3


def _drop_final_low_vowel(folded: str, end: int, floor: int) -> int:
    """Drop a final -a/-ə after a consonant, or -ya/-yə after a vowel, when four letters remain.

    It is a dative the cutting left (a short word like ölkə keeps its ə), or it ends a word
    like tələbə or Rusiya, whose other forms would otherwise keep it.
    """
    if end < 3 or folded[end - 1] not in "ae":
        return end
    if folded[end - 2] == "y" and folded[end - 3] in _VOWELS:
        start = end - 2
    elif folded[end - 2] not in _VOWELS:
        start = end - 1
    else:
        return end
    if folded[start - 1] in "lm" and folded[start - 2] not in _VOWELS:
        return end  # forma, vermə, başla, səslə: after -Cm-, -Cl- the vowel is not a dative
    return start if start >= floor and _word_like(folded, start, 4) else end


def _drop_final_sh(folded: str, end: int, floor: int) -> int:
    """Drop a final ş after ı/i/u/ü (folded s): davranış, davranışı → davranı.

    Folded, -ışı cannot be told from -ı plus -sı (ölkə-si), which the cutting takes it for;
    dropping the ş from the other forms makes them all agree.
    """
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


def _even_out(folded: str, end: int, floor: int) -> int:
    """Make the forms of one word meet: drop the endings that words and suffixes share."""
    end = _drop_final_low_vowel(folded, end, floor)
    end = _drop_final_sh(folded, end, floor)
    return _drop_voiced_final(folded, end, floor)


def _stem_length(folded: str) -> int:
    floor = _lemma_floor(folded)
    state = _Cut(len(folded))
    while state.end > floor:
        after = _next_cut(folded, state, floor)
        if after is None:
            break
        state = after
    return _even_out(folded, state.end, floor)


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
    """Cut a word whose folded form is longer (ß→ss, æ→ae) at the same folded length."""
    length = 0
    for index, char in enumerate(word):
        if length == folded_length:
            return word[:index]
        length += len(fold(char))
    return word
