"""Training examples: labelled provisions read in their context.

Annotation files, reviews and `classifiers/seed_examples.jsonl` give records (dicts, or the
rows of a DataFrame); `Example.from_record` types them once, at the door of training and
evaluation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from classifiers.features import MARKS_KEY, RowMarks, analyse, as_records, field_text
from corpus.labels import STATUSES, TOPIC_IDS


@dataclass(frozen=True)
class Example:
    """One labelled provision: what the tagger reads and the labels it should give."""

    text: str
    status: str
    topics: tuple[str, ...] = ()
    heading: str = ""
    context: tuple[str, ...] | str = ()  # the headings above it, or one joined string
    title: str = ""  # the title of its law
    language: str = ""
    repealed: bool = False
    group: str = ""  # the law it comes from: leave-one-law-out splits on it
    id: str = ""
    citation: str = ""
    seed: bool = False  # invented: in every training fold, never scored
    marks: RowMarks | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Example:
        context = record.get("context")
        if isinstance(context, list | tuple):
            context = tuple(context)
        else:  # one joined string, or none
            context = field_text(record, "context") or ()
        return cls(
            text=field_text(record, "text"),
            status=str(record.get("status") or ""),
            topics=tuple(record.get("topics") or ()),
            heading=field_text(record, "heading"),
            context=tuple(context)
            if isinstance(context, list | tuple)
            else field_text(record, "context"),
            title=field_text(record, "title"),
            language=field_text(record, "language"),
            repealed=bool(record.get("repealed")),
            group=str(record.get("group") or record.get("document") or record.get("sha256") or ""),
            id=str(record.get("id") or ""),
            citation=str(record.get("citation") or ""),
            seed=bool(record.get("seed")),
        )

    def row(self) -> dict[str, Any]:
        """The example as the models read it (a row carrying its marks, when computed)."""
        return {
            "text": self.text,
            "citation": self.citation,
            "heading": self.heading,
            "context": self.context,
            "title": self.title,
            "language": self.language,
            "repealed": self.repealed,
            MARKS_KEY: self.marks,
        }

    @property
    def name(self) -> str:
        """How a report names the example."""
        return self.id or f"{self.group} {self.citation}".strip()


def as_examples(records: Iterable[Mapping[str, Any]] | Any) -> list[Example]:
    """Examples from records (dicts or a DataFrame), checking their labels."""
    examples = [
        r if isinstance(r, Example) else Example.from_record(r) for r in as_records(records)
    ]
    for i, ex in enumerate(examples):
        if ex.status not in STATUSES:
            raise ValueError(f"example {i}: unknown status {ex.status!r}")
        bad = [t for t in ex.topics if t not in TOPIC_IDS]
        if bad:
            raise ValueError(f"example {i}: unknown topics {bad}")
    return examples


def with_marks(examples: Sequence[Example]) -> list[Example]:
    """The examples carrying their spaCy marks, computed once."""
    need = [i for i, ex in enumerate(examples) if ex.marks is None]
    out = list(examples)
    for i, marks in zip(need, analyse([examples[i].row() for i in need]), strict=True):
        out[i] = dataclasses.replace(examples[i], marks=marks)
    return out


def trainable(examples: Sequence[Example]) -> list[Example]:
    """Examples the models learn from: repealed or empty ones are decided by rule."""
    return [ex for ex in examples if not ex.repealed and (ex.text.strip() or ex.heading.strip())]


def topic_matrix(examples: Sequence[Example]) -> np.ndarray:
    """The (n, 19) indicator matrix of the examples' topics."""
    Y = np.zeros((len(examples), len(TOPIC_IDS)), dtype=np.int64)
    for i, ex in enumerate(examples):
        for t in ex.topics:
            Y[i, TOPIC_IDS.index(t)] = 1
    return Y
