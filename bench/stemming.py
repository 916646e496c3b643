"""Under- and over-stemming of our Azerbaijani stemmer, beside Snowball's Turkish one.

Run from the repository root:

    PYTHONPATH=src .venv/bin/python bench/stemming.py [DATA_DIR] [--out DIR]

DATA_DIR defaults to $XRONIKA_TEST_DATA, else ../shared/data; the word lists the run builds are
written to DIR (default /tmp/xronika-bench-stemming) for inspection. They are derived from
corpus text without a licence, so they are rebuilt on every run and never kept in the repository.

How the lists are built (the same every run):

1. Vocabulary: every word of the Azerbaijani Latin documents of corpus/az-banker.jsonl,
   ntrex.jsonl, flores.jsonl and udhr.jsonl, lower-cased the Turkic way (I→ı, İ→i), Cyrillic ә
   read as ə, with its count.
2. Bases: a word seen at least twice, of two letters or more, with a vowel (function words
   left out); verb roots: the stem of an infinitive seen (vermək → ver), or a stem seen with
   two verb-only endings. A grammar written here, apart from the stemmer's code, generates the
   forms of each base forwards: as a noun (plural, possessive, case with the n/s/y buffers,
   -dakı, the copula -dır) and, for a root, as a verb (tense, person, mood, participle,
   converb, verbal noun). Vowel harmony picks each suffix's vowel, and a final q/k of a longer
   word turns to ğ/y before a vowel, as spelling does (Arabic loans also keep it: hüququ).
3. Groups (must conflate): each base with the forms of it seen in the corpus. A word that the
   grammar derives from a shorter base is a form, not a base, unless it is in LEMMAS below, a
   hand-checked list of words that only look inflected (ana is not an+a). A form that two bases
   derive goes to the longer. Forms that are a base of two letters plus one vowel (evə, adı, ana)
   are too ambiguous to judge automatically and are left out.
4. Pairs (must not conflate): two bases where one starts the other (ana/anar, bura/burax),
   unless the longer is derived from the shorter by the grammar, by a voice suffix
   (ver/veril) or by a common derivational suffix (nazir/nazirlik): those are choices of the
   stemmer's design, not errors, and are left out of both lists. The shorter base has three
   letters or more, unless the longer is in LEMMAS (an/ana, at/ata). Pronouns, whose forms take
   an n of their own (bu/bunlar), are left out too.

Scores, as in Paice's method over pairs: under-stemming is the fraction of word pairs inside a
group that get different stems; over-stemming the fraction of word pairs across a must-not pair
of groups (up to 8 forms each, the most frequent) that get the same stem.

The stemmer's own list of words that only look inflected was picked from these texts, so the
table also shows the stemmer without it: what its rules do on their own. Speed is measured
twice: over the running text (with the stemmer's cache, as the analyzer calls it) and once
per distinct word with the cache cleared before each.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from unittest import mock

from xronika.analysis import azerbaijani
from xronika.analysis.azerbaijani import stem

CORPUS_FILES = ("az-banker.jsonl", "ntrex.jsonl", "flores.jsonl", "udhr.jsonl")

BACK, FRONT = "aıou", "əeiöü"


def words_of(text: str) -> frozenset[str]:
    """A table of words, written as running text for reading."""
    return frozenset(text.split())


VOWELS = BACK + FRONT

# Hand-checked: words of the corpus that the grammar could derive from a shorter word but that
# are lemmas of their own (the shorter word is another word, or no word at all in this sense).
LEMMAS = words_of(
    """
    ana ata ada ara qala qara orta gecə görə deyə yenə yeni yəni dəfə cümə altı isti ayrı dəyər
    tələbə gəncə hissə dəqiqə yardım təlim mədəni həmin qanun dəniz bakı üçün
    """
)

# Suffixes that make a related word: the stemmer may keep such words apart or join them.
VOICE_AND_DERIVATION = words_of(
    """
    ıl il ul ül ın in un ün ış iş uş üş dır dir dur dür t ıt it ut üt ır ir ur ür ar ər
    lı li lu lü lıq lik luq lük sız siz suz süz çı çi çu çü çılıq çilik
    la lə laş ləş lan lən ca cə ma mə ıcı ici ucu ücü ov
    """
)


def turkic_lower(text: str) -> str:
    return text.replace("I", "ı").replace("İ", "i").lower()


def read_vocabulary(data: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for name in CORPUS_FILES:
        with (data / "corpus" / name).open(encoding="utf-8") as file:
            for line in file:
                doc = json.loads(line)
                if doc.get("language") != "az" or doc.get("script") != "Latn":
                    continue
                text = f"{doc.get('title', '')} {doc['body']}".replace("ә", "ə").replace("Ә", "Ə")
                counts.update(words(turkic_lower(text)))
    return counts


def words(text: str) -> Iterator[str]:
    word: list[str] = []
    for char in text + " ":
        if char.isalpha():
            word.append(char)
        elif word:
            yield "".join(word)
            word = []


# --- the grammar: forms of a base, generated forwards ---------------------------------------


def last_vowel(word: str) -> str:
    for char in reversed(word):
        if char in VOWELS:
            return char
    return "a"


def harmonise(stem: str, suffix: str, *, alternate: bool = True) -> str:
    """Spell a suffix written with A (a/ə), I (ı/i/u/ü), Q (q/k) after a stem; q/k alternate."""
    out = stem
    for char in suffix:
        vowel = last_vowel(out)
        if char == "A":
            char = "a" if vowel in BACK else "ə"
        elif char == "I":
            char = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "ö": "ü", "ü": "ü"}.get(vowel, "i")
        elif char == "Q":
            char = "q" if vowel in BACK else "k"
        voiced = out[-1:] in ("q", "k") and out[-2:-1] in tuple(VOWELS) and _syllables(out) > 1
        if alternate and char in VOWELS and voiced:
            out = out[:-1] + ("ğ" if out[-1] == "q" else "y")
        out += char
    return out


def _syllables(word: str) -> int:
    return sum(char in VOWELS for char in word)


def _after(stem: str, after_vowel: str, after_consonant: str) -> str:
    return harmonise(stem, after_vowel if stem[-1] in VOWELS else after_consonant)


NOUN_CASES_AFTER_POSSESSIVE_3 = ("", "nIn", "nI", "nA", "ndA", "ndAn", "ndAkI")
NOUN_CASES = (
    ("", ""),
    ("nIn", "In"),
    ("nI", "I"),
    ("yA", "A"),
    ("dA", "dA"),
    ("dAn", "dAn"),
    ("ylA", "lA"),
    ("dAkI", "dAkI"),
)
# 1st and 2nd person singular after a vowel (-m, -n) are left out: rare in news, and they
# would make adam of ada and olan of ola.
NOUN_POSSESSIVES = (("", "Im"), ("", "In"), ("mIz", "ImIz"), ("nIz", "InIz"))
PREDICATES = ("", "dIr", "dIrlAr")

VERB_ENDINGS = sorted(
    words_of(
        """
        mAQ mAQA mAQdA mAQlA mAsI mAsInA mAsInIn mAsInI mAsIndA mAsIndAn mA mAyA mAdAn
        dI dIm dIn dIQ dInIz dIlAr
        Ir IrAm IrsAn IrIQ IrsInIz IrlAr IrdI IrdIlAr
        mIş mIşdIr mIşdI mIşlAr
        Ib IbdIr IblAr
        AcAQ AcAQdIr AcAQlAr AcAQI AcAQInI AcAQIn
        An AnlAr AnlArIn AnlArA AndA
        dIQI dIQInI dIQInA dIQIndAn dIQIndA dIQdA dIQlArI
        ArAQ Ar ArlAr ArdI
        mAlI mAlIdIr mIr mAdI mAyIb mAyAcAQ mAz mAyAn
        sA sAydI sIn sInlAr InIz mAsIn A
        """
    )
)


def noun_forms(base: str) -> Iterator[str]:
    # Arabic loans keep q and k before a vowel (hüquq, hüququ); native words voice them.
    for alternate in (True, False) if base[-1] in "qk" else (True,):
        for plural in ("", "lAr"):
            stem = harmonise(base, plural)
            yield from _with_cases(stem, possessive_3=False, alternate=alternate)
            thirds = [_after(stem, "sI", "I")]
            if stem[-1] in "əe":
                thirds.append(harmonise(stem, "yI"))  # mənbəyi beside mənbəsi
            for third in thirds:
                yield from _with_cases(third, possessive_3=True, alternate=alternate)
            for after_vowel, after_consonant in NOUN_POSSESSIVES:
                if stem[-1] in VOWELS and not after_vowel:
                    continue
                possessed = _after(stem, after_vowel, after_consonant)
                yield from _with_cases(possessed, possessive_3=False, alternate=alternate)


def _with_cases(stem: str, *, possessive_3: bool, alternate: bool) -> Iterator[str]:
    if possessive_3:
        cased = [harmonise(stem, case) for case in NOUN_CASES_AFTER_POSSESSIVE_3]
    else:
        cased = [
            harmonise(stem, after_vowel if stem[-1] in VOWELS else after_c, alternate=alternate)
            for after_vowel, after_c in NOUN_CASES
        ]
    for word in cased:
        for predicate in PREDICATES:
            yield harmonise(word, predicate)


def verb_forms(root: str) -> Iterator[str]:
    for ending in VERB_ENDINGS:
        # After a vowel, a vowel-initial ending takes the buffer y (oxu-yur, başla-yan).
        buffer = "y" if root[-1] in VOWELS and ending[0] in "AI" else ""
        yield harmonise(root, buffer + ending)


# --- groups and pairs ------------------------------------------------------------------------


def is_base_like(word: str, count: int) -> bool:
    if count < 2 or len(word) < 2:
        return False
    return any(char in VOWELS for char in word)


# Endings that only verbs take, in every harmonic spelling: two of them make a root.
STRONG_VERB_ENDINGS = ("mAQ", "dI", "Ib", "Ir", "mIş", "AcAQ", "mAsI", "dIQI", "ArAQ")

FUNCTION_WORDS = words_of(
    "o on bu şu mən sən biz siz onlar bunlar öz özü özünü kim nə hansı və da də ki ya ilə həm amma"
)


def find_roots(vocabulary: Counter[str]) -> set[str]:
    """Verb roots: the stem of an infinitive seen, or a stem seen with two verb-only endings."""
    seen: dict[str, set[str]] = {}
    for word in vocabulary:
        for cut in range(2, len(word) - 1):
            root = word[:cut]
            for ending in STRONG_VERB_ENDINGS:
                buffer = "y" if root[-1] in VOWELS and ending[0] in "AI" else ""
                if harmonise(root, buffer + ending) == word:
                    seen.setdefault(root, set()).add(ending)
    roots = {
        root
        for root, endings in seen.items()
        if any(char in VOWELS for char in root) and ("mAQ" in endings or len(endings) >= 2)
    }
    # A final y after a vowel is the root's own when a consonant-initial ending follows it
    # (qoy-maq, qoy-du); otherwise it is the buffer of a vowel-final root (başla-y-ır).
    for root in [r for r in roots if r[-1] == "y" and r[:-1] in roots]:
        if any(ending[0] not in "AI" for ending in seen[root]):
            roots.discard(root[:-1])
        else:
            roots.discard(root)
    return roots


def build(vocabulary: Counter[str]) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    roots = find_roots(vocabulary)
    bases_seen = {w for w, n in vocabulary.items() if is_base_like(w, n)}
    candidates = (bases_seen | roots) - FUNCTION_WORDS
    derived: dict[str, set[str]] = {}
    for base in candidates:
        derived[base] = {
            f for f in forms_of(base, base in roots, base in bases_seen) if f in vocabulary
        }
    owner: dict[str, str] = {}
    for base in sorted(candidates, key=len):
        for form in derived[base]:
            owner[form] = base  # the longer base, seen later, wins
    bases = sorted(b for b in candidates if b not in owner or b in LEMMAS)
    groups: dict[str, list[str]] = {b: [b] if b in vocabulary else [] for b in bases}
    for form, base in owner.items():
        if form not in LEMMAS and form not in FUNCTION_WORDS and base in groups:
            groups[base].append(form)
    groups = {b: sorted(f) for b, f in groups.items() if len(f) >= 2}
    return groups, must_not_pairs(sorted(groups), derived)


def forms_of(base: str, is_root: bool, is_word: bool) -> set[str]:
    """The forms the grammar makes of a base, less those too ambiguous to judge."""
    forms: set[str] = set()
    if is_word:
        nouns = set(noun_forms(base))
        if is_root:
            # yaz (write, summer): as a noun, only consonant-initial endings; yazı is a word.
            nouns = {form for form in nouns if form[len(base) : len(base) + 1] not in VOWELS}
        forms |= nouns
    if is_root:
        forms |= set(verb_forms(base))
    forms.discard(base)
    if len(base) <= 2:
        # ev+ə, ad+ı: a two-letter base plus one vowel cannot be told from a lemma.
        forms = {form for form in forms if len(form) > len(base) + 1}
    return forms


def related(short: str, long: str, derived: dict[str, set[str]]) -> bool:
    if long in derived.get(short, ()):
        return True
    rest = long[len(short) :] if long.startswith(short) else None
    if rest is None:
        return False
    if short[-1] in VOWELS and rest[0] == "y":
        return True  # the buffer y: başla, başlay-
    if any(rest.startswith(suffix) for suffix in VOICE_AND_DERIVATION):
        return True
    # Two forms of one word not seen bare: abidələri, abidələrin (of abidə).
    for cut in range(2, len(short)):
        forms = set(noun_forms(short[:cut])) | set(verb_forms(short[:cut]))
        if short in forms and long in forms:
            return True
    return False


def must_not_pairs(bases: list[str], derived: dict[str, set[str]]) -> list[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for i, short in enumerate(bases):
        if len(short) < 3 and not any(b.startswith(short) for b in LEMMAS):
            continue
        for long in bases[i + 1 :]:
            if not long.startswith(short):
                break  # sorted: the words that start with `short` follow it
            if long in LEMMAS or (len(short) >= 3 and not related(short, long, derived)):
                pairs.add((short, long))
    return sorted(pairs)


# --- scoring ---------------------------------------------------------------------------------


def under_stemming(groups: dict[str, list[str]], stemmer: Callable[[str], str]) -> float:
    split = total = 0
    for forms in groups.values():
        stems = Counter(stemmer(form) for form in forms)
        pairs = len(forms) * (len(forms) - 1) // 2
        merged = sum(n * (n - 1) // 2 for n in stems.values())
        split += pairs - merged
        total += pairs
    return split / max(total, 1)


def over_stemming(
    groups: dict[str, list[str]],
    pairs: Iterable[tuple[str, str]],
    stemmer: Callable[[str], str],
    vocabulary: Counter[str],
) -> float:
    merged = total = 0
    for a, b in pairs:
        forms_a = sorted(groups[a], key=lambda w: -vocabulary[w])[:8]
        forms_b = sorted(groups[b], key=lambda w: -vocabulary[w])[:8]
        stems_b = Counter(stemmer(form) for form in forms_b)
        merged += sum(stems_b[stemmer(form)] for form in forms_a)
        total += len(forms_a) * len(forms_b)
    return merged / max(total, 1)


def snowball_turkish() -> tuple[Callable[[str], str], Callable[[str], str]]:
    import Stemmer

    turkish = Stemmer.Stemmer("turkish")

    def as_is(word: str) -> str:
        return str(turkish.stemWord(word))

    def schwa_as_e(word: str) -> str:
        # Turkish has no ə; give Snowball the letter its rules know.
        return str(turkish.stemWord(word.replace("ə", "e")))

    return as_is, schwa_as_e


def words_per_second(words: list[str], stemmer: Callable[[str], str]) -> float:
    stem.cache_clear()
    start = time.perf_counter()
    for word in words:
        stemmer(word)
    return len(words) / (time.perf_counter() - start)


def without_lemmas(word: str) -> str:
    """Our stemmer with its list of words that only look inflected emptied."""
    with mock.patch.object(azerbaijani, "_LEMMAS", frozenset()):
        return azerbaijani.stem.__wrapped__(word)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = os.environ.get("XRONIKA_TEST_DATA") or str(Path.cwd().parent / "shared" / "data")
    parser.add_argument("data", nargs="?", default=default)
    parser.add_argument("--out", default="/tmp/xronika-bench-stemming")
    args = parser.parse_args()
    vocabulary = read_vocabulary(Path(args.data))
    groups, pairs = build(vocabulary)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "groups.json").write_text(json.dumps(groups, ensure_ascii=False, indent=0))
    (out / "must-not.json").write_text(json.dumps(pairs, ensure_ascii=False, indent=0))
    forms = sum(len(f) for f in groups.values())
    print(f"{len(vocabulary)} word types; {len(groups)} groups of {forms} words; ", end="")
    print(f"{len(pairs)} must-not pairs (lists in {out})")
    as_is, schwa_as_e = snowball_turkish()
    print(f"{'stemmer':<40} {'under-stemming':>15} {'over-stemming':>14}")
    for name, stemmer in (
        ("xronika.analysis.azerbaijani.stem", stem),
        ("  the same without its lemma list", without_lemmas),
        ("Snowball turkish (PyStemmer)", as_is),
        ("Snowball turkish, ə read as e", schwa_as_e),
    ):
        under = under_stemming(groups, stemmer)
        over = over_stemming(groups, pairs, stemmer, vocabulary)
        print(f"{name:<40} {under:>15.2%} {over:>14.2%}")
    tokens = [word for word, count in vocabulary.items() for _ in range(count)]
    types = list(vocabulary)
    running = words_per_second(tokens, stem)
    uncached = words_per_second(types, stem.__wrapped__)
    print(f"speed: {running:,.0f} words/s over the {len(tokens):,} words of the texts (cached);")
    print(f"       {uncached:,.0f} words/s over the {len(types):,} distinct words, uncached")


if __name__ == "__main__":
    main()
