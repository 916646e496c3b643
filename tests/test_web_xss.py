"""Cross-site scripting, tried in the real browser: articles whose every field carries
markup, event handlers and `javascript:` links are shown inert on every page.

The archive holds articles whose title, body, URL, authors, tags, section, source and
even id carry `<script>`, `<img onerror>`, `"><svg onload>`, `</title><script>` and
`javascript:`/`data:` URLs. Chromium (Playwright, as in test_web_browser.py) opens every
page that shows them, with the page's Content-Security-Policy switched off so that
escaping alone is tested: no dialog opens, the global the payloads set stays unset, no
element carries an inline script or an event handler, and no link or source is a
`javascript:` or `data:` URL. The Atom feeds, the sitemap and the OpenSearch file must be
well-formed XML with nothing executable in them; every answer carries the security headers.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from browser.live import chromium, serving
from playwright.sync_api import Browser, Page, Response
from playwright.sync_api import Error as PlaywrightError

from xronika.archive import Archive
from xronika.ingest import ingest
from xronika.web import create_app

SCRIPT = "<script>window.__xss=1;alert(1)</script>"
IMAGE = '<img src=x onerror="window.__xss=2;alert(2)">'
SVG = '"><svg onload="window.__xss=3;alert(3)">'
TITLE = "</title><script>window.__xss=4;alert(4)</script>"
QUOTES = '" autofocus onfocus="window.__xss=5" onmouseover="window.__xss=6" x="'
LINK = '<a href="javascript:window.__xss=7;alert(7)">click</a>'
HOSTILE_ID = '"><img src=x onerror=alert(12)>'
DOCS = "/api/docs"
RECORDS = [
    {"id": "xss-1", "title": TITLE + SVG + " xsspayload", "url": "javascript:window.__xss=7",
     "body": f"xsspayload {SCRIPT} and {IMAGE}.\n\n{LINK} {QUOTES} closing words here.",
     "authors": [IMAGE, SVG], "tags": [SCRIPT, QUOTES], "section": SVG + " Section",
     "source": IMAGE, "published": "2020-05-17", "language": "en"},
    {"id": "xss-2", "title": LINK + " second xsspayload",
     "url": "data:text/html,<script>alert(8)</script>", "body": f"xsspayload {TITLE} {SVG}",
     "published": "2020-05-17T10:00:00+04:00", "language": "en", "section": SVG + " Section"},
    {"id": HOSTILE_ID, "title": QUOTES + " third", "url": " JaVaScRiPt:alert(9)",
     "body": f"A third xsspayload article {IMAGE}", "published": "2021-05-17", "language": "en",
     "tags": ["</textarea><script>alert(10)</script>"]},
    {"id": "xss-4", "title": "A safe original", "url": "https://safe.example/a?<script>=1",
     "body": "An article that links to its original on the web.", "published": "2019-05-17",
     "language": "en", "source": SCRIPT},
]  # fmt: skip
PAGES = [
    "/",
    "/articles/xss-1",
    "/articles/xss-2",
    "/articles/" + quote(HOSTILE_ID, safe=""),
    "/articles/xss-4",
    "/search?q=xsspayload",
    "/search?q=" + quote(SCRIPT),
    "/search?q=" + quote(SVG) + "&section=" + quote(SVG + " Section") + "&tag=" + quote(SCRIPT),
    "/search?q=xsspayload&from=" + quote(SVG),
    "/archive",
    "/archive/2020",
    "/archive/2020/05",
    "/archive/2020/05/17",
    "/archive/2021/05/17",
    "/on-this-day/05-17",
    DOCS,
    "/" + quote(SCRIPT),
    "/articles/" + quote(SCRIPT),
    "/archive/2020/13",
    "/on-this-day/" + quote(SVG),
    "/locale/en?next=" + quote("javascript:alert(1)"),
    "/locale/en?next=" + quote("//evil.example/"),
]
XML_DOCUMENTS = [
    "/feeds/latest.atom",
    "/feeds/sections/" + quote(SVG + " Section", safe="") + ".atom",
    "/search.atom?q=xsspayload",
    "/search.atom?q=" + quote(SCRIPT),
    "/sitemap.xml",
    "/opensearch.xml",
]
HANDLERS_AND_SCRIPTS = """() => {
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(element.tagName + ' ' + name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)
          && /^(javascript|data|vbscript):/.test(value)) found.push(element.tagName + ' ' + name + '=' + value);
    }
    if (element.tagName.toLowerCase() === 'script' && !element.src) found.push('inline script');
  }
  return found;
}"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = Path(tmp_path_factory.mktemp("xss"))
    source = folder / "hostile.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), "utf-8")
    archive = Archive.open(folder / "archive")
    report = ingest(archive, [str(source)])
    assert report.added == len(RECORDS), report
    with serving(create_app(archive)) as url:
        yield url
    archive.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


class Watched:
    """One browser tab for every page, and the dialogs any of them tried to open."""

    def __init__(self, page: Page):
        self.page = page
        self.dialogs: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def open(self, url: str) -> Response | None:
        self.dialogs.clear()
        return self.page.goto(url)


@pytest.fixture(scope="module")
def tab(browser: Browser) -> Iterator[Watched]:
    # The policy would stop an injected script on its own; switched off, escaping must.
    context = browser.new_context(bypass_csp=True, locale="en-US")
    yield Watched(context.new_page())
    context.close()


def assert_inert(tab: Watched, where: str) -> None:
    page = tab.page
    page.mouse.move(200, 200)  # hover handlers, had any survived
    page.keyboard.press("Tab")  # focus handlers
    assert tab.dialogs == [], f"{where}: a dialog opened: {tab.dialogs}"
    assert page.evaluate("typeof window.__xss") == "undefined", f"{where}: a payload ran"
    found = page.evaluate(HANDLERS_AND_SCRIPTS)
    if where == DOCS:  # FastAPI starts Swagger UI with its own inline script, always the same
        found.remove("inline script")
    assert found == [], where


def assert_secured(headers: dict[str, str], where: str) -> None:
    policy = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "same-origin", where


@pytest.mark.parametrize("path", PAGES)
def test_hostile_articles_are_shown_inert(tab: Watched, base_url: str, path: str) -> None:
    response = tab.open(base_url + path)
    assert response is not None and response.status < 500, path
    assert tab.page.url.startswith(base_url), f"{path} led away to {tab.page.url}"
    assert_secured(response.all_headers(), path)
    assert_inert(tab, path)


def test_only_web_addresses_become_links_to_the_original(tab: Watched, base_url: str) -> None:
    originals = {}
    for article in ("xss-1", "xss-2", quote(HOSTILE_ID, safe=""), "xss-4"):
        tab.open(f"{base_url}/articles/{article}")
        link = tab.page.locator("p.original a")
        originals[article] = link.get_attribute("href") if link.count() else None
    assert list(originals.values()) == [None, None, None, "https://safe.example/a?<script>=1"]


@pytest.mark.parametrize("path", XML_DOCUMENTS)
def test_feeds_and_discovery_files_are_well_formed_and_hold_nothing_that_runs(
    tab: Watched, base_url: str, path: str
) -> None:
    response = httpx.get(base_url + path)
    assert response.status_code == 200, path
    assert_secured(dict(response.headers), path)
    root = ET.fromstring(response.content)  # raises on anything but well-formed XML
    for element in root.iter():
        assert element.tag.rsplit("}", 1)[-1].lower() != "script", path
        assert not any(name.lower().startswith("on") for name in element.attrib), path
        for name in ("href", "src", "template"):
            value = element.get(name, "").strip().lower()
            assert not value.startswith(("javascript:", "data:")), (path, value)
    try:
        opened = tab.open(base_url + path)  # as a reader who follows the link would
    except PlaywrightError as error:
        assert "Download is starting" in error.message, error  # saved, never shown or run
        return
    assert opened is not None and opened.status == 200
    assert tab.dialogs == [] and tab.page.evaluate("typeof window.__xss") == "undefined", path
