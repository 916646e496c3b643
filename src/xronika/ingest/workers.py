"""Running ingest jobs on every core, their results still in the order the jobs came.

Extraction (trafilatura, about 50–100 ms of CPU a page) is nearly all the work of HTML and
WARC ingest; reading the sources and writing the store are a few per cent. So the reading
process stays one, and the jobs go to a pool of worker processes that is kept fed: a few
jobs per worker queued ahead, so no worker waits while this process reads the next file,
writes a batch to the store, or waits for a slow job at the head of the queue (results are
taken in job order, so reports and batches come out the same whatever the worker count).
That window of jobs, never the whole input, is held at once: memory stays flat.

Small inputs run in this process: starting workers costs more than it saves. Workers are
forked from a server that has imported the ingest modules once, so each starts at once
instead of importing trafilatura and lxml again.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from multiprocessing.pool import AsyncResult, Pool
from typing import Generic, TypeVar

QUEUED = 4  # jobs per worker sent ahead
SMALL_JOBS = 4  # at most this many jobs, and
SMALL_BYTES = 4 * 1024 * 1024  # at most this much input, are run in this process
_PRELOAD = ["__main__", "xronika.ingest"]

Job = TypeVar("Job")
Result = TypeVar("Result")


class Workers(Generic[Job, Result]):
    """Runs `work` over jobs, here or in `count` processes; `close()` when done."""

    def __init__(self, work: Callable[[Job], Result], count: int) -> None:
        self.work = work
        self.count = count
        self.pool: Pool | None = None

    def run(self, jobs: Iterable[tuple[Job, int]]) -> Iterator[Result]:
        """Each job's result, in job order; jobs come with their size in bytes."""
        jobs = iter(jobs)
        if self.count < 2:
            yield from (self.work(job) for job, _ in jobs)
            return
        head: list[Job] = []
        size = 0
        for job, job_size in jobs:
            head.append(job)
            size += job_size
            if len(head) > SMALL_JOBS or size > SMALL_BYTES:
                yield from self._pooled(chain(head, (job for job, _ in jobs)))
                return
        yield from (self.work(job) for job in head)

    def _pooled(self, jobs: Iterable[Job]) -> Iterator[Result]:
        if self.pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)  # ignored once the server runs
            self.pool = context.Pool(self.count)
        queued: deque[AsyncResult[Result]] = deque()
        for job in jobs:
            queued.append(self.pool.apply_async(self.work, (job,)))
            # Hand on what is done before asking for the next job, which may be slow to
            # come (a crawl waits on servers); wait only when the window is full.
            while queued and (len(queued) >= QUEUED * self.count or queued[0].ready()):
                yield queued.popleft().get()
        while queued:
            yield queued.popleft().get()

    def close(self) -> None:
        """Let the workers finish what they hold, then stop them."""
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None
