"""SQLite, the record of truth: every article, where it came from, and what the index owes."""

from xronika.store.articles import Outcome, Store, StoredArticle

__all__ = ["Outcome", "Store", "StoredArticle"]
