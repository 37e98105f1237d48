"""What the store hands out: documents, provisions with their tag and review, reviews and
decisive provisions; each built from a database row by column name."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from corpus.decisive import DecisiveKind, DecisiveProvision, Reach
from corpus.labels import Status, TopicId
from corpus.model import Evidence, Provision, Tag


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
    status_before: Status | None
    topics_before: list[TopicId] | None
    status_after: Status
    topics_after: list[TopicId]
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
    def status(self) -> Status | None:
        """The label in force: a reviewer's over the model's."""
        if self.review:
            return self.review.status_after
        return self.tag.status if self.tag else None

    @property
    def topics(self) -> list[TopicId]:
        if self.review:
            return self.review.topics_after
        return self.tag.topics if self.tag else []


def document_from_row(row: sqlite3.Row) -> StoredDocument:
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


def provision_from_row(row: sqlite3.Row) -> Provision:
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


def tag_from_row(row: sqlite3.Row) -> Tag | None:
    if row["t_status"] is None:
        return None
    return Tag(
        status=row["t_status"],
        topics=json.loads(row["t_topics"]),
        scores=json.loads(row["t_scores"]),
        evidence=[Evidence(**e) for e in json.loads(row["t_evidence"])],
        model_version=row["t_model_version"],
    )


def review_from_row(row: sqlite3.Row) -> Review:
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


def decisive_from_row(row: sqlite3.Row) -> DecisiveProvision:
    """A decisive_provisions row joined with its provision's citation and page and its
    document's name, title and jurisdiction."""
    return DecisiveProvision(
        provision_id=row["provision_id"],
        document_id=row["document_id"],
        document=row["name"],
        title=row["title"],
        jurisdiction=row["jurisdiction"],
        citation=row["citation"],
        page=row["page_start"],
        kind=DecisiveKind(row["kind"]),
        reach=Reach(
            whole_law=bool(row["whole_law"]),
            parts=tuple(json.loads(row["parts"])),
            topics=tuple(json.loads(row["topics"])),
        ),
        reviewed=bool(row["reviewed"]),
    )
