"""The coverage report of one jurisdiction: a plain model built from the store and the matrix.

`build_report` walks Convention No. 177 article by article (and the Recommendation No. 184
topics we tag) and, for each, takes the matrix cell, quotes the stored provisions in its
evidence and words a gap statement from `reports/gap_templates/<lang>.toml`. Every statement
is filled from a cell and its evidence only: a cell without evidence is reported as absent,
whatever else it says, and nothing is quoted for it. The renderers (country_report_render.py)
lay the model out as DOCX, HTML or Markdown and add no facts of their own.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from corpus.decisive import DecisiveKind, DecisiveProvision
from corpus.errors import ReportError
from corpus.labels import COVERAGES, TOPIC_IDS
from corpus.store import Store, StoredDocument, StoredProvision
from reports.matrix import (
    DECISIVE_ROLES,
    ROLE_BRINGS_IN,
    ROLE_CARRIES,
    ROLE_EXCLUDES,
    ROLE_PARTIAL,
    UNKNOWN_JURISDICTION,
    Cell,
    EvidenceItem,
    Matrix,
    build_matrix,
    evidence_item,
)

TEMPLATES_DIR = Path(__file__).parent / "gap_templates"
LANGUAGES = ("en", "es")
QUOTE_CHARS = 320  # long enough for a clause with its subject, short enough to scan
QUOTED_PER_ROLE = 3  # further provisions of the same role are listed by citation only
MAX_GAPS = 8  # the summary's "main gaps" list stays short; every gap is in the body anyway

# Placeholders a template may use; validated on load so that a typo in an organisation's own
# file fails at once, naming the key, instead of printing "{citaton}" in a report.
PLACEHOLDERS = frozenset(
    {
        "jurisdiction", "topic", "article", "citation", "document", "year", "file", "page",
        "citations", "scope_citation", "scope_document", "parts",
        # used by [text] entries only
        "date", "db", "models", "count", "total", "topics", "start", "end", "reviewer",
        "score", "status",
    }
)  # fmt: skip
STATEMENT_KEYS = (*COVERAGES, "excluded_topic", "excluded_law", "partial_exclusion")


@dataclass(frozen=True)
class SectionSpec:
    """One entry of the article walk: a template section key and the topic it reads."""

    key: str
    topic: str
    see: str | None = None  # another section that holds the same topic's evidence


@dataclass(frozen=True)
class GroupSpec:
    key: str  # template section key of the group heading (the item's own when alone)
    items: tuple[SectionSpec, ...]


# The walk. Art. 4(2)(c) and Art. 7 share the topic safety_health: the evidence is quoted
# once, under Art. 7 (the article written for home work), and 4(2)(c) points there.
CONVENTION: tuple[GroupSpec, ...] = (
    GroupSpec("definition", (SectionSpec("definition", "definition"),)),
    GroupSpec("scope", (SectionSpec("scope", "scope"),)),
    GroupSpec("national_policy", (SectionSpec("national_policy", "national_policy"),)),
    GroupSpec("equal_treatment", (SectionSpec("equal_treatment", "equal_treatment"),)),
    GroupSpec(
        "rights",
        (
            SectionSpec("organising", "organising"),
            SectionSpec("non_discrimination", "non_discrimination"),
            SectionSpec("safety_health_right", "safety_health", see="safety_health"),
            SectionSpec("remuneration", "remuneration"),
            SectionSpec("social_security", "social_security"),
            SectionSpec("training", "training"),
            SectionSpec("minimum_age", "minimum_age"),
            SectionSpec("maternity", "maternity"),
        ),
    ),
    GroupSpec("statistics", (SectionSpec("statistics", "statistics"),)),
    GroupSpec("safety_health", (SectionSpec("safety_health", "safety_health"),)),
    GroupSpec("intermediaries", (SectionSpec("intermediaries", "intermediaries"),)),
    GroupSpec(
        "enforcement",
        (SectionSpec("inspection", "inspection"), SectionSpec("remedies", "remedies")),
    ),
)
RECOMMENDATION: tuple[GroupSpec, ...] = (
    GroupSpec("records", (SectionSpec("records", "records"),)),
    GroupSpec("working_time", (SectionSpec("working_time", "working_time"),)),
    GroupSpec("termination", (SectionSpec("termination", "termination"),)),
)

# Gaps in the summary, strongest first: a denial of coverage, then silence, then doubt.
GAP_ORDER = ("excluded", "absent", "general_only")


# ---- templates ----------------------------------------------------------------------------


@dataclass
class Templates:
    """The wording of one language: [text], [coverage], [sections], [default], [topics]..."""

    lang: str
    data: dict

    # Positional-only: the values include names such as "topic" (placeholders).
    def text(self, key: str, /, **values: object) -> str:
        return _fill(self.data["text"][key], values)

    def coverage(self, coverage: str) -> str:
        return self.data["coverage"][coverage]

    def coverage_meaning(self, coverage: str) -> str:
        return self.data["coverage_meaning"][coverage]

    def role(self, role: str) -> str:
        return self.data["roles"].get(role, role)

    def status(self, status: str) -> str:
        return self.data["statuses"].get(status, status)

    def section(self, key: str) -> tuple[str, str]:
        section = self.data["sections"][key]
        return section["article"], section["title"]

    def subject(self, topic: str) -> str:
        return self.data["topics"][topic]["subject"]

    def statement(self, topic: str, key: str, /, **values: object) -> str:
        """The topic's own wording for this coverage if it has one, else the default."""
        template = self.data["topics"].get(topic, {}).get(key) or self.data["default"][key]
        return _fill(template, values)


def load_templates(lang: str = "en", custom: Path | None = None) -> Templates:
    """The shipped wording of `lang`, overlaid with an organisation's own file if given."""
    if lang not in LANGUAGES:
        raise ReportError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    data = _read_toml(TEMPLATES_DIR / f"{lang}.toml")
    if custom is not None:
        data = _merge(data, _read_toml(custom))
    _check_templates(data, custom or TEMPLATES_DIR / f"{lang}.toml")
    return Templates(lang=lang, data=data)


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ReportError(f"{path}: cannot read templates ({error.strerror})") from error
    except tomllib.TOMLDecodeError as error:
        raise ReportError(f"{path}: not valid TOML ({error})") from error


def _merge(base: dict, over: dict) -> dict:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


def _check_templates(data: dict, path: Path) -> None:
    """Every wording the report needs exists and uses known placeholders only."""
    problems = _missing_wording(data) + _unknown_placeholders(data)
    if problems:
        raise ReportError(f"{path}: " + "; ".join(problems))


def _missing_wording(data: dict) -> list[str]:
    problems = []
    for table in ("text", "coverage", "coverage_meaning", "roles", "statuses", "default"):
        if not isinstance(data.get(table), dict):
            problems.append(f"missing table [{table}]")
    for key in STATEMENT_KEYS:
        if key not in data.get("default", {}):
            problems.append(f"missing [default] {key}")
    for coverage in COVERAGES:
        for table in ("coverage", "coverage_meaning"):
            if coverage not in data.get(table, {}):
                problems.append(f"missing [{table}] {coverage}")
    return problems + _missing_sections(data)


def _missing_sections(data: dict) -> list[str]:
    problems = []
    for group in CONVENTION + RECOMMENDATION:
        for key in {group.key, *(item.key for item in group.items)}:
            section = data.get("sections", {}).get(key, {})
            if not {"article", "title"} <= set(section):
                problems.append(f"missing [sections.{key}] article and title")
    for topic in TOPIC_IDS:
        if "subject" not in data.get("topics", {}).get(topic, {}):
            problems.append(f"missing [topics.{topic}] subject")
    return problems


def _unknown_placeholders(data: dict) -> list[str]:
    problems = []
    for where, text in _strings(data):
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        except ValueError as error:
            problems.append(f"{where}: {error}")
            continue
        if unknown := names - PLACEHOLDERS:
            problems.append(f"{where}: unknown placeholder(s) {', '.join(sorted(unknown))}")
    return problems


def _strings(data: dict, prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for key, value in data.items():
        where = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            found += _strings(value, where)
        elif isinstance(value, str):
            found.append((where, value))
    return found


def _fill(template: str, values: dict[str, object]) -> str:
    # Placeholders were checked on load; any not supplied here reads as empty.
    return template.format_map({name: values.get(name, "") for name in PLACEHOLDERS})


# ---- the model ----------------------------------------------------------------------------


@dataclass
class CitedProvision:
    """A stored provision as the report cites it, with its evidence role in one cell."""

    provision_id: int
    citation: str
    heading: str
    file: str
    title: str
    year: int | None
    pages: str  # "p. 4", "pp. 4-5" or ""
    status: str  # the label in force, translated
    role: str  # translated role in the cell
    reviewed: bool
    review_label: str  # "reviewed by Ana on 2025-01-03" / "model label, not reviewed"
    score_label: str  # "confidence 0.91" or ""
    quote: str  # a short quote of the stored text; "" for citation-only mentions


@dataclass
class Finding:
    """One article of the walk: a matrix cell, its wording and its quoted evidence."""

    key: str
    topic: str
    article: str
    title: str
    coverage: str  # a corpus.labels.COVERAGES id
    coverage_label: str
    coverage_meaning: str
    statement: str  # the gap statement or finding, from the templates
    notes: list[str] = field(default_factory=list)  # partial exclusions, cross-references
    evidence: list[CitedProvision] = field(default_factory=list)  # quoted
    more: list[CitedProvision] = field(default_factory=list)  # cited, not quoted
    see: str = ""  # the article that quotes this topic's evidence, for cross-references
    excluded_by: int | None = None  # provision id of the exclusion deciding an excluded cell

    @property
    def cited(self) -> list[CitedProvision]:
        return self.evidence + self.more


@dataclass
class Group:
    article: str
    title: str
    findings: list[Finding]


@dataclass
class Part:
    title: str
    groups: list[Group]


@dataclass
class LawRow:
    title: str
    year: int | None
    file: str
    language: str
    provisions: int


@dataclass
class DecisiveRow:
    """A provision that brings homeworkers into a law or leaves them out, quoted."""

    kind: str  # a corpus.decisive.DecisiveKind
    statement: str
    provision: CitedProvision


@dataclass
class ExclusionRow:
    statement: str
    affects: str  # "Cited for: remuneration; ..." (the topics whose cells list it)
    provision: CitedProvision


@dataclass
class Gap:
    """A line of the summary's main gaps: one cell, or every cell one exclusion decides."""

    coverage: str
    findings: list[Finding]
    statement: str


@dataclass
class AnnexRow:
    citation: str
    title: str
    year: int | None
    file: str
    pages: str
    status: str
    reviewed: bool


@dataclass
class Report:
    jurisdiction: str
    lang: str
    title: str
    subtitle: str
    generated: str
    notices: list[str]  # caveats: what the report is, untagged provisions
    laws: list[LawRow]
    decisive: list[DecisiveRow]  # first in the report: they decide most of the findings
    exclusions: list[ExclusionRow]
    gaps: list[Gap]
    parts: list[Part]
    annex: list[AnnexRow]
    labels: dict[str, str]  # headings and column names from the templates' [text]
    coverage_labels: dict[str, str]

    @property
    def findings(self) -> list[Finding]:
        return [f for part in self.parts for group in part.groups for f in group.findings]


# ---- building -----------------------------------------------------------------------------


def known_jurisdictions(store: Store) -> list[str]:
    return sorted({d.jurisdiction or UNKNOWN_JURISDICTION for d in store.documents()})


def resolve_jurisdiction(store: Store, jurisdiction: str) -> str:
    """The stored spelling of a jurisdiction code (case-insensitive), or a clear error."""
    known = known_jurisdictions(store)
    if not known:
        raise ReportError(f"{store.path} holds no laws yet: run `c177 ingest` and `c177 run`")
    if jurisdiction in known:
        return jurisdiction
    matches = [j for j in known if j.casefold() == jurisdiction.casefold()]
    if len(matches) == 1:
        return matches[0]
    raise ReportError(
        f"unknown jurisdiction {jurisdiction!r}: the database holds {', '.join(known)}"
    )


def build_report(
    store: Store,
    jurisdiction: str,
    lang: str = "en",
    templates: Templates | None = None,
    today: date | None = None,
) -> Report:
    """The report of one jurisdiction from the provisions and labels in force."""
    jurisdiction = resolve_jurisdiction(store, jurisdiction)
    wording = templates or load_templates(lang)

    def ours(j: str) -> bool:
        return (j or UNKNOWN_JURISDICTION) == jurisdiction

    documents = [d for d in store.documents() if ours(d.jurisdiction)]
    provisions = [p for p in store.provisions() if ours(p.document.jurisdiction)]
    matrix = build_matrix(provisions, store.decisive_provisions())
    builder = _Builder(wording, jurisdiction, documents, provisions, matrix)
    return builder.report(db=store.path.name, today=today or date.today())


class _Builder:
    def __init__(
        self,
        wording: Templates,
        jurisdiction: str,
        documents: list[StoredDocument],
        provisions: list[StoredProvision],
        matrix: Matrix,
    ):
        self.t = wording
        self.jurisdiction = jurisdiction
        self.documents = documents
        self.provisions = provisions
        self.by_id = {p.id: p for p in provisions}
        self.order = {p.id: index for index, p in enumerate(provisions)}  # document order
        self.matrix = matrix

    def report(self, db: str, today: date) -> Report:
        t = self.t
        parts = [
            Part(t.text("convention"), [self.group(g) for g in CONVENTION]),
            Part(t.text("recommendation"), [self.group(g) for g in RECOMMENDATION]),
        ]
        findings = [f for part in parts for group in part.groups for f in group.findings]
        decisive = self.decisive()
        exclusions = self.exclusions()
        models = sorted(
            {p.tag.model_version or t.text("unversioned") for p in self.provisions if p.tag}
        )
        reviewed = sum(1 for p in self.provisions if p.review)
        if reviewed:
            models.append(f"{reviewed} {t.text('reviewed_anonymous')}")
        notices = [t.text("caveat")]
        untagged = sum(1 for p in self.provisions if p.tag is None and p.review is None)
        if untagged:
            notices.append(t.text("untagged", count=untagged, total=len(self.provisions)))
        cited = [c for f in findings for c in f.cited] + [d.provision for d in decisive]
        cited += [e.provision for e in exclusions]
        return Report(
            jurisdiction=self.jurisdiction,
            lang=t.lang,
            title=t.text("title", jurisdiction=self.jurisdiction),
            subtitle=t.text("subtitle"),
            generated=t.text(
                "generated",
                date=today.isoformat(),
                db=db,
                models=", ".join(models) or t.text("no_models"),
            ),
            notices=notices,
            laws=self.laws(),
            decisive=decisive,
            exclusions=exclusions,
            gaps=self.gaps(findings),
            parts=parts,
            annex=self.annex(cited),
            labels={key: value for key, value in t.data["text"].items()},
            coverage_labels={c: t.coverage(c) for c in COVERAGES},
        )

    def laws(self) -> list[LawRow]:
        counts: dict[int, int] = {}
        for p in self.provisions:
            counts[p.document.id] = counts.get(p.document.id, 0) + 1
        # A document split into no provisions (text only) was still read: listed with 0.
        return [
            LawRow(d.title, d.year, d.name, d.language, counts.get(d.id, 0))
            for d in sorted(self.documents, key=lambda d: (d.year or 0, d.title))
        ]

    def group(self, spec: GroupSpec) -> Group:
        article, title = self.t.section(spec.key)
        return Group(article, title, [self.finding(item) for item in spec.items])

    def cell(self, topic: str) -> Cell:
        cell = self.matrix.cell(self.jurisdiction, topic)
        # Only what the store holds: evidence must name stored provisions, and a cell that
        # names none is absent whatever its coverage says.
        evidence = [e for e in cell.evidence if e.provision_id in self.by_id]
        if not evidence:
            return Cell(cell.jurisdiction, topic, "absent", [])
        return Cell(cell.jurisdiction, topic, cell.coverage, evidence)

    def finding(self, spec: SectionSpec) -> Finding:
        t = self.t
        article, title = t.section(spec.key)
        cell = self.cell(spec.topic)
        finding = Finding(
            key=spec.key,
            topic=spec.topic,
            article=article,
            title=title,
            coverage=cell.coverage,
            coverage_label=t.coverage(cell.coverage),
            coverage_meaning=t.coverage_meaning(cell.coverage),
            statement="",
        )
        quoted, listed = self.select(cell)
        if spec.see:
            # The evidence is quoted where the topic's own article is read.
            finding.see = t.section(spec.see)[0]
            finding.notes.append(t.text("see_section", article=finding.see))
            finding.more = [self.cite(item, spec.topic, quote=False) for item in quoted + listed]
        else:
            finding.evidence = [self.cite(item, spec.topic, quote=True) for item in quoted]
            finding.more = [self.cite(item, spec.topic, quote=False) for item in listed]
        finding.statement = self.statement(cell, quoted)
        if cell.coverage == "excluded":
            finding.excluded_by = next(
                (e.provision_id for e in cell.evidence if e.role == ROLE_EXCLUDES), None
            )
        for item in cell.evidence:
            if item.role == ROLE_PARTIAL:
                finding.notes.append(
                    t.statement(spec.topic, "partial_exclusion", **self.values(item, spec.topic))
                )
        return finding

    def select(self, cell: Cell) -> tuple[list[EvidenceItem], list[EvidenceItem]]:
        """The evidence to quote, deciding provisions first, and the rest to list by citation."""

        def rank(item: EvidenceItem) -> int:
            if item.role == ROLE_CARRIES:
                return 0 if item.status == "explicit" else 2
            return {ROLE_EXCLUDES: 1, ROLE_BRINGS_IN: 3, ROLE_PARTIAL: 4}.get(item.role, 5)

        ordered = sorted(cell.evidence, key=lambda e: (rank(e), self.order[e.provision_id]))
        quoted: list[EvidenceItem] = []
        listed: list[EvidenceItem] = []
        per_rank: dict[int, int] = {}
        for item in ordered:
            r = rank(item)
            per_rank[r] = per_rank.get(r, 0) + 1
            (quoted if per_rank[r] <= QUOTED_PER_ROLE else listed).append(item)
        return quoted, listed

    def statement(self, cell: Cell, quoted: list[EvidenceItem]) -> str:
        t, topic = self.t, cell.topic
        if cell.coverage == "absent":
            return t.statement(topic, "absent", **self.values(None, topic))
        if cell.coverage == "excluded":
            item = next((e for e in cell.evidence if e.role == ROLE_EXCLUDES), cell.evidence[0])
            # As in the matrix: an exclusion carrying a specific topic takes homeworkers out
            # of that topic; one carrying only scope or definition, out of the whole law.
            key = "excluded_topic" if topic in self.specific(item) else "excluded"
            return t.statement(topic, key, **self.values(item, topic))
        carriers = [e for e in quoted if e.role == ROLE_CARRIES]
        if cell.coverage == "explicit":
            carriers = [e for e in carriers if e.status == "explicit"]
        values = self.values(carriers[0] if carriers else None, topic)
        values["citations"] = self.citation_list(carriers)
        if cell.coverage == "via_scope":
            brought = next((e for e in cell.evidence if e.role == ROLE_BRINGS_IN), None)
            if brought is not None:
                values["scope_citation"] = brought.citation
                values["scope_document"] = _title(brought.title)
        return t.statement(topic, cell.coverage, **values)

    def values(self, item: EvidenceItem | None, topic: str) -> dict[str, object]:
        values: dict[str, object] = {
            "jurisdiction": self.jurisdiction,
            "topic": self.t.subject(topic),
            "article": self.t.section(topic)[0] if topic in self.t.data["sections"] else "",
        }
        if item is not None:
            values |= {
                "citation": item.citation,
                "document": _title(item.title),
                "year": item.year or "",
                "file": item.document,
                "page": item.page or "",
                "citations": self.citation_list([item]),
            }
        return values

    def citation_list(self, items: Sequence[EvidenceItem]) -> str:
        """'s. 5 and s. 7 of the Home Work Act; art. 3 of the Labour Code' (template words)."""
        by_law: dict[str, list[str]] = {}
        for item in items:
            cites = by_law.setdefault(_title(item.title), [])
            if item.citation not in cites:
                cites.append(item.citation)
        groups = [
            self.t.text("citation_group", citations=self.joined(cites), document=law)
            for law, cites in by_law.items()
        ]
        return self.t.text("list_sep").join(groups)

    def joined(self, words: list[str]) -> str:
        if len(words) <= 1:
            return "".join(words)
        return ", ".join(words[:-1]) + self.t.text("list_and") + words[-1]

    def pages(self, stored: StoredProvision) -> str:
        start, end = stored.provision.page_start, stored.provision.page_end
        if start is None:
            return ""
        if end is not None and end != start:
            return self.t.text("pages", start=start, end=end)
        return self.t.text("page", page=start)

    def cite(self, item: EvidenceItem, topic: str, quote: bool) -> CitedProvision:
        t = self.t
        stored = self.by_id[item.provision_id]
        review = stored.review
        if review is not None:
            label = t.text("reviewed", reviewer=review.reviewer, date=review.at[:10])
        elif item.reviewed:
            label = t.text("reviewed_anonymous")
        else:
            label = t.text("not_reviewed")
        return CitedProvision(
            provision_id=stored.id,
            citation=item.citation,
            heading=stored.provision.heading,
            file=item.document,
            title=item.title,
            year=item.year,
            pages=self.pages(stored),
            status=t.status(item.status),
            role=t.role(item.role),
            reviewed=item.reviewed,
            review_label=label,
            # A reviewer's label replaces the model's score, which no longer applies.
            score_label=""
            if item.reviewed or item.score is None
            else t.text("score", score=f"{item.score:.2f}"),
            quote=quote_text(stored, focus_labels(item, topic)) if quote else "",
        )

    def decisive(self) -> list[DecisiveRow]:
        """The provisions that bring homeworkers into the laws or leave them out, each with
        what it does and a quote, in document order."""
        rows = []
        for found in self.matrix.decisive_of(self.jurisdiction):
            if found.provision_id not in self.by_id:
                continue
            item = evidence_item(
                self.by_id[found.provision_id],
                DECISIVE_ROLES[found.kind],
                "status:explicit" if found.kind == DecisiveKind.INCLUDES else "status:excludes",
            )
            rows.append(
                DecisiveRow(
                    kind=str(found.kind),
                    statement=self.decisive_statement(found, item),
                    provision=self.cite(item, "scope", quote=True),
                )
            )
        return rows

    def decisive_statement(self, found: DecisiveProvision, item: EvidenceItem) -> str:
        if found.kind == DecisiveKind.INCLUDES:
            return self.t.text("decisive_includes", **self.values(item, "scope"))
        if found.kind == DecisiveKind.EXCLUDES and found.reach.parts:
            parts = self.joined(list(found.reach.parts))
            return self.t.text("decisive_parts", parts=parts, **self.values(item, "scope"))
        return self.exclusion_statement(item)

    def exclusions(self) -> list[ExclusionRow]:
        """Every provision that any cell lists as excluding homeworkers, once, with the topics
        whose cells list it."""
        found: dict[int, tuple[EvidenceItem, list[str]]] = {}
        for topic in TOPIC_IDS:
            for item in self.cell(topic).evidence:
                if item.role in (ROLE_EXCLUDES, ROLE_PARTIAL):
                    found.setdefault(item.provision_id, (item, []))[1].append(topic)
        rows = []
        for provision_id in sorted(found, key=self.order.__getitem__):
            item, topics = found[provision_id]
            if len(topics) > 6:  # a whole-law exclusion: a count reads better than a list
                affects = self.t.text("exclusion_affects_many", count=len(topics))
            else:
                # "; " because a subject may hold commas itself
                subjects = self.t.text("list_sep").join(self.t.subject(x) for x in topics)
                affects = self.t.text("exclusion_affects", topics=subjects)
            rows.append(
                ExclusionRow(
                    statement=self.exclusion_statement(item),
                    affects=affects,
                    provision=self.cite(item, "scope", quote=True),
                )
            )
        return rows

    def specific(self, item: EvidenceItem) -> list[str]:
        """The topics an excluding provision carries beyond scope and definition."""
        topics = self.by_id[item.provision_id].topics
        return [x for x in topics if x not in ("scope", "definition")]

    def exclusion_statement(self, item: EvidenceItem) -> str:
        """What one exclusion does, whatever cell it decides."""
        specific = self.specific(item)
        values = self.values(item, specific[0] if specific else "scope")
        if item.role == ROLE_PARTIAL:
            key = "partial_exclusion"
        elif specific:
            key = "excluded_topic"
            values["topic"] = self.joined([self.t.subject(x) for x in specific])
        else:
            key = "excluded_law"
        return self.t.statement(specific[0] if specific else "scope", key, **values)

    def gaps(self, findings: list[Finding]) -> list[Gap]:
        """The weakest cells, one line per topic, strongest gap first: exclusions (one line
        per excluding provision, naming every article it decides), silence, general rules."""
        seen: set[str] = set()
        gaps: list[Gap] = []
        by_exclusion: dict[int, Gap] = {}
        for coverage in GAP_ORDER:
            for finding in findings:
                if finding.coverage != coverage or finding.topic in seen:
                    continue
                seen.add(finding.topic)
                key = finding.excluded_by
                if key is not None and key in by_exclusion:
                    by_exclusion[key].findings.append(finding)
                    continue
                gap = Gap(coverage, [finding], finding.statement)
                gaps.append(gap)
                if key is not None:
                    by_exclusion[key] = gap
        for key, gap in by_exclusion.items():
            if len(gap.findings) > 1:
                item = next(
                    e
                    for e in self.cell(gap.findings[0].topic).evidence
                    if e.provision_id == key and e.role == ROLE_EXCLUDES
                )
                gap.statement = self.exclusion_statement(item)
        return gaps[:MAX_GAPS]

    def annex(self, cited: list[CitedProvision]) -> list[AnnexRow]:
        unique = {c.provision_id: c for c in cited}
        return [
            AnnexRow(c.citation, c.title, c.year, c.file, c.pages, c.status, c.reviewed)
            for c in sorted(unique.values(), key=lambda c: self.order[c.provision_id])
        ]


def _title(title: str) -> str:
    """A law's title for use after "the" in a sentence: "The Home Work Act" -> "Home Work Act"."""
    return re.sub(r"^the\s+", "", title.strip(), flags=re.IGNORECASE)


# ---- quotes -------------------------------------------------------------------------------


def focus_labels(item: EvidenceItem, topic: str) -> tuple[str, ...]:
    """Which tag evidence spans the quote should show, by the item's role in the cell."""
    if item.role in (ROLE_EXCLUDES, ROLE_PARTIAL):
        return ("excludes",)
    if item.role == ROLE_BRINGS_IN:
        return ("scope", "definition", "explicit")
    return (topic, item.status)


# Where a quote may open: after a sentence or clause end, or at a numbered paragraph "(2)".
_CLAUSE_START = re.compile(r"(?:[.;:]\s+|\s(?=\(\w{1,4}\)\s))")


def quote_text(
    stored: StoredProvision, labels: Sequence[str] = (), limit: int = QUOTE_CHARS
) -> str:
    """A short quote of the stored text: all of it when short, else a window at word
    boundaries around the first span the tagger matched for `labels` (or the opening)."""
    text = stored.provision.text or stored.provision.heading
    focus = 0
    if stored.tag is not None:
        spans = [
            e.start
            for label in labels
            for e in stored.tag.evidence
            if e.label == label and e.start is not None and 0 <= e.start < len(text)
        ]
        focus = spans[0] if spans else 0
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    # Map the focus offset into the whitespace-folded text.
    before = text[:focus]
    focus = len(" ".join(before.split())) + (1 if before.strip() and before[-1].isspace() else 0)
    start = 0
    if focus > limit // 2:
        # Open where the focus's sentence, clause or numbered paragraph starts, if that is
        # close enough to keep the focus in view; else at a word a third of a quote before.
        reach = max(0, focus - (limit * 2) // 3)
        starts = [m.end() for m in _CLAUSE_START.finditer(flat, reach, focus)]
        if starts:
            start = starts[-1]
        else:
            start = flat.find(" ", max(0, focus - limit // 3)) + 1
    end = min(len(flat), start + limit)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start else end
    quote = flat[start:end].strip().rstrip(",;:")
    return ("…" if start > 0 else "") + quote + ("…" if end < len(flat) else "")
