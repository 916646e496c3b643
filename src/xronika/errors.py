"""One error tree for the whole archive.

Every error says what went wrong, where (a file and line, a record offset, a field) and
what to do. Each knows the HTTP status it maps to, so the CLI prints it as one clear line
and the API renders it in one JSON shape. No user error ever surfaces as a traceback.
"""

from __future__ import annotations


class XronikaError(Exception):
    """Base of every error xronika reports to a person."""

    status = 500
    code = "error"

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def as_json(self) -> dict[str, object]:
        return {
            "error": {
                "code": self.code,
                "status": self.status,
                "message": self.message,
                "where": self.where,
                "hint": self.hint,
            }
        }


class UsageError(XronikaError):
    """The command or request itself is wrong: a bad option, date or value."""

    status = 400
    code = "bad_request"


class NotFound(XronikaError):
    status = 404
    code = "not_found"


class Unauthorized(XronikaError):
    """A write (or a read of curation data) without a valid token."""

    status = 401
    code = "unauthorized"


class TooLarge(XronikaError):
    """A request body over the size limit."""

    status = 413
    code = "too_large"


class InvalidRecord(XronikaError):
    """One record of a source is unusable; the rest of the source goes on."""

    status = 422
    code = "invalid_record"


class SourceError(XronikaError):
    """A whole source could not be read: missing, empty, binary, too large, unreadable."""

    status = 422
    code = "unreadable_source"


class ArchiveBusy(XronikaError):
    """Another process holds the archive's single writer."""

    status = 503
    code = "busy"


class ArchiveDamaged(XronikaError):
    """The data folder is not what xronika expects (foreign file, newer schema)."""

    status = 500
    code = "damaged"
