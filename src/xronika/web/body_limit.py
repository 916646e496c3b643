"""A limit on the size of request bodies, enforced while the body streams in.

A body that announces a larger Content-Length is refused before any of it is read; one
that does not (chunked) is counted as it arrives and refused as soon as it passes the
limit, so no request can make the server hold more than `max_body_bytes` of it. The
refusal is an HTTP 413 that the app's error handlers turn into the one error shape.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """ASGI middleware: at most `limit` bytes of request body."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _refuse(self) -> HTTPException:
        return HTTPException(
            413, detail=f"the request body is over the limit of {self.limit:,} bytes"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        too_large = declared.isdigit() and int(declared) > self.limit
        received = 0

        async def counted() -> Message:
            nonlocal received
            if too_large:
                raise self._refuse()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise self._refuse()
            return message

        await self.app(scope, counted, send)
