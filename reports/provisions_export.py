"""Exports of stored provisions (JSONL, CSV). Matrix exports live in corpus/matrix_exports.py."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import IO

from corpus.store import StoredProvision
from reports.spreadsheet import csv_safe

PROVISION_FIELDS = (
    "document", "sha256", "jurisdiction", "language", "title", "year", "citation", "occurrence",
    "heading", "context", "text", "page_start", "page_end", "notes", "repealed",
    "status", "topics", "scores", "evidence", "reviewed_by",
)  # fmt: skip


def provision_record(stored: StoredProvision) -> dict:
    """One provision as a flat record, with the labels in force (a review over the model)."""
    document, provision, tag = stored.document, stored.provision, stored.tag
    return {
        "document": document.name,
        "sha256": document.sha256,
        "jurisdiction": document.jurisdiction,
        "language": document.language,
        "title": document.title,
        "year": document.year,
        "citation": provision.citation,
        "occurrence": provision.occurrence,
        "heading": provision.heading,
        "context": " > ".join(provision.context),
        "text": provision.text,
        "page_start": provision.page_start,
        "page_end": provision.page_end,
        "notes": provision.notes,
        "repealed": provision.repealed,
        "status": stored.status,
        "topics": stored.topics,
        "scores": tag.scores if tag else {},
        "evidence": [asdict(e) for e in tag.evidence] if tag else [],
        "reviewed_by": stored.review.reviewer if stored.review else None,
    }


def write_provisions(provisions: Iterable[StoredProvision], fmt: str, out: IO[str]) -> int:
    """Write provisions as `jsonl` or `csv` to an open text stream; return how many."""
    count = 0
    if fmt == "jsonl":
        for stored in provisions:
            out.write(json.dumps(provision_record(stored), ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=PROVISION_FIELDS)
        writer.writeheader()
        for stored in provisions:
            record = provision_record(stored)
            for key in ("notes", "topics", "scores", "evidence"):
                record[key] = json.dumps(record[key], ensure_ascii=False)
            writer.writerow({key: csv_safe(value) for key, value in record.items()})
            count += 1
    else:
        raise ValueError(f"unknown format {fmt!r}: use jsonl or csv")
    return count


def open_output(out: Path | None, default: Path) -> Path:
    target = out or default
    target.parent.mkdir(parents=True, exist_ok=True)
    return target
