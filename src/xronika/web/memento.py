"""Memento (RFC 7089): how web-archive tools find our copies of captured pages.

Articles that came from web captures (WARC/ARC files, repeated crawls) keep every date a
capture of their URL was made (`store.captures`). This module reads them, never writes:

- `/timemap/link/{original URL}` answers a TimeMap in link-format (RFC 6690): the
  original URL, the TimeMap itself with the first and last capture dates, and one
  `memento` link per capture, oldest first, the first and last marked as such. The
  original URL is taken as the client sent it, its own query string included
  (`/timemap/link/https://a.example/p?id=7` is the TimeMap of `https://a.example/p?id=7`).
- Article pages and `/api/articles/{id}` of such articles carry `Link` headers to the
  original and to the TimeMap, and a `Memento-Datetime` of the newest capture.

Where the mementos point: the archive keeps one article per URL, with the content of
the newest capture, so every memento of a URL points at that one article page, with no
per-capture marker such as `?at=`. A marked URI would promise a distinct state of the
page at each date; we cannot show an older state, and the page would have to answer an
older `Memento-Datetime` over newer content. The plain page, whose `Memento-Datetime` is
the newest capture (a revisit included: it saw the same content again), is the honest
answer; the TimeMap still lists every date the page was seen.

The TimeMap is for Memento clients, not for the JSON API, so it stays out of
/openapi.json; its one failure, a URL we hold no copy of, is the one JSON error shape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import quote, unquote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from xronika.archive import Archive
from xronika.errors import NotFound
from xronika.store import captures
from xronika.store.captures import Capture
from xronika.store.public import public_article

LINK_FORMAT = "application/link-format"
TIMEMAP = "/timemap/link/"
# Characters a URI may hold as they are (RFC 3986 reserved and unreserved, and "%" so
# existing escapes survive); anything else in a stored URL is percent-encoded.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"


def http_date(captured: str) -> str:
    """A capture time (`2024-03-01T08:00:00Z`) in the RFC 1123 form Memento uses."""
    moment = datetime.fromisoformat(captured).astimezone(UTC)
    return format_datetime(moment, usegmt=True)


def as_uri(url: str) -> str:
    """A URL fit to stand between `<` and `>` in link-format and in a header."""
    return quote(url, safe=_URI_SAFE)


def timemap_uri(request: Request, original: str) -> str:
    return f"{str(request.base_url).rstrip('/')}{TIMEMAP}{as_uri(original)}"


def article_uri(request: Request, article_id: str) -> str:
    return str(request.url_for("article_page", article_id=article_id))


def memento_headers(request: Request, archive: Archive, article_id: str) -> dict[str, str]:
    """`Link` and `Memento-Datetime` for an article page; empty if it came from no capture."""
    seen = captures.of_article(archive.store, article_id)
    if not seen:
        return {}
    newest = seen[-1]
    links = [
        f'<{as_uri(newest.url)}>; rel="original"',
        f'<{timemap_uri(request, newest.url)}>; rel="timemap"; type="{LINK_FORMAT}"',
    ]
    return {"Link": ", ".join(links), "Memento-Datetime": http_date(newest.captured)}


def requested_original(request: Request, url: str) -> str:
    """The original URL as the client wrote it: raw path (escapes kept) and query string.

    Some proxies fold `//` into `/`, so `https:/a.example` is read as `https://a.example`.
    """
    raw = request.scope.get("raw_path")
    if isinstance(raw, bytes) and TIMEMAP.encode() in raw:
        url = raw.decode("latin-1").split(TIMEMAP, 1)[1]
    for scheme in ("http:/", "https:/"):
        if url.startswith(scheme) and not url.startswith(scheme + "/"):
            url = scheme + "/" + url[len(scheme) :]
    query = request.url.query
    return f"{url}?{query}" if query else url


def _holder(archive: Archive, seen: list[Capture]) -> str | None:
    """The article the URL's newest content became, if the archive still shows it."""
    for capture in reversed(seen):
        if capture.article and public_article(archive.store, capture.article) is not None:
            return capture.article
    return None


def timemap_body(request: Request, original: str, seen: list[Capture], article_id: str) -> str:
    """The TimeMap of one URL in link-format, one link a line."""
    first, last = seen[0], seen[-1]
    page = as_uri(article_uri(request, article_id))
    links = [
        f'<{as_uri(original)}>; rel="original"',
        f'<{timemap_uri(request, original)}>; rel="self"; type="{LINK_FORMAT}"; '
        f'from="{http_date(first.captured)}"; until="{http_date(last.captured)}"',
    ]
    for index, capture in enumerate(seen):
        marks = ["first"] if index == 0 else []
        marks += ["last"] if index == len(seen) - 1 else []
        rel = " ".join([*marks, "memento"])
        links.append(f'<{page}>; rel="{rel}"; datetime="{http_date(capture.captured)}"')
    return ",\n".join(links) + "\n"


def router(archive: Archive) -> APIRouter:
    memento = APIRouter(include_in_schema=False)

    @memento.api_route(TIMEMAP + "{url:path}", methods=["GET", "HEAD"])
    def timemap(request: Request, url: str) -> Response:
        original = requested_original(request, url)
        seen = captures.timemap(archive.store, original)
        if not seen and original != unquote(original):
            seen = captures.timemap(archive.store, unquote(original))
        article_id = _holder(archive, seen) if seen else None
        if not seen or article_id is None:
            error = NotFound(
                f"the archive holds no copy of {original!r}",
                where="url",
                hint="give the original URL exactly as it was captured, query string included",
            )
            return JSONResponse(error.as_json(), status_code=error.status)
        body = timemap_body(request, seen[0].url, seen, article_id)
        return Response(body, media_type=LINK_FORMAT)

    return memento
