"""Ingest from the web: single URLs, polite crawls, re-crawls that cost nothing, bad answers.

Everything runs against our own small site (tests/website.py) on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Cli
from website import QUICK, Site, by_url, run

from xronika.archive import Archive
from xronika.ingest import ingest
from xronika.ingest.fetch import FetchPolicy, user_agent
from xronika.ingest.pages import listing_by_address, shape
from xronika.ingest.web import WebOptions

ARTICLE_PATHS = ("/az/neft-hasilati", "/ru/pogoda", "/tr/ekonomi", "/en/harbour", "/en/bridge")


def test_one_url_becomes_one_article(archive: Archive, site: Site) -> None:
    report, problems = run(archive, site.url("/az/neft-hasilati"))
    assert (report.added, report.failed, problems) == (1, 0, [])
    article = by_url(archive)[site.url("/az/neft-hasilati")]
    assert article["title"] == "Neft hasilatı artıb"
    assert article["language"] == "az"
    assert article["published"] == "2024-03-14T10:00:00+04:00"
    assert str(article["body"]).startswith("Azərbaycanda neft hasilatı")
    assert site.agents == {user_agent()}
    assert user_agent().startswith("xronika/") and "news archive" in user_agent()


def test_legacy_encodings_from_the_http_header_and_from_meta(archive: Archive, site: Site) -> None:
    report, _ = run(archive, site.url("/ru/pogoda"), site.url("/tr/ekonomi"))
    assert report.added == 2
    articles = by_url(archive)
    russian = articles[site.url("/ru/pogoda")]  # windows-1251, said only in Content-Type
    turkish = articles[site.url("/tr/ekonomi")]  # windows-1254, said only in <meta>
    assert russian["title"] == "Погода в Баку" and "тёплая" in str(russian["body"])
    assert turkish["title"] == "Ekonomide güçlü büyüme"
    assert "İstanbul'daki" in str(turkish["body"]) and "ağır" in str(turkish["body"])


def test_a_redirect_is_followed_and_the_final_url_kept(archive: Archive, site: Site) -> None:
    report, _ = run(archive, site.url("/old-url"))
    assert report.added == 1 and site.count("/old-url", 301) == 1
    assert list(by_url(archive)) == [site.url("/en/bridge")]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "HTTP 404"),
        ("/slow", "no answer within 0.5 s"),
        ("/huge", "over the size limit of 65,536 bytes"),
        ("/broken-gzip", "gzip data is truncated"),
        ("/image", "the server sent image/png"),
    ],
)
def test_a_bad_answer_is_a_clear_error_and_the_rest_goes_on(
    archive: Archive, site: Site, path: str, message: str
) -> None:
    report, problems = run(archive, site.url(path), site.url("/en/bridge"))
    assert report.added == 1 and report.failed == 1
    assert report.unreadable == [site.url(path)]
    [problem] = problems
    assert problem.startswith(site.url(path) + ": ") and message in problem


def test_nothing_stored_is_lost_when_a_page_fails_later(archive: Archive, site: Site) -> None:
    run(archive, site.url("/en/bridge"))
    site.failures["/en/bridge"] = [(404, {}, b"gone")]
    report, problems = run(archive, site.url("/en/bridge"))
    assert report.failed == 1 and "HTTP 404" in problems[0]
    assert site.url("/en/bridge") in by_url(archive)


def test_server_errors_and_429_are_retried(archive: Archive, site: Site) -> None:
    site.failures["/en/harbour"] = [(503, {}, b"busy"), (429, {"Retry-After": "0"}, b"slow")]
    patient = FetchPolicy(delay=0, timeout=0.5, retries=2, backoff=0)
    report, _ = run(archive, site.url("/en/harbour"), policy=patient)
    assert report.added == 1
    assert (site.count("/en/harbour", 503), site.count("/en/harbour", 429)) == (1, 1)


def test_a_crawl_stays_polite_and_skips_pages_that_are_not_articles(
    archive: Archive, site: Site
) -> None:
    report, problems = run(archive, site.url("/"), crawl=True)
    assert set(by_url(archive)) == {site.url(p) for p in ARTICLE_PATHS}
    assert report.added == 5
    assert site.fetched("/private/secret") == 0  # robots.txt disallows it
    assert site.fetched("/logo.png") == 0
    # the front page, the section front and the tag page are skipped; so is the private page
    assert report.skipped == 4
    assert report.failed == 1 and problems == [
        f"{site.url('/missing')}: HTTP 404 Not Found (the page is gone or the address is wrong)"
    ]
    assert all(n == 1 for n in site.hits.values()), site.hits  # nothing fetched twice


def test_a_recrawl_fetches_nothing_that_did_not_change(archive: Archive, site: Site) -> None:
    run(archive, site.url("/"), crawl=True)
    site.hits.clear()
    report, _ = run(archive, site.url("/"), crawl=True)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 5)
    pages = [*ARTICLE_PATHS, "/", "/news/", "/tag/neft"]
    assert [site.count(p, 200) for p in pages] == [0] * len(pages)
    assert [site.count(p, 304) for p in pages] == [1] * len(pages)


def test_a_changed_page_is_fetched_again_on_a_recrawl(archive: Archive, site: Site) -> None:
    run(archive, site.url("/en/bridge"))
    site.failures["/en/bridge"] = [
        (200, {"Content-Type": "text/html", "ETag": '"new"'}, _changed_bridge())
    ]
    report, _ = run(archive, site.url("/en/bridge"))
    assert report.updated == 1
    assert "new lamps" in str(by_url(archive)[site.url("/en/bridge")]["body"])


def _changed_bridge() -> bytes:
    from website import BRIDGE

    return BRIDGE.replace("careful repairs", "careful repairs and new lamps").encode()


def test_depth_and_page_limits(archive: Archive, site: Site) -> None:
    report, _ = run(archive, site.url("/"), crawl=True, depth=1)
    assert report.added == 2
    assert site.fetched("/ru/pogoda") == 0  # only linked from the section front, two deep
    assert site.url("/az/neft-hasilati") in by_url(archive)
    site.hits.clear()
    other = Archive.open(archive.folder.parent / "other")
    try:
        ingest(
            other, [site.url("/")], web_options=WebOptions(crawl=True, max_pages=3, policy=QUICK)
        )
        pages = sum(n for (p, _), n in site.hits.items() if p != "/robots.txt")
        assert pages == 3
    finally:
        other.close()


def test_robots_txt_is_obeyed_for_pages_named_by_a_crawl(archive: Archive, site: Site) -> None:
    report, _ = run(archive, site.url("/private/secret"), crawl=True)
    assert site.fetched("/private/secret") == 0 and report.skipped == 1


def test_list_pages_are_recognised_by_address_and_by_shape() -> None:
    assert listing_by_address("https://x.example/tag/neft")
    assert listing_by_address("https://x.example/category/sport/")
    assert listing_by_address("https://x.example/search?q=neft")
    assert listing_by_address("https://x.example/news?page=2")
    assert listing_by_address("https://x.example/")
    assert listing_by_address("https://x.example/2024/03/neft-hasilati") is None
    assert listing_by_address("https://x.example/?p=123") is None  # a WordPress post
    from website import AZ, SECTION

    url = "https://x.example/news/"
    assert shape(SECTION.encode(), url).listing
    assert shape(AZ.encode(), "https://x.example/az/neft").listing is None
    assert "https://x.example/en/harbour" in shape(SECTION.encode(), url).links  # no #fragment


def test_the_cli_ingests_a_url(tmp_path: Path, site: Site) -> None:
    cli = Cli(tmp_path / "data")
    result = cli("ingest", site.url("/az/neft-hasilati"), "--delay", "0", "--timeout", "2")
    assert result.exit_code == 0, result.output
    assert "added 1, updated 0, unchanged 0, failed 0" in result.stderr
    result = cli("ingest", site.url("/missing"), "--delay", "0")
    assert result.exit_code == 1 and "/missing: HTTP 404" in result.stderr
    assert "Traceback" not in result.output


def test_the_cli_crawls_and_refuses_a_bad_since(tmp_path: Path, site: Site) -> None:
    cli = Cli(tmp_path / "data")
    result = cli("ingest", site.url("/"), "--crawl", "--delay", "0", "--depth", "1")
    assert "added 2" in result.stderr and "skipped 4" in result.stderr, result.stderr
    result = cli("ingest", site.url("/"), "--since", "last week")
    assert result.exit_code == 2 and "--since" in result.stderr


def test_the_user_agent_names_the_archives_contact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XRONIKA_CONTACT", "mailto:archive@example.org")
    assert user_agent().endswith("(self-hosted news archive; +mailto:archive@example.org)")
