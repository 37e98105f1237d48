"""The database's schema: the migrations that build it, one version at a time.

The database's `user_version` says how far it is; opening a store applies the migrations it has
not seen yet, all in one transaction. Every statement says IF NOT EXISTS as well, so that a
migration meeting a table another process made is harmless.
"""

from __future__ import annotations

import json
import sqlite3

from corpus.model import Tag

# Each entry migrates the schema one version up; the database's user_version says how far it is.
# A document's columns but its text (`documents_meta` holds them all).
DOCUMENT_COLUMNS = (
    "id, sha256, name, source, format, jurisdiction, language, title, year, page_count,"
    " warnings, extractor_version, ingested_at, current"
)
# The tables whose rows belong to a jurisdiction, and the SELECT that finds a row's ("{row}":
# NEW or OLD in the trigger). Each has a WHERE clause, which an upsert after a SELECT needs.
_BY_DOCUMENT = "SELECT jurisdiction FROM documents WHERE id = {row}.document_id"
_BY_PROVISION = (
    "SELECT d.jurisdiction FROM provisions p JOIN documents d ON d.id = p.document_id"
    " WHERE p.id = {row}.provision_id"
)
_REVISED = {
    "documents": "SELECT {row}.jurisdiction WHERE true",
    "provisions": _BY_DOCUMENT,
    "decisive_provisions": _BY_DOCUMENT,
    "tags": _BY_PROVISION,
    "reviews": _BY_PROVISION,
}


_REVISING_EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))


def _revision_trigger(table: str, event: str, row: str, jurisdiction: str) -> str:
    """A trigger that raises the revision of the jurisdiction a changed row belongs to (an
    update raises both the old row's and the new one's: a document may change jurisdiction)."""
    return f"""
    CREATE TRIGGER IF NOT EXISTS {table}_revision_{event.lower()}_{row.lower()}
    AFTER {event} ON {table} BEGIN
        INSERT INTO revisions(jurisdiction) {jurisdiction.format(row=row)}
        ON CONFLICT(jurisdiction) DO UPDATE SET revision = revision + 1;
    END;
    """


MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS documents (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        source TEXT NOT NULL,
        format TEXT NOT NULL,
        jurisdiction TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        year INTEGER,
        page_count INTEGER,
        text TEXT NOT NULL,
        warnings TEXT NOT NULL DEFAULT '[]',
        extractor_version TEXT NOT NULL DEFAULT '',
        ingested_at TEXT NOT NULL,
        current INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
    CREATE TABLE IF NOT EXISTS provisions (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        citation TEXT NOT NULL,
        occurrence INTEGER NOT NULL DEFAULT 1,
        number TEXT NOT NULL,
        kind TEXT NOT NULL,
        heading TEXT NOT NULL,
        context TEXT NOT NULL,
        text TEXT NOT NULL,
        text_sha TEXT NOT NULL,
        page_start INTEGER,
        page_end INTEGER,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        notes TEXT NOT NULL,
        repealed INTEGER NOT NULL,
        paragraphs TEXT NOT NULL,
        UNIQUE (document_id, seq)
    );
    CREATE TABLE IF NOT EXISTS tags (
        provision_id INTEGER PRIMARY KEY REFERENCES provisions(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        topics TEXT NOT NULL,
        scores TEXT NOT NULL,
        evidence TEXT NOT NULL,
        model_version TEXT NOT NULL,
        tagged_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS reviews (
        id INTEGER PRIMARY KEY,
        provision_id INTEGER NOT NULL REFERENCES provisions(id) ON DELETE CASCADE,
        reviewer TEXT NOT NULL,
        at TEXT NOT NULL,
        status_before TEXT,
        topics_before TEXT,
        status_after TEXT NOT NULL,
        topics_after TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        replaces INTEGER REFERENCES reviews(id)
    );
    CREATE INDEX IF NOT EXISTS reviews_provision ON reviews(provision_id, id);
    CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        pipeline_version TEXT NOT NULL,
        report TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE IF NOT EXISTS run_cells (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        jurisdiction TEXT NOT NULL,
        topic TEXT NOT NULL,
        coverage TEXT NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (run_id, jurisdiction, topic)
    );
    CREATE TABLE IF NOT EXISTS run_labels (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        document TEXT NOT NULL,
        citation TEXT NOT NULL,
        occurrence INTEGER NOT NULL,
        jurisdiction TEXT NOT NULL,
        status TEXT NOT NULL,
        topics TEXT NOT NULL,
        PRIMARY KEY (run_id, document, citation, occurrence)
    );
    """,
    # Full-text search over provisions for the review app, kept in step by triggers.
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS provision_search USING fts5(
        citation, heading, text, content='provisions', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER IF NOT EXISTS provisions_ai AFTER INSERT ON provisions BEGIN
        INSERT INTO provision_search(rowid, citation, heading, text)
        VALUES (new.id, new.citation, new.heading, new.text);
    END;
    CREATE TRIGGER IF NOT EXISTS provisions_ad AFTER DELETE ON provisions BEGIN
        INSERT INTO provision_search(provision_search, rowid, citation, heading, text)
        VALUES ('delete', old.id, old.citation, old.heading, old.text);
    END;
    """,
    # Each law's decisive provisions (corpus/decisive.py), renewed with its tags and reviews.
    # IF NOT EXISTS: the table may also come with another branch's renumbered migrations.
    """
    CREATE TABLE IF NOT EXISTS decisive_provisions (
        provision_id INTEGER PRIMARY KEY REFERENCES provisions(id) ON DELETE CASCADE,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        whole_law INTEGER NOT NULL,
        parts TEXT NOT NULL,
        topics TEXT NOT NULL,
        reviewed INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS decisive_provisions_document
        ON decisive_provisions(document_id);
    """,
    # The review queue and the matrix cells at 100,000 provisions: the queue's order kept with
    # the provisions (the model's uncertainty, filled in by `_fill_uncertainty`; 1 untagged),
    # documents found by jurisdiction.
    """
    ALTER TABLE provisions ADD COLUMN uncertainty REAL NOT NULL DEFAULT 1.0;
    CREATE INDEX provisions_queue ON provisions(uncertainty DESC, id, document_id);
    CREATE INDEX documents_jurisdiction ON documents(current, jurisdiction, name);
    """,
    # A revision per jurisdiction, raised by every change to its documents, provisions, tags,
    # reviews or decisive provisions: the review app rebuilds only the matrix rows that changed.
    """
    CREATE TABLE IF NOT EXISTS revisions (
        jurisdiction TEXT PRIMARY KEY,
        revision INTEGER NOT NULL DEFAULT 1
    );
    INSERT OR IGNORE INTO revisions(jurisdiction) SELECT DISTINCT jurisdiction FROM documents;
    """
    + "".join(
        _revision_trigger(table, event, row, jurisdiction)
        for table, jurisdiction in _REVISED.items()
        for event, row in _REVISING_EVENTS
    ),
    # A document's metadata without its text: the columns after `text` in a row are reached
    # only through the text's overflow pages (a 300-page code's are hundreds), so every page
    # of the review app that names documents paid for their texts. The index covers them.
    f"CREATE INDEX IF NOT EXISTS documents_meta ON documents({DOCUMENT_COLUMNS});",
)
# The first schema version with the decisive_provisions table: a database migrated from an
# earlier one has tags and reviews but no decisive provisions yet, and gets them on opening.
DECISIVE_VERSION = 3
UNCERTAINTY_MIGRATION = 4  # the migration that adds provisions.uncertainty


def migrate(db: sqlite3.Connection) -> int:
    """Bring the database up to the latest schema version, in one transaction; return the
    version it was at.

    The version is read inside the write lock, so two processes opening the same new database
    at once cannot both apply a migration: the second waits, then finds nothing to do."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return version  # the usual case, without taking the write lock
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in _statements(script):
                db.execute(statement)
            if number == UNCERTAINTY_MIGRATION:
                _fill_uncertainty(db)
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return version


def _fill_uncertainty(db: sqlite3.Connection) -> None:
    """Tags stored before the queue's order was kept: computed once, as save_tags does."""
    rows = db.execute("SELECT provision_id, status, topics, scores FROM tags").fetchall()
    db.executemany(
        "UPDATE provisions SET uncertainty = ? WHERE id = ?",
        [(Tag(row[1], json.loads(row[2]), json.loads(row[3])).uncertainty, row[0]) for row in rows],
    )


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            statements.append(joined)
            current = []
    return statements
