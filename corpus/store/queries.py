"""The store: the only code that talks to the database (SQLite by default).

Documents are keyed by the SHA-256 of their bytes, so re-ingesting an unchanged file does
nothing. Every write happens in one transaction per document (or per run), so a crash
mid-run loses nothing already stored and leaves no half-written document behind.
Reviews are an append-only audit table: the newest review of a provision is in force.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from corpus.decisive import DecisiveProvision, decisive_provisions
from corpus.errors import ReviewConflict, SearchRefused
from corpus.model import DocumentMeta, ExtractedDocument, Provision, Tag
from corpus.store import queue
from corpus.store.records import (
    Review,
    StoredDocument,
    StoredProvision,
    decisive_from_row,
    document_from_row,
    provision_from_row,
    review_from_row,
    tag_from_row,
)
from corpus.store.schema import DECISIVE_VERSION, DOCUMENT_COLUMNS, migrate

# Every column but the text: a document's text is only read for its excerpts.

# Documents read through the index that holds their metadata, never their texts' pages.
DOCUMENT_META = "documents INDEXED BY documents_meta"

# What one search may cost: the review app passes its visitors' queries straight in.
MAX_SEARCH_WORDS = 20
MAX_SEARCH_CHARS = 500
SEARCH_SECONDS = 2.0


def _switch_to_wal(db: sqlite3.Connection, seconds: float = 30.0) -> None:
    """WAL mode, waiting for a process that is creating the same new database: SQLite does not
    call the busy handler for this switch, so "database is locked" is retried here."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


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


_TAG_COLUMNS = (
    "t.status AS t_status, t.topics AS t_topics, t.scores AS t_scores,"
    " t.model_version AS t_model_version"
)
_ALL_COLUMNS = f"p.*, {_TAG_COLUMNS}, t.evidence AS t_evidence"
_LABEL_COLUMNS = (
    "p.id, p.document_id, p.citation, p.occurrence, p.number, p.kind, p.heading, p.page_start,"
    " p.page_end, p.char_start, p.char_end, p.repealed, '' AS text, '[]' AS context,"
    f" '[]' AS notes, '[]' AS paragraphs, {_TAG_COLUMNS}, '[]' AS t_evidence"
)


class Store:
    """A connection to one c177 database; create it with `Store(path_or_url)`."""

    def __init__(self, url: str | Path):
        self.path = database_path(url)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly by `transaction()`.
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        # The busy timeout first: switching a new database to WAL takes a lock that another
        # process creating the same database may hold.
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.execute("PRAGMA foreign_keys = ON")
        _switch_to_wal(self.db)
        if 0 < migrate(self.db) < DECISIVE_VERSION:
            with self.transaction():
                self._renew_decisive(d.id for d in self.documents(current_only=False))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction; opened inside another, it is part of that one (all or nothing)."""
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ---- documents and provisions -------------------------------------------------------

    def document(self, sha256: str) -> StoredDocument | None:
        query = f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE sha256 = ?"
        row = self.db.execute(query, (sha256,)).fetchone()
        return document_from_row(row) if row else None

    def document_by_id(self, document_id: int) -> StoredDocument:
        query = f"SELECT {DOCUMENT_COLUMNS} FROM {DOCUMENT_META} WHERE id = ?"
        row = self.db.execute(query, (document_id,)).fetchone()
        if row is None:
            raise KeyError(f"no document {document_id}")
        return document_from_row(row)

    def documents(self, current_only: bool = True) -> list[StoredDocument]:
        query = f"SELECT {DOCUMENT_COLUMNS} FROM {DOCUMENT_META}" + (
            " WHERE current = 1" if current_only else ""
        )
        return [
            document_from_row(row)
            for row in self.db.execute(query + " ORDER BY jurisdiction, name")
        ]

    def _documents(self, ids: set[int]) -> dict[int, StoredDocument]:
        rows = self.db.execute(
            f"SELECT {DOCUMENT_COLUMNS} FROM {DOCUMENT_META}"
            f" WHERE id IN ({','.join('?' * len(ids))})",
            list(ids),
        )
        return {row["id"]: document_from_row(row) for row in rows}

    def current_names(self) -> list[tuple[str, str]]:
        """(jurisdiction, file name) of every current document, read from an index alone."""
        rows = self.db.execute(
            "SELECT DISTINCT jurisdiction, name FROM documents WHERE current = 1"
        )
        return [(row[0], row[1]) for row in rows]

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
            document = {
                "sha256": sha256,
                "name": Path(extracted.path).name,
                "source": source,
                "format": extracted.format,
                "jurisdiction": meta.jurisdiction,
                "language": language,
                "title": meta.title or Path(extracted.path).stem,
                "year": meta.year,
                "page_count": extracted.page_count,
                "text": extracted.text,
                "warnings": json.dumps(extracted.warnings, ensure_ascii=False),
                "extractor_version": extractor_version,
                "ingested_at": _now(),
            }
            document_id = _insert(db, "documents", document)
            rows = [_provision_row(document_id, seq, p) for seq, p in enumerate(provisions)]
            _insert_many(db, "provisions", rows)
            self._carry_reviews(document_id, carried)
            self._renew_decisive([document_id])
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
            copied = {name: review[name] for name in REVIEW_COLUMNS}
            copied |= {"provision_id": target, "replaces": new_ids.get(review["replaces"])}
            new_ids[review["id"]] = _insert(self.db, "reviews", copied)

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
        jurisdiction: str | None = None,
        labels_only: bool = False,
    ) -> list[StoredProvision]:
        """Provisions with their document, tag and the review in force, in document order
        (in the order of `ids` when given). `labels_only`: without their texts (text, context,
        notes, paragraphs) and the tag's evidence, which weigh most: what a matrix reads."""
        where: list[str] = []
        params: list[object] = []
        if document_id is not None:
            where.append("p.document_id = ?")
            params.append(document_id)
        if ids is not None:
            id_list = list(ids)
            where.append(f"p.id IN ({','.join('?' * len(id_list))})")
            params.extend(id_list)
        if jurisdiction is not None:
            where.append("d.jurisdiction = ?")
            params.append(jurisdiction)
        if current_only and document_id is None and ids is None:
            where.append("d.current = 1")
        query = (
            f"SELECT {_LABEL_COLUMNS if labels_only else _ALL_COLUMNS}"
            " FROM provisions p JOIN documents d ON d.id = p.document_id"
            " LEFT JOIN tags t ON t.provision_id = p.id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY d.jurisdiction, d.name, p.seq"
        )
        rows = self.db.execute(query, params).fetchall()
        documents = self._documents({row["document_id"] for row in rows})
        # a few provisions (a page of the review app) need the reviews of those few only
        reviews = self.reviews_in_force([row["id"] for row in rows] if ids is not None else None)
        found = [
            StoredProvision(
                id=row["id"],
                document=documents[row["document_id"]],
                provision=provision_from_row(row),
                tag=tag_from_row(row),
                review=reviews.get(row["id"]),
            )
            for row in rows
        ]
        if ids is not None:
            order = {provision_id: i for i, provision_id in enumerate(id_list)}
            found.sort(key=lambda p: order[p.id])
        return found

    def queue(
        self, limit: int = -1, offset: int = 0, **filters: str | None
    ) -> tuple[list[int], int]:
        """One page of the review queue (provision ids) and its size (`corpus.store.queue`)."""
        return queue.page(self.db, limit, offset, **filters)

    def queue_decisive(self, **filters: str | None) -> list[tuple[int, float]]:
        """(id, uncertainty) of the decisive provisions at the head of the review queue."""
        return queue.decisive(self.db, **filters)

    def queue_neighbours(
        self, provision_id: int, **filters: str | None
    ) -> tuple[int | None, int | None, int | None, int]:
        """(previous id, next id, 1-based position, queue size) in the review queue."""
        return queue.neighbours(self.db, provision_id, **filters)

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

    def search(self, query: str, limit: int = 200, seconds: float = SEARCH_SECONDS) -> list[int]:
        """Provision ids matching a full-text query, best first. Raises SearchRefused for a
        query over MAX_SEARCH_WORDS words or MAX_SEARCH_CHARS characters, or one that runs
        longer than `seconds` (every phrase is ANDed, so a long query costs without end)."""
        words = query.split()
        if len(words) > MAX_SEARCH_WORDS or len(query) > MAX_SEARCH_CHARS:
            raise SearchRefused(
                f"search for at most {MAX_SEARCH_WORDS} words and {MAX_SEARCH_CHARS} characters"
            )
        # Quote every word so that user input is never read as FTS syntax.
        terms = " ".join('"' + word.replace('"', "") + '"' for word in words)
        if not terms:
            return []
        deadline = time.monotonic() + seconds
        self.db.set_progress_handler(lambda: time.monotonic() > deadline, 100)
        try:
            rows = self.db.execute(
                "SELECT rowid FROM provision_search WHERE provision_search MATCH ? ORDER BY rank"
                " LIMIT ?",
                (terms, limit),
            ).fetchall()
        except sqlite3.OperationalError as error:
            if "interrupted" not in str(error):
                raise
            raise SearchRefused(
                f"the search took longer than {seconds:g} s and was stopped: use fewer words"
            ) from error
        finally:
            self.db.set_progress_handler(None, 0)
        return [row[0] for row in rows]

    # ---- tags ---------------------------------------------------------------------------

    def save_tags(self, tags: dict[int, Tag]) -> None:
        """Write the tags of one document (provision id -> tag) in one transaction."""
        now = _now()
        with self.transaction() as db:
            rows = [
                {
                    "provision_id": provision_id,
                    "status": tag.status,
                    "topics": json.dumps(tag.topics),
                    "scores": json.dumps(tag.scores),
                    "evidence": json.dumps([asdict(e) for e in tag.evidence], ensure_ascii=False),
                    "model_version": tag.model_version,
                    "tagged_at": now,
                }
                for provision_id, tag in tags.items()
            ]
            _insert_many(db, "tags", rows, replace=True)
            db.executemany(
                "UPDATE provisions SET uncertainty = ? WHERE id = ?",
                [(tag.uncertainty, provision_id) for provision_id, tag in tags.items()],
            )
            self._renew_decisive(self._documents_of(tags))

    def tagged_with(self, document_id: int) -> set[str]:
        """The model versions that tagged this document's provisions (empty: untagged)."""
        rows = self.db.execute(
            "SELECT DISTINCT t.model_version FROM provisions p"
            " LEFT JOIN tags t ON t.provision_id = p.id WHERE p.document_id = ?",
            (document_id,),
        )
        return {row[0] or "" for row in rows}

    # ---- reviews ------------------------------------------------------------------------

    def reviews_in_force(self, provision_ids: list[int] | None = None) -> dict[int, Review]:
        """provision id -> its newest review, for every reviewed provision or for these."""
        narrow, params = "", []
        if provision_ids is not None:
            narrow = f" WHERE provision_id IN ({','.join('?' * len(provision_ids))})"
            params = provision_ids
        rows = self.db.execute(
            "SELECT * FROM reviews WHERE id IN"
            f" (SELECT MAX(id) FROM reviews{narrow} GROUP BY provision_id)",
            params,
        )
        return {row["provision_id"]: review_from_row(row) for row in rows}

    def review_history(self, provision_id: int) -> list[Review]:
        rows = self.db.execute(
            "SELECT * FROM reviews WHERE provision_id = ? ORDER BY id", (provision_id,)
        )
        return [review_from_row(row) for row in rows]

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
            current = review_from_row(row) if row else None
            if current is not None and current.id != replaces:
                raise ReviewConflict(current)
            before = self.provision(provision_id)
            review = {
                "provision_id": provision_id,
                "reviewer": reviewer,
                "at": at or _now(),
                "status_before": before.status,
                "topics_before": json.dumps(before.topics) if before.status else None,
                "status_after": status,
                "topics_after": json.dumps(sorted(topics)),
                "note": note,
                "replaces": replaces,
            }
            _insert(db, "reviews", review)
            self._renew_decisive([before.document.id])
        return self.review_history(provision_id)[-1]

    # ---- decisive provisions ------------------------------------------------------------

    def revisions(self) -> dict[str, int]:
        """Each jurisdiction's revision, raised by every change to its documents, provisions,
        tags, reviews or decisive provisions (a jurisdiction that changed has a new number)."""
        return dict(self.db.execute("SELECT jurisdiction, revision FROM revisions").fetchall())

    def decisive_provisions(
        self,
        document_id: int | None = None,
        jurisdiction: str | None = None,
        provision_ids: Iterable[int] | None = None,
    ) -> list[DecisiveProvision]:
        """The decisive provisions of one law, or of every current law (of one jurisdiction),
        in document order; or those among some provisions."""
        params: list[object]
        if provision_ids is not None:
            params = list(provision_ids)
            where = f"k.provision_id IN ({','.join('?' * len(params))})"
        elif document_id is not None:
            where, params = "d.id = ?", [document_id]
        elif jurisdiction is not None:
            where, params = "d.current = 1 AND d.jurisdiction = ?", [jurisdiction]
        else:
            where, params = "d.current = 1", []
        rows = self.db.execute(
            "SELECT k.*, p.citation, p.page_start, d.name, d.title, d.jurisdiction"
            " FROM decisive_provisions k JOIN provisions p ON p.id = k.provision_id"
            f" JOIN documents d ON d.id = k.document_id WHERE {where}"
            " ORDER BY d.jurisdiction, d.name, p.seq",
            params,
        )
        return [decisive_from_row(row) for row in rows]

    def jurisdictions(self) -> list[str]:
        """The jurisdictions of the current documents, in order."""
        rows = self.db.execute(
            "SELECT DISTINCT jurisdiction FROM documents WHERE current = 1 ORDER BY jurisdiction"
        )
        return [row[0] for row in rows]

    def _documents_of(self, provision_ids: Iterable[int]) -> list[int]:
        ids = list(provision_ids)
        rows = self.db.execute(
            f"SELECT DISTINCT document_id FROM provisions WHERE id IN ({','.join('?' * len(ids))})",
            ids,
        )
        return [row[0] for row in rows]

    def _renew_decisive(self, document_ids: Iterable[int]) -> None:
        """Find the decisive provisions of these laws again from their labels in force; the
        caller's transaction holds the change that calls for it."""
        for document_id in document_ids:
            self.db.execute("DELETE FROM decisive_provisions WHERE document_id = ?", (document_id,))
            rows = [
                {
                    "provision_id": found.provision_id,
                    "document_id": found.document_id,
                    "kind": str(found.kind),
                    "whole_law": int(found.reach.whole_law),
                    "parts": json.dumps(found.reach.parts, ensure_ascii=False),
                    "topics": json.dumps(found.reach.topics),
                    "reviewed": int(found.reviewed),
                }
                for found in decisive_provisions(self.provisions(document_id=document_id))
            ]
            _insert_many(self.db, "decisive_provisions", rows)

    # ---- runs ---------------------------------------------------------------------------

    def start_run(self, pipeline_version: str) -> int:
        with self.transaction() as db:
            return _insert(db, "runs", {"started_at": _now(), "pipeline_version": pipeline_version})

    def finish_run(
        self,
        run_id: int,
        report: dict,
        matrix_cells: Iterable[tuple[str, str, str, list[dict]]],
    ) -> None:
        """Record a run's report, its matrix (jurisdiction, topic, coverage, evidence) and a
        snapshot of the labels in force, so that `c177 diff` can compare two runs."""
        labels = [
            {
                "run_id": run_id,
                "document": p.document.name,
                "citation": p.provision.citation,
                "occurrence": p.provision.occurrence,
                "jurisdiction": p.document.jurisdiction,
                "status": p.status,
                "topics": json.dumps(sorted(p.topics)),
            }
            for p in self.provisions(labels_only=True)
            if p.status is not None
        ]
        cells = [
            {
                "run_id": run_id,
                "jurisdiction": jurisdiction,
                "topic": topic,
                "coverage": coverage,
                "evidence": json.dumps(evidence, ensure_ascii=False),
            }
            for jurisdiction, topic, coverage, evidence in matrix_cells
        ]
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, report = ? WHERE id = ?",
                (_now(), json.dumps(report, ensure_ascii=False), run_id),
            )
            _insert_many(db, "run_cells", cells, replace=True)
            _insert_many(db, "run_labels", labels, replace=True)

    def last_finished_run(self) -> dict | None:
        row = self.db.execute(
            "SELECT * FROM runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return {**dict(row), "report": json.loads(row["report"])} if row else None

    def state(self) -> str:
        """A fingerprint of everything the matrix is built from: the documents (bytes,
        versions, metadata, which are current), the tags and the reviews. Equal fingerprints
        at two moments mean the matrix and its exports would be the same."""
        digest = hashlib.sha256()
        for row in self.db.execute(
            "SELECT id, sha256, current, jurisdiction, title, year, extractor_version"
            " FROM documents ORDER BY id"
        ):
            digest.update(repr(tuple(row)).encode())
        for query in (
            "SELECT count(*), max(tagged_at), group_concat(DISTINCT model_version) FROM tags",
            "SELECT count(*), max(id) FROM reviews",
        ):
            digest.update(repr(tuple(self.db.execute(query).fetchone())).encode())
        return digest.hexdigest()

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


# The columns a review carries over when its document is replaced (all but its id and links).
REVIEW_COLUMNS = ("reviewer", "at", "status_before", "topics_before", "status_after",
                  "topics_after", "note")  # fmt: skip


def _insert(db: sqlite3.Connection, table: str, row: Mapping[str, object]) -> int:
    """Insert one row given by column name; return its rowid."""
    columns = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    cursor = db.execute(f"INSERT INTO {table} ({columns}) VALUES ({values})", row)
    assert cursor.lastrowid is not None  # an INSERT always sets it
    return cursor.lastrowid


def _insert_many(
    db: sqlite3.Connection, table: str, rows: Sequence[Mapping[str, object]], replace: bool = False
) -> None:
    """Insert rows that share their columns, given by name; `replace` overwrites a row with the
    same key."""
    if not rows:
        return
    columns = ", ".join(rows[0])
    values = ", ".join(f":{name}" for name in rows[0])
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    db.executemany(f"{verb} INTO {table} ({columns}) VALUES ({values})", rows)


def _provision_row(document_id: int, seq: int, p: Provision) -> dict[str, object]:
    return {
        "document_id": document_id,
        "seq": seq,
        "citation": p.citation,
        "occurrence": p.occurrence,
        "number": p.number,
        "kind": p.kind,
        "heading": p.heading,
        "context": json.dumps(p.context, ensure_ascii=False),
        "text": p.text,
        "text_sha": p.text_sha,
        "page_start": p.page_start,
        "page_end": p.page_end,
        "char_start": p.char_start,
        "char_end": p.char_end,
        "notes": json.dumps(p.notes, ensure_ascii=False),
        "repealed": int(p.repealed),
        "paragraphs": json.dumps(p.paragraphs),
    }
