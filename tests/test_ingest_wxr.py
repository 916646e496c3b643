"""Ingest of WordPress exports (WXR): published posts become articles, the rest is skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xronika.archive import Archive
from xronika.ingest import ingest

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Gündəm Xəbər</title><link>https://gundem.example.az</link><language>az-AZ</language>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login><![CDATA[aygun]]></wp:author_login>
<wp:author_display_name><![CDATA[Aygün Məmmədova]]></wp:author_display_name></wp:author>
<wp:author><wp:author_login><![CDATA[leyla]]></wp:author_login>
<wp:author_display_name><![CDATA[Leyla Həsənova]]></wp:author_display_name></wp:author>
"""


def item(
    title: str,
    slug: str,
    content: str,
    *,
    author: str = "aygun",
    kind: str = "post",
    status: str = "publish",
    gmt: str = "2024-03-14 06:00:00",
    local: str = "2024-03-14 10:00:00",
    terms: str = "",
) -> str:
    return f"""<item><title>{title}</title>
<link>https://gundem.example.az/{slug}/</link>
<guid isPermaLink="false">https://gundem.example.az/?p={len(slug)}</guid>
<dc:creator><![CDATA[{author}]]></dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<wp:post_date><![CDATA[{local}]]></wp:post_date>
<wp:post_date_gmt><![CDATA[{gmt}]]></wp:post_date_gmt>
<wp:status><![CDATA[{status}]]></wp:status>
<wp:post_type><![CDATA[{kind}]]></wp:post_type>
{terms}</item>
"""


ECONOMY = (
    '<category domain="category" nicename="iqtisadiyyat"><![CDATA[İqtisadiyyat]]></category>'
    '<category domain="category" nicename="xeber"><![CDATA[Xəbər]]></category>'
    '<category domain="post_tag" nicename="neft"><![CDATA[neft]]></category>'
    '<category domain="post_tag" nicename="bazar"><![CDATA[bazar]]></category>'
)
EXPORT = (
    HEAD
    + item(
        "Neft bahalaşıb",
        "neft-bahalasib",
        "<p>Dünya bazarında neft qiymətləri yüksəlib.</p><p>Ekspertlər artımın davam "
        "edəcəyini <strong>gözləyir</strong>.</p><script>alert(1)</script>",
        terms=ECONOMY,
    )
    + item(
        "Bakıda bahar",
        "bakida-bahar",
        "Bakıda havalar isinir və parklar dolub.\n\nSakinlər istirahət günlərini açıq "
        "havada keçirir.",
        author="leyla",
        gmt="0000-00-00 00:00:00",
        local="2024-03-20 18:30:00",
    )
    + item(
        "Qaralama",
        "qaralama",
        "<p>Hələ yazılmamış yazının mətni burada olacaq.</p>",
        status="draft",
        gmt="0000-00-00 00:00:00",
    )
    + item(
        "Gizli",
        "gizli",
        "<p>Yalnız redaksiyanın görə biləcəyi qeydlər burada.</p>",
        status="private",
    )
    + item("logo.png", "logo", "", kind="attachment", status="inherit")
    + "</channel></rss>\n"
)


@pytest.fixture
def archive() -> Any:
    archive = Archive.temporary()
    yield archive
    archive.close()


def run(archive: Archive, path: Path) -> tuple[Any, list[str]]:
    problems: list[str] = []
    report = ingest(archive, [str(path)], problem=lambda e: problems.append(str(e)))
    return report, problems


def by_title(archive: Archive) -> dict[str, dict[str, Any]]:
    return {s.article.title: s.article.to_json() for s in archive.store.iter_articles()}


def test_published_posts_become_articles_and_the_rest_is_skipped(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "export.xml"
    path.write_text(EXPORT, "utf-8")
    report, problems = run(archive, path)
    assert problems == []
    assert (report.added, report.failed, report.skipped) == (2, 0, 3)
    assert set(by_title(archive)) == {"Neft bahalaşıb", "Bakıda bahar"}


def test_post_fields_come_from_the_export(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(EXPORT, "utf-8")
    run(archive, path)
    oil = by_title(archive)["Neft bahalaşıb"]
    assert oil["url"] == "https://gundem.example.az/neft-bahalasib/"
    assert oil["published"] == "2024-03-14T06:00:00+00:00"
    assert oil["section"] == "İqtisadiyyat" and oil["tags"] == ["neft", "bazar"]
    assert oil["authors"] == ["Aygün Məmmədova"] and oil["language"] == "az"
    assert oil["source"] == "Gündəm Xəbər"
    assert oil["body"] == (
        "Dünya bazarında neft qiymətləri yüksəlib.\n\nEkspertlər artımın davam edəcəyini gözləyir."
    )
    spring = by_title(archive)["Bakıda bahar"]
    assert spring["published"] == "2024-03-20T18:30:00"  # no GMT date: local, no zone
    assert spring["authors"] == ["Leyla Həsənova"]
    assert spring["body"].count("\n\n") == 1


def test_entities_are_not_expanded_and_nothing_is_fetched(archive: Archive, tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY ext SYSTEM "http://127.0.0.1:9/secret">]>'
    )
    path = tmp_path / "bomb.xml"
    path.write_text(bomb + EXPORT.split("?>", 1)[1].replace("Neft bahalaşıb", "&c;&ext;"), "utf-8")
    report, _ = run(archive, path)
    for article in by_title(archive).values():
        assert "aaaaaaaaaa" not in article["title"] and "secret" not in article["body"]
    assert report.failed + report.added >= 1


def test_an_xml_file_that_is_not_an_export_is_a_clear_error(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<?xml version='1.0'?><root><x/></root>", "utf-8")
    report, problems = run(archive, path)
    assert report.failed == 1 and "not a WordPress export" in problems[0]


def test_a_truncated_export_loses_nothing_stored(archive: Archive, tmp_path: Path) -> None:
    good = tmp_path / "export.xml"
    good.write_text(EXPORT, "utf-8")
    run(archive, good)
    before = {s.article.id: s.content_hash for s in archive.store.iter_articles()}
    cut = tmp_path / "cut.xml"
    cut.write_text(EXPORT[: len(EXPORT) // 2], "utf-8")
    report, problems = run(archive, cut)
    assert (
        report.failed == 1 and problems[0].startswith(f"{cut}:") and "malformed XML" in problems[0]
    )
    assert {s.article.id: s.content_hash for s in archive.store.iter_articles()} == before
