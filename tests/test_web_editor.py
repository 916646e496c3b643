"""The editor pages over a real server on loopback: sign in with a token, correct, hide,
embargo, read the history, sign out; and forms that did not come from the editor's own
session (CSRF) are refused. Plain HTTP forms, no JavaScript, as a browser without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from browser.live import serving
from conftest import write_jsonl

from xronika.archive import Archive
from xronika.ingest import ingest
from xronika.store import curation, tokens
from xronika.web import create_app

RECORD = {
    "id": "ed-1",
    "title": "Liman genişlənir",
    "body": "Bakı limanında yeni terminal tikilir. İşlər ilin sonunda bitəcək.",
    "published": "2021-06-01",
    "language": "az",
    "script": "Latn",
    "section": "İqtisadiyyat",
}


@dataclass
class Site:
    archive: Archive
    base: str
    secret: str

    def client(self, **options: object) -> httpx.Client:
        return httpx.Client(base_url=self.base, follow_redirects=False, timeout=30, **options)  # type: ignore[arg-type]

    def signed_in(self) -> httpx.Client:
        client = self.client()
        response = client.post("/editor/login", data={"token": self.secret, "next": "/editor"})
        assert response.status_code == 303, response.text
        return client


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    archive = Archive.open(tmp_path / "archive")
    assert ingest(archive, [str(write_jsonl(tmp_path / "r.jsonl", [RECORD]))]).added == 1
    secret = tokens.create(archive.store, "redaksiya")
    with serving(create_app(archive)) as base:
        yield Site(archive, base, secret)
    archive.close()


def form_key(html: str) -> str:
    found = re.search(r'name="form_key" value="([^"]+)"', html)
    assert found, "no form key on the page"
    return found[1]


def title_of(site: Site) -> str:
    stored = site.archive.store.get("ed-1")
    assert stored is not None
    return stored.article.title


def test_signing_in_sets_a_strict_http_only_cookie_for_the_editor_pages(site: Site) -> None:
    client = site.client()
    assert client.get("/editor").headers["location"] == "/editor/login?next=/editor"
    login = client.get("/editor/login")
    assert login.status_code == 200 and 'name="token"' in login.text and "<form" in login.text
    response = client.post("/editor/login", data={"token": site.secret, "next": "/editor"})
    assert response.status_code == 303 and response.headers["location"] == "/editor"
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert "path=/editor" in cookie.lower() and site.secret not in cookie
    home = client.get("/editor")
    assert home.status_code == 200 and "redaksiya" in home.text
    assert home.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("token", ["", "xrk_wrong", "revoked"])
def test_a_wrong_or_revoked_token_does_not_sign_in(site: Site, token: str) -> None:
    if token == "revoked":
        token = tokens.create(site.archive.store, "gone")
        tokens.revoke(site.archive.store, "gone")
    client = site.client(headers={"Accept-Language": "en"})
    response = client.post("/editor/login", data={"token": token})
    assert response.status_code == 401 and "not valid" in response.text
    assert "set-cookie" not in response.headers
    assert client.get("/editor").status_code == 303


def test_an_editor_corrects_an_article_and_the_history_shows_it(site: Site) -> None:
    client = site.signed_in()
    page = client.get("/editor/articles/ed-1")
    assert page.status_code == 200 and 'value="Liman genişlənir"' in page.text
    fields = {
        "form_key": form_key(page.text), "do": "save", "title": "Limanda yeni terminal",
        "published": "2021-06-02", "section": "Nəqliyyat", "authors": "Aygün\nLeyla",
        "tags": "liman\nterminal", "reason": "başlıq dəqiqləşdirildi",
    }  # fmt: skip
    saved = client.post("/editor/articles/ed-1", data=fields)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?saved=true")
    stored = site.archive.store.get("ed-1")
    assert stored is not None
    assert stored.article.title == "Limanda yeni terminal"
    assert stored.article.published == "2021-06-02" and stored.article.section == "Nəqliyyat"
    assert stored.article.authors == ("Aygün", "Leyla") and stored.article.tags == (
        "liman",
        "terminal",
    )
    entry = curation.history(site.archive.store, "ed-1")[-1]
    assert (entry.who, entry.action, entry.reason) == (
        "redaksiya",
        "edit",
        "başlıq dəqiqləşdirildi",
    )
    assert entry.changes["title"] == ["Liman genişlənir", "Limanda yeni terminal"]
    again = client.get(saved.headers["location"])
    assert "Limanda yeni terminal" in again.text and "başlıq dəqiqləşdirildi" in again.text
    found = httpx.get(f"{site.base}/api/search", params={"q": "terminal"}).json()
    assert found["hits"][0]["title"] == "Limanda yeni terminal"


def test_hiding_and_embargoing_take_the_article_from_public_view_and_back(site: Site) -> None:
    client = site.signed_in()
    public = f"{site.base}/articles/ed-1"

    def post(**fields: str) -> None:
        key = form_key(client.get("/editor/articles/ed-1").text)
        response = client.post("/editor/articles/ed-1", data={"form_key": key, **fields})
        assert response.status_code == 303, response.text

    post(do="hide", hidden="məhkəmə qərarı")
    assert httpx.get(public).status_code == 404
    listed = client.get("/editor").text
    assert "ed-1" in listed and "məhkəmə qərarı" in listed
    post(do="unhide", reason="qərar ləğv edildi")
    assert httpx.get(public).status_code == 200
    post(do="embargo", embargo_until="2999-01-01T09:00:00+04:00")
    assert httpx.get(public).status_code == 404
    assert "2999-01-01T05:00:00+00:00" in client.get("/editor/articles/ed-1").text
    post(do="lift")
    assert httpx.get(public).status_code == 200
    actions = [e.action for e in curation.history(site.archive.store, "ed-1")]
    assert actions == ["hide", "unhide", "embargo", "release"]
    assert "qərar ləğv edildi" in client.get("/editor/articles/ed-1").text


def test_a_bad_value_shows_the_form_again_with_what_is_wrong(site: Site) -> None:
    client = site.signed_in()
    key = form_key(client.get("/editor/articles/ed-1").text)
    data = {"form_key": key, "do": "save", "title": "X", "published": "dünən"}
    response = client.post("/editor/articles/ed-1", data=data)
    assert response.status_code == 400 and "published" in response.text
    empty = client.post("/editor/articles/ed-1", data={"form_key": key, "do": "embargo"})
    assert empty.status_code == 400 and "embargo_until" in empty.text
    assert title_of(site) == "Liman genişlənir"
    assert curation.history(site.archive.store, "ed-1") == []


def test_forms_not_from_the_editors_own_session_are_refused(site: Site) -> None:
    client = site.signed_in()
    key = form_key(client.get("/editor/articles/ed-1").text)
    change = {"do": "save", "title": "Hacked"}
    missing = client.post("/editor/articles/ed-1", data=change)
    wrong = client.post("/editor/articles/ed-1", data={**change, "form_key": key[:-2] + "xx"})
    foreign = client.post(
        "/editor/articles/ed-1", data={**change, "form_key": key},
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    stranger = site.client().post("/editor/articles/ed-1", data={**change, "form_key": key})
    for refused in (missing, wrong, foreign, stranger):
        assert refused.status_code == 403, refused.text
    other = site.signed_in()  # another session's key does not fit this one
    other_key = form_key(other.get("/editor").text)
    assert (
        client.post("/editor/articles/ed-1", data={**change, "form_key": other_key}).status_code
        == 403
    )
    assert title_of(site) == "Liman genişlənir"
    logout = site.client().post("/editor/logout", data={"form_key": key})
    assert logout.status_code == 403


def test_signing_out_or_revoking_the_token_ends_the_session(site: Site) -> None:
    client = site.signed_in()
    cookie = client.cookies.get("xronika_editor")
    key = form_key(client.get("/editor").text)
    out = client.post("/editor/logout", data={"form_key": key})
    assert out.status_code == 303 and out.headers["location"] == "/editor/login"
    replay = site.client(cookies={"xronika_editor": cookie or ""})
    assert replay.get("/editor").status_code == 303
    second = site.signed_in()
    assert second.get("/editor").status_code == 200
    tokens.revoke(site.archive.store, "redaksiya")
    assert second.get("/editor").status_code == 303


@pytest.mark.parametrize(
    ("language", "words"),
    [("az", ("Daxil ol", "Token")), ("en", ("Sign in", "Token")), ("ru", ("Войти", "Токен"))],
)
def test_the_editor_pages_speak_the_readers_language(
    site: Site, language: str, words: tuple[str, ...]
) -> None:
    login = site.client(headers={"Accept-Language": language}).get("/editor/login")
    assert all(word in login.text for word in words)
    client = site.signed_in()
    client.headers["Accept-Language"] = language
    page = client.get("/editor/articles/ed-1").text
    expected = {"az": "Gizlət", "en": "Hide", "ru": "Скрыть"}[language]
    assert expected in page
