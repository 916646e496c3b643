"""The archive: one data folder holding the store (truth) and the index (derived).

This is where the two meet. Writers go through `Archive.writing()`, which holds the data
folder's single-writer lock; every store write queues index work in the same transaction,
and `sync()` does that work, so the index always catches up with the store, after a crash
too. `reindex()` rebuilds the index from the store; `check()` compares the two.
"""

from __future__ import annotations

import fcntl
import hashlib
import multiprocessing
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.pool import Pool
from pathlib import Path

from xronika import settings
from xronika.analysis.analyzer import analyzer_for
from xronika.errors import ArchiveBusy
from xronika.index.base import IndexDoc
from xronika.index.tantivy import TantivyIndex
from xronika.model import parse_published
from xronika.store import Store, StoredArticle, duplicates
from xronika.store.public import indexable

INDEX_FOLDER = "index"
LOCK_FILE = ".writer.lock"
SYNC_BATCH = 20_000  # articles per index commit
PARALLEL_KEYS = 2000  # below this, analysing in-process is faster than starting workers
JOB_KEYS = 500  # articles a worker analyses per task

Progress = Callable[[int], None]


def index_doc(stored: StoredArticle) -> IndexDoc:
    """Analyse an article into the document the index keeps."""
    article = stored.article
    analyzer = analyzer_for(article.language)
    title = analyzer.analyse(article.title)
    body = analyzer.analyse(article.body)
    published = parse_published(article.published) if article.published else None
    return IndexDoc(
        key=stored.key,
        id=article.id,
        hash=index_hash(stored),
        title=" ".join(title.exact),
        text=" ".join(title.exact + body.exact),
        stem=" ".join(title.stem + body.stem),
        fold=" ".join(title.fold + body.fold),
        plain=" ".join(title.plain + body.plain),
        language=article.language,
        script=article.script,
        section=article.section,
        source=article.source,
        tags=article.tags,
        group=article.group,
        published=published.instant if published else None,
        day=published.day_number if published else None,
        visible_from=visible_from(stored.embargo_until),
    )


def hash_number(content_hash: str) -> int:
    """The part of a content hash the index keeps (it fits a signed 64-bit field)."""
    return int(content_hash[:15], 16)


def index_hash(stored: StoredArticle) -> int:
    """What the index keeps to say which state of an article it holds: the content, and
    the embargo, so that `check` sees an index that missed an embargo change as stale."""
    if stored.embargo_until is None:
        return hash_number(stored.content_hash)
    both = f"{stored.content_hash} {stored.embargo_until}".encode()
    return hash_number(hashlib.sha256(both).hexdigest())


def visible_from(embargo_until: str | None) -> int:
    """An embargo's end as epoch seconds (0: no embargo)."""
    if embargo_until is None:
        return 0
    return int(datetime.fromisoformat(embargo_until).timestamp())


def _analyse_keys(job: tuple[str, list[int]]) -> list[IndexDoc]:
    """Worker: read articles from the store file and analyse them."""
    path, keys = job
    store = Store(Path(path))
    try:
        found = store.by_keys(keys)
        return [index_doc(found[k]) for k in keys if k in found and indexable(found[k])]
    finally:
        store.close()


@dataclass
class CheckReport:
    store_count: int
    index_count: int
    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    pending: int = 0
    integrity: str = "ok"

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra or self.stale) and self.integrity == "ok"


class Archive:
    """A data folder (or, for tests, memory) with its store and index."""

    def __init__(self, folder: Path | None, store: Store, index: TantivyIndex):
        self.folder = folder
        self.store = store
        self.index = index
        if duplicates.owed(store):
            self._group_earlier_articles()
        if index.rebuilt:
            # A fresh index owes the store everything; it is marked built only once that
            # is queued, so a crash in between leaves it unmarked, and started afresh.
            with self.writing():
                store.queue_everything()
                index.mark_built()
                self.sync()
        else:
            self.catch_up()

    def _group_earlier_articles(self) -> None:
        """Group the articles stored before near-duplicates were recognised: once, by the
        first opening that gets the writer lock (the index then catches up below)."""
        self._unless_a_writer_is_at_work(lambda: duplicates.backfill(self.store))

    @classmethod
    def open(cls, folder: Path) -> Archive:
        store = Store.in_folder(folder)
        return cls(folder, store, TantivyIndex(folder / INDEX_FOLDER))

    @classmethod
    def temporary(cls) -> Archive:
        """An archive that lives in memory only: the real store and index, for tests."""
        return cls(None, Store(None), TantivyIndex(None))

    def close(self) -> None:
        self.store.close()

    # -- the single writer -----------------------------------------------------------

    @contextmanager
    def writing(self, wait: bool = True) -> Iterator[None]:
        """Hold the data folder's writer lock; wait for it up to `busy_timeout_ms`."""
        if self.folder is None:
            yield
            return
        path = self.folder / LOCK_FILE
        patience = settings.get_int("busy_timeout_ms") / 1000 if wait else 0
        deadline = time.monotonic() + patience
        with open(path, "a+") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise ArchiveBusy(
                            "another xronika process is writing to this archive",
                            where=str(self.folder),
                            hint="wait for it to finish, then run the command again",
                        ) from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- keeping the index in step ---------------------------------------------------

    def catch_up(self) -> None:
        """Do the index work a killed writer left, unless a writer is at work right now.

        Every open calls this, so after a crash the archive is whole again as soon as
        anything opens it (a server, `check`, a search), not only at the next write.
        """
        if not self.store.pending_count():
            return
        self._unless_a_writer_is_at_work(self.sync)

    def _unless_a_writer_is_at_work(self, work: Callable[[], object]) -> None:
        """Do `work` holding the writer lock, or not at all when another writer holds it:
        upkeep an opening does on the way (that writer, or a later opening, does it)."""
        with suppress(ArchiveBusy), self.writing(wait=False):
            work()

    def sync(self, progress: Progress | None = None) -> int:
        """Do the index work the store has queued; return how many articles it took.

        One index writer for the whole run, one commit per batch; a batch leaves the
        store's queue only after the index has committed it.
        """
        if not self.store.pending_count():
            return 0
        done = 0
        pool = None
        try:
            with self.index.writing() as writer:
                while work := self.store.pending(SYNC_BATCH):
                    puts = [key for key, action in work if action == "put"]
                    if pool is None and len(puts) >= PARALLEL_KEYS and self.store.path:
                        context = multiprocessing.get_context("forkserver")
                        pool = context.Pool(settings.get_int("workers"))
                    for key, action in work:
                        if action == "delete":
                            writer.delete(key)
                    indexed = set()
                    for doc in self._analyse(puts, pool):
                        writer.put(doc)
                        indexed.add(doc.key)
                    for key in puts:
                        if key not in indexed:  # gone meanwhile, or not indexable (hidden)
                            writer.delete(key)
                    writer.commit()
                    self.store.done(work)
                    done += len(work)
                    if progress:
                        progress(len(work))
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        return done

    def _analyse(self, keys: list[int], pool: Pool | None) -> Iterator[IndexDoc]:
        if pool is None:
            found = self.store.by_keys(keys)
            yield from (index_doc(found[k]) for k in keys if k in found and indexable(found[k]))
            return
        path = str(self.store.path)
        jobs = [(path, keys[i : i + JOB_KEYS]) for i in range(0, len(keys), JOB_KEYS)]
        for part in pool.imap(_analyse_keys, jobs):
            yield from part

    def reindex(self, progress: Progress | None = None) -> int:
        with self.writing():
            # Queued before the index is emptied: a crash at any point leaves the whole
            # rebuild owed in the store, and the next open finishes it.
            self.store.queue_everything()
            self.index.clear()
            return self.sync(progress)

    def check(self) -> CheckReport:
        """Compare the index with what it should hold: every indexable article, as stored."""
        expected = {s.key: index_hash(s) for s in self.store.iter_articles() if indexable(s)}
        indexed = self.index.hashes()
        report = CheckReport(self.store.count(), len(indexed), pending=self.store.pending_count())
        for key, wanted in expected.items():
            if key not in indexed:
                report.missing.append(key)
            elif indexed[key] != wanted:
                report.stale.append(key)
        report.extra = [key for key in indexed if key not in expected]
        report.integrity = self.store.check_integrity()
        return report

    def languages(self) -> tuple[str | None, ...]:
        """The languages present in the index, most common first, plus "unknown"."""
        return (*(term for term, _ in self.index.vocabulary("language", "", 200)), None)

    def facet_values(self, field: str) -> list[str]:
        return [term for term, _ in self.index.vocabulary(field, "", 100_000)]

    def sizes(self) -> dict[str, int]:
        if self.folder is None:
            return {}
        store_bytes = sum(
            p.stat().st_size for p in self.folder.glob("archive.sqlite3*") if p.is_file()
        )
        index_bytes = sum(
            p.stat().st_size for p in (self.folder / INDEX_FOLDER).rglob("*") if p.is_file()
        )
        return {"store_bytes": store_bytes, "index_bytes": index_bytes}
