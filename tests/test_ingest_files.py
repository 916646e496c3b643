"""Ingest of HTML pages (trafilatura), plain text and Markdown with front matter."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Cli

from xronika.archive import Archive
from xronika.errors import XronikaError
from xronika.ingest import ingest

PAGE = """<!doctype html>
<html lang="az"><head><meta charset="utf-8"><title>Vergi borcu artıb | Xəbər</title>
<link rel="canonical" href="https://xeber.example.az/iqtisadiyyat/vergi-borcu">
<meta property="article:published_time" content="2024-03-14T10:00:00+04:00">
<meta name="author" content="Aygün Məmmədova"></head>
<body><nav><a href="/">Ana səhifə</a> <a href="/idman">İdman</a></nav>
<article><h1>Vergi borcu artıb</h1>
<p>Azərbaycanda vergi borcu olan şirkətlərin sayı artıb. Bu barədə nazirlik məlumat yayıb.</p>
<p>Nazirlik bildirir ki, ödənişlər elektron qaydada aparıla bilər və sahibkarlar üçün rahatdır.</p>
</article><footer>Bütün hüquqlar qorunur</footer></body></html>"""


def test_an_html_page_becomes_one_article_without_its_boilerplate(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, "utf-8")
    result = cli("ingest", str(page))
    assert result.exit_code == 0 and "added 1" in result.stderr
    hit = cli.json("search", "vergi borcu", "--json")["hits"][0]
    article = cli.json("show", hit["id"], "--json")
    assert article["title"] == "Vergi borcu artıb"
    assert article["url"] == "https://xeber.example.az/iqtisadiyyat/vergi-borcu"
    assert article["published"] == "2024-03-14T10:00:00+04:00"
    assert article["authors"] == ["Aygün Məmmədova"]
    assert article["language"] == "az"
    assert "Ana səhifə" not in article["body"] and "hüquqlar" not in article["body"]
    assert article["body"].startswith("Azərbaycanda vergi borcu")


def test_a_page_without_article_text_is_a_failed_record(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text(
        "<html><head><title>Menu</title></head><body><nav><a href=/>Home</a></nav>"
        "<script>var shown = 1;</script></body></html>",
        "utf-8",
    )
    result = cli("ingest", str(page))
    assert "no article text" in result.stderr and "failed 1" in result.stderr


def test_markdown_with_front_matter(cli: Cli, tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text(
        "---\ntitle: Novruz bayramı\ndate: 2023-03-20\nlang: az\ntags: [bayram, Novruz]\n"
        "author: Leyla Həsənova\n---\n# Başlıq deyil\n\nBakıda **Novruz** bayramı "
        "[qeyd olundu](https://x.example).\n",
        "utf-8",
    )
    cli("ingest", str(note))
    [hit] = cli.json("search", "novruz", "--json")["hits"]
    article = cli.json("show", hit["id"], "--json")
    assert article["title"] == "Novruz bayramı" and article["published"] == "2023-03-20"
    assert article["tags"] == ["bayram", "Novruz"] and article["authors"] == ["Leyla Həsənova"]
    assert "**" not in article["body"] and "https://" not in article["body"]
    assert "title_derived" not in article


def test_plain_text_takes_its_first_line_as_title(cli: Cli, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Göygöl gölü\nGöygöl Gəncə yaxınlığında dağ gölüdür.\n", "utf-8")
    cli("ingest", str(note))
    [hit] = cli.json("search", "göygöl", "--json")["hits"]
    assert hit["title"] == "Göygöl gölü"


def test_text_in_a_legacy_encoding_is_reported_not_garbled(cli: Cli, tmp_path: Path) -> None:
    note = tmp_path / "old.txt"
    note.write_bytes("Заголовок\nТекст статьи.".encode("cp1251"))
    result = cli("ingest", str(note))
    assert "not valid UTF-8" in result.stderr and "failed 1" in result.stderr


def test_broken_front_matter_is_reported(cli: Cli, tmp_path: Path) -> None:
    note = tmp_path / "bad.md"
    note.write_text("---\ntitle: [unclosed\n---\nBody\n", "utf-8")
    result = cli("ingest", str(note))
    assert "front matter" in result.stderr and "failed 1" in result.stderr


def ingested(
    folder: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, list[str], dict[str, str]]:
    monkeypatch.setenv("XRONIKA_WORKERS", str(workers))
    archive = Archive.temporary()
    problems: list[XronikaError] = []
    try:
        report = ingest(archive, [str(folder)], problem=problems.append)
        stored = {s.article.id: str(s.provenance) for s in archive.store.iter_articles()}
    finally:
        archive.close()
    return report.summary(), [str(p) for p in problems], stored


def test_a_directory_of_pages_gives_the_same_result_with_one_worker_or_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(12):
        url = f"https://xeber.example.az/iqtisadiyyat/vergi-{n}"
        page = PAGE.replace("iqtisadiyyat/vergi-borcu", url.split("example.az/")[1])
        (pages / f"{n:02d}.html").write_text(page.replace("artıb.", f"artıb ({n})."), "utf-8")
    (pages / "07-menu.html").write_text("<html><body><nav>Menu</nav></body></html>", "utf-8")
    one = ingested(pages, 1, monkeypatch)
    two = ingested(pages, 2, monkeypatch)
    assert two == one
    summary, problems, stored = two
    assert summary == "added 12, updated 0, unchanged 0, failed 1"
    assert problems == [f"{pages / '07-menu.html'}: no article text found in the page "
                        "(is it an article page?)"]  # fmt: skip
    assert sorted(stored.values()) == sorted(str(p) for p in pages.glob("[0-9][0-9].html"))
