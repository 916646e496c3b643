"""The reading room's HTML pages, in-process: home, search, article, and what they must not do."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from xronika.archive import Archive
from xronika.web import create_app
from xronika.web.templating import marked

Make = Callable[[list[dict[str, Any]]], Archive]
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture(scope="module")
def client(sample_archive: Archive) -> TestClient:
    return TestClient(create_app(sample_archive), headers=ENGLISH)


class Links(HTMLParser):
    """Every href on a page, and the text of the elements with a given attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.lang_of: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("href"):
            self.hrefs.append(str(found["href"]))
        self._open.append((tag, found.get("lang")))

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        text = data.strip()
        langs = [lang for _, lang in self._open if lang]
        if text and langs:
            self.lang_of.setdefault(text, langs[-1])


def parsed(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


# -- home -------------------------------------------------------------------------------


def test_home_has_search_latest_sections_calendar_and_on_this_day(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert 'role="search"' in html and 'name="q"' in html
    assert "Latest articles" in html
    # The newest article of the sample (2025-01-20) leads the list.
    assert html.index("Qara Yanvar: otuz beş il sonra") < html.index("Lankaran tea growers")
    assert "/search?section=Tarix&amp;sort=newest" in html
    assert '<table class="calendar">' in html and "January 2025" in html
    assert 'href="/archive/2025/01/20"' in html
    assert "teaser-heading" in html


def test_every_page_has_landmarks_a_skip_link_and_one_h1(client: TestClient) -> None:
    for url in ("/", "/search?q=baku", "/articles/sample-az-003", "/archive/2020/01", "/nope"):
        html = client.get(url).text
        assert '<a class="skip-link" href="#content">' in html, url
        assert '<main id="content"' in html and "<header" in html and "<footer" in html, url
        assert len(re.findall(r"<h1[ >]", html)) == 1, url
        assert '<html lang="en">' in html, url


def test_pages_forbid_inline_scripts_and_say_their_language(client: TestClient) -> None:
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["content-language"] == "en"
    assert "Accept-Language" in page.headers["vary"]
    assert "<script>" not in page.text and "style=" not in page.text


# -- search -----------------------------------------------------------------------------


def test_search_shows_highlighted_hits_with_date_source_and_language(client: TestClient) -> None:
    html = client.get("/search", params={"q": "şəhid"}).text
    assert "<mark>" in html
    assert "articles found" in html
    assert "Xəbər Günü" in html and "Azerbaijani" in html
    assert '<time datetime="2000-01-20">January 20, 2000</time>' in html


def test_facets_add_filters_with_counts_and_active_filters_can_be_removed(
    client: TestClient,
) -> None:
    html = client.get("/search", params={"q": "Bakı"}).text
    assert re.search(
        r'href="/search\?q=Bak%C4%B1&amp;lang=az">Azerbaijani</a> <span class="count">\d+', html
    )
    filtered = client.get("/search", params={"q": "Bakı", "lang": "az", "year": "1990"}).text
    assert "Remove filter: Language: Azerbaijani" in filtered
    # The removal link keeps the other filter and drops this one.
    assert (
        'href="/search?q=Bak%C4%B1&amp;year=1990" aria-label="Remove filter: Language' in filtered
    )
    assert 'href="/search?q=Bak%C4%B1" ' in filtered or 'href="/search?q=Bak%C4%B1">' in filtered
    only_az = client.get("/api/search", params={"q": "Bakı", "lang": "az", "year": "1990"}).json()
    assert only_az["total"] >= 1 and all(h["language"] == "az" for h in only_az["hits"])


def test_sort_and_pagination_links_keep_the_query_and_filters(client: TestClient) -> None:
    html = client.get("/search", params={"q": "Bakı", "per_page": "5", "sort": "newest"}).text
    assert 'aria-current="true">Newest' in html
    assert 'href="/search?q=Bak%C4%B1&amp;sort=newest&amp;page=2&amp;per_page=5" rel="next"' in html
    second = client.get("/search", params={"q": "Bakı", "per_page": "5", "page": "2"}).text
    assert 'rel="prev"' in second and '<ol class="hits" start="6">' in second


def test_did_you_mean_offers_a_spelling_the_archive_has(client: TestClient) -> None:
    result = client.get("/api/search", params={"q": "xiyabanna"}).json()
    html = client.get("/search", params={"q": "xiyabanna"}).text
    assert result["suggestion"]
    assert "Did you mean" in html and result["suggestion"] in html


def test_no_results_page_says_what_to_try(client: TestClient) -> None:
    html = client.get("/search", params={"q": "qwzxv", "lang": "az"}).text
    assert "Nothing found for" in html
    assert "Search without the filters" in html and 'href="/search?q=qwzxv"' in html
    assert "sehid also finds" in html and 'href="/archive"' in html


def test_a_bad_date_range_shows_the_form_again_with_what_is_wrong(client: TestClient) -> None:
    page = client.get("/search", params={"q": "baku", "from": "1990-13"})
    assert page.status_code == 400
    assert 'role="alert"' in page.text and "is not YYYY, YYYY-MM or YYYY-MM-DD" in page.text
    assert 'name="from" value="1990-13"' in page.text


def test_a_page_too_deep_is_refused_not_searched(client: TestClient) -> None:
    page = client.get("/search", params={"q": "baku", "page": "5000", "per_page": "100"})
    assert page.status_code == 400 and "deeper than searches go" in page.text


def test_the_date_range_form_carries_the_query_and_filters(client: TestClient) -> None:
    html = client.get("/search", params={"q": "baku", "lang": "en"}).text
    form = html[html.index('<form class="date-range"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="q" value="baku">' in form
    assert '<input type="hidden" name="lang" value="en">' in form


# -- article ----------------------------------------------------------------------------


def test_article_page_shows_everything_about_the_article(client: TestClient) -> None:
    html = client.get("/articles/sample-az-001").text
    assert '<h1 class="story-title">Qara Yanvarın onuncu ildönümü' in html
    assert "Rəna Qasımova" in html and "Xəbər Günü" in html
    assert html.count("<p>") >= 4  # the body's paragraphs, one element each
    assert 'href="/search?tag=20%20Yanvar"' in html
    assert 'href="https://xeber.example.az/2000/01/20/qara-yanvarin-onuncu-ildonumu"' in html


def test_article_breadcrumbs_lead_to_its_day_month_and_year(client: TestClient) -> None:
    hrefs = parsed(client.get("/articles/sample-az-001").text).hrefs
    assert {"/archive/2000", "/archive/2000/01", "/archive/2000/01/20"} <= set(hrefs)


def test_article_links_its_translations_and_more_like_this(client: TestClient) -> None:
    html = client.get("/articles/sample-az-003").text
    links = parsed(html)
    translations = html[html.index('class="translations"') :]
    for other in ("sample-ru-001", "sample-tr-001", "sample-en-001"):
        assert f'href="/articles/{other}"' in translations
    more = html[html.index('class="more-like-this"') :]
    assert "/articles/sample-az-003" not in more  # never itself
    assert "/articles/" in more
    assert links.lang_of["Qara Yanvardan otuz il keçir: Bakı xatırlayır"] == "az-Latn"


def test_article_text_carries_its_language_and_script(client: TestClient) -> None:
    html = client.get("/articles/sample-az-cyrl-001").text
    assert '<article class="story" lang="az-Cyrl">' in html
    assert 'lang="az-Latn"' in html  # its Latin-script copy, linked as a translation


def test_article_text_is_escaped_and_only_web_links_are_linked(make_archive: Make) -> None:
    archive = make_archive(
        [
            {
                "id": "x1",
                "title": "<script>alert(1)</script> headline",
                "body": "First <b>bold</b> & more.\n\nSecond <img src=x onerror=alert(1)>",
                "url": "javascript:alert(1)",
                "published": "2021-03-04",
                "language": "en",
            }
        ]
    )
    html = TestClient(create_app(archive)).get("/articles/x1").text
    assert "<script>alert" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; headline" in html
    assert "<p>First &lt;b&gt;bold&lt;/b&gt; &amp; more.</p>" in html
    assert "javascript:" not in html


def test_an_unknown_article_is_a_404_page(client: TestClient) -> None:
    page = client.get("/articles/no-such-thing")
    assert page.status_code == 404
    assert "The archive has no article with the id “no-such-thing”" in page.text
    assert 'role="search"' in page.text


def test_an_undated_article_still_has_a_page(make_archive: Make) -> None:
    archive = make_archive([{"id": "u1", "title": "No date", "body": "Text.", "language": "en"}])
    html = TestClient(create_app(archive), headers=ENGLISH).get("/articles/u1").text
    assert "Date unknown" in html and 'href="/archive"' in html


def test_the_query_is_escaped_wherever_it_is_shown(client: TestClient) -> None:
    html = client.get("/search", params={"q": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_snippets_let_only_mark_through() -> None:
    assert str(marked("a <mark>b</mark> &amp; c")) == "a <mark>b</mark> &amp; c"
    assert str(marked("<mark>x</mark><img src=x>")) == "<mark>x</mark>&lt;img src=x&gt;"
    assert str(marked(None)) == ""


def test_hits_in_azerbaijani_cyrillic_are_marked_as_such(client: TestClient) -> None:
    html = client.get("/search", params={"q": "шәһид", "lang": "az"}).text
    assert 'href="/articles/sample-az-cyrl-002" lang="az-Cyrl"' in html
    assert re.search(r'href="/articles/sample-az-00\d" lang="az"', html)
