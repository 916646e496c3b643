"""Feeds and discovery: Atom read back by feedparser, OpenSearch, sitemaps and their index."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient

from xronika.archive import Archive
from xronika.web import create_app, discovery, xmldoc

Make = Callable[[list[dict[str, Any]]], Archive]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@pytest.fixture(scope="module")
def client(sample_archive: Archive) -> TestClient:
    return TestClient(create_app(sample_archive))


def read_feed(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def test_latest_feed_lists_the_newest_articles_with_links_and_dates(client: TestClient) -> None:
    feed = read_feed(client, "/feeds/latest.atom")
    entries = feed.entries
    assert entries[0].link == "http://testserver/articles/sample-az-006"
    published = [e.published_parsed for e in entries if "published_parsed" in e]
    assert published == sorted(published, reverse=True)
    first = entries[0]
    assert first.title.startswith("Qara Yanvar: otuz beş il sonra")
    assert first.summary and first.updated_parsed
    assert {t.term for t in first.tags} >= {"Tarix"}
    assert any(link.rel == "related" for link in first.links)
    assert feed.feed.links[0].rel == "self"


def test_section_feed_has_only_that_section(client: TestClient) -> None:
    feed = read_feed(client, "/feeds/sections/Tarix.atom")
    assert feed.entries and all("Tarix" in {t.term for t in e.tags} for e in feed.entries)
    assert client.get("/feeds/sections/Tarix%20Nope.atom").status_code == 404


def test_search_feed_is_a_saved_search_newest_first(client: TestClient) -> None:
    feed = read_feed(client, "/search.atom?q=%C5%9F%C9%99hid&lang=az")
    ids = [e.link.rsplit("/", 1)[1] for e in feed.entries]
    assert ids and all(i.startswith("sample-az") for i in ids)
    published = [e.published_parsed for e in feed.entries]
    assert published == sorted(published, reverse=True)
    assert "şəhid" in feed.feed.title
    bad = client.get("/search.atom", params={"q": "x", "from": "nope"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_request"


def test_feeds_stay_well_formed_whatever_the_text_holds(make_archive: Make) -> None:
    archive = make_archive(
        [
            {
                "id": "odd/1 & <2>",
                "title": 'Control \x0b chars & <tags> "quoted"',
                "body": "A body with \x01 a control character and ]]> and &amp;.",
                "published": "2020-01-01",
                "language": "en",
                "section": "A & B",
            }
        ]
    )
    feed = read_feed(TestClient(create_app(archive)), "/feeds/latest.atom")
    entry = feed.entries[0]
    assert entry.title == 'Control chars & <tags> "quoted"'
    assert "]]> and &amp;." in entry.summary
    assert entry.link.endswith("/articles/odd%2F1%20%26%20%3C2%3E")


def test_characters_xml_forbids_are_dropped() -> None:
    assert xmldoc.text("a\x01b\x0bc\ufffed\te\nf") == "abcd\te\nf"


def test_opensearch_description_offers_search_feeds_and_suggestions(client: TestClient) -> None:
    response = client.get("/opensearch.xml")
    assert response.headers["content-type"].startswith("application/opensearchdescription+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    templates = {u.get("type"): u.get("template") for u in root.iter(f"{OPENSEARCH}Url")}
    assert templates["text/html"] == "http://testserver/search?q={searchTerms}"
    assert "/api/suggest?format=opensearch" in str(templates["application/x-suggestions+json"])
    assert "/search.atom" in str(templates["application/atom+xml"])
    assert 'rel="search" type="application/opensearchdescription+xml"' in client.get("/").text


def test_sitemap_lists_every_article_with_lastmod(
    client: TestClient, sample_archive: Archive
) -> None:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    assert root.tag == f"{SITEMAP}urlset"
    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    articles = [loc for loc in urls if loc and "/articles/" in loc]
    assert len(articles) == sample_archive.store.count()
    assert all(urls[loc] for loc in articles)
    assert "http://testserver/archive/2020" in urls


def test_a_large_archive_gets_a_sitemap_index(
    client: TestClient, sample_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discovery, "SITEMAP_LIMIT", 20)
    root = ET.fromstring(client.get("/sitemap.xml").content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    locs = [s.findtext(f"{SITEMAP}loc") or "" for s in root]
    count = sample_archive.store.count()
    assert len(locs) == 1 + -(-count // 20)
    assert all(
        s.findtext(f"{SITEMAP}lastmod")
        for s in root
        if "articles-" in (s.findtext(f"{SITEMAP}loc") or "")
    )
    seen = []
    for loc in locs[1:]:
        page = ET.fromstring(client.get(loc.replace("http://testserver", "")).content)
        assert len(page) <= 20
        seen += [u.findtext(f"{SITEMAP}loc") for u in page]
    assert len(seen) == len(set(seen)) == count
    assert client.get("/sitemaps/articles-99.xml").status_code == 404
    assert client.get("/sitemaps/pages.xml").status_code == 200


def test_robots_txt_points_to_the_sitemap(client: TestClient) -> None:
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").text
