"""Search across Azerbaijani (Latin and Cyrillic), Russian, Turkish and English, proved on
our own sample articles (see sample/README.md for which article carries which word)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from xronika.archive import Archive
from xronika.search import SearchRequest, search

SEHID_LATIN = {"sample-az-001", "sample-az-002", "sample-az-003", "sample-az-004", "sample-az-006"}
SEHID_CYRILLIC = {"sample-az-cyrl-002", "sample-az-cyrl-003"}
NO_SEHID = {"sample-az-005", "sample-az-020"}


def found(archive: Archive, query: str, **options: object) -> list[str]:
    result = search(archive, SearchRequest(query=query, limit=50, **options))  # type: ignore[arg-type]
    return [hit["id"] for hit in result.hits]


@pytest.mark.parametrize("query", ["şəhid", "sehid", "ŞƏHİD", "SEHID", "шәһид", "ШӘҺИД"])
def test_every_spelling_of_sehid_finds_the_same_articles(
    sample_archive: Archive, query: str
) -> None:
    hits = set(found(sample_archive, query))
    assert hits >= SEHID_LATIN | SEHID_CYRILLIC
    assert not hits & NO_SEHID


def test_a_folded_inflected_form_finds_every_form(sample_archive: Archive) -> None:
    assert set(found(sample_archive, "sehidlerimizin")) >= SEHID_LATIN | SEHID_CYRILLIC


@pytest.mark.parametrize("query", ["şəhidlərimizin", "ŞƏHİDLƏRİMİZİN"])
def test_an_inflected_form_finds_every_form_and_exact_spellings_rank_first(
    sample_archive: Archive, query: str
) -> None:
    hits = found(sample_archive, query)
    assert set(hits) >= SEHID_LATIN
    # The article with this very form in its headline first; the one with it in the body
    # ahead of the articles that only have other forms in the body.
    assert hits[0] == "sample-az-004"
    assert hits.index("sample-az-003") < min(
        hits.index(i) for i in ("sample-az-002", "sample-az-006")
    )


def test_a_latin_query_finds_an_article_printed_in_cyrillic(sample_archive: Archive) -> None:
    for query in ("Gəncə xalça sərgisi", "gence xalca sergisi", "xalça"):
        result = search(sample_archive, SearchRequest(query=query))
        assert result.hits[0]["id"] == "sample-az-cyrl-004"


def test_a_cyrillic_query_finds_an_article_printed_in_latin(sample_archive: Archive) -> None:
    assert found(sample_archive, "Нефт Дашлары")[0] == "sample-az-008"
    assert found(sample_archive, '"нефт дашлары"')[0] == "sample-az-008"


def test_phrases_work_across_scripts_and_on_folded_input(sample_archive: Archive) -> None:
    assert set(found(sample_archive, '"şəhidlər xiyabanı"')) >= {
        "sample-az-004",
        "sample-az-cyrl-002",
    }
    assert "sample-az-004" in found(sample_archive, '"sehidler xiyabani"')


def test_istanbul_in_any_case_finds_the_same_turkish_articles(sample_archive: Archive) -> None:
    forms = [
        set(found(sample_archive, q, languages=("tr",)))
        for q in ("İstanbul", "istanbul", "ISTANBUL")
    ]
    assert forms[0] == forms[1] == forms[2]
    assert {"sample-tr-002", "sample-tr-005", "sample-tr-011"} <= forms[0]


def test_yolka_with_and_without_yo(sample_archive: Archive) -> None:
    for query in ("ёлка", "елка", "ЁЛКИ"):
        assert {"sample-ru-003", "sample-ru-004"} <= set(found(sample_archive, query)), query


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kitablar", {"sample-az-009", "sample-az-019"}),
        ("evlərimiz", {"sample-az-016"}),
        ("kitapları", {"sample-tr-002", "sample-tr-008"}),
        ("okullar", {"sample-tr-008"}),
        ("книгами", {"sample-ru-008"}),
        ("выставки", {"sample-ru-006"}),
        ("libraries", {"sample-en-003"}),
        ("running", {"sample-en-007"}),
    ],
)
def test_inflected_forms_in_all_four_languages(
    sample_archive: Archive, query: str, expected: set[str]
) -> None:
    assert expected <= set(found(sample_archive, query))


def test_highlights_mark_the_printed_word_whatever_reading_matched(sample_archive: Archive) -> None:
    result = search(sample_archive, SearchRequest(query="şəhid", limit=50))
    snippets = {hit["id"]: hit["snippet"] for hit in result.hits}
    assert "<mark>шәһидләрини</mark>" in snippets["sample-az-cyrl-002"].lower() or (
        "<mark>шәһидләр" in snippets["sample-az-cyrl-002"].lower()
    )
    assert "<mark>şəhidlər" in snippets["sample-az-001"].lower()
    folded = search(sample_archive, SearchRequest(query="kitab", limit=50))
    marked = " ".join(h["snippet"] for h in folded.hits)
    assert "<mark>kitablar" in marked.lower() or "<mark>kitabların" in marked.lower()


def test_vergi_borcu_finds_the_tax_debt_article_first(sample_archive: Archive) -> None:
    assert found(sample_archive, "vergi borcu")[0] == "sample-az-010"


def test_a_misspelt_word_gets_a_suggestion_from_the_archive(sample_archive: Archive) -> None:
    result = search(sample_archive, SearchRequest(query="xiyabanıı"))
    assert result.suggestion is not None


def test_a_query_in_azerbaijani_cyrillic_is_read_as_the_same_query_in_latin(
    make_archive: Callable[[list[dict[str, Any]]], Archive],
) -> None:
    archive = make_archive([
        {"id": "az-bank", "language": "az", "title": "Mərkəzi Bank uçot dərəcəsini saxladı",
         "body": "Mərkəzi Bank uçot dərəcəsini dəyişməz saxlamağa qərar verib."},
        {"id": "ru-bank", "language": "ru", "title": "Центральный банк сохранил ставку",
         "body": "Банк сохранил ключевую ставку на прежнем уровне."},
        {"id": "ru-other", "language": "ru", "title": "Погода в Баку",
         "body": "В Баку ожидается дождь и сильный ветер."},
    ])  # fmt: skip
    # `Банк` has no Azerbaijani letter, but `Мәркәзи` makes the query Azerbaijani: read
    # as Russian too, `Банк` would bring the Russian article in as a partial match.
    for latin, cyrillic in [("Mərkəzi Bank", "Мәркәзи Банк"), ("MƏRKƏZİ BANK", "МӘРКӘЗИ БАНК")]:
        assert found(archive, cyrillic) == found(archive, latin) == ["az-bank"]
    assert "ru-bank" in found(archive, "Банк")  # a Cyrillic word alone may be Russian
