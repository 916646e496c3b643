"""Atom feeds: the latest articles, each section's latest, and any search as a feed.

A saved search is a feed (`/search.atom?q=…` with the search page's parameters), newest
first unless the URL asks for another order, so a reader can follow a topic. Entries
link to the reading room's article page and, where known, to the original.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from xronika.archive import Archive
from xronika.errors import NotFound
from xronika.search import search
from xronika.store import StoredArticle
from xronika.store.calendar import Calendar
from xronika.store.public import public_article, public_by_keys
from xronika.web import xmldoc
from xronika.web.chronicle import LEAD_WORDS
from xronika.web.params import Limits, SearchParams, search_parameters
from xronika.web.templating import web_link

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_SIZE = 50
SEARCH_FEED_SIZE = 20


def _summary(body: str) -> str:
    words = body.split("\n\n", 1)[0].split()
    return " ".join(words[: LEAD_WORDS * 2]) + (" …" if len(words) > LEAD_WORDS * 2 else "")


def _entry(feed: ET.Element, base: str, stored: StoredArticle) -> datetime:
    """Append one article; return when it was last updated (for the feed's own date)."""
    article = stored.article
    entry = ET.SubElement(feed, "entry")
    if article.language:
        entry.set(xmldoc.XML_LANG, article.language)
    page = f"{base}/articles/{quote(article.id, safe='')}"
    xmldoc.child(entry, "id", page)
    xmldoc.child(entry, "title", article.title, type="text")
    xmldoc.child(entry, "link", rel="alternate", type="text/html", href=page)
    original = web_link(article.url)
    if original:
        xmldoc.child(entry, "link", rel="related", href=original)
    updated = xmldoc.store_time(stored.updated)
    published = article.published_date
    if published:
        xmldoc.child(entry, "published", xmldoc.timestamp(published.instant))
    xmldoc.child(entry, "updated", xmldoc.timestamp(updated))
    for name in article.authors or ((article.source,) if article.source else ()):
        author = ET.SubElement(entry, "author")
        xmldoc.child(author, "name", name)
    for term in (article.section, *article.tags):
        if term:
            xmldoc.child(entry, "category", term=term)
    xmldoc.child(entry, "summary", _summary(article.body), type="text")
    return updated


def atom(
    request: Request, title: str, alternate: str, articles: Sequence[StoredArticle]
) -> Response:
    """A whole feed; `alternate` is the page (path and query) the feed mirrors."""
    base = str(request.base_url).rstrip("/")
    feed = xmldoc.document("feed", ATOM)
    self_url = str(request.url)
    xmldoc.child(feed, "id", self_url)
    xmldoc.child(feed, "title", title, type="text")
    xmldoc.child(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    xmldoc.child(feed, "link", rel="alternate", type="text/html", href=base + alternate)
    author = ET.SubElement(feed, "author")
    xmldoc.child(author, "name", "xronika")
    xmldoc.child(feed, "generator", "xronika")
    updated_at = ET.SubElement(feed, "updated")
    newest = datetime(1970, 1, 1, tzinfo=UTC)
    for stored in articles:
        newest = max(newest, _entry(feed, base, stored))
    updated_at.text = xmldoc.timestamp(newest)
    return xmldoc.respond(feed, ATOM_TYPE)


def _stored(archive: Archive, keys: Sequence[int]) -> list[StoredArticle]:
    found = public_by_keys(archive.store, keys)
    return [found[k] for k in keys if k in found]


def router(archive: Archive, limits: Limits) -> APIRouter:
    feeds = APIRouter(include_in_schema=False)
    calendar = Calendar(archive.store)
    read_search = Depends(search_parameters(limits))

    @feeds.get("/feeds/latest.atom")
    def latest(request: Request) -> Response:
        keys = calendar.latest(FEED_SIZE)
        return atom(request, "xronika: latest articles", "/", _stored(archive, keys))

    @feeds.get("/feeds/sections/{section}.atom")
    def section(request: Request, section: str) -> Response:
        keys = calendar.latest(FEED_SIZE, section)
        if not keys:
            raise NotFound(
                f"no section {section!r}",
                where="section",
                hint="the sections are listed on the home page",
            )
        alternate = "/search?" + f"section={quote(section)}&sort=newest"
        return atom(request, f"xronika: {section}", alternate, _stored(archive, keys))

    @feeds.get("/search.atom")
    def search_feed(request: Request, params: SearchParams = read_search) -> Response:
        if "sort" not in request.query_params:
            params = replace(params, sort="newest")
        if "per_page" not in request.query_params:
            params = replace(params, per_page=SEARCH_FEED_SIZE)
        found = search(archive, replace(params.request(), facets=False))
        ids = [hit["id"] for hit in found.hits]
        stored = [s for s in (public_article(archive.store, i) for i in ids) if s is not None]
        title = f"xronika: “{params.q}”" if params.q else "xronika: search"
        return atom(request, title, params.url(), stored)

    return feeds
