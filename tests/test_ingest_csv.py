"""Ingest of CSV and TSV: the header maps columns to article fields, `--map` when it does not."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import Cli

from xronika.archive import Archive
from xronika.errors import UsageError
from xronika.ingest import ingest
from xronika.ingest.tables import parse_map

PLAIN = (
    "title,body,published,language,tags,authors\n"
    'Bakıda qar yağdı,"Bakıda güclü qar yağıb, yollarda sıxlıq yaranıb.",2024-01-10,az,'
    "hava; qış,Aygün Məmmədova|Leyla Həsənova\n"
    "Снег в Москве,Москву засыпало снегом за одну ночь.,2024-01-11,ru,погода,\n"
)
FOREIGN = (
    "Headline;Text;Date;Keywords\n"
    "İhracat arttı;Türkiye'nin ihracatı geçen ay yüzde on arttı.;2024-02-01;ekonomi|ticaret\n"
    "Bad date;Bu satırın tarihi hatalı ve reddedilmeli.;01/02/2024;\n"
    "Enflasyon düştü;Yıllık enflasyon beklentilerin altında kaldı.;2024-02-03;ekonomi\n"
)


def stored(archive: Archive) -> dict[str, dict[str, object]]:
    return {s.article.title: s.article.to_json() for s in archive.store.iter_articles()}


def run(archive: Archive, path: Path, **mapping: str) -> tuple[object, list[str]]:
    problems: list[str] = []
    report = ingest(
        archive, [str(path)], problem=lambda e: problems.append(str(e)), mapping=mapping
    )
    return report, problems


@pytest.fixture
def archive() -> object:
    archive = Archive.temporary()
    yield archive
    archive.close()


def test_a_header_of_field_names_needs_no_map(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_bytes(b"\xef\xbb\xbf" + PLAIN.encode())  # with a BOM, as spreadsheets save it
    report, problems = run(archive, path)
    assert problems == [] and report.added == 2  # type: ignore[attr-defined]
    az = stored(archive)["Bakıda qar yağdı"]
    assert az["tags"] == ["hava", "qış"]
    assert az["authors"] == ["Aygün Məmmədova", "Leyla Həsənova"]
    assert az["published"] == "2024-01-10" and az["language"] == "az"
    assert stored(archive)["Снег в Москве"]["language"] == "ru"


def test_map_names_the_columns_and_a_bad_row_is_file_line_and_field(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "haber.csv"
    path.write_text(FOREIGN, "utf-8")
    report, problems = run(archive, path, title="Headline", body="Text", tags="Keywords")
    assert report.added == 2 and report.failed == 1  # type: ignore[attr-defined]
    assert problems[0].startswith(f"{path}:3: field 'published'")
    article = stored(archive)["İhracat arttı"]
    assert article["tags"] == ["ekonomi", "ticaret"] and article["published"] == "2024-02-01"


def test_without_a_body_column_the_error_says_how_to_map_it(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "haber.csv"
    path.write_text(FOREIGN.replace("Text", "Metin"), "utf-8")
    report, problems = run(archive, path)
    assert report.failed == 1 and "no column holds the article body" in problems[0]  # type: ignore[attr-defined]
    assert "--map body=COLUMN" in problems[0] and "'Metin'" in problems[0]


def test_a_map_to_a_missing_column_names_it(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "haber.csv"
    path.write_text(FOREIGN, "utf-8")
    _, problems = run(archive, path, body="Gövde")
    assert "no column named 'Gövde'" in problems[0]


def test_tsv_files_are_tab_separated(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "news.tsv"
    path.write_text("title\tbody\nA, B and C\tText with, commas; and semicolons here.\n", "utf-8")
    report, _ = run(archive, path)
    assert report.added == 1 and "A, B and C" in stored(archive)  # type: ignore[attr-defined]


def test_legacy_encoded_csv_is_refused_naming_the_line(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_bytes("title,body\nok,fine text here\nСнег,Москву засыпало\n".encode("cp1251"))
    report, problems = run(archive, path)
    assert report.added == 0 and f"{path}:3: not valid UTF-8" in problems[0]  # type: ignore[attr-defined]
    assert "UTF-8" in problems[0]


def test_a_gzip_bomb_is_refused_by_the_size_limit(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XRONIKA_MAX_FILE_BYTES", str(1024 * 1024))
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"title,body\n" + b"a" * (20 * 1024 * 1024)))
    assert path.stat().st_size < 100 * 1024
    report, problems = run(archive, path)
    assert report.failed == 1 and "decompresses to more than" in problems[0]  # type: ignore[attr-defined]


def test_a_gzipped_csv_is_read(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "news.csv.gz"
    path.write_bytes(gzip.compress(PLAIN.encode()))
    report, _ = run(archive, path)
    assert report.added == 2  # type: ignore[attr-defined]


def test_bad_csv_after_good_loses_nothing(archive: Archive, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(PLAIN, "utf-8")
    run(archive, good)
    before = {s.article.id: s.content_hash for s in archive.store.iter_articles()}
    bad = tmp_path / "bad.csv"
    bad.write_text('title,body\n"unclosed,quote\n', "utf-8")
    run(archive, bad)
    bad.write_bytes(b"title,body\n\xff\xfe,x\n")
    run(archive, bad)
    assert {s.article.id: s.content_hash for s in archive.store.iter_articles()} == before


def test_parse_map_reads_pairs_and_json_files(tmp_path: Path) -> None:
    assert parse_map(["title=Headline", "BODY=Text"]) == {"title": "Headline", "body": "Text"}
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"published": "Date"}), "utf-8")
    assert parse_map([str(path)]) == {"published": "Date"}
    with pytest.raises(UsageError, match="unknown article field"):
        parse_map(["headline=Headline"])
    with pytest.raises(UsageError, match="FIELD=COLUMN"):
        parse_map(["title"])


def test_the_cli_takes_map_options(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "haber.csv"
    path.write_text(FOREIGN, "utf-8")
    result = cli("ingest", str(path), "--map", "title=Headline", "--map", "body=Text")
    assert "added 2, updated 0, unchanged 0, failed 1" in result.stderr
    assert f"{path}:3: field 'published'" in result.stderr
    bad = cli("ingest", str(path), "--map", "nonsense=Headline")
    assert bad.exit_code == 2 and "unknown article field" in bad.stderr
