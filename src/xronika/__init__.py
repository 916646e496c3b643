"""xronika: a self-hosted news archive.

Sources are ingested into Articles, kept in SQLite (the record of truth), indexed in
Tantivy (derived, rebuildable) and searched with analysis made for Azerbaijani (Latin and
Cyrillic), Russian, Turkish and English.
"""

__version__ = "0.1.0"
