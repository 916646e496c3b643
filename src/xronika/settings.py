"""Every setting in one table: name, default, help.

The CLI, the environment (`XRONIKA_<NAME>`), the docs and a test that every setting is
documented all read this table, so a setting cannot exist in one place and not another.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: int | str
    help: str

    @property
    def env(self) -> str:
        return "XRONIKA_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data", "./archive", "data folder holding archive.sqlite3 and index/"),
    Setting("max_file_bytes", 100 * 1024 * 1024, "largest source file ingest accepts, in bytes"),
    Setting("ingest_batch", 2000, "articles written to the store in one transaction"),
    Setting("workers", 2, "processes used to parse and analyse large inputs"),
    Setting("index_memory_mb", 256, "memory the index writer may use before it flushes a segment"),
    Setting("max_query_chars", 500, "longest query accepted"),
    Setting("max_page_size", 100, "most hits one search page may return"),
    Setting("max_offset", 10000, "deepest offset a search may page to"),
    Setting("busy_timeout_ms", 10000, "how long a writer waits for another writer to finish"),
    Setting("contact", "", "URL or e-mail that fetched sites see in the user agent"),
    Setting("serve_workers", 2, "server processes `xronika serve` starts (one per core)"),
    Setting("max_body_bytes", 32 * 1024 * 1024, "largest request body accepted, in bytes"),
    Setting("cors_origins", "", "origins allowed to call the API from a browser, comma-separated"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> int | str:
    """A setting's value: from the environment when set there, else its default."""
    setting = _BY_NAME[name]
    raw = os.environ.get(setting.env)
    if raw is None or raw == "":
        return setting.default
    if isinstance(setting.default, int):
        try:
            return int(raw)
        except ValueError:
            from xronika.errors import UsageError

            raise UsageError(
                f"{setting.env}={raw!r} is not a whole number", hint=setting.help
            ) from None
    return raw


def get_int(name: str) -> int:
    value = get(name)
    assert isinstance(value, int)
    return value


def data_folder(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--data DIR`, else `$XRONIKA_DATA`, else `./archive`."""
    if explicit:
        return Path(explicit)
    return Path(str(get("data")))
