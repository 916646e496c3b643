"""robots.txt: which pages of a site xronika may fetch, and how slowly.

Read once per site (scheme, host and port) with the standard library's parser. A missing
robots.txt (any 4xx) allows everything; one that cannot be read because the server fails
(5xx, timeouts) forbids everything for this run, as RFC 9309 asks: a site in trouble is no
place to crawl. A `Crawl-delay` slows the fetcher down for that host.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from xronika.ingest.fetch import Fetcher, FetchFailed, host_of

AGENT = "xronika"
_MISSING = frozenset(range(400, 500)) - {429}  # 429 means "slow down", not "no file"


class Robots:
    """The robots.txt rules of every site a run touches, fetched when first needed."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._rules: dict[str, RobotFileParser | None] = {}
        self.problems: list[FetchFailed] = []  # sites whose robots.txt could not be read

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
            self.problems.append(error)
            return None
        rules.parse(fetched.body.decode("utf-8", errors="replace").splitlines())
        delay = rules.crawl_delay(AGENT)
        if delay:
            self.fetcher.pacer.slow_down(host_of(site), float(delay))
        return rules

    def allowed(self, url: str) -> bool:
        site = self._site(url)
        if site not in self._rules:
            self._rules[site] = self._load(site)
        rules = self._rules[site]
        return rules is not None and rules.can_fetch(AGENT, url)
