"""Hostile requests against a real server on loopback: path traversal in every spelling,
oversized addresses, parameters and headers, odd methods and bytes.

Requests are written byte for byte on a raw socket, so nothing on the way tidies them
(a client library would resolve `../` or re-encode `%2e`). Every answer must be a refusal
in the one error shape (JSON under /api/, /feeds/ and the other machine paths, an HTML
error page elsewhere), never a file from outside the package's static folder, never a
5xx.
"""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser.live import serving

import xronika
from xronika.archive import Archive
from xronika.web import create_app
from xronika.web.errors import MACHINE_PREFIXES
from xronika.web.limits import MAX_HEADER_BYTES, MAX_HEADERS, MAX_PARAMETERS, MAX_TARGET_BYTES

PACKAGE = Path(xronika.__file__).parent
# Bytes no answer may hold: /etc/passwd, our own source, a template before rendering.
SECRETS = [b"root:x:0:0", b"def create_app", b"{% extends"]

TRAVERSALS = [
    b"/static/../../../../etc/passwd",
    b"/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    b"/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    b"/static/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    b"/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    b"/static/..\\..\\..\\..\\etc\\passwd",
    b"/static/..%5c..%5c..%5c..%5cetc%5cpasswd",
    b"/static/../app.py",
    b"/static/%2e%2e/app.py",
    b"/static/%2e%2e/templates/base.html",
    b"/static//etc/passwd",
    b"/static/%2fetc%2fpasswd",
    b"/static/style.css%00.txt",
    b"/static/style.css/..%2f..%2fapp.py",
    b"/articles/../../etc/passwd",
    b"/articles/..%2f..%2fetc%2fpasswd",
    b"/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    b"/api/articles/..%2f..%2fetc%2fpasswd",
    b"/api/articles/%2e%2e",
    b"/api/archive/%2e%2e/%2e%2e",
    b"/archive/..%2f..%2fetc",
    b"/feeds/sections/..%2f..%2fetc%2fpasswd.atom",
    b"/sitemaps/articles-..%2f..%2fetc%2fpasswd.xml",
    b"/locale/..%2f..%2fetc",
]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def type(self) -> str:
        return self.headers.get("content-type", "")


@pytest.fixture(scope="module")
def port(sample_archive: Archive) -> Iterator[int]:
    with serving(create_app(sample_archive)) as url:
        yield int(url.rsplit(":", 1)[1])


def send(port: int, request: bytes) -> Answer:
    """One request on its own connection; the whole answer, read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split()[1]), headers, body)


def get(port: int, target: bytes, headers: bytes = b"", method: bytes = b"GET") -> Answer:
    return send(
        port,
        method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + headers + b"\r\n",
    )  # fmt: skip


def assert_refused(answer: Answer, target: bytes, statuses: tuple[int, ...]) -> None:
    """A 4xx in the one error shape for where it was asked, and nothing it should not hold."""
    assert answer.status in statuses, (target, answer.status, answer.body[:300])
    assert not any(secret in answer.body for secret in SECRETS), target
    path = target.split(b"?", 1)[0].decode("latin-1")
    if path.startswith(MACHINE_PREFIXES):
        assert answer.type.startswith("application/json"), (target, answer.type)
        error = json.loads(answer.body)["error"]
        assert error["status"] == answer.status and error["message"], target
    else:
        assert answer.type.startswith("text/html"), (target, answer.type)
        assert b'class="error-page"' in answer.body, target


@pytest.mark.parametrize("target", TRAVERSALS)
def test_a_path_that_climbs_out_is_refused_and_serves_no_file(port: int, target: bytes) -> None:
    assert_refused(get(port, target), target, (400, 404))


def test_the_static_folder_still_serves_its_own_files(port: int) -> None:
    answer = get(port, b"/static/style.css")
    assert answer.status == 200 and answer.type.startswith("text/css")
    assert answer.body == (PACKAGE / "web" / "static" / "style.css").read_bytes()


LONG = b"x" * (MAX_TARGET_BYTES + 1)
OVERSIZED = [
    (b"/" + LONG, (404, 414)),  # no page has such an address
    (b"/search?q=" + LONG, (414,)),
    (b"/api/search?q=" + LONG, (414,)),
    (b"/api/archive?x=" + LONG, (414,)),
    (b"/feeds/latest.atom?x=" + LONG, (414,)),
    (b"/search?q=" + b"x" * 600, (400,)),  # under the address limit, over the query limit
    (b"/api/search?" + b"&".join([b"lang=az"] * 21), (400,)),  # more values than a filter takes
    (b"/api/search?" + b"&".join(b"p%d=1" % n for n in range(MAX_PARAMETERS + 1)), (414,)),
    (b"/archive?" + b"&".join(b"p%d=1" % n for n in range(MAX_PARAMETERS + 1)), (414,)),
]


@pytest.mark.parametrize(("target", "statuses"), OVERSIZED, ids=lambda v: str(v)[:40])
def test_an_oversized_address_is_refused(
    port: int, target: bytes, statuses: tuple[int, ...]
) -> None:
    assert_refused(get(port, target), target, statuses)


HEADERS = [
    b"X-Big: " + b"a" * (MAX_HEADER_BYTES + 1) + b"\r\n",
    b"".join(b"X-Many-%d: v\r\n" % n for n in range(MAX_HEADERS + 1)),
    b"Cookie: " + b"c" * (MAX_HEADER_BYTES + 1) + b"\r\n",
]


@pytest.mark.parametrize("headers", HEADERS, ids=["one-huge", "too-many", "huge-cookie"])
@pytest.mark.parametrize("target", [b"/api/archive", b"/", b"/feeds/latest.atom"])
def test_oversized_headers_are_refused(port: int, headers: bytes, target: bytes) -> None:
    assert_refused(get(port, target, headers), target, (431,))


def test_ordinary_headers_and_a_full_search_are_answered(port: int) -> None:
    filters = b"&".join(b"%s=v%d" % (name, n) for name in (b"lang", b"tag") for n in range(20))
    answer = get(port, b"/api/search?q=Bak%C4%B1&" + filters, b"Cookie: xronika_locale=en\r\n")
    assert answer.status == 200, answer.body[:300]


ODD = [
    (b"GET", b"/articles/%ff%fe", (404,)),
    (b"GET", b"/articles/%00", (404,)),
    (b"GET", b"/api/articles/%00", (404,)),
    (b"GET", b"/search?q=%ff%fe%00", (200,)),
    (b"GET", b"/api/search?q=%ff&lang=%00", (200,)),
    (b"GET", b"/api/search?page=99999999999999999999999", (400,)),
    (b"GET", b"/api/search?from=%ff", (400,)),
    (b"GET", b"http://evil.example/", (404,)),
    (b"TRACE", b"/", (405,)),
    (b"DELETE", b"/search", (405,)),
    (b"PUT", b"/api/search", (405,)),
    (b"POST", b"/feeds/latest.atom", (405,)),
]


@pytest.mark.parametrize(("method", "target", "statuses"), ODD, ids=lambda v: str(v)[:30])
def test_odd_methods_and_bytes_get_a_clear_answer(
    port: int, method: bytes, target: bytes, statuses: tuple[int, ...]
) -> None:
    answer = get(port, target, method=method)
    assert answer.status in statuses, (method, target, answer.status, answer.body[:300])
    if answer.status >= 400:
        assert_refused(answer, target, statuses)


def test_a_hostile_host_header_leaves_the_xml_well_formed(port: int) -> None:
    host = b'a"><script>alert(1)</script>'
    answer = send(
        port, b"GET /opensearch.xml HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"
    )
    assert answer.status in (200, 400)
    if answer.status == 200:
        root = ET.fromstring(answer.body)
        assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "script"]


def test_every_answer_carries_the_security_headers(port: int) -> None:
    for target in (b"/", b"/api/search?q=x", b"/feeds/latest.atom", b"/static/style.css",
                   b"/sitemap.xml", b"/nowhere", b"/api/nowhere", b"/api/docs"):  # fmt: skip
        answer = get(port, target)
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"], target
        assert answer.headers["x-content-type-options"] == "nosniff", target
        assert answer.headers["referrer-policy"] == "same-origin", target
