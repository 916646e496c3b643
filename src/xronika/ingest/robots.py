"""robots.txt: which pages of a site xronika may fetch, and how slowly.

Read once per site (scheme, host and port) with the standard library's parser. A missing
robots.txt (any 4xx) allows everything; one that cannot be read because the server fails
(5xx, timeouts) forbids everything for this run, as RFC 9309 asks: a site in trouble is no
place to crawl. A `Crawl-delay` (whole or fractional seconds) slows the fetcher down for
that host; one longer than the fetcher ever waits (`MAX_WAIT`) keeps the site out of this
run, with a message saying why.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from xronika.ingest.fetch import MAX_WAIT, Fetcher, FetchFailed, host_of

AGENT = "xronika"
_MISSING = frozenset(range(400, 500)) - {429}  # 429 means "slow down", not "no file"
_CRAWL_DELAY = re.compile(r"^(\s*crawl-delay\s*:\s*)(\d*\.?\d+)(\s*(?:#.*)?)$", re.IGNORECASE)


def _in_milliseconds(line: str) -> str:
    """A Crawl-delay line with its seconds as whole milliseconds: the standard parser
    reads whole numbers only, and `Crawl-delay: 0.5` is common."""
    found = _CRAWL_DELAY.match(line)
    if found is None:
        return line
    start, seconds, end = found.groups()
    return f"{start}{round(float(seconds) * 1000)}{end}"


class Robots:
    """The robots.txt rules of every site a run touches, fetched when first needed."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._rules: dict[str, RobotFileParser | None] = {}
        self.problems: list[FetchFailed] = []  # why a site is not crawled at all

    def _site(self, url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def _load(self, site: str) -> RobotFileParser | None:
        address = site + "/robots.txt"
        rules = RobotFileParser(address)
        try:
            fetched = self.fetcher.fetch(address)
        except FetchFailed as error:
            if error.http_status in _MISSING:
                rules.parse([])  # no robots.txt: everything is allowed
                return rules
            self.problems.append(
                FetchFailed(
                    f"robots.txt could not be read ({error.message}): the site is not crawled",
                    where=error.where,
                    hint="try again when the site is up",
                )
            )
            return None
        lines = fetched.body.decode("utf-8", errors="replace").splitlines()
        rules.parse([_in_milliseconds(line) for line in lines])
        delay = float(rules.crawl_delay(AGENT) or 0) / 1000
        if delay > MAX_WAIT:
            self.problems.append(
                FetchFailed(
                    f"robots.txt asks for {delay:,g} s between requests, longer than xronika "
                    f"waits ({MAX_WAIT:g} s): the site is not crawled",
                    where=address,
                    hint="ask the site for a feed or a sitemap, or for a shorter Crawl-delay",
                )
            )
            return None
        if delay:
            self.fetcher.pacer.slow_down(host_of(site), delay)
        return rules

    def allowed(self, url: str) -> bool:
        site = self._site(url)
        if site not in self._rules:
            self._rules[site] = self._load(site)
        rules = self._rules[site]
        return rules is not None and rules.can_fetch(AGENT, url)
