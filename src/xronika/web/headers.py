"""Security headers on every answer, whatever produced it.

Pages rendered by `templating.Pages` carry their own Content-Security-Policy (their one
script and stylesheet come from /static, so nothing inline may run). This middleware
gives every other answer one too, and the headers every answer should have: JSON (its
errors too), Atom and sitemap XML and static files get a policy under which nothing runs
and nothing loads, even when such a file is opened on its own in a browser; any other
HTML gets the pages' policy. The one exception is FastAPI's API docs page, whose script and
stylesheet come from a CDN and which shows nothing from the archive: it may only not be
framed, nor have its base or plugins changed. Headers a response already has win.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xronika.web.templating import SECURITY_HEADERS

EVERY_ANSWER = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
PAGES = SECURITY_HEADERS["Content-Security-Policy"]
NOTHING_RUNS = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox"
DOCS_PAGE = "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'"


class SecurityHeaders:
    """ASGI middleware: adds the headers above to the start of every HTTP response."""

    def __init__(self, app: ASGIApp, docs: str | None) -> None:
        self.app = app
        self.docs = docs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        docs = scope["path"] == self.docs

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in EVERY_ANSWER.items():
                    headers.setdefault(name, value)
                page = headers.get("content-type", "").startswith("text/html")
                policy = DOCS_PAGE if docs else PAGES if page else NOTHING_RUNS
                headers.setdefault("Content-Security-Policy", policy)
            await send(message)

        await self.app(scope, receive, send_with_headers)
