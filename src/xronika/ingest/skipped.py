"""Records a source holds that are not articles, and are left out on purpose.

A WARC file holds images, scripts and redirects beside its pages; a WordPress export holds
drafts and attachments beside its posts. These are counted (`skipped N` in the summary)
but are not failures: nothing is wrong with the source.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Skipped:
    """One record left out: why, and where it is (`file@offset`, `file:line`)."""

    reason: str
    where: str
