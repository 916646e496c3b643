"""A small news site of our own, served on loopback for the web-ingest tests.

It holds articles in Azerbaijani, Russian, Turkish and English (two in legacy encodings),
a front page, a section front and a tag page, robots.txt with a disallowed path, a sitemap
index with a news sitemap and a gzipped urlset, RSS and Atom feeds, a redirect, a 404, a
slow page, a page over the size limit, a truncated gzip body, an image, a broken feed and
pages that fail before they succeed. Every answer is counted per path and status, so tests
can tell what was fetched (200) from what cost nothing (304), and every request's arrival
time is noted, so tests can check the pauses between them (a lower bound, never a speed).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from xronika.archive import Archive
from xronika.errors import XronikaError
from xronika.ingest import IngestReport, ingest
from xronika.ingest.fetch import FetchPolicy
from xronika.ingest.web import WebOptions

Answer = tuple[int, dict[str, str], bytes]


def article(
    title: str,
    paragraphs: list[str],
    *,
    lang: str,
    date: str | None = None,
    meta_charset: str = "utf-8",
    og: bool = True,
) -> str:
    published = f'<meta property="article:published_time" content="{date}">' if date else ""
    kind = '<meta property="og:type" content="article">' if og else ""
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{lang}"><head>'
        f'<meta http-equiv="Content-Type" content="text/html; charset={meta_charset}">'
        f"<title>{title}</title>{published}{kind}</head><body>"
        '<nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/tag/neft">neft</a></nav>'
        f"<article><h1>{title}</h1>{text}</article>"
        "<footer>© Test News</footer></body></html>"
    )


AZ = article(
    "Neft hasilatı artıb",
    [
        "Azərbaycanda neft hasilatı ötən ay artıb. Bu barədə Energetika Nazirliyi məlumat yayıb.",
        "Nazirliyin bildirdiyinə görə, hasilat Xəzər dənizindəki yataqlarda yeni quyuların "
        "istifadəyə verilməsi hesabına çoxalıb və ixrac da genişlənib.",
    ],
    lang="az",
    date="2024-03-14T10:00:00+04:00",
)
RU = article(
    "Погода в Баку",
    [
        "В Баку ожидается тёплая и солнечная погода, сообщает Национальная гидрометеослужба.",
        "Синоптики обещают, что в выходные температура воздуха поднимется до двадцати "
        "градусов, а ветер ослабнет к вечеру субботы.",
    ],
    lang="ru",
    date="2024-03-15",
    og=False,
)
TR = article(
    "Ekonomide güçlü büyüme",
    [
        "Türkiye ekonomisi geçen çeyrekte beklentilerin üzerinde büyüdü; ihracat ve iç talep "
        "güçlü seyretti.",
        "İstanbul'daki ekonomistler, büyümenin yılın ikinci yarısında da süreceğini "
        "düşünüyor ve ağır sanayi üretiminin arttığını belirtiyor.",
    ],
    lang="tr",
    date="2024-03-16",
    meta_charset="windows-1254",
)
HARBOUR = article(
    "New ferry terminal opens at the harbour",
    [
        "A new ferry terminal opened at the harbour on Sunday, doubling the number of daily "
        "crossings to the islands.",
        "Officials said the terminal was finished ahead of schedule and that the old pier "
        "would become a public promenade by the summer.",
    ],
    lang="en",
)
BRIDGE = article(
    "Old bridge reopens after repairs",
    [
        "The old stone bridge over the river reopened to pedestrians after two years of "
        "careful repairs by the city's engineers.",
        "Residents gathered on both banks to watch the ribbon being cut, and the mayor "
        "promised that cars would not return to the bridge.",
    ],
    lang="en",
    date="2024-03-12",
)
PIER = article(  # linked from nowhere unless a test says so
    "A new pier for the summer ferries",
    [
        "A second pier was finished at the harbour this week, ready for the summer ferries "
        "that bring visitors to the islands.",
        "The harbour master said the pier lets two ferries load at once, so the queues of "
        "cars on the quay should be much shorter in July.",
    ],
    lang="en",
    date="2024-03-20",
)
SECRET = article(
    "A page robots.txt forbids",
    ["This page must never be fetched by a polite crawler, whatever links point to it."],
    lang="en",
)
ARTICLES = {
    "/az/neft-hasilati": AZ,
    "/ru/pogoda": RU,
    "/tr/ekonomi": TR,
    "/en/harbour": HARBOUR,
    "/en/bridge": BRIDGE,
    "/en/pier": PIER,
}


def front(title: str, links: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><h1>{title}</h1><ul>{items}</ul></body></html>"
    )


HEADLINES = [
    ("/az/neft-hasilati", "Neft hasilatı artıb ötən ay Xəzərdə"),
    ("/ru/pogoda", "Погода в Баку на выходные будет тёплой"),
    ("/tr/ekonomi", "Ekonomide güçlü büyüme geçen çeyrekte"),
    ("/en/harbour#comments", "New ferry terminal opens at the harbour"),
]
FRONT = front(
    "Test Xəbər",
    [
        ("/news/", "All the news of the day, from every section"),
        ("/tag/neft", "Everything tagged neft"),
        ("/az/neft-hasilati", "Neft hasilatı artıb"),
        ("/private/secret", "A page nobody may crawl"),
        ("/old-url", "The old bridge, at its old address"),
        ("/missing", "A story that was taken down"),
        ("https://elsewhere.invalid/story", "A story on another site"),
        ("/logo.png", "Our logo"),
    ],
)
SECTION = front("News", HEADLINES)
TAG = front("neft", HEADLINES[:1])

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test Xəbər</title><link>{base}/</link>
<item><title>New ferry terminal opens</title><link>{base}/en/harbour</link>
<pubDate>Sun, 10 Mar 2024 08:00:00 GMT</pubDate></item>
<item><title>Погода в Баку</title><link>{base}/ru/pogoda</link>
<pubDate>Fri, 15 Mar 2024 06:00:00 GMT</pubDate></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Test Xəbər</title><id>{base}/</id>
<updated>2024-03-16T12:00:00Z</updated>
<entry><title>Ekonomide güçlü büyüme</title><id>{base}/tr/ekonomi</id>
<link href="{base}/tr/ekonomi"/><updated>2024-03-16T12:00:00Z</updated></entry>
<entry><title>Neft hasilatı artıb</title><id>{base}/az/neft-hasilati</id>
<link href="{base}/az/neft-hasilati"/><published>2024-03-14T06:00:00Z</published>
<updated>2024-03-14T06:00:00Z</updated></entry>
</feed>"""
BROKEN_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Broken</title>
<item><title>Half an item</title><link>{base}/en/bri"""
INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap-news.xml</loc><lastmod>2024-03-16</lastmod></sitemap>
<sitemap><loc>{base}/sitemap-pages.xml.gz</loc></sitemap>
</sitemapindex>"""
NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/en/harbour</loc><news:news>
  <news:publication><news:name>Test</news:name><news:language>en</news:language></news:publication>
  <news:publication_date>2024-03-10T09:30:00+04:00</news:publication_date>
  <news:title>New ferry terminal opens at the harbour</news:title></news:news></url>
<url><loc>{base}/az/neft-hasilati</loc><news:news>
  <news:publication_date>2024-03-14T10:00:00+04:00</news:publication_date></news:news></url>
<url><loc>{base}/en/ancient</loc><news:news>
  <news:publication_date>2019-05-01</news:publication_date></news:news></url>
</urlset>"""
PAGES = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/tr/ekonomi</loc><lastmod>2024-03-16</lastmod></url>
<url><loc>{base}/en/bridge</loc><lastmod>2024-03-12</lastmod></url>
</urlset>"""
ROBOTS = "User-agent: *\nDisallow: /private/\n"


class Site:
    """The server and what it saw: hits per (path, status), user agents, a failure script."""

    def __init__(self) -> None:
        self.hits: Counter[tuple[str, int]] = Counter()
        self.arrivals: list[tuple[float, str]] = []  # (time.monotonic(), path), in order
        self.agents: set[str] = set()
        self.failures: dict[str, list[Answer]] = {}  # answers to give before the real one
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str, status: int) -> int:
        return self.hits[(path, status)]

    def fetched(self, path: str) -> int:
        """Requests for a path, whatever the answer."""
        return sum(n for (p, _), n in self.hits.items() if p == path)

    def pauses(self) -> list[tuple[float, str, str]]:
        """Seconds between each request and the one before it, with both paths."""
        return [(b[0] - a[0], a[1], b[1]) for a, b in itertools.pairwise(self.arrivals)]

    def start(self) -> Site:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, headers: dict[str, str]) -> Answer:
        with self._lock:
            scripted = self.failures.get(path)
            if scripted:
                return scripted.pop(0)

        def xml(template: str, media: str) -> Answer:
            return 200, {"Content-Type": media}, template.format(base=self.base).encode()

        routes: dict[str, Callable[[], Answer]] = {
            "/robots.txt": lambda: (200, {"Content-Type": "text/plain"}, ROBOTS.encode()),
            "/": lambda: _html(FRONT),
            "/news/": lambda: _html(SECTION),
            "/tag/neft": lambda: _html(TAG),
            "/private/secret": lambda: _html(SECRET),
            "/ru/pogoda": lambda: (
                200,
                {"Content-Type": "text/html; charset=windows-1251"},
                RU.replace("charset=utf-8", "").encode("cp1251"),
            ),
            "/tr/ekonomi": lambda: (200, {"Content-Type": "text/html"}, TR.encode("cp1254")),
            "/old-url": lambda: (301, {"Location": "/en/bridge"}, b""),
            "/feed.rss": lambda: xml(RSS, "application/rss+xml"),
            "/feed.atom": lambda: xml(ATOM, "application/atom+xml"),
            "/broken.rss": lambda: xml(BROKEN_RSS, "application/rss+xml"),
            "/sitemap_index.xml": lambda: xml(INDEX, "application/xml"),
            "/sitemap-news.xml": lambda: xml(NEWS, "application/xml"),
            "/sitemap-pages.xml.gz": lambda: (
                200,
                {"Content-Type": "application/x-gzip"},
                gzip.compress(PAGES.format(base=self.base).encode()),
            ),
            "/slow": self._slow,
            "/huge": lambda: _html(article("Huge", ["word " * 40_000], lang="en")),
            "/broken-gzip": lambda: (
                200,
                {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
                gzip.compress(BRIDGE.encode())[:-40],
            ),
            "/image": lambda: (
                200,
                {"Content-Type": "image/png"},
                b"\x89PNG\r\n\x1a\n" + b"0" * 64,
            ),
        }
        for path_, page in ARTICLES.items():
            routes.setdefault(path_, lambda page=page: _html(page))  # type: ignore[misc]
        route = routes.get(path)
        if route is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        status, extra, body = route()
        if status == 200 and path != "/robots.txt":
            tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            extra = {**extra, "ETag": tag}
            if headers.get("if-none-match") == tag:
                return 304, {"ETag": tag}, b""
        return status, extra, body

    def _slow(self) -> Answer:
        time.sleep(2)
        return _html(BRIDGE)


def _html(text: str) -> Answer:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, text.encode()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            with site._lock:
                site.arrivals.append((time.monotonic(), path))
            site.agents.add(self.headers.get("User-Agent", ""))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, body = site.answer(path, headers)
            with site._lock:
                site.hits[(path, status)] += 1
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # unless the client gave up (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


# -- ingesting from the site -----------------------------------------------------------

QUICK = FetchPolicy(delay=0, timeout=0.5, retries=1, backoff=0, max_bytes=64 * 1024)


def run(
    archive: Archive, *sources: str, crawl: bool = False, **options: object
) -> tuple[IngestReport, list[str]]:
    problems: list[str] = []

    def say(error: XronikaError) -> None:
        problems.append(str(error))

    web = WebOptions(crawl=crawl, **{"policy": QUICK, **options})  # type: ignore[arg-type]
    return ingest(archive, list(sources), problem=say, web_options=web), problems


def by_url(archive: Archive) -> dict[str, dict[str, object]]:
    return {
        str(stored.article.url): stored.article.to_json()
        for stored in archive.store.iter_articles()
    }
