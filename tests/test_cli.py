"""The CLI end to end: show, delete, export/ingest round trip, stats, check, reindex, README."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import ROOT, Cli, write_jsonl

RECORDS = [
    {"id": "c1", "title": "Qara Yanvar", "body": "1990-cı il yanvarın 20-də Bakıda faciə baş verdi.",
     "published": "1990-01-20", "language": "az", "script": "Latn", "section": "Tarix",
     "tags": ["20 Yanvar"], "authors": ["Elnur Quliyev"], "source": "Xəbər", "group": "g:1"},
    {"id": "c2", "title": "Black January", "body": "On 20 January 1990 a tragedy happened in Baku.",
     "published": "1990-01-20T09:00:00+04:00", "language": "en", "group": "g:1",
     "url": "https://news.example/black-january"},
    {"body": "Без заголовка. Текст короткой заметки о погоде в Баку."},
]  # fmt: skip


def test_export_then_ingest_into_a_new_archive_gives_identical_articles(
    cli: Cli, tmp_path: Path
) -> None:
    cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", RECORDS)))
    exported = cli("export").stdout
    (tmp_path / "export.jsonl").write_text(exported, "utf-8")
    other = Cli(tmp_path / "other")
    result = other("ingest", str(tmp_path / "export.jsonl"))
    assert "added 3, updated 0, unchanged 0, failed 0" in result.stderr
    assert other("export").stdout == exported
    assert len(exported.splitlines()) == 3


def test_show_prints_an_article_and_fails_clearly_for_an_unknown_id(
    cli: Cli, tmp_path: Path
) -> None:
    cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", RECORDS)))
    assert cli.json("show", "c1", "--json")["tags"] == ["20 Yanvar"]
    assert "Qara Yanvar" in cli("show", "c1").stdout
    missing = cli("show", "nope")
    assert missing.exit_code == 1 and "no article with id 'nope'" in missing.stderr


def test_delete_removes_from_store_and_index(cli: Cli, tmp_path: Path) -> None:
    cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", RECORDS)))
    assert cli("delete", "c2").exit_code == 0
    assert cli.json("search", "tragedy", "--json")["total"] == 0
    assert cli("check").exit_code == 0
    assert cli("delete", "c2").exit_code == 1


def test_stats_count_by_language_year_and_source(cli: Cli, tmp_path: Path) -> None:
    cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", RECORDS)))
    stats = cli.json("stats", "--json")
    assert stats["articles"] == 3
    assert stats["by_language"] == {"az": 1, "en": 1, "ru": 1}
    assert stats["by_year"]["1990"] == 2 and stats["store_bytes"] > 0 and stats["index_bytes"] > 0


def test_check_and_reindex(cli: Cli, tmp_path: Path) -> None:
    cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", RECORDS)))
    assert cli("check").exit_code == 0
    import shutil

    shutil.rmtree(cli.folder / "index")
    # A data folder whose index is gone is rebuilt from the store when opened.
    assert cli("check").exit_code == 0
    assert "indexed 3 articles" in cli("reindex").stderr


def test_search_json_from_the_cli(cli: Cli, tmp_path: Path) -> None:
    cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", RECORDS)))
    result = cli.json("search", "baku", "--json", "--lang", "en")
    assert [h["id"] for h in result["hits"]] == ["c2"]
    plain = cli("search", "baku")
    assert plain.exit_code == 0 and "Black January" in plain.stdout


def test_queries_file_answers_one_json_object_per_line(cli: Cli, tmp_path: Path) -> None:
    cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", RECORDS)))
    queries = tmp_path / "q.txt"
    queries.write_text("baku\ntragedy\n\nnothing-here\n", "utf-8")
    lines = cli("search", "--queries", str(queries)).stdout.splitlines()
    totals = [json.loads(line)["total"] for line in lines]
    assert len(totals) == 3 and totals[0] >= 1 and totals[1] == 1


def test_searching_a_folder_without_an_archive_is_a_clear_error(cli: Cli) -> None:
    result = cli("search", "anything")
    assert result.exit_code == 2 and "no archive in" in result.stderr


def test_the_readme_quick_start_is_exactly_the_two_make_targets() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    quick = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^\$ (.+)$", quick, flags=re.MULTILINE)
    assert commands == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert re.search(r"^run:", makefile, re.MULTILINE) and re.search(
        r"^test:", makefile, re.MULTILINE
    )
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "make test" in ci


def test_every_setting_is_documented_in_the_readme() -> None:
    from xronika.settings import SETTINGS

    readme = (ROOT / "README.md").read_text("utf-8")
    for setting in SETTINGS:
        assert setting.env in readme, setting.env
