"""What the review pages show, computed from stored provisions: the review queue (filters, the
decisive provisions first, then ordering by the model's uncertainty) and the provision text with
its evidence highlighted."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from markupsafe import Markup, escape

from corpus.decisive import DecisiveProvision
from corpus.labels import STATUSES
from corpus.store import Store, StoredDocument, StoredProvision
from reports.matrix import UNKNOWN_JURISDICTION

ORDERING_NOTE = (
    "Decisive provisions first (those that bring homeworkers into a law or leave them out: "
    "one wrong label there changes a whole row of the matrix), then by the model's "
    "uncertainty, most uncertain first: 1 − the probability of its "
    "least sure decision, the status (the highest status probability) or a topic (p, or 1 − p "
    "for a topic not given); 0 = the model is sure, untagged provisions count as 1."
)
SEARCH_ORDERING_NOTE = "Ordered by full-text relevance (SQLite FTS5 rank)."


def jurisdiction_of(document: StoredDocument) -> str:
    """The jurisdiction as the matrix names it (documents without one share a row)."""
    return document.jurisdiction or UNKNOWN_JURISDICTION


def uncertainty(stored: StoredProvision) -> float:
    """1 - the probability of the model's least sure decision: its status or any topic.
    Topics are the weaker half of the tagger, so a provision whose status is clear but whose
    topics are near the threshold still comes early in the queue."""
    if stored.tag is None:
        return 1.0
    scores, given = stored.tag.scores, set(stored.tag.topics)
    status = max((scores.get(f"status:{s}", 0.0) for s in STATUSES), default=0.0)
    # the decision taken, whatever threshold took it (tuned thresholds need not be 0.5)
    topics = [
        p if key.removeprefix("topic:") in given else 1.0 - p
        for key, p in scores.items()
        if key.startswith("topic:")
    ]
    return round(1.0 - min([status, *topics]), 4)


@dataclass(frozen=True)
class Filters:
    """The provision list's filters; carried in every link so that next/previous stay in it."""

    jurisdiction: str = ""
    document: str = ""  # document file name
    topic: str = ""  # a topic in force (a review's over the model's)
    status: str = ""  # the status in force
    reviewed: str = ""  # "" | "yes" | "no"
    q: str = ""  # full-text query

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Filters:
        return cls(**{f.name: (params.get(f.name) or "").strip() for f in fields(cls)})

    def query(self) -> str:
        """The filters as a query string (empty ones left out), without a leading '?'."""
        return urlencode(
            {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}
        )

    def keeps(self, stored: StoredProvision) -> bool:
        if self.jurisdiction and jurisdiction_of(stored.document) != self.jurisdiction:
            return False
        if self.document and stored.document.name != self.document:
            return False
        if self.topic and self.topic not in stored.topics:
            return False
        if self.status and stored.status != self.status:
            return False
        if self.reviewed == "yes" and stored.review is None:
            return False
        return not (self.reviewed == "no" and stored.review is not None)


def decisive_by_id(store: Store) -> dict[int, DecisiveProvision]:
    """The current laws' decisive provisions by provision id."""
    return {found.provision_id: found for found in store.decisive_provisions()}


def queue(store: Store, filters: Filters) -> list[StoredProvision]:
    """The provisions the filters keep: decisive provisions first, then the most uncertain
    first (or, for a text search, the best match first)."""
    if filters.q:
        ranked = store.search(filters.q)
        by_id = {p.id: p for p in store.provisions(ids=ranked)} if ranked else {}
        # search() covers superseded document versions too; the queue shows current ones only.
        return [
            by_id[i]
            for i in ranked
            if i in by_id and by_id[i].document.current and filters.keeps(by_id[i])
        ]
    kept = [p for p in store.provisions() if filters.keeps(p)]
    decisive = decisive_by_id(store)
    # sorted() is stable: equally placed provisions stay in document order.
    return sorted(kept, key=lambda p: (p.id not in decisive, -uncertainty(p)))


def neighbours(ids: list[int], current: int) -> tuple[int | None, int | None, int | None]:
    """(previous id, next id, 1-based position) of `current` in the queue."""
    if current not in ids:
        return None, (ids[0] if ids else None), None
    index = ids.index(current)
    previous = ids[index - 1] if index > 0 else None
    following = ids[index + 1] if index + 1 < len(ids) else None
    return previous, following, index + 1


# A line break is kept before a numbered paragraph or list item, or after a line that ends
# a sentence or introduces a list; other breaks are the PDF's line wrapping.
_KEPT_BREAK = re.compile(
    r"\n(?=\s*(?:\(\w{1,4}\)|\d+[.)]|[a-z][.)]\s|[-•–]\s))|(?<=[.:;])\n|\n(?=\n)|(?<=\n)\n"
)


def reflow(text: str) -> str:
    """The text with wrapped lines joined, same length (evidence offsets stay valid)."""
    kept = {m.start() for m in _KEPT_BREAK.finditer(text)}
    first = text.find("\n")
    if 0 < first <= 80 and text[first - 1].isalnum():
        kept.add(first)  # a short first line is the provision's own title
    return "".join(" " if c == "\n" and i not in kept else c for i, c in enumerate(text))


def highlight(text: str, spans: list[tuple[int, int, str]]) -> Markup:
    """The text escaped, with each evidence span (start, end, label) wrapped in <mark>.

    Escaping happens segment by segment *before* wrapping, so law text can never inject
    markup; overlapping spans are merged into runs that carry all their labels."""
    labels_at: list[set[str]] = [set() for _ in text]
    for start, end, label in spans:
        for index in range(max(start, 0), min(end, len(text))):
            labels_at[index].add(label)
    parts: list[str] = []
    run_start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or labels_at[index] != labels_at[run_start]:
            segment = str(escape(text[run_start:index]))
            labels = sorted(labels_at[run_start])
            if labels:
                title = escape(", ".join(labels))
                classes = " ".join(f"ev-{escape(label)}" for label in labels)
                segment = f'<mark class="ev {classes}" title="{title}">{segment}</mark>'
            parts.append(segment)
            run_start = index
    return Markup("".join(parts))


def evidence_spans(stored: StoredProvision) -> list[tuple[int, int, str]]:
    """The evidence of the model's tag that points into the provision text."""
    if stored.tag is None:
        return []
    return [
        (e.start, e.end, e.label)
        for e in stored.tag.evidence
        if e.start is not None and e.end is not None and e.end > e.start
    ]
