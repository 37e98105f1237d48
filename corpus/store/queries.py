"""The store: the only code that talks to the database (SQLite by default).

Documents are keyed by the SHA-256 of their bytes, so re-ingesting an unchanged file does
nothing. Every write happens in one transaction per document (or per run), so a crash
mid-run loses nothing already stored and leaves no half-written document behind.
Reviews are an append-only audit table: the newest review of a provision is in force.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from corpus.model import DocumentMeta, Evidence, ExtractedDocument, Provision, Tag

# Each entry migrates the schema one version up; the database's user_version says how far it is.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE documents (
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
    CREATE INDEX documents_source ON documents(source);
    CREATE TABLE provisions (
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
    CREATE TABLE tags (
        provision_id INTEGER PRIMARY KEY REFERENCES provisions(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        topics TEXT NOT NULL,
        scores TEXT NOT NULL,
        evidence TEXT NOT NULL,
        model_version TEXT NOT NULL,
        tagged_at TEXT NOT NULL
    );
    CREATE TABLE reviews (
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
    CREATE INDEX reviews_provision ON reviews(provision_id, id);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        pipeline_version TEXT NOT NULL,
        report TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE run_cells (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        jurisdiction TEXT NOT NULL,
        topic TEXT NOT NULL,
        coverage TEXT NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (run_id, jurisdiction, topic)
    );
    CREATE TABLE run_labels (
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
    CREATE VIRTUAL TABLE provision_search USING fts5(
        citation, heading, text, content='provisions', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER provisions_ai AFTER INSERT ON provisions BEGIN
        INSERT INTO provision_search(rowid, citation, heading, text)
        VALUES (new.id, new.citation, new.heading, new.text);
    END;
    CREATE TRIGGER provisions_ad AFTER DELETE ON provisions BEGIN
        INSERT INTO provision_search(provision_search, rowid, citation, heading, text)
        VALUES ('delete', old.id, old.citation, old.heading, old.text);
    END;
    """,
)


class ReviewConflict(Exception):
    """Another reviewer changed the provision since this reviewer loaded it."""

    def __init__(self, current: Review):
        self.current = current
        super().__init__(
            f"{current.reviewer} already reviewed this provision at {current.at}: "
            f"status {current.status_after}, topics {', '.join(current.topics_after) or 'none'}"
        )


@dataclass
class StoredDocument:
    id: int
    sha256: str
    name: str
    source: str
    format: str
    jurisdiction: str
    language: str
    title: str
    year: int | None
    page_count: int | None
    warnings: list[str]
    extractor_version: str
    ingested_at: str
    current: bool


@dataclass
class Review:
    id: int
    provision_id: int
    reviewer: str
    at: str
    status_before: str | None
    topics_before: list[str] | None
    status_after: str
    topics_after: list[str]
    note: str
    replaces: int | None


@dataclass
class StoredProvision:
    """A provision as stored, with its document, its tag and the review in force."""

    id: int
    document: StoredDocument
    provision: Provision
    tag: Tag | None
    review: Review | None

    @property
    def status(self) -> str | None:
        """The label in force: a reviewer's over the model's."""
        if self.review:
            return self.review.status_after
        return self.tag.status if self.tag else None

    @property
    def topics(self) -> list[str]:
        if self.review:
            return self.review.topics_after
        return self.tag.topics if self.tag else []


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def database_path(url: str | Path) -> Path:
    """Accept a plain path or an `sqlite:///path` URL."""
    text = str(url)
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///"))
    if "://" in text:
        raise ValueError(f"unsupported database URL {text!r}: only sqlite:///PATH is supported")
    return Path(text)


class Store:
    """A connection to one c177 database; create it with `Store(path_or_url)`."""

    def __init__(self, url: str | Path):
        self.path = database_path(url)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly by `transaction()`.
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA busy_timeout = 30000")
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in _statements(script):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ---- documents and provisions -------------------------------------------------------

    def document(self, sha256: str) -> StoredDocument | None:
        row = self.db.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return _document(row) if row else None

    def document_by_id(self, document_id: int) -> StoredDocument:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise KeyError(f"no document {document_id}")
        return _document(row)

    def documents(self, current_only: bool = True) -> list[StoredDocument]:
        query = "SELECT * FROM documents" + (" WHERE current = 1" if current_only else "")
        return [_document(row) for row in self.db.execute(query + " ORDER BY jurisdiction, name")]

    def document_text(self, document_id: int) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
        return row[0] if row else ""

    def save_document(
        self,
        sha256: str,
        meta: DocumentMeta,
        extracted: ExtractedDocument,
        language: str,
        provisions: list[Provision],
        extractor_version: str,
    ) -> int:
        """Store a document and its provisions in one transaction; return its id.

        A document already stored with the same bytes is replaced (a new extractor version
        re-splits it); older versions from the same source stop being current.
        """
        source = meta.source or str(extracted.path)
        with self.transaction() as db:
            carried = self._reviews_to_carry(sha256, source)
            db.execute("DELETE FROM documents WHERE sha256 = ?", (sha256,))
            db.execute("UPDATE documents SET current = 0 WHERE source = ?", (source,))
            cursor = db.execute(
                "INSERT INTO documents (sha256, name, source, format, jurisdiction, language,"
                " title, year, page_count, text, warnings, extractor_version, ingested_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sha256,
                    Path(extracted.path).name,
                    source,
                    extracted.format,
                    meta.jurisdiction,
                    language,
                    meta.title or Path(extracted.path).stem,
                    meta.year,
                    extracted.page_count,
                    extracted.text,
                    json.dumps(extracted.warnings, ensure_ascii=False),
                    extractor_version,
                    _now(),
                ),
            )
            document_id = cursor.lastrowid
            db.executemany(
                "INSERT INTO provisions (document_id, seq, citation, occurrence, number, kind,"
                " heading, context, text, text_sha, page_start, page_end, char_start, char_end,"
                " notes, repealed, paragraphs)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        document_id,
                        seq,
                        p.citation,
                        p.occurrence,
                        p.number,
                        p.kind,
                        p.heading,
                        json.dumps(p.context, ensure_ascii=False),
                        p.text,
                        p.text_sha,
                        p.page_start,
                        p.page_end,
                        p.char_start,
                        p.char_end,
                        json.dumps(p.notes, ensure_ascii=False),
                        int(p.repealed),
                        json.dumps(p.paragraphs),
                    )
                    for seq, p in enumerate(provisions)
                ],
            )
            self._carry_reviews(document_id, carried)
        return document_id

    def _reviews_to_carry(self, sha256: str, source: str) -> list[sqlite3.Row]:
        """Reviews of the document being replaced (same bytes re-split, or the previous
        version of the same source): a reviewer's work is never lost to a re-run."""
        return self.db.execute(
            "SELECT r.*, p.citation, p.occurrence, p.text_sha FROM reviews r"
            " JOIN provisions p ON p.id = r.provision_id JOIN documents d ON d.id = p.document_id"
            " WHERE d.sha256 = ? OR (d.source = ? AND d.current = 1) ORDER BY r.id",
            (sha256, source),
        ).fetchall()

    def _carry_reviews(self, document_id: int, reviews: list[sqlite3.Row]) -> None:
        """Re-attach reviews to the provisions with the same citation and the same text."""
        targets = {
            (row["citation"], row["occurrence"], row["text_sha"]): row["id"]
            for row in self.db.execute(
                "SELECT id, citation, occurrence, text_sha FROM provisions WHERE document_id = ?",
                (document_id,),
            )
        }
        new_ids: dict[int, int] = {}
        for review in reviews:
            target = targets.get((review["citation"], review["occurrence"], review["text_sha"]))
            if target is None:
                continue
            cursor = self.db.execute(
                "INSERT INTO reviews (provision_id, reviewer, at, status_before, topics_before,"
                " status_after, topics_after, note, replaces) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    target,
                    review["reviewer"],
                    review["at"],
                    review["status_before"],
                    review["topics_before"],
                    review["status_after"],
                    review["topics_after"],
                    review["note"],
                    new_ids.get(review["replaces"]),
                ),
            )
            new_ids[review["id"]] = cursor.lastrowid

    def set_current(self, sha256: str, source: str) -> None:
        """Make an already stored document the current version of its source again."""
        with self.transaction() as db:
            db.execute("UPDATE documents SET current = 0 WHERE source = ?", (source,))
            db.execute(
                "UPDATE documents SET current = 1, source = ? WHERE sha256 = ?", (source, sha256)
            )

    def update_metadata(self, sha256: str, meta: DocumentMeta) -> None:
        """A manifest may correct a document's jurisdiction, title or year without re-reading it."""
        with self.transaction() as db:
            db.execute(
                "UPDATE documents SET jurisdiction = ?, title = COALESCE(NULLIF(?, ''), title),"
                " year = COALESCE(?, year) WHERE sha256 = ?",
                (meta.jurisdiction, meta.title, meta.year, sha256),
            )

    def provisions(
        self,
        document_id: int | None = None,
        ids: Iterable[int] | None = None,
        current_only: bool = True,
    ) -> list[StoredProvision]:
        """Provisions with their document, tag and the review in force, in document order."""
        where, params = [], []
        if document_id is not None:
            where.append("p.document_id = ?")
            params.append(document_id)
        if ids is not None:
            id_list = list(ids)
            where.append(f"p.id IN ({','.join('?' * len(id_list))})")
            params.extend(id_list)
        if current_only and document_id is None and ids is None:
            where.append("d.current = 1")
        query = (
            "SELECT p.*, t.status AS t_status, t.topics AS t_topics, t.scores AS t_scores,"
            " t.evidence AS t_evidence, t.model_version AS t_model_version"
            " FROM provisions p JOIN documents d ON d.id = p.document_id"
            " LEFT JOIN tags t ON t.provision_id = p.id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY d.jurisdiction, d.name, p.seq"
        )
        rows = self.db.execute(query, params).fetchall()
        documents = {d.id: d for d in self.documents(current_only=False)}
        reviews = self.reviews_in_force()
        return [
            StoredProvision(
                id=row["id"],
                document=documents[row["document_id"]],
                provision=_provision(row),
                tag=_tag(row),
                review=reviews.get(row["id"]),
            )
            for row in rows
        ]

    def provision(self, provision_id: int) -> StoredProvision:
        found = self.provisions(ids=[provision_id])
        if not found:
            raise KeyError(f"no provision {provision_id}")
        return found[0]

    def provision_ids(self, document_id: int) -> list[int]:
        """A document's provision ids in document order, to attach tags made from the same list."""
        rows = self.db.execute(
            "SELECT id FROM provisions WHERE document_id = ? ORDER BY seq", (document_id,)
        )
        return [row[0] for row in rows]

    def search(self, query: str, limit: int = 200) -> list[int]:
        """Provision ids matching a full-text query, best first."""
        # Quote every word so that user input is never read as FTS syntax.
        terms = " ".join('"' + word.replace('"', "") + '"' for word in query.split())
        if not terms:
            return []
        rows = self.db.execute(
            "SELECT rowid FROM provision_search WHERE provision_search MATCH ? ORDER BY rank"
            " LIMIT ?",
            (terms, limit),
        )
        return [row[0] for row in rows]

    # ---- tags ---------------------------------------------------------------------------

    def save_tags(self, tags: dict[int, Tag]) -> None:
        """Write the tags of one document (provision id -> tag) in one transaction."""
        now = _now()
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO tags (provision_id, status, topics, scores, evidence,"
                " model_version, tagged_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        provision_id,
                        tag.status,
                        json.dumps(tag.topics),
                        json.dumps(tag.scores),
                        json.dumps([asdict(e) for e in tag.evidence], ensure_ascii=False),
                        tag.model_version,
                        now,
                    )
                    for provision_id, tag in tags.items()
                ],
            )

    def tagged_with(self, document_id: int) -> set[str]:
        """The model versions that tagged this document's provisions (empty: untagged)."""
        rows = self.db.execute(
            "SELECT DISTINCT t.model_version FROM provisions p"
            " LEFT JOIN tags t ON t.provision_id = p.id WHERE p.document_id = ?",
            (document_id,),
        )
        return {row[0] or "" for row in rows}

    # ---- reviews ------------------------------------------------------------------------

    def reviews_in_force(self) -> dict[int, Review]:
        rows = self.db.execute(
            "SELECT * FROM reviews WHERE id IN (SELECT MAX(id) FROM reviews GROUP BY provision_id)"
        )
        return {row["provision_id"]: _review(row) for row in rows}

    def review_history(self, provision_id: int) -> list[Review]:
        rows = self.db.execute(
            "SELECT * FROM reviews WHERE provision_id = ? ORDER BY id", (provision_id,)
        )
        return [_review(row) for row in rows]

    def add_review(
        self,
        provision_id: int,
        reviewer: str,
        status: str,
        topics: list[str],
        note: str = "",
        replaces: int | None = None,
        at: str | None = None,
    ) -> Review:
        """Append a reviewer's decision. `replaces` is the review in force when the reviewer
        loaded the provision (None if there was none); if another review has landed since,
        nothing is written and ReviewConflict carries the other reviewer's decision."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT * FROM reviews WHERE provision_id = ? ORDER BY id DESC LIMIT 1",
                (provision_id,),
            ).fetchone()
            current = _review(row) if row else None
            if current is not None and current.id != replaces:
                raise ReviewConflict(current)
            before = self.provision(provision_id)
            db.execute(
                "INSERT INTO reviews (provision_id, reviewer, at, status_before, topics_before,"
                " status_after, topics_after, note, replaces) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    provision_id,
                    reviewer,
                    at or _now(),
                    before.status,
                    json.dumps(before.topics) if before.status else None,
                    status,
                    json.dumps(sorted(topics)),
                    note,
                    replaces,
                ),
            )
        return self.review_history(provision_id)[-1]

    # ---- runs ---------------------------------------------------------------------------

    def start_run(self, pipeline_version: str) -> int:
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (started_at, pipeline_version) VALUES (?, ?)",
                (_now(), pipeline_version),
            )
        return cursor.lastrowid

    def finish_run(
        self,
        run_id: int,
        report: dict,
        cells: Iterable[tuple[str, str, str, list[dict]]],
    ) -> None:
        """Record a run's report, its matrix (jurisdiction, topic, coverage, evidence) and a
        snapshot of the labels in force, so that `c177 diff` can compare two runs."""
        labels = [
            (
                run_id,
                p.document.name,
                p.provision.citation,
                p.provision.occurrence,
                p.document.jurisdiction,
                p.status,
                json.dumps(sorted(p.topics)),
            )
            for p in self.provisions()
            if p.status is not None
        ]
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, report = ? WHERE id = ?",
                (_now(), json.dumps(report, ensure_ascii=False), run_id),
            )
            db.executemany(
                "INSERT OR REPLACE INTO run_cells VALUES (?, ?, ?, ?, ?)",
                [(run_id, j, t, c, json.dumps(e, ensure_ascii=False)) for j, t, c, e in cells],
            )
            db.executemany("INSERT OR REPLACE INTO run_labels VALUES (?, ?, ?, ?, ?, ?, ?)", labels)

    def runs(self) -> list[dict]:
        rows = self.db.execute("SELECT * FROM runs ORDER BY id")
        return [{**dict(row), "report": json.loads(row["report"])} for row in rows]

    def run_cells(self, run_id: int) -> dict[tuple[str, str], tuple[str, list[dict]]]:
        rows = self.db.execute("SELECT * FROM run_cells WHERE run_id = ?", (run_id,))
        return {
            (row["jurisdiction"], row["topic"]): (row["coverage"], json.loads(row["evidence"]))
            for row in rows
        }

    def run_labels(self, run_id: int) -> dict[tuple[str, str, int], tuple[str, str, list[str]]]:
        """(document, citation, occurrence) -> (jurisdiction, status, topics) at that run."""
        rows = self.db.execute("SELECT * FROM run_labels WHERE run_id = ?", (run_id,))
        return {
            (row["document"], row["citation"], row["occurrence"]): (
                row["jurisdiction"],
                row["status"],
                json.loads(row["topics"]),
            )
            for row in rows
        }


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


def _document(row: sqlite3.Row) -> StoredDocument:
    return StoredDocument(
        id=row["id"],
        sha256=row["sha256"],
        name=row["name"],
        source=row["source"],
        format=row["format"],
        jurisdiction=row["jurisdiction"],
        language=row["language"],
        title=row["title"],
        year=row["year"],
        page_count=row["page_count"],
        warnings=json.loads(row["warnings"]),
        extractor_version=row["extractor_version"],
        ingested_at=row["ingested_at"],
        current=bool(row["current"]),
    )


def _provision(row: sqlite3.Row) -> Provision:
    return Provision(
        citation=row["citation"],
        number=row["number"],
        kind=row["kind"],
        heading=row["heading"],
        context=json.loads(row["context"]),
        text=row["text"],
        page_start=row["page_start"],
        page_end=row["page_end"],
        char_start=row["char_start"],
        char_end=row["char_end"],
        notes=json.loads(row["notes"]),
        repealed=bool(row["repealed"]),
        paragraphs=[tuple(p) for p in json.loads(row["paragraphs"])],
        occurrence=row["occurrence"],
    )


def _tag(row: sqlite3.Row) -> Tag | None:
    if row["t_status"] is None:
        return None
    return Tag(
        status=row["t_status"],
        topics=json.loads(row["t_topics"]),
        scores=json.loads(row["t_scores"]),
        evidence=[Evidence(**e) for e in json.loads(row["t_evidence"])],
        model_version=row["t_model_version"],
    )


def _review(row: sqlite3.Row) -> Review:
    return Review(
        id=row["id"],
        provision_id=row["provision_id"],
        reviewer=row["reviewer"],
        at=row["at"],
        status_before=row["status_before"],
        topics_before=json.loads(row["topics_before"]) if row["topics_before"] else None,
        status_after=row["status_after"],
        topics_after=json.loads(row["topics_after"]),
        note=row["note"],
        replaces=row["replaces"],
    )
