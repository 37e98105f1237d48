"""The decisive provisions of a law: those that set its scope for homeworkers.

A handful of provisions decide most of a country's row in the coverage matrix: the one that
brings homeworkers into a law, the one that leaves them out (of the whole law, of some of its
parts, or of some rights). A law's decisive provisions are those whose label in force (a
reviewer's over the model's) is:

- **includes**: status `explicit` with topic `scope` or `definition`. The provision brings
  homeworkers into the law's scope, so its general provisions reach them (`via_scope` cells).
- **excludes**: status `excludes`, leaving out homeworkers as such. It reaches
  - the whole law, when the tagger read its exclusion as naming no part of the law, or (without
    that reading) when it carries `scope` or `definition`;
  - named parts of the law ("sections 12 and 13", "chapter II"), when the tagger read them in
    its exclusion: it then reaches the topics of the provisions in those parts;
  - otherwise the topics it carries itself.
  It makes `excluded` every cell it reaches, unless a provision on homeworkers carries the topic.
- **partial exclusion**: status `excludes`, but the clause naming homeworkers narrows it to some
  of them (one trade, occasional work, family members: see `PARTIAL_QUALIFIERS`), or it leaves
  them out of one regime named in words rather than of parts of the law ("not covered by the
  employment injury scheme"). It reaches parts or topics as an exclusion does, but never makes a
  cell `excluded`: the cells it reaches list it in their evidence. The clause read for qualifiers
  is the item or sub-clause the tagger read the exclusion in, so a qualifier in a sibling item
  of a list of excluded relations ("(a) family work; (b) outworkers") narrows nothing.

Repealed provisions decide nothing. The store keeps each law's decisive provisions and renews
them whenever a document is tagged or a review is saved, so a reviewer's correction changes the
matrix, the exports and the reports at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the store imports this module to renew the table it keeps
    from corpus.model import Evidence
    from corpus.store.records import StoredProvision

SCOPE_TOPICS = frozenset({"scope", "definition"})


class DecisiveKind(StrEnum):
    INCLUDES = "includes"
    EXCLUDES = "excludes"
    PARTIAL_EXCLUSION = "partial_exclusion"


# How the kinds read in a sentence: "s. 3 includes homeworkers".
KIND_WORDS: dict[DecisiveKind, str] = {
    DecisiveKind.INCLUDES: "brings homeworkers in",
    DecisiveKind.EXCLUDES: "excludes homeworkers",
    DecisiveKind.PARTIAL_EXCLUSION: "excludes some homeworkers",
}


@dataclass(frozen=True)
class Reach:
    """What a decisive provision reaches: the whole law, or named parts and topics."""

    whole_law: bool = False
    parts: tuple[str, ...] = ()  # parts of the law it names: "s. 12", "chapter II"
    topics: tuple[str, ...] = ()  # its own topics, and those of the provisions in `parts`

    def covers(self, topic: str) -> bool:
        return self.whole_law or topic in self.topics

    def __str__(self) -> str:
        if self.whole_law:
            return "the whole law"
        if self.parts:
            return ", ".join(self.parts)
        return "topics: " + (", ".join(self.topics) or "none")


@dataclass(frozen=True)
class DecisiveProvision:
    """One provision that sets its law's scope for homeworkers."""

    provision_id: int
    document_id: int
    document: str  # file name
    title: str
    jurisdiction: str
    citation: str
    page: int | None
    kind: DecisiveKind
    reach: Reach
    reviewed: bool  # a reviewer's label decided it, not the model's

    def describe(self) -> str:
        """'s. 3 (Home Work Act, p. 1) brings homeworkers in: the whole law; reviewed'."""
        where = ", ".join(x for x in (self.title, f"p. {self.page}" if self.page else "") if x)
        reviewed = "reviewed" if self.reviewed else "not reviewed"
        return f"{self.citation} ({where}) {KIND_WORDS[self.kind]}: {self.reach}; {reviewed}"


def decisive_provisions(provisions: Iterable[StoredProvision]) -> list[DecisiveProvision]:
    """The decisive provisions among the given ones, which must hold every provision of each
    of their laws (the parts an exclusion names are looked up among them), in their order."""
    by_document: dict[int, list[StoredProvision]] = {}
    for stored in provisions:
        by_document.setdefault(stored.document.id, []).append(stored)
    found = []
    for law in by_document.values():
        for stored in law:
            kind = decisive_kind(stored)
            if kind is None:
                continue
            reach = Reach(whole_law=True)
            if kind != DecisiveKind.INCLUDES:
                reach = _resolve(stored, exclusion_reach(stored), law)
            found.append(
                DecisiveProvision(
                    provision_id=stored.id,
                    document_id=stored.document.id,
                    document=stored.document.name,
                    title=stored.document.title,
                    jurisdiction=stored.document.jurisdiction,
                    citation=stored.provision.citation,
                    page=stored.provision.page_start,
                    kind=kind,
                    reach=reach,
                    reviewed=stored.review is not None,
                )
            )
    return found


def decisive_kind(stored: StoredProvision) -> DecisiveKind | None:
    """Whether, and how, a provision sets its law's scope (see the module's definition)."""
    if stored.provision.repealed:
        return None
    if stored.status == "explicit" and SCOPE_TOPICS & set(stored.topics):
        return DecisiveKind.INCLUDES
    if stored.status == "excludes":
        if is_partial_exclusion(stored):
            return DecisiveKind.PARTIAL_EXCLUSION
        return DecisiveKind.EXCLUDES
    return None


def exclusion_reach(stored: StoredProvision) -> Reach:
    """What an exclusion reaches, before named parts are looked up in its law.

    The tagger's role evidence says it when present (kind "role", role "excludes", `parts`: the
    parts its sentence names, none for the whole law); without it, the topics in force do:
    `scope` or `definition` reach the whole law, any other topic only itself."""
    topics = tuple(stored.topics)
    exclusions = _role_exclusions(stored)
    if exclusions:
        if any(not e.parts for e in exclusions):
            return Reach(whole_law=True, topics=topics)
        parts = tuple(dict.fromkeys(part for e in exclusions for part in e.parts or ()))
        return Reach(parts=parts, topics=topics)
    return Reach(whole_law=bool(SCOPE_TOPICS & set(topics)), topics=topics)


def _resolve(exclusion: StoredProvision, reach: Reach, law: Sequence[StoredProvision]) -> Reach:
    """Add to a reach naming parts the topics of the law's provisions inside those parts."""
    if not reach.parts:
        return reach
    inside = [
        p
        for p in law
        if p.id != exclusion.id and any(_in_part(p, n, exclusion) for n in reach.parts)
    ]
    topics = dict.fromkeys([*reach.topics, *(t for p in inside for t in p.topics)])
    return Reach(parts=reach.parts, topics=tuple(topics))


_NUMBERED = ("s.", "art.", "§")  # parts named by a provision number: "s. 12", "art. 5-7"


def _in_part(stored: StoredProvision, part: str, exclusion: StoredProvision) -> bool:
    """Is the provision inside a part named as the role evidence names it: "s. 12",
    "art. 5-7", "chapter II", "part 3", "this chapter" (the exclusion's own)?"""
    keyword, _, name = part.partition(" ")
    if keyword == "this":
        context = exclusion.provision.context
        return bool(context) and stored.provision.context[: len(context)] == context
    if keyword in _NUMBERED:
        low, _, high = name.split("(")[0].partition("-")  # "s. 12(1)" is inside s. 12
        number = stored.provision.number.strip()
        if high and low.isdigit() and high.isdigit() and number.isdigit():
            return int(low) <= int(number) <= int(high)
        return number.casefold() == low.casefold()
    # "chapter II" is inside every heading that opens "<keyword in any language> II"
    return any(
        len(words := heading.split()) > 1 and words[1].strip(".:-").casefold() == name.casefold()
        for heading in stored.provision.context
    )


# ---- partial exclusions -------------------------------------------------------------------

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


# What an exclusion reaches that is no division of the law but a regime named in words
# ("regime: the employment injury scheme"): the tagger marks such parts with it.
REGIME = "regime: "


def is_partial_exclusion(stored: StoredProvision) -> bool:
    """True if the exclusion is narrowed to some homeworkers by a qualifier in its clause, or
    reaches only a regime named in words."""
    regimes = [
        part for e in _role_exclusions(stored) for part in e.parts or () if part.startswith(REGIME)
    ]
    return bool(regimes) or any(_QUALIFIER.search(c) for c in _exclusion_clauses(stored))


def _role_exclusions(stored: StoredProvision) -> list[Evidence]:
    evidence = stored.tag.evidence if stored.tag else []
    return [e for e in evidence if e.kind == "role" and e.role == "excludes"]


def _exclusion_clauses(stored: StoredProvision) -> list[str]:
    """The clauses (items, sub-clauses) the tagger read its exclusions in; without them the
    clauses around its exclusion evidence spans, else the whole provision."""
    text = stored.provision.text
    spans = []
    if stored.tag is not None:
        spans = [
            (e.start, e.end)
            for e in stored.tag.evidence
            if e.label == "excludes" and e.start is not None and e.end is not None
        ]
    items = [(e.start, e.end) for e in _role_exclusions(stored) if e.start is not None]
    if items and spans:  # each item with the line of the cue that leads into it
        cue_lines = " ".join(_line(text, start, end) for start, end in spans)
        return [f"{cue_lines} {text[start:end]}" for start, end in items]
    if not spans:
        return [text or stored.provision.heading]
    ends = [m.start() for m in _CLAUSE_END.finditer(text) if _ends_clause(text, m.start())]
    clauses = []
    for start, end in spans:
        before = [e + 1 for e in ends if e < start]
        after = [e for e in ends if e >= end]
        clauses.append(text[before[-1] if before else 0 : after[0] if after else len(text)])
    return clauses


def _line(text: str, start: int, end: int) -> str:
    """The text from `start` to the end of its line, or to `end` if that comes first."""
    newline = text.find("\n", start, end)
    return text[start : newline if newline >= 0 else end]


def _ends_clause(text: str, at: int) -> bool:
    """A ';' always ends a clause; '.' or ':' only before a capital or '(' ("art. 5" does not)."""
    if text[at] == ";":
        return True
    rest = text[at + 1 :].lstrip()
    return not rest or rest[0].isupper() or rest[0] == "("
