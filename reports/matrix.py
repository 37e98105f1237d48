"""The coverage matrix: a cell per jurisdiction and C177 topic, with the provisions that decided it.

Rules (../shared/C177_LABELS.md, "Coverage of a law"), applied to the labels in force (a
reviewer's over the model's):

Per law (one document), for topic T:
  1. `explicit`     some `explicit` provision carries T.
  2. `excluded`     homeworkers *as such* are excluded from T (an `excludes` provision carrying T)
                    or from the whole law (an `excludes` provision carrying `scope` or
                    `definition`: it takes them out of the law's scope), and the law carries T.
  3. `via_scope`    a `general` provision carries T and an `explicit` provision with topic
                    `scope` or `definition` brings homeworkers into the law.
  4. `general_only` only `general` provisions carry T. This includes a law that names homeworkers
                    elsewhere without bringing them into its scope.
  5. `absent`       nothing carries T (evidence empty).
  An explicit provision on T beats an exclusion: the specific provision shows the law does speak to
  homeworkers on T (the exclusion is still listed in the cell's evidence).

"As such" versus partial: an exclusion is partial when the clause that names homeworkers carries a
qualifier that narrows it to some of them (one trade or industry, occasional or sporadic work,
family members, ...); see `PARTIAL_QUALIFIERS`. The clause is the sentence or list item around the
tagger's exclusion evidence span when there is one, else the whole provision. A partial exclusion
never makes a cell `excluded`: it is listed in the evidence (role "partial exclusion") of every
non-absent cell of its law that it concerns.

Several laws of one jurisdiction: the jurisdiction's cell is the strongest of its laws' cells in
the order of `corpus.labels.COVERAGES` (explicit > via_scope > excluded > general_only > absent):
one law that covers homeworkers on a topic is enough, and an exclusion outranks silence. The
evidence is that of the laws that reached the winning coverage, plus every exclusion (as such or
partial) found in the other laws, so that conflicting provisions stay visible.

Repealed provisions and provisions with no label or status `none` carry nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from corpus.labels import COVERAGES, TOPIC_IDS, Coverage, EvidenceRole
from corpus.store import StoredProvision

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

# Words that narrow an exclusion to some homeworkers. Matched as word starts, case-insensitively,
# in the clause naming them. Words that make the exclusion itself ("except", "salvo", "sauf") are
# deliberately absent: "all employees except homeworkers" excludes them as such. Extend with care:
# a false "partial" hides an exclusion as such from the matrix (it stays in the evidence).
PARTIAL_QUALIFIERS: tuple[str, ...] = (
    # en
    "occasional", "sporadic", "casual", "intermittent", "temporar", "industry", "industries",
    "trade", "branch", "sector", "family", "relatives", "handicraft", "agricultur",
    # es / pt
    "ocasional", "esporádic", "esporadic", "eventual", "transitori", "industria", "rama",
    "familia", "parientes", "artesan", "indústria", "ramo", "família",
    # fr
    "occasionnel", "sporadique", "secteur", "famille", "artisan",
    # de / nl
    "gelegentlich", "vorübergehend", "branche", "gewerbe", "industrie", "familienangehörig",
    "angehörig", "incidenteel", "tijdelijk", "gezinsleden", "familieleden", "bedrijfstak",
)  # fmt: skip
_QUALIFIER = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(q) for q in PARTIAL_QUALIFIERS) + ")", re.IGNORECASE
)
# Candidate clause ends: a semicolon, or a full stop or colon before a capital or "(" (a new
# sentence or list item). Line breaks are not boundaries: PDF text wraps mid-sentence.
_CLAUSE_END = re.compile(r"[.;:](?=\s|$)")


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


@dataclass
class Matrix:
    jurisdictions: list[str]
    topics: list[str]
    cells: dict[tuple[str, str], Cell]

    def cell(self, jurisdiction: str, topic: str) -> Cell:
        found = self.cells.get((jurisdiction, topic))
        return found if found is not None else Cell(jurisdiction, topic, "absent", [])

    def rows(self) -> list[tuple[str, list[Cell]]]:
        """Each jurisdiction with its cells in topic order."""
        return [(j, [self.cell(j, t) for t in self.topics]) for j in self.jurisdictions]

    def counts(self) -> dict[Coverage, int]:
        """How many cells have each coverage."""
        counts = dict.fromkeys(COVERAGES, 0)
        for cell in self.cells.values():
            counts[cell.coverage] += 1
        return counts


def is_partial_exclusion(stored: StoredProvision) -> bool:
    """True if the exclusion is narrowed to some homeworkers by a qualifier in its clause."""
    return any(_QUALIFIER.search(clause) for clause in _exclusion_clauses(stored))


def _exclusion_clauses(stored: StoredProvision) -> list[str]:
    """The clauses around the tagger's exclusion evidence spans, else the whole provision."""
    text = stored.provision.text
    spans = []
    if stored.tag is not None:
        spans = [
            (e.start, e.end)
            for e in stored.tag.evidence
            if e.label == "excludes" and e.start is not None and e.end is not None
        ]
    if not spans:
        return [text or stored.provision.heading]
    ends = [m.start() for m in _CLAUSE_END.finditer(text) if _ends_clause(text, m.start())]
    clauses = []
    for start, end in spans:
        before = [e + 1 for e in ends if e < start]
        after = [e for e in ends if e >= end]
        clauses.append(text[before[-1] if before else 0 : after[0] if after else len(text)])
    return clauses


def _ends_clause(text: str, at: int) -> bool:
    """A ';' always ends a clause; '.' or ':' only before a capital or '(' ("art. 5" does not)."""
    if text[at] == ";":
        return True
    rest = text[at + 1 :].lstrip()
    return not rest or rest[0].isupper() or rest[0] == "("


def _evidence(stored: StoredProvision, role: EvidenceRole, score_key: str) -> EvidenceItem:
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
    """One document's labelled provisions, sorted into what the rules need."""

    provisions: list[StoredProvision] = field(default_factory=list)

    def cell(self, topic: str) -> tuple[Coverage, list[EvidenceItem]]:
        live = [p for p in self.provisions if not p.provision.repealed and p.status]
        explicit = [p for p in live if p.status == "explicit" and topic in p.topics]
        general = [p for p in live if p.status == "general" and topic in p.topics]
        brings_in = [
            p for p in live if p.status == "explicit" and {"scope", "definition"} & set(p.topics)
        ]
        as_such: list[StoredProvision] = []
        partial: list[StoredProvision] = []
        for p in live:
            if p.status != "excludes":
                continue
            # An exclusion from the law's scope reaches all it deals with; else only its topics.
            concerns = topic in p.topics or bool({"scope", "definition"} & set(p.topics))
            if concerns:
                (partial if is_partial_exclusion(p) else as_such).append(p)
        excluding = [_evidence(p, ROLE_EXCLUDES, "status:excludes") for p in as_such]
        partials = [_evidence(p, ROLE_PARTIAL, "status:excludes") for p in partial]
        carries = [_evidence(p, ROLE_CARRIES, f"topic:{topic}") for p in explicit + general]
        # An exclusion carrying this very topic counts as the law dealing with the topic.
        deals_with_topic = bool(explicit or general or any(topic in p.topics for p in as_such))
        if explicit:
            return "explicit", carries + excluding + partials
        if as_such and deals_with_topic:
            return "excluded", excluding + partials
        if general and brings_in:
            brought = [_evidence(p, ROLE_BRINGS_IN, "status:explicit") for p in brings_in]
            return "via_scope", carries + brought + partials
        if general:
            return "general_only", carries + partials
        return "absent", []


def build_matrix(provisions: Iterable[StoredProvision]) -> Matrix:
    """The jurisdiction x topic matrix of the labels in force (reviews over model labels)."""
    laws: dict[str, dict[int, _Law]] = {}
    for stored in provisions:
        jurisdiction = stored.document.jurisdiction or UNKNOWN_JURISDICTION
        laws.setdefault(jurisdiction, {}).setdefault(stored.document.id, _Law()).provisions.append(
            stored
        )
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
    return Matrix(jurisdictions=sorted(laws), topics=list(TOPIC_IDS), cells=cells)


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
