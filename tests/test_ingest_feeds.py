"""Ingest from feeds and sitemaps: each item's page fetched, the list's date used when needed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from conftest import Cli
from website import ATOM, NEWS, RSS, Site, by_url, run

from xronika.archive import Archive
from xronika.ingest.documents import kind_of_document
from xronika.ingest.feeds import read_feed
from xronika.ingest.sitemaps import read_sitemap
from xronika.ingest.sources import kind_of


def test_an_rss_feed_fetches_each_item_and_lends_its_date(archive: Archive, site: Site) -> None:
    report, problems = run(archive, site.url("/feed.rss"))
    assert (report.added, report.failed, problems) == (2, 0, [])
    articles = by_url(archive)
    # the harbour page states no date: the feed's pubDate stands in
    assert articles[site.url("/en/harbour")]["published"] == "2024-03-10T08:00:00+00:00"
    # the weather page states its own date, which wins over the feed's
    assert articles[site.url("/ru/pogoda")]["published"] == "2024-03-15"


def test_an_atom_feed(archive: Archive, site: Site) -> None:
    report, _ = run(archive, site.url("/feed.atom"))
    assert report.added == 2
    assert {site.url("/tr/ekonomi"), site.url("/az/neft-hasilati")} == set(by_url(archive))


def test_a_sitemap_index_with_a_news_sitemap_and_a_gzipped_urlset(
    archive: Archive, site: Site
) -> None:
    report, problems = run(archive, site.url("/sitemap_index.xml"))
    assert report.added == 4
    assert report.failed == 1 and problems == [
        f"{site.url('/en/ancient')}: HTTP 404 Not Found (the page is gone or the address is wrong)"
    ]
    harbour = by_url(archive)[site.url("/en/harbour")]
    assert harbour["published"] == "2024-03-10T09:30:00+04:00"  # news:publication_date


def test_since_skips_older_items_without_fetching_them(archive: Archive, site: Site) -> None:
    since = datetime(2024, 1, 1, tzinfo=UTC)
    report, problems = run(archive, site.url("/sitemap-news.xml"), since=since)
    assert (report.added, report.failed, report.skipped, problems) == (2, 0, 1, [])
    assert site.fetched("/en/ancient") == 0
    later = datetime(2024, 3, 12, tzinfo=UTC)
    report, _ = run(archive, site.url("/feed.rss"), since=later)
    assert site.fetched("/en/harbour") == 1  # once, by the sitemap run: the feed's is older


def test_a_broken_feed_is_a_clear_error_and_the_other_sources_go_on(
    archive: Archive, site: Site
) -> None:
    report, problems = run(archive, site.url("/broken.rss"), site.url("/feed.atom"))
    assert report.added == 2 and report.failed == 1
    assert report.unreadable == [site.url("/broken.rss")]
    assert problems[0].startswith(site.url("/broken.rss") + ": malformed feed")


def test_a_feed_item_that_is_not_a_page_fails_alone(archive: Archive, site: Site) -> None:
    feed = RSS.replace("/ru/pogoda", "/image")
    site.failures["/feed.rss"] = [
        (200, {"Content-Type": "application/rss+xml"}, feed.format(base=site.base).encode())
    ]
    report, problems = run(archive, site.url("/feed.rss"))
    assert report.added == 1 and report.failed == 1
    assert problems == [f"{site.url('/image')}: not an HTML page: the server sent image/png "
                        "(check the address)"]  # fmt: skip
    assert report.unreadable == []  # the feed itself was fine


def test_local_feed_and_sitemap_files_are_told_apart_from_wordpress_exports(
    archive: Archive, site: Site, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(ATOM.format(base=site.base), "utf-8")
    sitemap = tmp_path / "news.xml"
    sitemap.write_text(NEWS.format(base=site.base), "utf-8")
    assert kind_of(feed, feed.read_bytes()) == "feed"
    assert kind_of(sitemap, sitemap.read_bytes()) == "sitemap"
    report, _ = run(archive, str(feed), str(sitemap))
    assert report.added == 3 and report.failed == 1  # /en/ancient is a 404


def test_documents_are_recognised_by_their_root_element() -> None:
    wxr = b'<?xml version="1.0"?><!-- export --><rss xmlns:wp="http://wordpress.org/export/1.2/">'
    assert kind_of_document(wxr) == "wxr"
    assert kind_of_document(b"\xef\xbb\xbf<?xml version='1.0'?>\n<rss version='2.0'>") == "feed"
    assert kind_of_document(b'<feed xmlns="http://www.w3.org/2005/Atom">') == "feed"
    assert kind_of_document(b"<rdf:RDF xmlns:rdf='x'>") == "feed"
    assert kind_of_document(b"<sitemapindex>") == "sitemap"
    assert kind_of_document(b"<!DOCTYPE html><html><body>") == "html"
    assert kind_of_document(b"\x89PNG\r\n") is None


def test_feed_and_sitemap_readers_keep_what_they_can_of_damaged_input() -> None:
    damaged = NEWS.format(base="https://x.example").split("<url><loc>https://x.example/az")[0]
    listing = read_sitemap(damaged.encode())
    assert [i.url for i in listing.items] == ["https://x.example/en/harbour"]
    assert listing.problem and "malformed sitemap XML" in listing.problem
    assert read_feed(b"this is not a feed").problem


def test_the_cli_reads_a_feed_with_since(tmp_path: Path, site: Site) -> None:
    cli = Cli(tmp_path / "data")
    result = cli("ingest", site.url("/feed.rss"), "--delay", "0", "--since", "2024-03-12")
    assert result.exit_code == 0, result.output
    assert "added 1, updated 0, unchanged 0, failed 0, skipped 1" in result.stderr
