"""Fetching pages over HTTP, politely: the first step of ingest from the web.

Every page, feed, sitemap and robots.txt that ingest reads from the network comes through
a `Fetcher`. It says who it is (an honest user agent), asks one host one thing at a time
and waits its turn (`delay` seconds from the end of one request to the start of the next,
or more when robots.txt's Crawl-delay or a Retry-After asks; each redirect hop is a request
of its own), gives up on slow servers (`timeout`), retries with growing pauses on 5xx, 429
and connection failures, follows redirects (the final URL is the page's address), refuses
responses over `max_bytes` (compressed or not, so a gzip bomb is stopped early) and sends
the validators of an earlier fetch (ETag / Last-Modified) so an unchanged page costs a 304.
A server that asks for a pause longer than `MAX_WAIT` is reported, not waited for.

We decompress ourselves rather than trusting the client, because a truncated gzip body must
be an error naming the URL, not a silently shortened article.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

import httpx

from xronika import settings
from xronika.errors import SourceError

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_WAIT = 60.0  # seconds; a server or robots.txt asking for a longer pause is not waited for
MAX_REDIRECTS = 10


def user_agent() -> str:
    """`xronika/VERSION (self-hosted news archive; +CONTACT)`: who is asking, and how a
    site owner reaches whoever runs this archive (the `contact` setting)."""
    try:
        release = version("xronika")
    except PackageNotFoundError:
        release = "dev"
    contact = str(settings.get("contact")).strip()
    return f"xronika/{release} (self-hosted news archive{'; +' + contact if contact else ''})"


class FetchFailed(SourceError):
    """A URL could not be fetched: an HTTP error, a timeout, a damaged or oversized body."""

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        hint: str | None = None,
        http_status: int | None = None,
    ):
        super().__init__(message, where=where, hint=hint)
        self.http_status = http_status


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How politely and patiently to fetch; tests shrink the waits to nothing."""

    delay: float = 1.0  # seconds between two requests to one host
    timeout: float = 20.0  # seconds to connect, and between two chunks of the answer
    retries: int = 2  # further tries after a retryable failure
    backoff: float = 1.0  # first pause before a retry, doubled each time
    max_bytes: int = 10 * 1024 * 1024
    workers: int = 4  # requests in flight at once (to different hosts, or paced)
    agent: str = ""

    @property
    def user_agent(self) -> str:
        return self.agent or user_agent()


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about a page's version, sent back to ask "has it changed?"."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        found = {}
        if self.etag:
            found["If-None-Match"] = self.etag
        if self.last_modified:
            found["If-Modified-Since"] = self.last_modified
        return found


@dataclass(frozen=True, slots=True)
class Fetched:
    """One answer: the URL asked for, the URL that answered (after redirects), the body."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class Pacer:
    """Per-host turns: one request at a time to a host, and a pause before the next.

    The pause runs from the end of one request to the start of the next, so the server
    sees at least that much quiet however slow its answers or our machine: `delay`, or
    robots.txt's Crawl-delay when longer, and never before a Retry-After has passed.
    """

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._turns: dict[str, threading.Lock] = {}
        self._ended: dict[str, float] = {}  # when the last request to a host ended
        self._held: dict[str, float] = {}  # no request to a host before this (Retry-After)
        self._slower: dict[str, float] = {}  # Crawl-delay

    def slow_down(self, host: str, delay: float) -> None:
        """A longer pause for one host, from the request that just ended on."""
        with self._lock:
            self._slower[host] = max(self._slower.get(host, 0.0), delay)

    def hold(self, host: str, seconds: float) -> None:
        """No request to a host for `seconds` from now (a Retry-After, a backoff)."""
        with self._lock:
            until = time.monotonic() + seconds
            self._held[host] = max(self._held.get(host, until), until)

    def _free(self, host: str) -> float:
        with self._lock:
            pause = max(self.delay, self._slower.get(host, 0.0))
            ended = self._ended.get(host)
            after = ended + pause if ended is not None else 0.0
            return max(after, self._held.get(host, 0.0))

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        """Wait for the host's turn and hold it for one request."""
        with self._lock:
            turn = self._turns.setdefault(host, threading.Lock())
        with turn:
            while (wait := self._free(host) - time.monotonic()) > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                with self._lock:
                    self._ended[host] = time.monotonic()


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds a Retry-After header asks for (a number, or an HTTP date), or None."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # HTTP dates are GMT; "-0000" parses naive
    return max(0.0, moment.timestamp() - time.time())


def _inflate(data: bytes, encoding: str, url: str, limit: int) -> bytes:
    """A compressed body, refused past the size limit and when its stream is cut short."""
    wbits = 31 if encoding in ("gzip", "x-gzip") else 47 if encoding == "auto" else 15
    inflater = zlib.decompressobj(wbits=wbits)
    try:
        plain = inflater.decompress(data, limit + 1)
    except zlib.error as error:
        raise FetchFailed(
            f"the response's {encoding} data is damaged: {error}",
            where=url,
            hint="the server or a proxy broke it; try again later",
        ) from None
    if len(plain) > limit:
        raise FetchFailed(
            f"the response decompresses to more than {limit:,} bytes (the size limit)",
            where=url,
            hint="a gzip bomb, or raise --max-bytes",
        )
    if not inflater.eof:
        raise FetchFailed(
            f"the response's {encoding} data is truncated",
            where=url,
            hint="the connection broke off; try again later",
        )
    return plain


class Fetcher:
    """One HTTP client for a whole ingest run, shared by its fetching threads."""

    def __init__(self, policy: FetchPolicy, transport: httpx.BaseTransport | None = None):
        self.policy = policy
        self.pacer = Pacer(policy.delay)
        self.client = httpx.Client(
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(policy.timeout),
            follow_redirects=False,  # each hop waits its turn (see `_follow`)
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def fetch(self, url: str, validators: Validators | None = None) -> Fetched:
        """The answer for one URL; FetchFailed, naming the URL, when there is none to use."""
        attempt = 0
        while True:
            try:
                return self._follow(url, validators)
            except _Retry as retry:
                if retry.after is not None and retry.after > MAX_WAIT:
                    raise _too_long(retry.failure, retry.after) from None
                if attempt >= self.policy.retries:
                    raise retry.failure from None
                pause = max(self.policy.backoff * 2**attempt, retry.after or 0.0)
                self.pacer.hold(retry.host, pause)
                attempt += 1
            except (httpx.InvalidURL, UnicodeError, OverflowError) as error:
                # Addresses httpx takes but cannot reach: `027.0.0.1`, `a..b`, port 10**20.
                raise FetchFailed(f"not a valid URL: {error}", where=url) from None

    def _follow(self, url: str, validators: Validators | None) -> Fetched:
        """One try at a URL, redirect by redirect, each hop in its host's turn."""
        headers = validators.headers() if validators else {}
        request = self.client.build_request("GET", url, headers=headers)
        for _ in range(MAX_REDIRECTS + 1):
            with self.pacer.turn(host_of(str(request.url))):
                answer = self._once(request, url)
            if isinstance(answer, Fetched):
                return answer
            request = answer
        raise FetchFailed("too many redirects", where=url, hint="a redirect loop?")

    def _once(self, request: httpx.Request, url: str) -> Fetched | httpx.Request:
        """The answer to one request, or the request a redirect points to."""
        host = host_of(str(request.url))
        try:
            response = self.client.send(request, stream=True)
            try:
                if response.next_request is not None:
                    return response.next_request
                if response.status_code in _RETRY_STATUS:
                    raise _Retry(_status_error(response), _retry_after(response), host)
                if response.status_code >= 400:
                    raise _status_error(response)
                raw = self._read(response, url)
            finally:
                response.close()
        except httpx.TimeoutException:
            raise _Retry(
                FetchFailed(
                    f"no answer within {self.policy.timeout:g} s",
                    where=url,
                    hint="the server is slow or down; try again later or raise --timeout",
                ),
                None,
                host,
            ) from None
        except httpx.TransportError as error:
            raise _Retry(
                FetchFailed(
                    f"the connection failed: {error or type(error).__name__}",
                    where=url,
                    hint="check the address and the network",
                ),
                None,
                host,
            ) from None
        except httpx.InvalidURL as error:
            raise FetchFailed(f"not a valid URL: {error}", where=url) from None
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            raw = _inflate(raw, encoding, url, self.policy.max_bytes)
        elif encoding not in ("identity", ""):
            raise FetchFailed(
                f"the response is encoded with {encoding!r}, which xronika did not ask for",
                where=url,
            )
        return Fetched(
            url=url,
            final_url=str(response.url),
            status=response.status_code,
            content_type=response.headers.get("Content-Type", ""),
            body=raw,
            validators=Validators(
                response.headers.get("ETag"), response.headers.get("Last-Modified")
            ),
        )

    def _read(self, response: httpx.Response, url: str) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_big(url, limit, int(declared))
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_raw():
            size += len(chunk)
            if size > limit:
                raise _too_big(url, limit, None)
            chunks.append(chunk)
        return b"".join(chunks)


class _Retry(Exception):
    """A failure worth another try, the host that failed and how long it asked us to wait."""

    def __init__(self, failure: FetchFailed, after: float | None, host: str):
        super().__init__(str(failure))
        self.failure = failure
        self.after = after
        self.host = host


def _too_long(failure: FetchFailed, after: float) -> FetchFailed:
    return FetchFailed(
        f"{failure.message}, with Retry-After {after:,.0f} s: longer than xronika waits "
        f"({MAX_WAIT:g} s)",
        where=failure.where,
        hint="the server is overloaded or refuses crawlers for now; try again later",
        http_status=failure.http_status,
    )


def _status_error(response: httpx.Response) -> FetchFailed:
    status = response.status_code
    hint = {
        404: "the page is gone or the address is wrong",
        410: "the page was removed",
        401: "the page needs a login",
        403: "the server refuses xronika",
        429: "the server asks for fewer requests: raise --delay",
    }.get(status, "try again later" if status >= 500 else None)
    message = f"HTTP {status} {response.reason_phrase}".strip()
    return FetchFailed(message, where=str(response.url), hint=hint, http_status=status)


def _too_big(url: str, limit: int, size: int | None) -> FetchFailed:
    said = f"{size:,} bytes, over" if size is not None else "over"
    return FetchFailed(
        f"the response is {said} the size limit of {limit:,} bytes",
        where=url,
        hint="raise --max-bytes if the page is really that big",
    )


def gunzipped(data: bytes, url: str, limit: int) -> bytes:
    """A body that is itself a gzip file (sitemap.xml.gz), inflated within the limit."""
    if data[:2] != b"\x1f\x8b":
        return data
    return _inflate(data, "gzip", url, limit)
