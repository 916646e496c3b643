"""Small valid sources of every kind ingest reads, written by us, for hostile-input tests.

Each seed is a file name and its bytes: JSONL, a JSON array, an HTML page, Markdown with
front matter, plain text, WARC (gzipped per record and plain), ARC, a WordPress export,
CSV (read with a column map), an RSS and an Atom feed and a news sitemap (whose items
point at our loopback site, tests/website.py). The tests damage them and ingest the result.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable

from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]
from website import ATOM, NEWS, RSS

Seed = tuple[str, bytes]
CSV_MAP = {"title": "Headline", "body": "Text", "published": "Date", "tags": "Keywords"}

RECORDS = [
    {"id": "seed-az", "title": "Bakıda qar yağdı", "published": "2024-01-10", "language": "az",
     "body": "Bakıda güclü qar yağıb, yollarda sıxlıq yaranıb.\n\nSürücülər ehtiyatlı olmalıdır.",
     "tags": ["hava", "qış"], "authors": ["Aygün Məmmədova"], "section": "Cəmiyyət"},
    {"id": "seed-ru", "title": "Снег в Москве", "published": "2024-01-11T09:30:00+03:00",
     "body": "Москву засыпало снегом за одну ночь.", "language": "ru", "source": "Вечерний"},
    {"id": "seed-en", "body": "A note without a title or a date, in plain English words."},
]  # fmt: skip


def page(title: str, *paragraphs: str, lang: str = "az") -> bytes:
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        '<link rel="canonical" href="https://xeber.example.az/seed/1">'
        '<meta property="article:published_time" content="2024-03-14T10:00:00+04:00">'
        f"</head><body><nav><a href='/'>Ana səhifə</a></nav><article><h1>{title}</h1>{text}"
        "</article><footer>©</footer></body></html>"
    ).encode()


PAGE = page(
    "Neft qiymətləri yüksəlib",
    "Dünya bazarında neft qiymətləri yüksəlib. Azərbaycan neftinin bir bareli bahalaşıb.",
    "Ekspertlər bildirir ki, qiymətlərin artımı büdcə gəlirlərinə müsbət təsir göstərəcək.",
)
STORY = page(
    "Floods close the coastal road",
    "Heavy rain flooded the coastal road on Tuesday, the police said in the morning.",
    "Drivers were told to use the mountain pass until the water goes down again.",
    lang="en",
)


def jsonl() -> Seed:
    lines = [json.dumps(r, ensure_ascii=False) for r in RECORDS]
    return "articles.jsonl", ("\n".join(lines) + "\n").encode()


def json_array() -> Seed:
    return "articles.json", json.dumps(RECORDS, ensure_ascii=False, indent=1).encode()


def markdown() -> Seed:
    text = (
        "---\ntitle: Novruz bayramı\ndate: 2023-03-20\nlang: az\ntags: [bayram, Novruz]\n"
        "author: Leyla Həsənova\n---\n# Başlıq\n\nBakıda **Novruz** bayramı "
        "[qeyd olundu](https://x.example).\n\nTonqallar yandırıldı.\n"
    )
    return "note.md", text.encode()


def text() -> Seed:
    return "note.txt", "Göygöl gölü\nGöygöl Gəncə yaxınlığında dağ gölüdür.\n".encode()


def warc(gzip: bool) -> Seed:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    for url, html in (("https://xeber.example.az/seed/1", PAGE), ("https://n.example/s", STORY)):
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(html),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2024-02-01T10:00:00Z"},
        )
        writer.write_record(record)
    return ("crawl.warc.gz" if gzip else "crawl.warc"), buffer.getvalue()


def arc() -> Seed:
    """An ARC v1 file: its version block, then one captured page."""
    about = b"1 0 xronika\nURL IP-address Archive-date Content-type Archive-length\n"
    head = b"filedesc://crawl.arc 0.0.0.0 20240201100000 text/plain %d\n" % len(about)
    capture = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + STORY
    line = b"https://n.example/s 127.0.0.1 20240201100000 text/html %d\n" % len(capture)
    return "crawl.arc", head + about + b"\n" + line + capture + b"\n"


def wxr() -> Seed:
    text = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Gündəm Xəbər</title><language>az-AZ</language>
<wp:author><wp:author_login><![CDATA[aygun]]></wp:author_login>
<wp:author_display_name><![CDATA[Aygün Məmmədova]]></wp:author_display_name></wp:author>
<item><title>Yeni park açıldı</title><link>https://gundem.example.az/park/</link>
<dc:creator><![CDATA[aygun]]></dc:creator>
<content:encoded><![CDATA[<p>Şəhərdə yeni park açıldı.</p><p>Sakinlər çox sevindi.</p>]]></content:encoded>
<wp:post_date_gmt><![CDATA[2024-03-14 06:00:00]]></wp:post_date_gmt>
<wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category"><![CDATA[Cəmiyyət]]></category></item>
<item><title>Qaralama</title><wp:status>draft</wp:status><wp:post_type>post</wp:post_type>
<content:encoded><![CDATA[<p>Hələ hazır deyil.</p>]]></content:encoded></item>
</channel></rss>
"""
    return "export.xml", text.encode()


def csv() -> Seed:
    text = (
        "Headline,Text,Date,Keywords\n"
        'İhracat arttı,"Türkiye\'nin ihracatı geçen ay, yüzde on arttı.",2024-02-01,ekonomi|ticaret\n'
        "Enflasyon düştü,Yıllık enflasyon beklentilerin altında kaldı.,2024-02-03,ekonomi\n"
    )
    return "table.csv", text.encode()


def feed(base: str, atom: bool) -> Seed:
    if atom:
        return "news.atom", ATOM.format(base=base).encode()
    return "news.rss", RSS.format(base=base).encode()


def sitemap(base: str) -> Seed:
    return "sitemap.xml", NEWS.format(base=base).encode()


# Every kind, by name; the web kinds need the loopback site's base URL.
SEEDS: dict[str, Callable[[str], Seed]] = {
    "jsonl": lambda base: jsonl(),
    "json": lambda base: json_array(),
    "html": lambda base: ("page.html", PAGE),
    "markdown": lambda base: markdown(),
    "text": lambda base: text(),
    "warc.gz": lambda base: warc(gzip=True),
    "warc": lambda base: warc(gzip=False),
    "arc": lambda base: arc(),
    "wxr": lambda base: wxr(),
    "csv": lambda base: csv(),
    "rss": lambda base: feed(base, atom=False),
    "atom": lambda base: feed(base, atom=True),
    "sitemap": sitemap,
}
WEB_KINDS = ("rss", "atom", "sitemap")
