"""Rendering pages: the Jinja2 environment, its filters, and the response every page gets.

Autoescaping is on for every template, so article text (which arrives from anywhere) is
always escaped; the one exception is a search snippet, whose `<mark>` tags come from our
own highlighter, and even that passes through `marked`, which lets nothing else through.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from xronika.web.i18n import (
    COOKIE,
    LOCALES,
    Translator,
    content_language,
    guessed_language,
    negotiate,
)

STATIC = Path(__file__).parent / "static"

# No inline script or style anywhere, so the policy can forbid both: injected markup
# that slipped through could not run.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

_MARK = re.compile(r"(</?mark>)")


def marked(snippet: str | None) -> Markup:
    """A snippet that is already escaped except for `<mark>`: let only `<mark>` through."""
    if not snippet:
        return Markup("")
    parts = _MARK.split(snippet)
    safe = [
        part if part in ("<mark>", "</mark>") else part.replace("<", "&lt;").replace(">", "&gt;")
        for part in parts
    ]
    return Markup("".join(safe))


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: plain text separated by blank lines."""
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def web_link(url: str | None) -> str | None:
    """The URL when it is safe to link to (http or https only, never `javascript:`)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def host_of(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.")


def _static_versions() -> dict[str, str]:
    """A content hash per static file, so a changed stylesheet is never served stale."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        for path in STATIC.iterdir()
        if path.is_file()
    }


def build_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("xronika.web", "templates"),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    versions = _static_versions()
    env.globals["static"] = lambda name: f"/static/{name}?v={versions.get(name, '0')}"
    env.globals["locales"] = LOCALES
    env.globals["date"] = date
    env.filters["marked"] = marked
    env.filters["paragraphs"] = paragraphs
    env.filters["web_link"] = web_link
    env.filters["host"] = host_of
    env.filters["content_lang"] = lambda article: content_language(article.language, article.script)
    env.filters["hit_lang"] = lambda hit: guessed_language(hit["language"], hit["title"])
    return env


def translator_for(request: Request) -> Translator:
    return Translator(
        negotiate(request.cookies.get(COOKIE), request.headers.get("accept-language"))
    )


def current_url(request: Request) -> str:
    """This page's path and query, for links that come back here (the locale switcher)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


class Pages:
    """Renders a template into a page with the reader's language and the common headers."""

    def __init__(self, env: Environment):
        self.env = env

    def render(
        self, request: Request, template: str, context: dict[str, Any], status: int = 200
    ) -> HTMLResponse:
        t = translator_for(request)
        html = self.env.get_template(template).render(
            t=t, request=request, here=current_url(request), escape=escape, **context
        )
        response = HTMLResponse(html, status_code=status)
        response.headers.update(SECURITY_HEADERS)
        response.headers["Content-Language"] = t.locale
        # The same URL differs by the reader's language choice.
        response.headers["Vary"] = "Accept-Language, Cookie"
        return response
