"""The editor pages under /editor: sign in with a token; correct, hide, embargo, merge into
another article's story or split off again; read the history.

Server-rendered forms that work without JavaScript. Signing in posts a token; the
session lives in the store (so every server process knows it) and its cookie is
HttpOnly, SameSite=Strict and limited to /editor. Every form carries the session's own
key, checked on each post, and a post from another origin is refused, so another site
cannot make an editor's browser change anything (CSRF). Changes go through the same
curation calls as the API and the CLI, under the token's name in the audit log.
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from xronika.archive import Archive
from xronika.errors import NotFound, UsageError, XronikaError
from xronika.store import curation, duplicates, tokens
from xronika.store.tokens import Session
from xronika.web.templating import Pages

COOKIE = "xronika_editor"
LIFETIME = timedelta(hours=12)
LISTED = 50  # recent changes and curated articles on the editor's home page
REGROUPING = ("merge", "split")  # the form actions that change an article's group
Text = Annotated[str, Form()]  # a form field (empty when the form leaves it out)


class Forbidden(XronikaError):
    """A post the editor's own session did not make (CSRF), or made without a session."""

    status = 403
    code = "forbidden"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _same_origin(request: Request) -> bool:
    """Browsers send Origin with every post; one from another site is never ours."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", request.url.netloc)


class Editor:
    """The pages' shared steps: finding the session, checking forms, rendering."""

    def __init__(self, archive: Archive, pages: Pages):
        self.archive = archive
        self.pages = pages

    def session(self, request: Request) -> Session | None:
        cookie = request.cookies.get(COOKIE)
        return tokens.session(self.archive.store, cookie) if cookie else None

    def posted(self, request: Request, form_key: str) -> Session:
        """The session behind a form post, once it is shown to be the session's own."""
        found = self.session(request)
        if found is None:
            raise Forbidden("you are not signed in", hint="sign in at /editor/login and try again")
        if not _same_origin(request) or not hmac.compare_digest(form_key, found.form_key):
            raise Forbidden(
                "this form did not come from your editor session",
                hint="open the page again from /editor and submit it there",
            )
        return found

    def render(
        self, request: Request, template: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        response = self.pages.render(request, template, context, status=status)
        response.headers["Cache-Control"] = "no-store"
        return response

    def article_page(
        self,
        request: Request,
        session: Session,
        article_id: str,
        problem: str | None = None,
        saved: bool = False,
    ) -> Response:
        stored = self.archive.store.get(article_id)
        if stored is None:
            raise NotFound(f"no article with id {article_id!r}", hint="check the id")
        group = duplicates.group_of(self.archive.store.connection, article_id)
        context = {
            "session": session,
            "stored": stored,
            "article": stored.article,
            "copies": sorted(i for i, original in group.items() if original == article_id),
            "history": curation.history(self.archive.store, article_id),
            "problem": problem,
            "saved": saved,
        }
        return self.render(request, "editor_article.html", context, status=400 if problem else 200)

    def change(
        self, session: Session, article_id: str, fields: dict[str, Any], reason: str
    ) -> None:
        edit = curation.read_edit(fields)
        with self.archive.writing():
            curation.apply(self.archive.store, article_id, edit, session.token, reason or None)
            self.archive.sync()

    def regroup(self, session: Session, article_id: str, do: str, into: str, reason: str) -> None:
        """Merge the article into another's story, or split it off (see `curation`)."""
        if do == "merge" and not into:
            raise UsageError("into: give the id of the article whose story this is")
        with self.archive.writing():
            if do == "merge":
                curation.merge(self.archive.store, article_id, into, session.token, reason or None)
            else:
                curation.split(self.archive.store, article_id, session.token, reason or None)
            self.archive.sync()


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/editor/login?next={quote(request.url.path)}", status_code=303)


def _next(target: str) -> str:
    """Only an editor page may follow a sign-in (no open redirect)."""
    return target if target.startswith("/editor") and "//" not in target else "/editor"


def router(archive: Archive, pages: Pages) -> APIRouter:
    editor = APIRouter(prefix="/editor", include_in_schema=False)
    desk = Editor(archive, pages)

    @editor.get("/login")
    def login_page(request: Request, next: str = "/editor") -> Response:
        context = {"next": _next(next), "problem": False}
        return desk.render(request, "editor_login.html", context)

    @editor.post("/login")
    def login(request: Request, token: Text = "", next: Text = "") -> Response:
        name = tokens.holder(archive.store, token.strip()) if token.strip() else None
        if name is None or not _same_origin(request):
            context = {"next": _next(next), "problem": True}
            return desk.render(request, "editor_login.html", context, status=401)
        cookie, _ = tokens.open_session(archive.store, name, LIFETIME)
        response = RedirectResponse(_next(next), status_code=303)
        response.set_cookie(
            COOKIE,
            cookie,
            max_age=int(LIFETIME.total_seconds()),
            path="/editor",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @editor.post("/logout")
    def logout(request: Request, form_key: Text = "") -> Response:
        desk.posted(request, form_key)
        tokens.close_session(archive.store, request.cookies[COOKIE])
        response = RedirectResponse("/editor/login", status_code=303)
        response.delete_cookie(COOKIE, path="/editor")
        return response

    @editor.get("")
    def home(request: Request) -> Response:
        found = desk.session(request)
        if found is None:
            return _to_login(request)
        context = {
            "session": found,
            "recent": curation.recent(archive.store, LISTED),
            "curated": curation.curated(archive.store, LISTED),
        }
        return desk.render(request, "editor.html", context)

    @editor.get("/open")
    def open_article(request: Request, id: str = "") -> Response:
        if desk.session(request) is None:
            return _to_login(request)
        return RedirectResponse(f"/editor/articles/{quote(id.strip(), safe='')}", status_code=303)

    @editor.get("/articles/{article_id}")
    def article(request: Request, article_id: str, saved: bool = False) -> Response:
        found = desk.session(request)
        if found is None:
            return _to_login(request)
        return desk.article_page(request, found, article_id, saved=saved)

    @editor.post("/articles/{article_id}")
    def edit(
        request: Request,
        article_id: str,
        form_key: Text = "",
        do: Text = "",
        title: Text = "",
        published: Text = "",
        section: Text = "",
        authors: Text = "",
        tags: Text = "",
        hidden: Text = "",
        embargo_until: Text = "",
        into: Text = "",
        reason: Text = "",
    ) -> Response:
        session = desk.posted(request, form_key)
        changes: dict[str, dict[str, Any]] = {
            "save": {
                "title": title,
                "published": published or None,
                "section": section or None,
                "authors": _lines(authors),
                "tags": _lines(tags),
            },
            "hide": {"hidden": hidden},
            "unhide": {"hidden": None},
            "embargo": {"embargo_until": embargo_until},
            "lift": {"embargo_until": None},
        }
        if do not in changes and do not in REGROUPING:
            raise UsageError(f"unknown action {do!r}", hint="use the buttons of the form")
        try:
            if do == "embargo" and not embargo_until.strip():
                raise UsageError("embargo_until: give the instant the embargo ends")
            if do in REGROUPING:
                desk.regroup(session, article_id, do, into.strip(), reason)
            else:
                desk.change(session, article_id, changes[do], reason)
        except (UsageError, NotFound) as error:  # an unknown article_id: the page is a 404
            return desk.article_page(request, session, article_id, problem=str(error))
        target = f"/editor/articles/{quote(article_id, safe='')}?saved=true"
        return RedirectResponse(target, status_code=303)

    return editor
