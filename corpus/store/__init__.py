"""The store: the only code that talks to the database (SQLite by default)."""

from corpus.store.queries import Review, Store, StoredDocument, StoredProvision, database_path

__all__ = [
    "Review",
    "Store",
    "StoredDocument",
    "StoredProvision",
    "database_path",
]
