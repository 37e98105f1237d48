"""Reviews as JSONL, so that teams can share them between databases.

A review is keyed by its provision's document SHA-256, citation, occurrence and text hash:
stable across databases and re-runs, and a changed text never receives a review given to
another wording. The full audit trail is exported (oldest first), not only the decisions
in force, and an import appends only what the target database does not hold yet.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from corpus.labels import STATUSES, TOPICS
from corpus.store import Review, Store

FORMAT = "c177-review/1"
KEY_FIELDS = ("document_sha256", "citation", "occurrence", "text_sha")


def export_reviews(store: Store, out: IO[str]) -> int:
    """Write every review of the current documents' provisions; return how many."""
    reviewed = store.reviews_in_force()
    count = 0
    for stored in store.provisions():
        if stored.id not in reviewed:
            continue
        history = store.review_history(stored.id)
        for review in history:
            record = {
                "format": FORMAT,
                "document_sha256": stored.document.sha256,
                "document": stored.document.name,  # for people reading the file
                "jurisdiction": stored.document.jurisdiction,
                "citation": stored.provision.citation,
                "occurrence": stored.provision.occurrence,
                "text_sha": stored.provision.text_sha,
                **_decision(review),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _decision(review: Review) -> dict:
    return {
        "reviewer": review.reviewer,
        "at": review.at,
        "status_before": review.status_before,
        "topics_before": review.topics_before,
        "status": review.status_after,
        "topics": review.topics_after,
        "note": review.note,
    }


def _same(review: Review, record: dict) -> bool:
    """An identical review: same person, time and decision (the before-state may differ
    between databases whose models disagree, so it is not compared)."""
    return (
        review.reviewer == record["reviewer"]
        and review.at == record["at"]
        and review.status_after == record["status"]
        and sorted(review.topics_after) == sorted(record["topics"])
        and review.note == record.get("note", "")
    )


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0  # already in the database
    missing: list[str] = field(default_factory=list)  # no such provision here
    superseded: list[str] = field(default_factory=list)  # older than the decision in force here
    invalid: list[str] = field(default_factory=list)  # unreadable lines


def import_reviews(store: Store, lines: Iterable[str], source: str = "input") -> ImportReport:
    """Append the reviews of a JSONL export that this database does not hold yet: all of them
    in one transaction, or, if any line is refused (`report.invalid`), none."""
    report = ImportReport()
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        problem = _refused(line)
        if problem:
            report.invalid.append(f"{source} line {number}: {problem}")
        else:
            records.append((f"{source} line {number}", json.loads(line)))
    if report.invalid:
        return report
    targets = {
        (
            p.document.sha256,
            p.provision.citation,
            p.provision.occurrence,
            p.provision.text_sha,
        ): p.id
        for p in store.provisions(current_only=False)
    }
    # Oldest first, so that each provision's newest imported review ends up in force.
    records.sort(key=lambda item: datetime.fromisoformat(item[1]["at"]))
    with store.transaction():
        for where, record in records:
            _import(store, targets, where, record, report)
    return report


def _import(
    store: Store, targets: dict[tuple, int], where: str, record: dict, report: ImportReport
) -> None:
    key = tuple(record[k] for k in KEY_FIELDS)
    document = record.get("document") or record["document_sha256"][:12]
    label = f"{where}: {document} {record['citation']}"
    provision_id = targets.get(key)
    if provision_id is None:
        report.missing.append(label)
        return
    history = store.review_history(provision_id)
    if any(_same(review, record) for review in history):
        report.duplicates += 1
        return
    in_force = history[-1] if history else None
    if in_force is not None and in_force.at > record["at"]:
        # Appending it would put an older decision in force over a newer one.
        report.superseded.append(f"{label} (kept {in_force.reviewer}'s of {in_force.at})")
        return
    store.add_review(
        provision_id,
        record["reviewer"].strip(),
        record["status"],
        record["topics"],
        record.get("note", ""),
        replaces=in_force.id if in_force else None,
        at=record["at"],
    )
    report.imported += 1


# What one record may hold: the review form's own limits, with room to spare.
MAX_LINE_CHARS = 100_000
MAX_REVIEWER_CHARS = 80
MAX_NOTE_CHARS = 20_000
_TEXT_FIELDS = ("document_sha256", "citation", "text_sha", "reviewer", "at", "status")


def _refused(line: str) -> str:
    """Why a line cannot be imported, or "" if it can."""
    if len(line) > MAX_LINE_CHARS:
        return f"longer than {MAX_LINE_CHARS:,} characters"
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as error:
        return f"not JSON ({getattr(error, 'msg', 'nested too deeply')})"
    if not isinstance(record, dict):
        return "not a JSON object"
    return _shape_problem(record) or _value_problem(record)


def _shape_problem(record: dict) -> str:
    """Fields missing or of the wrong JSON type."""
    needed = (*KEY_FIELDS, "reviewer", "at", "status", "topics")
    absent = [name for name in needed if name not in record]
    if absent:
        return f"missing {', '.join(absent)}"
    wrong = [name for name in _TEXT_FIELDS if not isinstance(record[name], str)]
    wrong += [name for name in ("note", "document") if not isinstance(record.get(name, ""), str)]
    occurrence = record["occurrence"]
    if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1:
        wrong.append("occurrence")
    if not isinstance(record["topics"], list):
        wrong.append("topics")
    return f"wrong type of {', '.join(wrong)}" if wrong else ""


def _value_problem(record: dict) -> str:
    """Values no review can have (fields of the right types)."""
    if not record["reviewer"].strip():
        return "no reviewer"
    if len(record["reviewer"]) > MAX_REVIEWER_CHARS or len(record.get("note", "")) > MAX_NOTE_CHARS:
        return f"reviewer over {MAX_REVIEWER_CHARS} or note over {MAX_NOTE_CHARS:,} characters"
    try:
        at = datetime.fromisoformat(record["at"])
    except ValueError:
        return f"'at' is not a date and time: {record['at'][:40]!r}"
    if at.tzinfo is None:
        return "'at' has no time zone"
    if record["status"] not in STATUSES:
        return f"unknown status {record['status'][:40]!r}"
    if not all(isinstance(t, str) and t in TOPICS for t in record["topics"]):
        return "unknown topics"
    return ""
