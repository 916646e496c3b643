"""Ingest from the web: URLs, crawls, feeds and sitemaps, turned into page jobs.

A `WebSession` serves one ingest run. Given a URL it fetches it and decides by content
what it is: an article page, the start of a crawl (`crawl=True`), an RSS/Atom feed or a
sitemap, whose pages are fetched in turn. Given a local feed or sitemap file it fetches
the pages it lists. It yields events for the orchestrator: `WebPage` (to extract and store,
or to skip and remember), `Skipped`, `Unchanged` (a 304: the archive has it already) and
errors naming the URL: a `SourceError` when a source as a whole is unusable, an
`InvalidRecord` when one page is, the rest going on.

Fetches run in a small thread pool (the work is waiting on servers), paced per host by the
fetcher; scheduling, robots.txt, the crawl frontier and store lookups stay in the thread
that consumes the events, so the store is only touched from there.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime

import httpx

from xronika.errors import InvalidRecord, SourceError
from xronika.ingest.documents import NOT_DOCUMENTS, Item, Listing, kind_of_document
from xronika.ingest.encoding import as_utf8
from xronika.ingest.feeds import read_feed
from xronika.ingest.fetch import Fetched, Fetcher, FetchFailed, FetchPolicy, Validators, gunzipped
from xronika.ingest.fetch import host_of as _host
from xronika.ingest.pages import WebPage, normal_url, shape
from xronika.ingest.robots import Robots
from xronika.ingest.sitemaps import read_sitemap
from xronika.ingest.skipped import Skipped
from xronika.model import parse_published
from xronika.store import fetch_cache
from xronika.store.articles import Store
from xronika.store.fetch_cache import CacheEntry


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


@dataclass(frozen=True, slots=True)
class WebOptions:
    """What a person asked of web sources on the command line."""

    crawl: bool = False
    depth: int = 2  # links followed from the start page, at most
    max_pages: int = 1000  # pages fetched for one source, at most
    since: datetime | None = None  # items and crawled pages dated before this are skipped
    policy: FetchPolicy = field(default_factory=FetchPolicy)


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A page the server says has not changed since the archive stored it (HTTP 304)."""

    url: str


Event = WebPage | Skipped | Unchanged | SourceError | InvalidRecord


@dataclass(frozen=True, slots=True)
class _Task:
    url: str
    role: str  # "start" (a source named by the person), "page" or "sitemap"
    seed: str  # the source it belongs to
    depth: int = 0
    item: Item | None = None
    scope: str | None = None  # the site a crawl keeps to; None: links are not followed


def site_of(url: str) -> str:
    """A site's name for crawl scope: the host, without a leading `www.`."""
    host = _host(url)
    return host[4:] if host.startswith("www.") else host


class WebSession:
    """Fetching for one ingest run: one client, one pool, one robots.txt cache."""

    def __init__(
        self, store: Store, options: WebOptions, transport: httpx.BaseTransport | None = None
    ):
        self.store = store
        self.options = options
        self.fetcher = Fetcher(options.policy, transport)
        self.robots = Robots(self.fetcher)
        self.pool = ThreadPoolExecutor(max(1, options.policy.workers), "xronika-fetch")
        self.seen: set[str] = set()
        self.fetched: dict[str, int] = {}
        self._reported = 0

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.fetcher.close()

    def from_url(self, url: str) -> Iterator[Event]:
        """Everything one URL source yields: a page, a crawl, or a feed's or sitemap's pages."""
        yield from self._run([_Task(normal_url(url), "start", url)])

    def from_document(self, origin: str, kind: str, data: bytes) -> Iterator[Event]:
        """The pages a local feed or sitemap file lists, fetched."""
        events, tasks = self._listing(origin, kind, data, origin, top=True)
        yield from events
        yield from self._run(tasks)

    # -- scheduling --------------------------------------------------------------------

    def _run(self, tasks: list[_Task]) -> Iterator[Event]:
        queue = deque(tasks)
        flight: dict[Future[Fetched], tuple[_Task, CacheEntry | None]] = {}
        try:
            while queue or flight:
                while queue and len(flight) < self.options.policy.workers:
                    task = queue.popleft()
                    if task.url in self.seen:
                        continue
                    self.seen.add(task.url)
                    refused = self._refused(task)
                    if refused is not None:
                        yield refused
                        continue
                    cached = fetch_cache.lookup(self.store, task.url)
                    asked = (
                        Validators(cached.etag, cached.last_modified)
                        if cached is not None and cached.conditional and task.role != "sitemap"
                        else None
                    )
                    future = self.pool.submit(self.fetcher.fetch, task.url, asked)
                    flight[future] = (task, cached if asked else None)
                yield from self._robot_problems()
                if not flight:
                    continue
                done, _ = wait(flight, return_when=FIRST_COMPLETED)
                for future in done:
                    task, cached = flight.pop(future)
                    yield from self._answer(task, cached, future, queue)
        finally:
            for future in flight:
                future.cancel()

    def _robot_problems(self) -> Iterator[Event]:
        for error in self.robots.problems[self._reported :]:
            yield InvalidRecord(error.message, where=error.where, hint=error.hint)
        self._reported = len(self.robots.problems)

    def _refused(self, task: _Task) -> Skipped | None:
        """Why a task is not fetched (robots.txt, the page limit, --since), or None."""
        explicit = task.role == "start" and not self.options.crawl
        if not explicit and not self.robots.allowed(task.url):
            return Skipped("robots.txt disallows it", task.url)
        if task.role != "sitemap":
            count = self.fetched.get(task.seed, 0)
            if count >= self.options.max_pages:
                return Skipped(f"over --max-pages {self.options.max_pages}", task.url)
            self.fetched[task.seed] = count + 1
        return None

    def _older(self, item: Item) -> bool:
        if self.options.since is None or not item.dated:
            return False
        return parse_published(item.dated).instant < self.options.since

    # -- answers -----------------------------------------------------------------------

    def _failure(self, task: _Task, error: SourceError) -> SourceError | InvalidRecord:
        if task.role == "start":
            return error
        return InvalidRecord(error.message, where=error.where or task.url, hint=error.hint)

    def _answer(
        self,
        task: _Task,
        cached: CacheEntry | None,
        future: Future[Fetched],
        queue: deque[_Task],
    ) -> Iterator[Event]:
        try:
            fetched = future.result()
        except FetchFailed as error:
            yield self._failure(task, error)
            return
        if fetched.not_modified:
            if cached is None:
                yield self._failure(
                    task, FetchFailed("HTTP 304 to a plain request", where=task.url)
                )
                return
            self._follow(task, cached.links, queue)
            if cached.outcome == "article":
                yield Unchanged(task.url)
            else:
                yield Skipped("not an article (unchanged since the last crawl)", task.url)
            return
        final = normal_url(fetched.final_url)
        self.seen.add(final)
        try:
            body = gunzipped(fetched.body, final, self.options.policy.max_bytes)
        except FetchFailed as error:
            yield self._failure(task, error)
            return
        kind = None if fetched.media_type.startswith(NOT_DOCUMENTS) else kind_of_document(body)
        if task.role == "sitemap" or (task.role == "start" and kind in ("feed", "sitemap")):
            if kind not in ("feed", "sitemap"):
                yield self._failure(task, self._wrong(fetched, "a feed or sitemap", final))
                return
            events, tasks = self._listing(final, kind, body, task.seed, top=task.role == "start")
            yield from events
            queue.extend(tasks)
            return
        if kind != "html":
            wanted = "an HTML page, feed or sitemap" if task.role == "start" else "an HTML page"
            yield self._failure(task, self._wrong(fetched, wanted, final))
            return
        yield self._page(task, fetched, final, as_utf8(body, fetched.content_type), queue)

    def _wrong(self, fetched: Fetched, wanted: str, url: str) -> FetchFailed:
        said = fetched.media_type or "no content type"
        return FetchFailed(
            f"not {wanted}: the server sent {said}",
            where=url,
            hint="a WordPress export: download it and ingest the file"
            if kind_of_document(fetched.body) == "wxr"
            else "check the address",
        )

    def _page(
        self, task: _Task, fetched: Fetched, final: str, data: bytes, queue: deque[_Task]
    ) -> WebPage:
        crawling = self.options.crawl and task.role in ("start", "page") and task.item is None
        links: tuple[str, ...] = ()
        listing = None
        if crawling:
            if task.scope is None:
                task = replace(task, scope=site_of(final))
            elif site_of(final) != task.scope:
                return WebPage(final, b"", skip="redirected off the site being crawled")
            found = shape(data, final)
            links, listing = found.links, found.listing
            self._follow(task, links, queue)
        validators = fetched.validators
        cache = (
            CacheEntry(
                task.url,
                "skipped" if listing else "article",
                validators.etag,
                validators.last_modified,
                links,
            )
            if validators.etag or validators.last_modified
            else None
        )
        item = task.item or Item(final)
        return WebPage(
            final,
            b"" if listing else data,
            item.published,
            item.title,
            cache,
            skip=listing,
            since=self.options.since if crawling else None,
        )

    def _follow(self, task: _Task, links: tuple[str, ...], queue: deque[_Task]) -> None:
        if not self.options.crawl or task.item is not None or task.depth >= self.options.depth:
            return
        scope = task.scope or site_of(task.url)
        for link in links:
            if site_of(link) == scope and link not in self.seen:
                queue.append(_Task(link, "page", task.seed, task.depth + 1, scope=scope))

    def _listing(
        self, origin: str, kind: str, data: bytes, seed: str, *, top: bool
    ) -> tuple[list[Event], list[_Task]]:
        listing: Listing = read_feed(data) if kind == "feed" else read_sitemap(data)
        events: list[Event] = []
        if listing.problem:
            empty = not listing.items and not listing.sitemaps
            hint = "nothing could be read" if empty else "the items before the damage are ingested"
            if top and empty:
                events.append(SourceError(listing.problem, where=origin, hint=hint))
            else:
                events.append(InvalidRecord(listing.problem, where=origin, hint=hint))
        tasks: list[_Task] = []
        for role, items in (("page", listing.items), ("sitemap", listing.sitemaps)):
            for item in items:
                if self._older(item):
                    events.append(Skipped("older than --since", item.url))
                else:
                    tasks.append(_Task(normal_url(item.url), role, seed, item=item))
        return events, tasks
