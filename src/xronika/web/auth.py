"""Who is asking: API tokens for writes, and for reads of what only editors may see.

Reads stay public and need nothing. Writes, the audit log and hidden or embargoed
articles need `Authorization: Bearer <secret>` with a live token (`xronika token create`).
A missing, wrong or revoked token is a 401 in the one error shape, with the
`WWW-Authenticate` challenge (added by `errors`); the token's name is who the audit log
says made the change.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from xronika.archive import Archive
from xronika.errors import Unauthorized
from xronika.store import tokens

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="a token made with `xronika token create NAME`, sent as "
    "`Authorization: Bearer <secret>`",
)
_CREDENTIALS = Security(BEARER)
_HINT = "send Authorization: Bearer <secret>; `xronika token create NAME` makes a token"


def _holder(archive: Archive, secret: str) -> str:
    name = tokens.holder(archive.store, secret)
    if name is None:
        raise Unauthorized(
            "the token is not valid: wrong, or revoked", where="Authorization", hint=_HINT
        )
    return name


def editor(archive: Archive) -> Callable[..., str]:
    """A dependency that answers the name of the request's token, or refuses with 401."""

    def require(credentials: HTTPAuthorizationCredentials | None = _CREDENTIALS) -> str:
        if credentials is None:
            raise Unauthorized(
                "this needs a token (a Bearer Authorization header)",
                where="Authorization",
                hint=_HINT,
            )
        return _holder(archive, credentials.credentials)

    return require


def optional_editor(archive: Archive, request: Request) -> str | None:
    """The token's name when the request carries one (a wrong one is still refused);
    None for the public, who are not asked for anything."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized(
            "the Authorization header is not a Bearer token", where="Authorization", hint=_HINT
        )
    return _holder(archive, secret.strip())
