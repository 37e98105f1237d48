"""The coverage matrix: a cell per jurisdiction and C177 topic, with the provisions that decided it.

Rules (../shared/C177_LABELS.md, "Coverage of a law"), applied to the labels in force (a
reviewer's over the model's) and to each law's decisive provisions (corpus/decisive.py: the
inclusions that bring homeworkers into a law, the exclusions that leave them out, and what each
exclusion reaches; the store keeps them):

Per law (one document), for topic T:
  1. `explicit`     some `explicit` provision carries T.
  2. `excluded`     an exclusion of homeworkers *as such* reaches T (it reaches the whole law,
                    the parts of the law that carry T, or T itself), and the law carries T.
  3. `via_scope`    a `general` provision carries T and an inclusion brings homeworkers into the
                    law.
  4. `general_only` only `general` provisions carry T. This includes a law that names homeworkers
                    elsewhere without bringing them into its scope.
  5. `absent`       nothing carries T (evidence empty).
  An explicit provision on T beats an exclusion: the specific provision shows the law does speak to
  homeworkers on T (the exclusion is still listed in the cell's evidence).

A `via_scope` cell is decided by its inclusions and an `excluded` cell by its exclusions:
`Cell.decided_by` names them. A partial exclusion (one that reaches only some homeworkers: one
trade, occasional work, ...) never makes a cell `excluded`: it is listed in the evidence (role
"partial exclusion") of every non-absent cell of its law that it reaches.

Several laws of one jurisdiction: the jurisdiction's cell is the strongest of its laws' cells in
the order of `corpus.labels.COVERAGES` (explicit > via_scope > excluded > general_only > absent):
one law that covers homeworkers on a topic is enough, and an exclusion outranks silence. The
evidence is that of the laws that reached the winning coverage, plus every exclusion (as such or
partial) found in the other laws, so that conflicting provisions stay visible.

Repealed provisions and provisions with no label or status `none` carry nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from corpus.decisive import DecisiveKind, DecisiveProvision, decisive_provisions
from corpus.labels import COVERAGES, TOPIC_IDS, Coverage, EvidenceRole
from corpus.store import Store, StoredProvision

# Shared palette (review app, HTML and XLSX exports): background colour per coverage. Cells also
# show a short code, so colour is never the only cue.
COVERAGE_COLOURS: dict[str, str] = {
    "explicit": "#1b7837",
    "via_scope": "#7fbf7b",
    "excluded": "#d73027",
    "general_only": "#fee08b",
    "absent": "#f0f0f0",
}
COVERAGE_TEXT_COLOURS: dict[str, str] = {
    "explicit": "#ffffff",
    "via_scope": "#000000",
    "excluded": "#ffffff",
    "general_only": "#000000",
    "absent": "#555555",
}
COVERAGE_CODES: dict[str, str] = {
    "explicit": "E",
    "via_scope": "S",
    "excluded": "X",
    "general_only": "G",
    "absent": "–",
}
COVERAGE_NAMES: dict[str, str] = {
    "explicit": "explicit: a provision on homeworkers carries the topic",
    "via_scope": "via scope: a general provision, and the law brings homeworkers in",
    "excluded": "excluded: homeworkers as such are excluded",
    "general_only": "general only: general provisions, homeworkers not brought in",
    "absent": "absent: no provision on the topic",
}

ROLE_CARRIES: EvidenceRole = "carries topic"
ROLE_BRINGS_IN: EvidenceRole = "brings homeworkers in"
ROLE_EXCLUDES: EvidenceRole = "excludes"
ROLE_PARTIAL: EvidenceRole = "partial exclusion"

UNKNOWN_JURISDICTION = "(none)"


@dataclass
class EvidenceItem:
    provision_id: int
    document: str
    title: str
    year: int | None
    jurisdiction: str
    citation: str
    page: int | None
    status: str
    score: float | None
    reviewed: bool
    role: EvidenceRole


@dataclass
class Cell:
    jurisdiction: str
    topic: str
    coverage: Coverage
    evidence: list[EvidenceItem] = field(default_factory=list)

    @property
    def decided_by(self) -> list[EvidenceItem]:
        """The decisive provisions the cell rests on: the inclusions of a `via_scope` cell, the
        exclusions of an `excluded` one (none for other cells)."""
        role = {"via_scope": ROLE_BRINGS_IN, "excluded": ROLE_EXCLUDES}.get(self.coverage)
        return [e for e in self.evidence if e.role == role]


@dataclass
class Matrix:
    jurisdictions: list[str]
    topics: list[str]
    cells: dict[tuple[str, str], Cell]
    # jurisdiction -> its laws' decisive provisions, in document order
    decisive: dict[str, list[DecisiveProvision]] = field(default_factory=dict)

    def cell(self, jurisdiction: str, topic: str) -> Cell:
        found = self.cells.get((jurisdiction, topic))
        return found if found is not None else Cell(jurisdiction, topic, "absent", [])

    def decisive_of(self, jurisdiction: str) -> list[DecisiveProvision]:
        return self.decisive.get(jurisdiction, [])

    def rows(self) -> list[tuple[str, list[Cell]]]:
        """Each jurisdiction with its cells in topic order."""
        return [(j, [self.cell(j, t) for t in self.topics]) for j in self.jurisdictions]

    def counts(self) -> dict[Coverage, int]:
        """How many cells have each coverage."""
        counts = dict.fromkeys(COVERAGES, 0)
        for cell in self.cells.values():
            counts[cell.coverage] += 1
        return counts


# The role a decisive provision plays in the evidence of the cells it reaches.
DECISIVE_ROLES: dict[DecisiveKind, EvidenceRole] = {
    DecisiveKind.INCLUDES: ROLE_BRINGS_IN,
    DecisiveKind.EXCLUDES: ROLE_EXCLUDES,
    DecisiveKind.PARTIAL_EXCLUSION: ROLE_PARTIAL,
}


def evidence_item(stored: StoredProvision, role: EvidenceRole, score_key: str) -> EvidenceItem:
    """A provision as a cell's evidence, in `role`, with the model's score for `score_key`."""
    document = stored.document
    score = stored.tag.scores.get(score_key) if stored.tag else None
    return EvidenceItem(
        provision_id=stored.id,
        document=document.name,
        title=document.title,
        year=document.year,
        jurisdiction=document.jurisdiction or UNKNOWN_JURISDICTION,
        citation=stored.provision.citation,
        page=stored.provision.page_start,
        status=stored.status or "",
        score=score,
        reviewed=stored.review is not None,
        role=role,
    )


@dataclass
class _Law:
    """One document's labelled provisions and decisive provisions, sorted into what the rules
    need."""

    provisions: list[StoredProvision] = field(default_factory=list)
    decisive: list[DecisiveProvision] = field(default_factory=list)

    def cell(self, topic: str) -> tuple[Coverage, list[EvidenceItem]]:
        by_id = {p.id: p for p in self.provisions}
        live = [p for p in self.provisions if not p.provision.repealed and p.status]
        explicit = [p for p in live if p.status == "explicit" and topic in p.topics]
        general = [p for p in live if p.status == "general" and topic in p.topics]
        reaching = [d for d in self.decisive if d.reach.covers(topic)]

        def decisive(kind: DecisiveKind, score_key: str) -> list[EvidenceItem]:
            # an inclusion brings homeworkers into the whole law
            chosen = self.decisive if kind == DecisiveKind.INCLUDES else reaching
            role = DECISIVE_ROLES[kind]
            return [
                evidence_item(by_id[d.provision_id], role, score_key)
                for d in chosen
                if d.kind == kind
            ]

        excluding = decisive(DecisiveKind.EXCLUDES, "status:excludes")
        partials = decisive(DecisiveKind.PARTIAL_EXCLUSION, "status:excludes")
        carries = [evidence_item(p, ROLE_CARRIES, f"topic:{topic}") for p in explicit + general]
        # An exclusion naming this very topic (or parts that carry it) counts as the law
        # dealing with the topic.
        deals_with_topic = bool(
            explicit
            or general
            or any(d.kind == DecisiveKind.EXCLUDES and topic in d.reach.topics for d in reaching)
        )
        if explicit:
            return "explicit", carries + excluding + partials
        if excluding and deals_with_topic:
            return "excluded", excluding + partials
        brought = decisive(DecisiveKind.INCLUDES, "status:explicit")
        if general and brought:
            return "via_scope", carries + brought + partials
        if general:
            return "general_only", carries + partials
        return "absent", []


def build_matrix(
    provisions: Iterable[StoredProvision], decisive: Iterable[DecisiveProvision] | None = None
) -> Matrix:
    """The jurisdiction x topic matrix of the labels in force (reviews over model labels).

    `decisive`: the laws' decisive provisions as the store keeps them (`matrix_of` passes
    them); without them they are found in `provisions`, which then hold whole laws."""
    provisions = list(provisions)
    found = decisive_provisions(provisions) if decisive is None else list(decisive)
    laws: dict[str, dict[int, _Law]] = {}
    for stored in provisions:
        jurisdiction = stored.document.jurisdiction or UNKNOWN_JURISDICTION
        laws.setdefault(jurisdiction, {}).setdefault(stored.document.id, _Law()).provisions.append(
            stored
        )
    by_jurisdiction: dict[str, list[DecisiveProvision]] = {}
    for item in found:
        law = laws.get(item.jurisdiction or UNKNOWN_JURISDICTION, {}).get(item.document_id)
        if law is not None:  # decisive provisions of laws left out of this matrix stay out
            law.decisive.append(item)
            by_jurisdiction.setdefault(item.jurisdiction or UNKNOWN_JURISDICTION, []).append(item)
    rank = {coverage: index for index, coverage in enumerate(COVERAGES)}
    cells: dict[tuple[str, str], Cell] = {}
    for jurisdiction, by_document in laws.items():
        for topic in TOPIC_IDS:
            decided = [law.cell(topic) for law in by_document.values()]
            best = min((coverage for coverage, _ in decided), key=rank.__getitem__)
            # The deciding laws' evidence first, then exclusions found in the other laws.
            evidence: list[EvidenceItem] = []
            if best != "absent":
                for coverage, items in decided:
                    if coverage == best:
                        evidence += items
                for coverage, items in decided:
                    if coverage != best:
                        evidence += [e for e in items if e.role in (ROLE_EXCLUDES, ROLE_PARTIAL)]
            cells[(jurisdiction, topic)] = Cell(jurisdiction, topic, best, _unique(evidence))
    return Matrix(
        jurisdictions=sorted(laws),
        topics=list(TOPIC_IDS),
        cells=cells,
        decisive=by_jurisdiction,
    )


def matrix_of(store: Store) -> Matrix:
    """The matrix of the store's current laws, with the decisive provisions it keeps.

    Built one jurisdiction at a time (a row depends on its own laws alone): each one's
    provisions are read, used and let go, so memory follows the largest jurisdiction rather
    than the whole store."""
    return joined([_jurisdiction_matrix(store, j) for j in store.jurisdictions()])


def _jurisdiction_matrix(store: Store, jurisdiction: str) -> Matrix:
    provisions = store.provisions(jurisdiction=jurisdiction, labels_only=True)
    return build_matrix(provisions, store.decisive_provisions(jurisdiction=jurisdiction))


def joined(parts: list[Matrix]) -> Matrix:
    """One matrix of the rows of matrices of distinct jurisdictions."""
    return Matrix(
        jurisdictions=sorted(j for part in parts for j in part.jurisdictions),
        topics=list(TOPIC_IDS),
        cells={key: cell for part in parts for key, cell in part.cells.items()},
        decisive={j: found for part in parts for j, found in part.decisive.items()},
    )


def _unique(items: list[EvidenceItem]) -> list[EvidenceItem]:
    """One entry per provision and role, in first-seen (document) order."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for item in items:
        if (item.provision_id, item.role) not in seen:
            seen.add((item.provision_id, item.role))
            kept.append(item)
    return kept


def cell_records(matrix: Matrix) -> list[tuple[str, str, str, list[dict]]]:
    """(jurisdiction, topic, coverage, evidence dicts) per cell, as `Store.finish_run` wants."""

    return [
        (cell.jurisdiction, cell.topic, cell.coverage, [asdict(e) for e in cell.evidence])
        for _, row in matrix.rows()
        for cell in row
    ]
