"""Ingest of JSONL and JSON arrays: counts, idempotence, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cli, write_jsonl

GOOD = [
    {"id": "g1", "title": "Bakıda qar yağdı", "body": "Bakıda güclü qar yağıb.", "language": "az",
     "published": "2024-01-20"},
    {"id": "g2", "title": "Snow in Baku", "body": "Heavy snow fell in Baku.", "language": "en"},
]  # fmt: skip


def summary(result_stderr: str) -> str:
    return result_stderr.strip().splitlines()[-1]


def test_ingest_ends_with_the_summary_line_and_is_idempotent(cli: Cli, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", GOOD)
    first = cli("ingest", str(source))
    assert first.exit_code == 0
    assert summary(first.stderr) == "added 2, updated 0, unchanged 0, failed 0"
    again = cli("ingest", str(source))
    assert summary(again.stderr) == "added 0, updated 0, unchanged 2, failed 0"


def test_a_changed_article_is_counted_as_updated(cli: Cli, tmp_path: Path) -> None:
    cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", GOOD)))
    changed = [dict(GOOD[0], body="Bakıda qar yağmağa davam edir."), GOOD[1]]
    result = cli("ingest", str(write_jsonl(tmp_path / "b.jsonl", changed)))
    assert summary(result.stderr) == "added 0, updated 1, unchanged 1, failed 0"
    assert cli.json("show", "g1", "--json")["body"] == "Bakıda qar yağmağa davam edir."


BAD_LINES = [
    ("{not json", "malformed JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"id": "x1", "title": "No body"}', "field 'body' is missing"),
    ('{"id": "x2", "body": "   "}', "field 'body' is empty"),
    ('{"id": "x3", "body": "Text", "published": "20.01.1990"}', "field 'published'"),
    ('{"id": "x4", "body": "Text", "tags": "ok", "authors": [1]}', "field 'authors'"),
    ('{"id": "x5", "body": 12}', "field 'body' must be a string"),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES)
def test_a_bad_line_is_reported_with_file_and_line_and_the_rest_goes_in(
    cli: Cli, tmp_path: Path, line: str, message: str
) -> None:
    source = tmp_path / "mixed.jsonl"
    good = [json.dumps(r, ensure_ascii=False) for r in GOOD]
    source.write_text("\n".join([good[0], line, good[1]]) + "\n", "utf-8")
    result = cli("ingest", str(source))
    assert result.exit_code == 0
    assert f"{source}:2" in result.stderr and message in result.stderr
    assert summary(result.stderr) == "added 2, updated 0, unchanged 0, failed 1"
    assert "Traceback" not in result.output


def test_undecodable_bytes_on_one_line_fail_that_line_only(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "bytes.jsonl"
    lines = [
        json.dumps(GOOD[0]).encode(),
        b'{"id": "b", "body": "caf\xe9"}',
        json.dumps(GOOD[1]).encode(),
    ]
    source.write_bytes(b"\n".join(lines))
    result = cli("ingest", str(source))
    assert result.exit_code == 0
    assert f"{source}:2" in result.stderr and "not valid UTF-8" in result.stderr
    assert summary(result.stderr).endswith("failed 1")


def test_a_bad_record_never_changes_what_is_stored(cli: Cli, tmp_path: Path) -> None:
    cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", GOOD)))
    before = cli.json("show", "g1", "--json")
    broken = dict(GOOD[0], body="Other text", published="not a date")
    result = cli("ingest", str(write_jsonl(tmp_path / "b.jsonl", [broken])))
    assert summary(result.stderr) == "added 0, updated 0, unchanged 0, failed 1"
    assert cli.json("show", "g1", "--json") == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\x02binary\x00", "binary")],
)
def test_an_unreadable_file_exits_1_and_the_other_sources_still_go_in(
    cli: Cli, tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    good = write_jsonl(tmp_path / "good.jsonl", GOOD)
    result = cli("ingest", str(bad), str(good))
    assert result.exit_code == 1
    assert str(bad) in result.stderr and message in result.stderr
    assert summary(result.stderr).startswith("added 2,")
    assert "Traceback" not in result.output


def test_a_missing_path_exits_1(cli: Cli, tmp_path: Path) -> None:
    result = cli("ingest", str(tmp_path / "nowhere.jsonl"))
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_a_file_over_the_size_limit_is_refused(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XRONIKA_MAX_FILE_BYTES", "50")
    result = cli("ingest", str(write_jsonl(tmp_path / "big.jsonl", GOOD)))
    assert result.exit_code == 1 and "over the limit" in result.stderr


def test_no_source_is_a_usage_error(cli: Cli) -> None:
    assert cli("ingest").exit_code == 2


def test_json_arrays_directories_and_globs(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "in" / "deep"
    folder.mkdir(parents=True)
    (folder / "array.json").write_text(json.dumps([GOOD[0]], ensure_ascii=False), "utf-8")
    write_jsonl(tmp_path / "in" / "one.jsonl", [GOOD[1]])
    (tmp_path / "in" / "ignored.png").write_bytes(b"\x89PNG\x00")
    assert summary(cli("ingest", str(tmp_path / "in")).stderr).startswith("added 2,")
    glob = str(tmp_path / "in" / "**" / "*.json")
    assert summary(cli("ingest", glob).stderr).startswith("added 0, updated 0, unchanged 1")


def test_what_a_record_leaves_out_is_derived_and_marked(cli: Cli, tmp_path: Path) -> None:
    records = [
        {"body": "Сумгаитда јени мәктәб ачылды. Мәктәбдә мин шаҝирд охујаҹаг."},
        {"body": "В Москве открылась новая выставка современного искусства."},
        {"body": "The old library reopened its doors on Monday after a long renovation."},
    ]
    cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", records)))
    exported = [json.loads(line) for line in cli("export").stdout.splitlines()]
    by_script = {(r["language"], r["script"]) for r in exported}
    assert by_script == {("az", "Cyrl"), ("ru", "Cyrl"), ("en", "Latn")}
    for record in exported:
        assert record["title_derived"] is True and record["id"].startswith("c-")
        assert "published" not in record  # never an invented date
    titles = {r["title"] for r in exported}
    assert "Сумгаитда јени мәктәб ачылды." in titles


def test_a_big_file_is_read_in_chunks_and_keeps_its_line_numbers(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    lines = [
        json.dumps({"id": f"b{n}", "title": f"Xəbər {n}", "body": f"Mətn {n}.", "language": "az"})
        for n in range(1, 4501)
    ]
    lines[2499] = "{broken"  # line 2500, in the second chunk of 2000 lines
    source.write_text("\n".join(lines) + "\n", "utf-8")
    result = cli("ingest", str(source))
    assert f"{source}:2500: malformed JSON" in result.stderr
    assert summary(result.stderr) == "added 4499, updated 0, unchanged 0, failed 1"
