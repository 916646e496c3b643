"""The search index: derived from the store, rebuildable at any time."""

from xronika.index.base import IndexDoc, IndexResult, Plan, SearchIndex
from xronika.index.tantivy import TantivyIndex

__all__ = ["IndexDoc", "IndexResult", "Plan", "SearchIndex", "TantivyIndex"]
