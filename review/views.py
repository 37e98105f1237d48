"""What the review pages show, computed from stored provisions: the review queue (filters, the
decisive provisions first, then ordering by the model's uncertainty) and the provision text with
its evidence highlighted."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from markupsafe import Markup, escape

from corpus.decisive import DecisiveProvision
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
    """The model's uncertainty (`Tag.uncertainty`); untagged provisions count as 1."""
    return 1.0 if stored.tag is None else stored.tag.uncertainty


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

    def narrowing(self) -> dict[str, str | None]:
        """The filters as `Store.queue` takes them (all but the text query)."""
        jurisdiction = self.jurisdiction or None
        if jurisdiction == UNKNOWN_JURISDICTION:
            jurisdiction = ""  # the matrix's row for documents without a jurisdiction
        return {
            "jurisdiction": jurisdiction,
            "document": self.document,
            "topic": self.topic,
            "status": self.status,
            "reviewed": self.reviewed,
        }

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


def decisive_by_id(store: Store, provision_ids: Iterable[int]) -> dict[int, DecisiveProvision]:
    """Which of these provisions are decisive, by provision id."""
    found = store.decisive_provisions(provision_ids=provision_ids)
    return {decisive.provision_id: decisive for decisive in found}


def _searched(store: Store, filters: Filters) -> list[StoredProvision]:
    """The provisions matching the text query that the other filters keep, best first."""
    ranked = store.search(filters.q)  # a bounded number of ids
    by_id = {p.id: p for p in store.provisions(ids=ranked)} if ranked else {}
    # search() covers superseded document versions too; the queue shows current ones only.
    return [
        by_id[i]
        for i in ranked
        if i in by_id and by_id[i].document.current and filters.keeps(by_id[i])
    ]


def queue(
    store: Store, filters: Filters, limit: int = -1, offset: int = 0
) -> tuple[list[StoredProvision], int]:
    """A page of the provisions the filters keep, and how many they keep in all: the decisive
    provisions first, then the most uncertain first (or the best search match first). The store
    pages the queue; only the page is read."""
    if filters.q:
        found = _searched(store, filters)
        return found[offset : offset + limit if limit >= 0 else None], len(found)
    first = [i for i, _ in store.queue_decisive(**filters.narrowing())]
    skip = set(first)
    head = first[offset : offset + limit if limit >= 0 else None]
    rest_offset = max(0, offset - len(first))
    rest_limit = -1 if limit < 0 else limit - len(head)
    # The SQL order holds the decisive ones too: read its ids (only ids) up to the page's end
    # and leave them out, so the page is exact.
    upto = -1 if rest_limit < 0 else rest_offset + rest_limit + len(skip)
    ids, total = store.queue(upto, 0, **filters.narrowing())
    rest = [i for i in ids if i not in skip][rest_offset:]
    rest = rest if rest_limit < 0 else rest[:rest_limit]
    shown = head + rest
    return (store.provisions(ids=shown) if shown else []), total


def neighbours(
    store: Store, filters: Filters, current: int
) -> tuple[int | None, int | None, int | None, int]:
    """(previous id, next id, 1-based position, queue size) of `current` in the queue."""
    if not filters.q:
        return _queue_neighbours(store, filters, current)
    ids = [p.id for p in _searched(store, filters)]
    if current not in ids:
        return None, (ids[0] if ids else None), None, len(ids)
    index = ids.index(current)
    previous = ids[index - 1] if index > 0 else None
    following = ids[index + 1] if index + 1 < len(ids) else None
    return previous, following, index + 1, len(ids)


def _queue_neighbours(
    store: Store, filters: Filters, current: int
) -> tuple[int | None, int | None, int | None, int]:
    """Neighbours in the SQL order, with the decisive provisions moved to its head."""
    narrowing = filters.narrowing()
    decisive = store.queue_decisive(**narrowing)
    first = [i for i, _ in decisive]
    previous, following, position, total = store.queue_neighbours(current, **narrowing)
    if not first:
        return previous, following, position, total
    if current in first:
        index = first.index(current)
        if index + 1 < len(first):
            following = first[index + 1]
        else:
            ids, _ = store.queue(len(first) + 1, 0, **narrowing)
            following = next((i for i in ids if i not in first), None)
        return (first[index - 1] if index else None), following, index + 1, total
    if position is None:
        return None, first[0], None, total
    while previous in first:
        previous = store.queue_neighbours(previous, **narrowing)[0]
    while following in first:
        following = store.queue_neighbours(following, **narrowing)[1]
    mine = uncertainty(store.provision(current))
    ahead = sum(1 for i, theirs in decisive if (theirs, -i) > (mine, -current))
    return (previous or first[-1]), following, position - ahead + len(first), total


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
