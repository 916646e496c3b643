"""API tokens: who may write to the archive over HTTP.

A token is a name and a secret. The secret is shown once, when the token is created, and
only its SHA-256 is kept: secrets are 32 random bytes, far beyond guessing, so a slow
salted hash (made for low-entropy passwords) would add nothing. A revoked token stays
listed (its name remains in the audit log) but opens nothing, and its editor sessions
(sign-ins to the editor pages, kept here too so every server process knows them) end.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from xronika import settings
from xronika.errors import NotFound, UsageError
from xronika.store.articles import Store

PREFIX = "xrk_"  # makes a leaked secret recognisable in logs and code
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_TOUCH_EVERY = timedelta(minutes=1)  # `last_used` is kept to the minute, not per request


@dataclass(frozen=True, slots=True)
class Token:
    name: str
    created: str
    last_used: str | None
    revoked: str | None

    def to_json(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "created": self.created,
            "last_used": self.last_used,
            "revoked": self.revoked,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"{name!r} is not a token name",
            where="name",
            hint="use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return name


def create(store: Store, name: str) -> str:
    """Make a token; return its secret (the only time anyone sees it)."""
    check_name(name)
    secret = PREFIX + secrets.token_urlsafe(32)
    try:
        with store.transaction() as connection:
            connection.execute(
                "INSERT INTO tokens (name, hash, created) VALUES (?, ?, ?)",
                (name, secret_hash(secret), _now()),
            )
    except sqlite3.IntegrityError:
        raise UsageError(
            f"a token named {name!r} already exists",
            where="name",
            hint="choose another name; `xronika token list` shows the names in use",
        ) from None
    return secret


def listed(store: Store) -> list[Token]:
    rows = store.connection.execute(
        "SELECT name, created, last_used, revoked FROM tokens ORDER BY created, name"
    ).fetchall()
    return [Token(r["name"], r["created"], r["last_used"], r["revoked"]) for r in rows]


def revoke(store: Store, name: str) -> None:
    """Revoke a token at once: its requests and its editor sessions end."""
    with store.transaction() as connection:
        row = connection.execute("SELECT revoked FROM tokens WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"no token named {name!r}", hint="`xronika token list` shows them")
        if row["revoked"] is None:
            connection.execute("UPDATE tokens SET revoked = ? WHERE name = ?", (_now(), name))
        connection.execute("DELETE FROM editor_sessions WHERE token = ?", (name,))


def holder(store: Store, secret: str) -> str | None:
    """The name of the live token with this secret, or None."""
    row = store.connection.execute(
        "SELECT name, last_used FROM tokens WHERE hash = ? AND revoked IS NULL",
        (secret_hash(secret),),
    ).fetchone()
    if row is None:
        return None
    _touch(store, row["name"], row["last_used"])
    return str(row["name"])


def _touch(store: Store, name: str, last_used: str | None) -> None:
    """Note the use, at most once a minute and never waiting on a busy writer: a read
    with a token must not stall behind an ingest for the sake of a timestamp."""
    now = datetime.now(UTC)
    if last_used is not None and now - datetime.fromisoformat(last_used) < _TOUCH_EVERY:
        return
    connection = store.connection
    connection.execute("PRAGMA busy_timeout = 0")
    try:
        # A busy writer means no note this time: the next use makes it.
        with suppress(sqlite3.OperationalError):
            connection.execute(
                "UPDATE tokens SET last_used = ? WHERE name = ?",
                (now.isoformat(timespec="seconds"), name),
            )
    finally:
        connection.execute(f"PRAGMA busy_timeout = {settings.get_int('busy_timeout_ms')}")


# -- editor sessions -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Session:
    """An editor signed in with a token: who, and the key every form must carry back."""

    token: str
    form_key: str


def open_session(store: Store, token: str, lifetime: timedelta) -> tuple[str, Session]:
    """Start a session for a live token; return the cookie's value and the session."""
    cookie = secrets.token_urlsafe(32)
    form_key = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    with store.transaction() as connection:
        connection.execute(
            "DELETE FROM editor_sessions WHERE expires < ?", (now.isoformat(timespec="seconds"),)
        )
        connection.execute(
            "INSERT INTO editor_sessions (hash, token, form_key, created, expires) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                secret_hash(cookie),
                token,
                form_key,
                now.isoformat(timespec="seconds"),
                (now + lifetime).isoformat(timespec="seconds"),
            ),
        )
    return cookie, Session(token, form_key)


def session(store: Store, cookie: str) -> Session | None:
    """The live session a cookie names: not expired, and its token not revoked."""
    row = store.connection.execute(
        "SELECT s.token, s.form_key FROM editor_sessions s JOIN tokens t ON t.name = s.token "
        "WHERE s.hash = ? AND s.expires > ? AND t.revoked IS NULL",
        (secret_hash(cookie), _now()),
    ).fetchone()
    return Session(row["token"], row["form_key"]) if row else None


def close_session(store: Store, cookie: str) -> None:
    with store.transaction() as connection:
        connection.execute("DELETE FROM editor_sessions WHERE hash = ?", (secret_hash(cookie),))
