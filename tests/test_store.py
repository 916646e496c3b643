"""The store: SQLite as the record of truth."""

from __future__ import annotations

from pathlib import Path

from xronika.model import Article, Provenance, derive_id
from xronika.store import Outcome, Store
from xronika.store.migrations import MIGRATIONS


def article(**changes: object) -> Article:
    base = Article(id="a1", title="Title", body="Body text.", url="https://x.example/a1")
    return base.with_changes(**changes)


def test_a_store_file_is_in_wal_mode_with_its_migrations_recorded(tmp_path: Path) -> None:
    store = Store.in_folder(tmp_path)
    assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in store.connection.execute("SELECT name FROM migrations")]
    assert names == [name for name, _ in MIGRATIONS]
    store.close()
    again = Store.in_folder(tmp_path)  # reopening applies nothing twice
    assert again.connection.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(names)


def test_writing_the_same_article_twice_changes_nothing() -> None:
    store = Store()
    where = Provenance("feed.jsonl", line=3)
    assert store.write([(article(), where)]) == [Outcome.ADDED]
    first = store.get("a1")
    assert store.write([(article(), where)]) == [Outcome.UNCHANGED]
    again = store.get("a1")
    assert first and again and first.updated == again.updated and first.key == again.key
    assert again.provenance == where


def test_a_changed_article_is_updated_by_id_or_by_canonical_url() -> None:
    store = Store()
    store.write([(article(), None)])
    assert store.write([(article(title="New title"), None)]) == [Outcome.UPDATED]
    from_page = article(id=derive_id("https://x.example/a1", "", ""), body="Changed.")
    assert store.write([(from_page, None)]) == [Outcome.UPDATED]
    stored = store.get("a1")
    assert stored and stored.article.body == "Changed." and store.count() == 1


def test_articles_with_their_own_ids_may_share_a_url() -> None:
    store = Store()
    translations = [(article(id=f"t-{lang}", language=lang), None) for lang in ("az", "en")]
    assert store.write(translations) == [Outcome.ADDED, Outcome.ADDED]


def test_every_write_queues_index_work_in_the_same_transaction() -> None:
    store = Store()
    store.write([(article(), None), (article(id="a2", url=None), None)])
    work = store.pending(10)
    assert [action for _, action in work] == ["put", "put"]
    store.done(work)
    assert store.pending_count() == 0
    store.write([(article(), None)])  # unchanged: nothing for the index to do
    assert store.pending_count() == 0
    assert store.delete("a1")
    # a2 has the same text, so it was a1's copy: it takes a1's place in the index.
    assert [action for _, action in store.pending(10)] == ["delete", "put"]
    assert not store.delete("a1")


def test_all_fields_and_provenance_come_back_as_written() -> None:
    store = Store()
    full = article(
        published="1990-01-20T09:00:00+04:00", language="az", script="Latn", section="Tarix",
        source="Xəbər", tags=("20 Yanvar", "tarix"), authors=("A. Məmmədova",), group="g1",
        title_derived=True,
    )  # fmt: skip
    store.write([(full, Provenance("pages/a.html", offset=12))])
    stored = store.get("a1")
    assert stored is not None
    assert stored.article == full
    assert stored.day == "1990-01-20"
    assert stored.provenance == Provenance("pages/a.html", offset=12)
    assert stored.content_hash == full.content_hash()
    assert stored.first_seen and stored.last_seen
