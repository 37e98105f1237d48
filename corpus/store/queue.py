"""The review queue in SQL: one page, its size, and a provision's neighbours, at any size.

Most uncertain first (the model's uncertainty, kept with each provision; 1 untagged), ties in
the order the provisions were stored. Filters narrow it (labels in force: a review's over the
model's); its order is the same for every filter, and the index provisions_queue walks it.
"""

from __future__ import annotations

import sqlite3

ORDER = "p.uncertainty DESC, p.id"
BACKWARDS = "p.uncertainty, p.id DESC"
# in queue order, from an index that holds every column the unfiltered queue reads
WALK = "provisions p INDEXED BY provisions_queue"


def narrowed(
    jurisdiction: str | None = None,
    document: str | None = "",
    topic: str | None = "",
    status: str | None = "",
    reviewed: str | None = "",
) -> tuple[str, list[object]]:
    """Joins and WHERE of the queue narrowed by the filters (jurisdiction None: any; "" for
    the others: any), and their parameters."""
    documents = ["current = 1"]
    params: list[object] = []
    if jurisdiction is not None:
        documents.append("jurisdiction = ?")
        params.append(jurisdiction)
    if document:
        documents.append("name = ?")
        params.append(document)
    # The documents as a set of ids, made once: no document row (rows hold the whole text)
    # is read per provision walked.
    where = [f"p.document_id IN (SELECT id FROM documents WHERE {' AND '.join(documents)})"]
    joins = ""
    if topic or status:
        joins += " LEFT JOIN tags t ON t.provision_id = p.id"
    if topic or status or reviewed:
        joins += (
            " LEFT JOIN reviews r ON r.id = (SELECT max(id) FROM reviews WHERE provision_id = p.id)"
        )
    if topic:
        where.append(
            "EXISTS (SELECT 1 FROM json_each(coalesce(r.topics_after, t.topics, '[]'))"
            " WHERE value = ?)"
        )
        params.append(topic)
    if status:
        where.append("coalesce(r.status_after, t.status) = ?")
        params.append(status)
    if reviewed in ("yes", "no"):
        where.append("r.id IS NOT NULL" if reviewed == "yes" else "r.id IS NULL")
    return f"{joins} WHERE {' AND '.join(where)}", params


def page(
    db: sqlite3.Connection, limit: int = -1, offset: int = 0, **filters: str | None
) -> tuple[list[int], int]:
    """One page of the queue (provision ids) and the size of the whole queue."""
    source, params = narrowed(**filters)
    ids = db.execute(
        f"SELECT p.id FROM {WALK}{source} ORDER BY {ORDER} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    total = db.execute(f"SELECT count(*) FROM provisions p{source}", params).fetchone()[0]
    return [row[0] for row in ids], total


def neighbours(
    db: sqlite3.Connection, provision_id: int, **filters: str | None
) -> tuple[int | None, int | None, int | None, int]:
    """(previous id, next id, 1-based position, queue size) of a provision in the queue;
    not in it: (None, the queue's first, None, size)."""
    source, params = narrowed(**filters)

    def first(condition: str, order: str, *values: object) -> int | None:
        row = db.execute(
            f"SELECT p.id FROM {WALK}{source} AND {condition} ORDER BY {order} LIMIT 1",
            [*params, *values],
        ).fetchone()
        return row[0] if row else None

    def count(condition: str, *values: object) -> int:
        query = f"SELECT count(*) FROM provisions p{source} AND {condition}"
        return db.execute(query, [*params, *values]).fetchone()[0]

    total = count("1")
    found = db.execute(
        f"SELECT p.uncertainty FROM provisions p{source} AND p.id = ?", [*params, provision_id]
    ).fetchone()
    if found is None:
        return None, first("1", ORDER), None, total
    uncertainty = found[0]
    # Each side of the keyset in two index ranges: the same uncertainty, then the others
    # (one condition with OR would walk the index from its start).
    same, higher, lower = "p.uncertainty = ?", "p.uncertainty > ?", "p.uncertainty < ?"
    previous = first(f"{same} AND p.id < ?", "p.id DESC", uncertainty, provision_id)
    if previous is None:
        previous = first(higher, BACKWARDS, uncertainty)
    following = first(f"{same} AND p.id > ?", "p.id", uncertainty, provision_id)
    if following is None:
        following = first(lower, ORDER, uncertainty)
    position = count(higher, uncertainty) + count(f"{same} AND p.id < ?", uncertainty, provision_id)
    return previous, following, position + 1, total


def decisive(db: sqlite3.Connection, **filters: str | None) -> list[tuple[int, float]]:
    """(id, uncertainty) of the decisive provisions the filters keep, in queue order: the
    head of the review queue, read without the provisions themselves."""
    source, params = narrowed(**filters)
    rows = db.execute(
        f"SELECT p.id, p.uncertainty FROM provisions p{source}"
        f" AND p.id IN (SELECT provision_id FROM decisive_provisions) ORDER BY {ORDER}",
        params,
    )
    return [(row[0], row[1]) for row in rows]
