"""Annotation files (data/annotations/*.jsonl) and their join to provisions.

A record points at a provision by the document's SHA-256, the provision's citation and
occurrence, and checks it by `text_sha` (a hash of the provision's text, so the files never
hold a law's words; see data/annotations/README.md). `join` turns records into training
examples for `classifiers.train` and `classifiers.evaluate`, and lists every record it
could not use and why.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.config import DATA_DIR
from corpus.errors import AnnotationError
from corpus.labels import STATUSES, TOPIC_IDS
from corpus.model import Provision

log = logging.getLogger(__name__)

ANNOTATIONS_DIR = DATA_DIR / "annotations"
REQUIRED = ("sha256", "citation", "status")
# two independent annotations of the topics, kept beside the adjudicated `topics`
AGREEMENT_FIELDS = ("topics_first", "topics_second")


@dataclass
class JoinIssue:
    kind: str  # unknown_document | unknown_provision | text_mismatch | duplicate
    document: str
    citation: str
    occurrence: int
    detail: str = ""
    source: str = ""  # file:line of the record


def load_annotations(directory: Path | str = ANNOTATIONS_DIR) -> list[dict[str, Any]]:
    """Every record of directory/*.jsonl, checked against the label ids.

    Each record gains `_source` ("file.jsonl:12"). Raises AnnotationError on a malformed
    line, an unknown status or topic, or a missing field.
    """
    records: list[dict[str, Any]] = []
    for path in sorted(Path(directory).glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                where = f"{path.name}:{number}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    raise AnnotationError(f"{where}: not JSON ({err.msg})") from err
                if not isinstance(record, dict):
                    raise AnnotationError(f"{where}: a record must be a JSON object")
                missing = [k for k in REQUIRED if not record.get(k)]
                if missing:
                    raise AnnotationError(f"{where}: missing {', '.join(missing)}")
                if record["status"] not in STATUSES:
                    raise AnnotationError(f"{where}: unknown status {record['status']!r}")
                topics = record.get("topics") or []
                bad = [
                    t
                    for key in ("topics", *AGREEMENT_FIELDS)
                    for t in record.get(key) or []
                    if t not in TOPIC_IDS
                ]
                if bad:
                    raise AnnotationError(f"{where}: unknown topics {bad}")
                record["topics"] = list(topics)
                record["occurrence"] = int(record.get("occurrence") or 1)
                record["_source"] = where
                records.append(record)
    return records


def topic_agreement(records: Sequence[Mapping[str, Any]]) -> dict[str, float] | None:
    """How far two independent annotators agreed on topics, before adjudication: micro-F1
    of the second against the first (symmetric), and the share of provisions with the same
    set. None when no record carries both annotations."""
    pairs = [
        (set(r[AGREEMENT_FIELDS[0]]), set(r[AGREEMENT_FIELDS[1]]))
        for r in records
        if all(isinstance(r.get(k), list) for k in AGREEMENT_FIELDS)
    ]
    if not pairs:
        return None
    both = sum(len(a & b) for a, b in pairs)
    total = sum(len(a) + len(b) for a, b in pairs)
    return {
        "n": len(pairs),
        "micro_f1": round(2 * both / total, 4) if total else 1.0,
        "same_set": round(sum(a == b for a, b in pairs) / len(pairs), 4),
    }


def _document_parts(value: Any) -> tuple[Sequence[Provision], str, str, str]:
    """(provisions, title, language, name) from a list of provisions or a dict/object."""
    if isinstance(value, Mapping):
        return (
            value.get("provisions", []),
            value.get("title", "") or "",
            value.get("language", "") or "",
            value.get("name", "") or "",
        )
    if hasattr(value, "provisions"):
        return (
            value.provisions,
            getattr(value, "title", "") or "",
            getattr(value, "language", "") or "",
            getattr(value, "name", "") or "",
        )
    return value, "", "", ""


def join(
    annotations: list[dict[str, Any]],
    provisions_by_document: Mapping[str, Any],
    *,
    issues: list[JoinIssue] | None = None,
    keep_mismatched: bool = False,
) -> list[dict[str, Any]]:
    """Training examples for the annotations whose provision is found.

    provisions_by_document maps a document's SHA-256 to its provisions: either a list of
    Provision, or a dict (or object) with `provisions`, `title`, `language` and optionally
    `name`. A record whose `text_sha` no longer matches the provision's text (the splitter
    changed, or the record points at the wrong provision) is reported and, unless
    keep_mismatched, left out. Pass `issues` (a list) to receive every problem.
    """
    found: list[JoinIssue] = []
    examples: list[dict[str, Any]] = []
    seen: set[tuple[str, str, int]] = set()
    index: dict[str, tuple[dict[tuple[str, int], Provision], str, str, str]] = {}
    for sha, value in provisions_by_document.items():
        provisions, title, language, name = _document_parts(value)
        index[sha] = ({(p.citation, p.occurrence): p for p in provisions}, title, language, name)
    for rec in annotations:
        provision, issue = _match(rec, index, seen)
        if issue is not None:
            found.append(issue)
        if provision is None or (issue is not None and not keep_mismatched):
            continue
        _, title, language, name = index[rec["sha256"]]
        document = rec.get("document", "") or rec["sha256"][:12]
        examples.append(
            training_example(
                provision,
                document=document,
                group=name or document,  # leave-one-law-out splits on the document
                sha256=rec["sha256"],
                language=language,
                title=title,
                status=rec["status"],
                topics=list(rec.get("topics", [])),
            )
        )
    for issue in found:
        log.warning(
            "annotation %s %s %s: %s (%s)",
            issue.kind,
            issue.document,
            issue.citation,
            issue.detail,
            issue.source,
        )
    if issues is not None:
        issues.extend(found)
    return examples


def _match(
    rec: dict[str, Any],
    index: Mapping[str, tuple[dict[tuple[str, int], Provision], str, str, str]],
    seen: set[tuple[str, str, int]],
) -> tuple[Provision | None, JoinIssue | None]:
    """The provision a record points at (None if there is none to use), and the problem with
    the record if it has one: a mismatched text comes with its provision."""
    sha, citation, occ = rec["sha256"], rec["citation"], int(rec.get("occurrence") or 1)
    document = rec.get("document", "") or sha[:12]

    def issue(kind: str, detail: str) -> JoinIssue:
        return JoinIssue(kind, document, citation, occ, detail, rec.get("_source", ""))

    if sha not in index:
        return None, issue("unknown_document", "no document with this sha256")
    provision = index[sha][0].get((citation, occ))
    if provision is None:
        return None, issue(
            "unknown_provision", "the splitter gives no provision with this citation"
        )
    if (sha, citation, occ) in seen:
        return None, issue("duplicate", "a second record for the same provision is ignored")
    seen.add((sha, citation, occ))
    if rec.get("text_sha") and rec["text_sha"] != provision.text_sha:
        detail = f"record {rec['text_sha']} != text {provision.text_sha}"
        return provision, issue("text_mismatch", detail)
    return provision, None


def training_example(
    provision: Provision,
    *,
    document: str,
    group: str,
    sha256: str,
    language: str,
    title: str,
    status: str,
    topics: list[str],
) -> dict[str, Any]:
    """One provision with its labels, as `classifiers.train` and `classifiers.evaluate` read it."""
    occurrence = provision.occurrence
    return {
        "id": f"{document} {provision.citation}" + (f" #{occurrence}" if occurrence > 1 else ""),
        "group": group,
        "document": document,
        "sha256": sha256,
        "citation": provision.citation,
        "occurrence": occurrence,
        "language": language,
        "title": title,
        "heading": provision.heading,
        "context": list(provision.context),
        "text": provision.text,
        "repealed": provision.repealed,
        "status": status,
        "topics": topics,
    }


def reviewed_examples(store: Any) -> list[dict[str, Any]]:
    """Examples from a store's reviewed provisions (the reviewer's status and topics)."""
    return [
        training_example(
            sp.provision,
            document=sp.document.name,
            group=sp.document.name,
            sha256=sp.document.sha256,
            language=sp.document.language,
            title=sp.document.title,
            status=sp.review.status_after,
            topics=list(sp.review.topics_after or []),
        )
        | {"source": "review"}
        for sp in store.provisions()
        if sp.review
    ]


def merge_reviews(
    examples: list[dict[str, Any]], reviewed: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], int, int]:
    """Examples with reviews applied: a review overrides the annotation of the same
    provision (document sha256, citation, occurrence) and adds the others.
    Returns (examples, overridden, added)."""
    key = lambda e: (e.get("sha256"), e.get("citation"), int(e.get("occurrence") or 1))  # noqa: E731
    by_key = {key(r): r for r in reviewed}
    merged, overridden = [], 0
    for ex in examples:
        rev = by_key.pop(key(ex), None)
        if rev is not None:
            ex = {**ex, "status": rev["status"], "topics": rev["topics"], "source": "review"}
            overridden += 1
        merged.append(ex)
    merged.extend(by_key.values())
    return merged, overridden, len(by_key)
