"""The reading room in a real browser: Chromium (Debian's) driven by Playwright against a
real uvicorn server on loopback, with the sample archive.

Skipped only when no Chromium is installed at all; `make test` installs it, so on CI
these run. Screenshots of the main pages at desktop and phone widths are saved under
build/screenshots/ for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser.live import chromium, serving
from conftest import ROOT
from playwright.sync_api import Browser, Page, expect

from xronika.archive import Archive
from xronika.web import create_app

SCREENSHOTS = ROOT / "build" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}
SHOTS = {
    "home": "/",
    "search": "/search?q=Bak%C4%B1",
    "article": "/articles/sample-az-003",
    "calendar": "/archive/2020/01",
}


@pytest.fixture(scope="module")
def base_url(sample_archive: Archive) -> Iterator[str]:
    with serving(create_app(sample_archive)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def day_in(url: str) -> str:
    found = re.search(r"/archive/(\d{4})/(\d{2})/(\d{2})", url)
    assert found, url
    return "-".join(found.groups())


def test_search_filter_open_an_article_walk_to_its_day_and_the_day_before(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "/")
    page.get_by_role("search").get_by_label("Search the archive").fill("Bakı")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Bak"))
    expect(page.locator("ol.hits > li").first).to_be_visible()

    refine = page.get_by_role("complementary", name="Refine")
    refine.get_by_role("link", name="Azerbaijani", exact=True).click()
    page.wait_for_url(re.compile(r"lang=az"))
    expect(page.get_by_role("link", name=re.compile("Remove filter: Language"))).to_be_visible()
    page.get_by_role("navigation", name="Sort").get_by_role("link", name="Newest").click()
    page.wait_for_url(re.compile(r"sort=newest"))
    assert all(lang.startswith("az") for lang in page.locator("ol.hits .item-title a").evaluate_all(
        "links => links.map(a => a.lang)"
    ))  # fmt: skip

    page.locator("ol.hits .item-title a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    expect(page.locator("h1.story-title")).to_be_visible()

    page.locator("nav.breadcrumbs a[href^='/archive/']").last.click()
    page.wait_for_url(re.compile(r"/archive/\d{4}/\d{2}/\d{2}$"))
    day = day_in(page.url)
    page.locator("nav.neighbours a[rel='prev']").click()
    page.wait_for_url(re.compile(r"/archive/\d{4}/\d{2}/\d{2}$"))
    assert day_in(page.url) < day
    expect(page.locator("article.item").first).to_be_visible()

    page.go_back()  # the back button returns to the day we came from
    page.wait_for_url(re.compile(day.replace("-", "/") + "$"))


def test_calendar_navigation(page: Page, base_url: str) -> None:
    page.goto(base_url + "/archive")
    page.get_by_role("link", name=re.compile(r"^2020")).click()
    page.wait_for_url(re.compile(r"/archive/2020$"))
    page.get_by_role("link", name=re.compile(r"^January")).click()
    page.wait_for_url(re.compile(r"/archive/2020/01$"))
    calendar = page.get_by_role("table")
    expect(calendar.get_by_role("columnheader")).to_have_count(7)
    page.get_by_role("link", name="January 20, 2020: 4 articles").click()
    page.wait_for_url(re.compile(r"/archive/2020/01/20$"))
    expect(page.locator("article.item")).to_have_count(4)
    page.go_back()
    page.wait_for_url(re.compile(r"/archive/2020/01$"))
    page.locator("nav.neighbours a[rel='prev']").click()
    page.wait_for_url(re.compile(r"/archive/2019/11$"))
    page.locator("nav.neighbours a[rel='next']").click()
    page.wait_for_url(re.compile(r"/archive/2020/01$"))


def test_a_search_by_keyboard_alone(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("Novruz")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Novruz"))

    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('ol.hits')"):
            break
    else:
        pytest.fail("Tab never reached the first result")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert outline == ["solid", "3px"]  # focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/"))
    expect(page.locator("h1")).to_contain_text("Novruz")


def test_the_pages_work_with_javascript_off(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    try:
        page.goto(base_url + "/")
        assert page.locator("#q").get_attribute("list") is None  # no script ran
        page.locator("#q").fill("şəhid")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/search\?q="))
        expect(page.locator("mark").first).to_be_visible()
        page.get_by_role("complementary", name="Refine").get_by_role("link", name="2020").click()
        page.wait_for_url(re.compile(r"year=2020"))
        page.locator("#from").fill("2020-01")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url(re.compile(r"from=2020-01"))
        assert "year=2020" in page.url
        page.locator("ol.hits .item-title a").first.click()
        page.wait_for_url(re.compile(r"/articles/"))
        expect(page.locator(".story-body p").first).to_be_visible()
        page.goto(base_url + "/archive/2020/01")
        page.get_by_role("link", name="January 20, 2020: 4 articles").click()
        page.wait_for_url(re.compile(r"/archive/2020/01/20$"))
        page.goto(base_url + "/on-this-day/01-20")
        expect(page.locator("section.year-group")).to_have_count(8)
        page.get_by_role("link", name="Русский").click()
        expect(page.locator("h1")).to_contain_text("В этот день")
    finally:
        context.close()


def test_typing_suggestions_enhance_the_search_box(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.locator("#q").press_sequentially("Qara Yan", delay=20)
    options = page.locator("datalist option")
    expect(options.first).to_be_attached()
    assert "Qara Yanvar" in options.evaluate_all("os => os.map(o => o.value)")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_screenshots_of_the_main_pages_and_no_sideways_scrolling(
    browser: Browser, base_url: str, width: str
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        locale="en-US", viewport={"width": WIDTHS[width], "height": 900}, device_scale_factor=1
    )
    page = context.new_page()
    try:
        for name, path in SHOTS.items():
            page.goto(base_url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways at {width} width"
            target = SCREENSHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            assert Path(target).stat().st_size > 10_000
    finally:
        context.close()
