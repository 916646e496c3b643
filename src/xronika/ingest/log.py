"""The ingest log: a JSONL record of what an ingest run has durably stored, as it goes.

`xronika ingest --log FILE` appends one line per committed store transaction, written only
after the commit returned (so with `synchronous=FULL`, after it is on disk): a run killed
at any moment has acknowledged in its log nothing the store could still lose. The log may
lag the store by one batch, never lead it; a last line that a kill cut short (no newline)
acknowledges nothing. Lines, each a JSON object with an `event`:

- `stored`: `stored` (articles stored so far in this run), `batch` (in this commit),
  `last` (source position of the batch's last article, `file:line` or `file@offset`)
  and `ids` (the batch's article ids, in order);
- `failed`: a record or source that was not taken, with `where`, `message` and `hint`;
- `done`: the run's counts, written once the index has caught up too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from xronika.errors import UsageError, XronikaError
from xronika.ingest import IngestReport
from xronika.model import Article, Provenance


class IngestLog:
    """Appends events to a JSONL file, each flushed to the OS as soon as it is written."""

    def __init__(self, path: Path):
        self.path = path
        self.stored_count = 0
        try:
            self._file: IO[str] = path.open("a", encoding="utf-8")
        except OSError as error:
            raise UsageError(
                f"cannot write the ingest log: {error.strerror}",
                where=str(path),
                hint="give --log a file in a folder you can write to",
            ) from None

    def _write(self, event: str, **fields: Any) -> None:
        line = {"event": event, "at": datetime.now(UTC).isoformat(timespec="milliseconds")}
        self._file.write(json.dumps({**line, **fields}, ensure_ascii=False) + "\n")
        self._file.flush()

    def stored(self, batch: Sequence[tuple[Article, Provenance | None]]) -> None:
        self.stored_count += len(batch)
        last = batch[-1][1]
        self._write(
            "stored",
            stored=self.stored_count,
            batch=len(batch),
            last=str(last) if last else None,
            ids=[article.id for article, _ in batch],
        )

    def failed(self, error: XronikaError) -> None:
        self._write("failed", where=error.where, message=error.message, hint=error.hint)

    def done(self, report: IngestReport) -> None:
        self._write(
            "done",
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
            failed=report.failed,
            skipped=report.skipped,
        )

    def close(self) -> None:
        self._file.close()
