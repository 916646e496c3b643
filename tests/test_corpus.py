"""The whole shared corpus goes in, with the right counts, and every language is searchable."""

from __future__ import annotations

import json
from pathlib import Path

from xronika.archive import Archive
from xronika.ingest import ingest
from xronika.search import SearchRequest, search


def test_the_shared_corpus_ingests_completely_and_every_language_is_found(
    data_folder: Path, tmp_path: Path
) -> None:
    files = sorted((data_folder / "corpus").glob("*.jsonl"))
    expected: dict[str, int] = {}
    ids = set()
    for path in files:
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            ids.add(record["id"])
            expected[record["language"]] = expected.get(record["language"], 0) + 1
    archive = Archive.open(tmp_path / "corpus")
    report = ingest(archive, [str(p) for p in files])
    assert report.failed == 0 and report.added == len(ids)
    assert archive.check().clean
    # The index holds each story once: near-duplicate copies are found through the original.
    copies: dict[str, int] = {}
    for stored in archive.store.iter_articles():
        if stored.copy_of:
            language = stored.article.language or ""
            copies[language] = copies.get(language, 0) + 1
    assert 0 < sum(copies.values()) < len(ids) // 50
    facets = search(archive, SearchRequest(query="")).facets["language"]
    originals = {language: n - copies.get(language, 0) for language, n in expected.items()}
    assert {b["value"]: b["count"] for b in facets} == originals
    for language, word in {"az": "vergi", "ru": "москва", "tr": "türkiye", "en": "market",
                           "azb": "و"}.items():  # fmt: skip
        found = search(archive, SearchRequest(query=word, languages=(language,)))
        assert found.total > 0, language
    answer = search(archive, SearchRequest(query="vergi borcu"))
    assert answer.hits and all(h["language"] == "az" for h in answer.hits)
    assert "vergi borcu" in answer.hits[0]["title"].lower()
    again = ingest(archive, [str(p) for p in files])
    assert again.unchanged == len(ids) and again.added == again.updated == 0
