"""How browsers and crawlers find the archive: OpenSearch, sitemaps, robots.txt.

`/opensearch.xml` lets a browser add the archive as a search engine, with suggestions
from `/api/suggest`. `/sitemap.xml` lists every article with when it last changed; a
sitemap may hold at most 50,000 URLs, so beyond that it becomes a sitemap index over
numbered pages of articles.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from xronika.archive import Archive
from xronika.store.calendar import Calendar
from xronika.web import xmldoc
from xronika.web.errors import PageNotFound

OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, as the sitemaps protocol allows


def opensearch(base: str) -> ET.Element:
    root = xmldoc.document("OpenSearchDescription", OPENSEARCH)
    xmldoc.child(root, "ShortName", "xronika")
    xmldoc.child(root, "Description", "Search the xronika news archive")
    xmldoc.child(root, "InputEncoding", "UTF-8")
    xmldoc.child(root, "Image", f"{base}/static/favicon.svg", type="image/svg+xml")
    xmldoc.child(
        root, "Url", type="text/html", method="get", template=f"{base}/search?q={{searchTerms}}"
    )
    xmldoc.child(
        root,
        "Url",
        type="application/atom+xml",
        template=f"{base}/search.atom?q={{searchTerms}}",
    )
    xmldoc.child(
        root,
        "Url",
        type="application/x-suggestions+json",
        template=f"{base}/api/suggest?format=opensearch&q={{searchTerms}}",
    )
    xmldoc.child(
        root,
        "Url",
        rel="self",
        type="application/opensearchdescription+xml",
        template=f"{base}/opensearch.xml",
    )
    return root


def _url(parent: ET.Element, loc: str, lastmod: str | None = None) -> None:
    entry = ET.SubElement(parent, "url")
    xmldoc.child(entry, "loc", loc)
    if lastmod:
        xmldoc.child(entry, "lastmod", xmldoc.timestamp(xmldoc.store_time(lastmod)))


class Sitemaps:
    """The fixed pages and every article, split into files of at most SITEMAP_LIMIT URLs."""

    def __init__(self, calendar: Calendar):
        self.calendar = calendar

    def fixed(self) -> list[str]:
        years = [f"/archive/{c.value:04d}" for c in self.calendar.years()]
        return ["/", "/archive", "/on-this-day", *years]

    def pages(self) -> int:
        return max(1, -(-self.calendar.count() // SITEMAP_LIMIT))

    def single(self) -> bool:
        return len(self.fixed()) + self.calendar.count() <= SITEMAP_LIMIT

    def urlset(self, base: str, page: int | None) -> ET.Element:
        """One file: the fixed pages (page None) or one page of articles, or all when small."""
        root = xmldoc.document("urlset", SITEMAP)
        if page is None:
            for path in self.fixed():
                _url(root, base + path)
        if page is not None or self.single():
            offset = (page - 1) * SITEMAP_LIMIT if page else 0
            for row in self.calendar.sitemap_rows(SITEMAP_LIMIT, offset):
                _url(root, f"{base}/articles/{quote(row.id, safe='')}", row.lastmod)
        return root

    def index(self, base: str) -> ET.Element:
        root = xmldoc.document("sitemapindex", SITEMAP)
        entry = ET.SubElement(root, "sitemap")
        xmldoc.child(entry, "loc", f"{base}/sitemaps/pages.xml")
        for page in range(1, self.pages() + 1):
            entry = ET.SubElement(root, "sitemap")
            xmldoc.child(entry, "loc", f"{base}/sitemaps/articles-{page}.xml")
            lastmod = self.calendar.sitemap_lastmod(SITEMAP_LIMIT, (page - 1) * SITEMAP_LIMIT)
            if lastmod:
                xmldoc.child(entry, "lastmod", xmldoc.timestamp(xmldoc.store_time(lastmod)))
        return root


def router(archive: Archive) -> APIRouter:
    discovery = APIRouter(include_in_schema=False)
    sitemaps = Sitemaps(Calendar(archive.store))

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    @discovery.get("/opensearch.xml")
    def opensearch_description(request: Request) -> Response:
        return xmldoc.respond(opensearch(base(request)), "application/opensearchdescription+xml")

    @discovery.get("/sitemap.xml")
    def sitemap(request: Request) -> Response:
        if sitemaps.single():
            return xmldoc.respond(sitemaps.urlset(base(request), None), "application/xml")
        return xmldoc.respond(sitemaps.index(base(request)), "application/xml")

    @discovery.get("/sitemaps/pages.xml")
    def sitemap_pages(request: Request) -> Response:
        root = xmldoc.document("urlset", SITEMAP)
        for path in sitemaps.fixed():
            _url(root, base(request) + path)
        return xmldoc.respond(root, "application/xml")

    @discovery.get("/sitemaps/articles-{page}.xml")
    def sitemap_articles(request: Request, page: str) -> Response:
        number = int(page) if page.isdigit() and len(page) < 7 else 0
        if not 1 <= number <= sitemaps.pages():
            raise PageNotFound(
                f"there is no sitemap page {page!r}",
                key="not_found",
                hint="start from /sitemap.xml",
            )
        return xmldoc.respond(sitemaps.urlset(base(request), number), "application/xml")

    @discovery.get("/robots.txt")
    def robots(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"User-agent: *\nAllow: /\nSitemap: {base(request)}/sitemap.xml\n")

    return discovery
