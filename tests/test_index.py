"""The index: derived from the store, rebuilt by reindex, compared by check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xronika.archive import Archive
from xronika.model import Article
from xronika.search import SearchRequest, search

Make = Callable[[list[dict[str, Any]]], Archive]
RECORDS = [
    {
        "id": f"n{i}",
        "title": f"Xəbər {i}",
        "body": f"Bakıda yeni park açıldı {i}.",
        "language": "az",
    }
    for i in range(30)
]


def test_an_ingest_commits_in_batches_not_one_segment_per_article(make_archive: Make) -> None:
    archive = make_archive(RECORDS)
    assert archive.index.count() == 30
    searcher = archive.index._searcher()
    assert searcher.num_segments <= 2


def test_check_is_clean_after_ingest(make_archive: Make) -> None:
    report = make_archive(RECORDS).check()
    assert report.clean and report.store_count == report.index_count == 30


def test_check_finds_missing_extra_and_stale_articles(make_archive: Make) -> None:
    archive = make_archive(RECORDS)
    # Change the store behind the index's back, as a crash or a bug would.
    archive.store.connection.execute(
        "UPDATE articles SET content_hash = 'f' || content_hash WHERE id = 'n1'"
    )
    archive.store.connection.execute("DELETE FROM articles WHERE id = 'n2'")
    archive.store.write([(Article(id="new", title="T", body="B"), None)])
    report = archive.check()
    assert not report.clean
    assert len(report.stale) == 1 and len(report.extra) == 1 and len(report.missing) == 1
    assert report.pending == 1


def test_reindex_rebuilds_the_index_from_the_store(make_archive: Make) -> None:
    archive = make_archive(RECORDS)
    archive.index.clear()
    assert archive.index.count() == 0 and not archive.check().clean
    assert archive.reindex() == 30
    assert archive.check().clean


def test_the_index_catches_up_with_work_a_crashed_writer_left(make_archive: Make) -> None:
    archive = make_archive(RECORDS)
    archive.store.write([(Article(id="late", title="Gecikmiş xəbər", body="Sumqayıt"), None)])
    assert archive.check().missing  # stored, not yet indexed: as after a crash
    assert archive.folder is not None
    reopened = Archive.open(archive.folder)  # opening is enough: it finishes owed work
    assert reopened.check().clean and reopened.store.pending_count() == 0


def test_dates_beyond_the_index_range_are_kept_and_sort_at_its_ends(make_archive: Make) -> None:
    dated = [("far", "2300-01-01"), ("now", "2025-11-25"), ("old", "1500-06-01")]
    archive = make_archive(
        [{"id": i, "body": f"Xəbər {i}.", "language": "az", "published": d} for i, d in dated]
    )
    assert archive.check().clean
    for sort, order in [("newest", ["far", "now", "old"]), ("oldest", ["old", "now", "far"])]:
        found = search(archive, SearchRequest(query="xəbər", sort=sort)).hits
        assert [hit["id"] for hit in found] == order
    stored = archive.store.get("far")
    assert stored is not None and stored.day == "2300-01-01"


def test_a_deleted_article_leaves_the_index(make_archive: Make) -> None:
    archive = make_archive(RECORDS)
    archive.store.delete("n3")
    archive.sync()
    assert archive.index.count() == 29 and archive.check().clean
