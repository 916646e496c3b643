"""Fetched web pages: the links they hold, whether they are articles, and their articles.

A crawl meets section fronts, tag lists, author pages and search results beside its
articles. Those are recognised here, by address (`/tag/`, `/category/`, `/search`,
`?page=`, the site's front page) or by shape (many links, little text of their own), and
skipped: counted, never stored, but their links are still followed. A page that declares
itself an article (`og:type` article) is taken at its word.

A page that is an article goes to the extractor as a `WebPage` job (it may run in a
worker process); the feed's or sitemap's date and title stand in for ones the page lacks.
A page a crawl reached carries the run's `--since`: only extraction finds its date, so an
older article is skipped there (its links were followed already, when it was fetched).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from lxml import etree  # type: ignore[import-untyped]
from lxml import html as lxml_html

from xronika.errors import InvalidRecord
from xronika.ingest.html import extract
from xronika.ingest.records import finalise
from xronika.ingest.skipped import Skipped
from xronika.model import Article, Provenance, parse_published
from xronika.store.fetch_cache import CacheEntry

_LIST_SEGMENTS = frozenset(
    {"tag", "tags", "category", "categories", "search", "author", "authors", "page", "topics"}
)
_LIST_QUERY = frozenset({"page", "s", "q", "query", "search", "tag", "category", "paged"})
_NOT_TEXT = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template")
_NOT_PAGES = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|ico|css|js|pdf|zip|gz|mp[34]|avi|mov|docx?|xlsx?|pptx?)$", re.I
)
_ARTICLE_TYPES = re.compile(r'"@type"\s*:\s*"(News|Blog)?Article"')
MANY_LINKS = 12  # a page with this many links and little text of its own is a list
OWN_WORDS = 120


@dataclass(frozen=True, slots=True)
class WebPage:
    """A fetched page on its way to extraction, with what a feed or sitemap said of it."""

    url: str  # the URL that answered (after redirects)
    data: bytes  # UTF-8
    published: str | None = None
    title: str | None = None
    cache: CacheEntry | None = None  # recorded once the article is stored
    skip: str | None = None  # why the page is not an article (then `data` is empty)
    since: datetime | None = None  # an article published before this is skipped


@dataclass(frozen=True, slots=True)
class Shape:
    """What a crawl needs to know about a page before extraction."""

    links: tuple[str, ...]
    listing: str | None  # why the page is not an article, or None


def normal_url(url: str) -> str:
    """A URL without its fragment, so `page#comments` and `page` are fetched once."""
    return urldefrag(url.strip())[0]


def is_page_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and not _NOT_PAGES.search(parts.path)


def listing_by_address(url: str) -> str | None:
    """Why an address is a list page (tag, category, search, paging, front), or None."""
    parts = urlsplit(url)
    segments = [s.lower() for s in parts.path.split("/") if s]
    if not segments and not parts.query:
        return "the site's front page"
    named = _LIST_SEGMENTS.intersection(segments)
    if named:
        return f"a /{sorted(named)[0]}/ page, not an article"
    keys = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if keys & _LIST_QUERY:
        return f"a ?{sorted(keys & _LIST_QUERY)[0]}= page, not an article"
    return None


def _tree(data: bytes) -> Any:
    try:
        return etree.fromstring(data, lxml_html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _words(text: str) -> int:
    return len(text.split())


def shape(data: bytes, url: str) -> Shape:
    """The page's links (absolute, same order, once each) and whether it is a list page."""
    tree = _tree(data)
    if tree is None:
        return Shape((), None)
    base = tree.find(".//base")
    base_url = urljoin(url, base.get("href")) if base is not None and base.get("href") else url
    links: dict[str, None] = {}
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if not href or "nofollow" in (anchor.get("rel") or ""):
            continue
        target = normal_url(urljoin(base_url, href))
        if is_page_address(target):
            links[target] = None
    found = tuple(links)
    by_address = listing_by_address(url)
    if by_address:
        return Shape(found, by_address)
    declared = tree.find(".//meta[@property='og:type']")
    if declared is not None and (declared.get("content") or "").strip().lower() == "article":
        return Shape(found, None)
    if any(_ARTICLE_TYPES.search(s.text or "") for s in tree.iter("script")):
        return Shape(found, None)
    return Shape(found, _by_shape(tree))


def _by_shape(tree: Any) -> str | None:
    body = tree.find(".//body")
    if body is None:
        return None
    for element in list(body.iter(*_NOT_TEXT)):
        element.drop_tree()
    anchors = [a for a in body.iter("a") if a.get("href")]
    linked = sum(_words(a.text_content()) for a in anchors)
    own = _words(body.text_content()) - linked
    if len(anchors) >= MANY_LINKS and own < OWN_WORDS:
        return f"a list of links, not an article ({len(anchors)} links, {own} words of its own)"
    if len(anchors) >= 3 and linked > 2 * max(own, 1):
        return f"mostly links, not an article ({linked} linked words, {own} of its own)"
    return None


Output = tuple[Article | InvalidRecord, Provenance] | CacheEntry | Skipped


def _older(article: Article, since: datetime | None) -> bool:
    if since is None or article.published is None:
        return False  # an article that states no date is kept: its age is unknown
    return parse_published(article.published).instant < since


def read_web_page(page: WebPage) -> list[Output]:
    """The article in a fetched page (and its cache entry), or why there is none."""
    place = Provenance(page.url)
    if page.skip is not None:
        return [Skipped(page.skip, page.url), *([page.cache] if page.cache else [])]
    try:
        draft = extract(page.data, page.url, page.url)
        if not draft.published and page.published:
            draft.published = page.published
        if not draft.title and page.title:
            draft.title = page.title
        article = finalise(draft, page.url)
    except InvalidRecord as problem:
        return [(problem, place)]
    if _older(article, page.since):
        # No cache entry: a later run with an earlier --since must get the page, not a 304.
        return [Skipped(f"published {article.published}, before --since", page.url)]
    found: list[Output] = [(article, place)]
    if page.cache is not None:
        found.append(page.cache)
    return found
