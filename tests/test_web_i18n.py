"""The interface in Azerbaijani, English and Russian: choosing it, remembering it, its words."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from xronika.archive import Archive
from xronika.web import create_app
from xronika.web.i18n import COOKIE, LOCALES, Translator, negotiate
from xronika.web.messages import MESSAGES, PLURALS
from xronika.web.reading import safe_next

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "xronika" / "web" / "templates"


@pytest.fixture(scope="module")
def client(sample_archive: Archive) -> TestClient:
    return TestClient(create_app(sample_archive))


def test_the_locale_comes_from_the_cookie_then_accept_language_then_azerbaijani() -> None:
    assert negotiate("ru", "en-US,en;q=0.9") == "ru"
    assert negotiate(None, "de-DE,ru;q=0.8,en;q=0.5") == "ru"
    assert negotiate(None, "en;q=0.2,az-AZ;q=0.9") == "az"
    assert negotiate("xx", "fr") == "az"
    assert negotiate(None, None) == "az"
    assert negotiate(None, "ru;q=0, en") == "en"  # q=0 means "not this one"


def test_pages_follow_accept_language(client: TestClient) -> None:
    for header, words in (
        ("ru-RU", "Поиск по архиву"),
        ("en", "Search the archive"),
        ("az", "Arxivdə axtarış"),
    ):
        page = client.get("/", headers={"Accept-Language": header})
        assert words in page.text, header
        assert f'<html lang="{header[:2]}">' in page.text


def test_a_reader_choice_is_remembered_and_leads_back_to_the_same_page(
    sample_archive: Archive,
) -> None:
    reader = TestClient(create_app(sample_archive), headers={"Accept-Language": "en"})
    switch = reader.get("/locale/ru", params={"next": "/archive/2020/01"}, follow_redirects=False)
    assert switch.status_code == 303 and switch.headers["location"] == "/archive/2020/01"
    assert f"{COOKIE}=ru" in switch.headers["set-cookie"]
    assert "Январь 2020" in reader.get("/archive/2020/01").text  # the cookie now decides
    assert reader.get("/locale/xx").status_code == 404


def test_the_switch_only_goes_back_to_this_site() -> None:
    assert safe_next("/search?q=a") == "/search?q=a"
    assert safe_next("https://evil.example/") == "/"
    assert safe_next("//evil.example/") == "/"
    assert safe_next("/\\evil.example") == "/"
    assert safe_next(None) == "/"


def test_every_page_links_the_switch_back_to_itself(client: TestClient) -> None:
    html = client.get("/search?q=baku&lang=en").text
    assert 'href="/locale/ru?next=/search%3Fq%3Dbaku%26lang%3Den"' in html


def test_dates_and_numbers_are_in_the_readers_language() -> None:
    day = date(2020, 1, 20)
    assert Translator("az").date(day) == "20 yanvar 2020"
    assert Translator("en").date(day) == "January 20, 2020"
    assert Translator("ru").date(day).replace("\u202f", " ") == "20 января 2020 г."
    assert Translator("ru").month_year(2020, 1).startswith("Январь")
    assert Translator("az").published("2020-01-20T09:05:00+04:00") == "20 yanvar 2020, 09:05"
    assert Translator("ru").number(18766) == "18\xa0766"


def test_russian_counts_take_the_right_grammatical_form() -> None:
    ru = Translator("ru")
    assert [ru.plural("n_articles", n) for n in (1, 3, 5, 21, 111)] == [
        "1 статья",
        "3 статьи",
        "5 статей",
        "21 статья",
        "111 статей",
    ]
    assert Translator("az").plural("n_articles", 5) == "5 məqalə"
    assert Translator("en").plural("n_articles", 1) == "1 article"


def test_language_names_are_shown_in_the_readers_language() -> None:
    assert Translator("ru").language("az") == "Азербайджанский"
    assert Translator("az").language("en") == "İngilis"
    assert Translator("en").language(None) == "Language unknown"
    assert Translator("en").language("zz-bogus") == "zz-bogus"


def test_every_message_a_template_uses_exists_in_all_three_languages() -> None:
    used = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text("utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_0-9]+)["']\s*[,)]""", text))
    assert used, "no messages found: the pattern is wrong"
    # Keys the templates build from a prefix and a value.
    used |= {f"filter_{n}" for n in ("lang", "section", "source", "tag", "year", "from", "to")}
    used |= {f"sort_{n}" for n in ("relevance", "newest", "oldest")}
    used |= {f"facet_{n}" for n in ("language", "section", "year", "source")}
    used |= {f"error_{n}" for n in (400, 404, 405)}
    missing = sorted(key for key in used if key not in MESSAGES)
    assert not missing
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LOCALES), key
    for key, forms in PLURALS.items():
        assert set(forms) == set(LOCALES) and all("other" in f for f in forms.values()), key
