"""Ingest from the web: single URLs, polite crawls, re-crawls that cost nothing, bad answers.

Everything runs against our own small site (tests/website.py) on 127.0.0.1. Politeness is
checked from the server's side: the pauses it saw between requests are at least what
--delay, Crawl-delay or Retry-After asked for (a lower bound, never a speed).
"""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path

import pytest
from conftest import Cli
from website import BRIDGE, QUICK, Site, by_url, run

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


def test_since_skips_crawled_pages_published_before_it_and_follows_their_links(
    archive: Archive, site: Site
) -> None:
    # The old bridge story (2024-03-12) is the only way to the new pier story (2024-03-20).
    linked = BRIDGE.replace("</article>", '<p><a href="/en/pier">The new pier</a></p></article>')
    site.failures["/en/bridge"] = [(200, {"Content-Type": "text/html"}, linked.encode())]
    since = datetime(2024, 3, 15, tzinfo=UTC)
    report, problems = run(archive, site.url("/"), crawl=True, since=since)
    kept = {"/ru/pogoda", "/tr/ekonomi", "/en/harbour", "/en/pier"}  # 03-15, 03-16, undated
    assert set(by_url(archive)) == {site.url(p) for p in kept}
    assert site.fetched("/en/pier") == 1  # reached through the skipped bridge story
    # skipped: the front, section and tag pages, the private page, and the two older stories
    assert (report.added, report.skipped, report.failed) == (4, 6, 1), problems
    # Nothing is lost: a run without --since fetches the older stories again and keeps them.
    report, _ = run(archive, site.url("/"), crawl=True)
    assert (report.added, report.unchanged) == (2, 3)
    assert site.count("/az/neft-hasilati", 200) == 2 and site.count("/en/bridge", 200) == 2


def test_the_cli_passes_since_to_a_crawl(tmp_path: Path, site: Site) -> None:
    cli = Cli(tmp_path / "data")
    args = ("--crawl", "--delay", "0", "--depth", "1", "--since", "2024-03-15")
    result = cli("ingest", site.url("/"), *args)
    assert result.exit_code == 0, result.output
    assert "added 0, updated 0, unchanged 0, failed 1, skipped 6" in result.stderr


def test_requests_to_one_host_wait_the_delay_between_them(archive: Archive, site: Site) -> None:
    polite = FetchPolicy(delay=0.25, timeout=2, retries=0, backoff=0)
    report, _ = run(archive, site.url("/"), crawl=True, depth=1, policy=polite)
    assert report.added == 2
    paths = [path for _, path in site.arrivals]
    assert paths[:2] == ["/robots.txt", "/"] and "/en/bridge" in paths  # after a redirect
    pauses = site.pauses()
    assert len(pauses) == 7 and all(pause >= 0.25 for pause, *_ in pauses), pauses


def test_robots_txt_crawl_delay_is_honoured(archive: Archive, site: Site) -> None:
    # A fractional delay: the standard library's parser alone would ignore it.
    robots = "User-agent: *\nCrawl-delay: 0.6\nDisallow: /private/\n"
    site.failures["/robots.txt"] = [(200, {"Content-Type": "text/plain"}, robots.encode())]
    report, problems = run(archive, site.url("/"), crawl=True, max_pages=3)  # --delay 0
    assert problems == [] and report.skipped >= 1
    pauses = site.pauses()
    assert len(pauses) >= 3, site.arrivals  # robots.txt and three pages, or a redirect more
    assert all(pause >= 0.6 for pause, *_ in pauses), pauses


def test_a_crawl_delay_longer_than_xronika_waits_keeps_the_site_out(
    archive: Archive, site: Site
) -> None:
    robots = b"User-agent: *\nCrawl-delay: 86400\n"
    site.failures["/robots.txt"] = [(200, {"Content-Type": "text/plain"}, robots)]
    report, problems = run(archive, site.url("/"), crawl=True)
    assert [path for _, path in site.arrivals] == ["/robots.txt"]
    assert report.added == 0 and report.failed == 1
    assert problems == [
        f"{site.url('/robots.txt')}: robots.txt asks for 86,400 s between requests, longer "
        "than xronika waits (60 s): the site is not crawled (ask the site for a feed or a "
        "sitemap, or for a shorter Crawl-delay)"
    ]


def _http_date(seconds_from_now: int) -> str:
    return formatdate(math.ceil(time.time()) + seconds_from_now, usegmt=True)


@pytest.mark.parametrize(("status", "after"), [(429, "1"), (503, "date")])
def test_retry_after_is_waited_before_the_next_try(
    archive: Archive, site: Site, status: int, after: str
) -> None:
    # A date 3 s ahead when written: at least 1 s ahead still however slow the first request.
    value = _http_date(3) if after == "date" else after
    site.failures["/en/harbour"] = [(status, {"Retry-After": value}, b"busy")]
    patient = FetchPolicy(delay=0, timeout=2, retries=1, backoff=0)
    report, problems = run(archive, site.url("/en/harbour"), policy=patient)
    assert (report.added, problems) == (1, [])
    assert site.count("/en/harbour", status) == 1 and site.count("/en/harbour", 200) == 1
    [(pause, first, second)] = site.pauses()
    assert (first, second) == ("/en/harbour", "/en/harbour") and pause >= 1.0


@pytest.mark.parametrize("after", ["86400", "date"])
def test_a_retry_after_past_the_cap_is_reported_not_waited_for(
    archive: Archive, site: Site, after: str
) -> None:
    value = _http_date(86400) if after == "date" else after
    site.failures["/en/harbour"] = [(503, {"Retry-After": value}, b"down for the day")]
    patient = FetchPolicy(delay=0, timeout=2, retries=5, backoff=0)
    report, problems = run(archive, site.url("/en/harbour"), site.url("/en/bridge"), policy=patient)
    assert (report.added, report.failed) == (1, 1)
    assert site.fetched("/en/harbour") == 1  # given up at once, not retried
    [problem] = problems
    assert problem.startswith(site.url("/en/harbour") + ": HTTP 503 Service Unavailable, ")
    # (a whole-second HTTP date a day ahead is a day away give or take a second when read)
    assert re.search(r"Retry-After 86,(39\d|40[01]) s: longer than xronika waits \(60 s\)", problem)
