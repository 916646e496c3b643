"""Limits on the request itself: how long its address, how many its parameters and headers.

No page or API call needs more than a few kilobytes of address (the longest search, every
filter full, is well under the limit) or more than a few dozen headers. Anything larger
is a mistake or an attack, refused before any work with 414 (address) or 431 (headers)
in the one error shape. The check runs as a dependency of every route, so the refusal
goes through the same error handlers as everything else (`errors`). Request bodies have
their own limit (`body_limit`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from xronika.errors import XronikaError
from xronika.web.schemas import ErrorBody

MAX_TARGET_BYTES = 64 * 1024  # path and query string, as sent
MAX_PARAMETERS = 256  # a search with every filter full sends about a hundred
MAX_HEADERS = 100
MAX_HEADER_BYTES = 32 * 1024


class AddressTooLong(XronikaError):
    status = 414
    code = "address_too_long"


class HeadersTooLarge(XronikaError):
    status = 431
    code = "headers_too_large"


# The schema says that any operation may answer so.
REFUSALS: dict[int | str, dict[str, Any]] = {
    AddressTooLong.status: {"model": ErrorBody, "description": "the address is too long"},
    HeadersTooLarge.status: {"model": ErrorBody, "description": "the headers are too large"},
}


def within_limits(request: Request) -> None:
    """Refuse a request whose address or headers are past any reasonable size."""
    scope = request.scope
    query: bytes = scope.get("query_string", b"")
    target = len(scope.get("raw_path") or scope["path"].encode()) + len(query)
    if target > MAX_TARGET_BYTES:
        raise AddressTooLong(
            f"the address is {target:,} bytes long, over the limit of {MAX_TARGET_BYTES:,}",
            hint="shorten the query or use fewer filters",
        )
    if query.count(b"&") >= MAX_PARAMETERS:
        raise AddressTooLong(
            f"the address has more than {MAX_PARAMETERS} parameters",
            hint="use fewer filters",
        )
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    size = sum(len(name) + len(value) for name, value in headers)
    if len(headers) > MAX_HEADERS or size > MAX_HEADER_BYTES:
        raise HeadersTooLarge(
            f"the request has {len(headers)} headers of {size:,} bytes, over the limit of "
            f"{MAX_HEADERS} headers or {MAX_HEADER_BYTES:,} bytes",
            hint="send fewer or smaller headers (cookies count too)",
        )
