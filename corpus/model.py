"""The data model shared by every stage: documents, their lines, provisions and tags.

Data flows one way: a file is read into an `ExtractedDocument` (lines with pages),
split into `Provision`s, tagged with a `Tag` each, stored, and aggregated into the
coverage matrix. Every stage exchanges these dataclasses and nothing else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from corpus.labels import DocumentFormat, EvidenceKind, ProvisionKind, Status, TopicId


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_hash(text: str) -> str:
    """Hash of a provision's text with white space folded: annotations refer to it
    instead of holding the law's words."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Line:
    """One line of a document's text after cleaning (headers, footers, hyphens, columns)."""

    text: str
    page: int | None = None  # 1-based page; None where the format has no pages
    heading: bool = False  # the source itself marks the line as a heading (markdown #, DOCX style)


@dataclass
class ExtractedDocument:
    path: Path
    format: DocumentFormat
    lines: list[Line]
    page_count: int | None = None
    warnings: list[str] = field(default_factory=list)  # e.g. "page 4 is image-only: needs OCR"

    @property
    def text(self) -> str:
        """The whole text; provisions' character offsets point into it."""
        return "\n".join(line.text for line in self.lines)


@dataclass
class Provision:
    """An article, section or § with the numbered paragraphs inside it."""

    citation: str  # as a lawyer writes it: "art. 311", "s. 35", "§ 19", "art. L7412-1"
    number: str  # "311", "35", "19", "7412-1", "102 bis"
    kind: ProvisionKind
    heading: str  # the provision's own title, "" if it has none
    context: list[str]  # headings of the parts/titles/chapters above it, outermost first
    text: str  # the provision's text, without its editorial notes
    page_start: int | None = None
    page_end: int | None = None
    char_start: int = 0  # offsets into ExtractedDocument.text
    char_end: int = 0
    notes: list[str] = field(default_factory=list)  # editorial notes ("Artículo reformado DOF ...")
    repealed: bool = False
    # numbered paragraphs inside the provision: (citation such as "s. 35(2)", start, end),
    # offsets relative to `text`
    paragraphs: list[tuple[str, int, int]] = field(default_factory=list)
    # 1 for the first provision with this citation in its document, 2 for the second
    # (bilingual texts, gazettes with several instruments, quoted amendments)
    occurrence: int = 1

    @property
    def text_sha(self) -> str:
        return text_hash(self.text)


@dataclass
class DocumentMeta:
    """What a manifest (or the user) says about a document."""

    jurisdiction: str = ""
    language: str = ""  # "" means: detect it
    title: str = ""
    year: int | None = None
    source: str = ""  # path or URL it came from


@dataclass
class Evidence:
    """Why a tag was given: a matched term or span, or one of the model's strongest features."""

    label: str  # the status or topic id it supports
    kind: EvidenceKind
    text: str  # the matched words, or the feature's name
    start: int | None = None  # offsets into the provision text, for spans (a role: its clause)
    end: int | None = None
    weight: float | None = None
    # kind "role": what a mention of home work does in its clause (classifiers/roles.py)
    role: str | None = None  # defines | includes | regulates | excludes | names
    clause: str | None = None  # the clause's citation, "s. 2(c)(ii)"
    parts: list[str] | None = None  # the parts an inclusion or exclusion reaches; [] = whole law


@dataclass
class Tag:
    status: Status
    topics: list[TopicId]
    scores: dict[str, float]  # "status:<id>" and "topic:<id>" -> calibrated probability
    evidence: list[Evidence] = field(default_factory=list)
    model_version: str = ""

    @property
    def uncertainty(self) -> float:
        """1 - the probability of the least sure decision: the status (its highest
        probability) or any topic (p for a topic given, 1 - p for one not given, whatever
        threshold decided it). 0 = sure. Orders the review queue."""
        status = max(
            (p for key, p in self.scores.items() if key.startswith("status:")), default=0.0
        )
        given = set(self.topics)
        topics = [
            p if key.removeprefix("topic:") in given else 1.0 - p
            for key, p in self.scores.items()
            if key.startswith("topic:")
        ]
        return round(1.0 - min([status, *topics]), 4)
