"""The coverage rules of C177_LABELS.md, one hand-built law at a time."""

from __future__ import annotations

import itertools

from corpus.decisive import is_partial_exclusion
from corpus.labels import COVERAGES, TOPIC_IDS
from corpus.model import Evidence, Provision, Tag
from corpus.store import Review, StoredDocument, StoredProvision
from reports.matrix import (
    COVERAGE_COLOURS,
    ROLE_BRINGS_IN,
    ROLE_CARRIES,
    ROLE_EXCLUDES,
    ROLE_PARTIAL,
    Cell,
    build_matrix,
)

_ids = itertools.count(1)


def document(name: str, jurisdiction: str = "XA", doc_id: int | None = None) -> StoredDocument:
    return StoredDocument(
        id=doc_id if doc_id is not None else next(_ids),
        sha256=name,
        name=name,
        source=name,
        format="text",
        jurisdiction=jurisdiction,
        language="en",
        title=name.removesuffix(".txt"),
        year=2001,
        page_count=None,
        warnings=[],
        extractor_version="x",
        ingested_at="2026-01-01T00:00:00+00:00",
        current=True,
    )


def provision(
    doc: StoredDocument,
    citation: str,
    status: str,
    topics: list[str],
    text: str = "",
    repealed: bool = False,
    review: tuple[str, list[str]] | None = None,
    evidence: list[Evidence] | None = None,
) -> StoredProvision:
    pid = next(_ids)
    return StoredProvision(
        id=pid,
        document=doc,
        provision=Provision(
            citation=citation,
            number=citation.split()[-1],
            kind="section",
            heading="",
            context=[],
            text=text or f"Text of {citation}.",
            page_start=3,
            repealed=repealed,
        ),
        tag=Tag(
            status=status,
            topics=topics,
            scores={f"topic:{t}": 0.9 for t in topics} | {f"status:{status}": 0.8},
            evidence=evidence or [],
            model_version="m1",
        ),
        review=(
            Review(pid, pid, "ana", "2026-01-02", status, topics, review[0], review[1], "", None)
            if review
            else None
        ),
    )


def test_explicit_provision_makes_the_cell_explicit_with_its_evidence():
    law = document("homework.txt")
    matrix = build_matrix([provision(law, "s. 5", "explicit", ["remuneration"])])
    cell = matrix.cell("XA", "remuneration")
    assert cell.coverage == "explicit"
    assert [(e.citation, e.role, e.page, e.score) for e in cell.evidence] == [
        ("s. 5", ROLE_CARRIES, 3, 0.9)
    ]
    assert cell.evidence[0].document == "homework.txt" and cell.evidence[0].year == 2001


def test_general_provision_reaches_homeworkers_via_scope():
    law = document("code.txt")
    matrix = build_matrix(
        [
            provision(law, "s. 2", "explicit", ["definition", "scope"]),
            provision(law, "s. 30", "general", ["maternity"]),
        ]
    )
    cell = matrix.cell("XA", "maternity")
    assert cell.coverage == "via_scope"
    assert {(e.citation, e.role) for e in cell.evidence} == {
        ("s. 30", ROLE_CARRIES),
        ("s. 2", ROLE_BRINGS_IN),
    }
    # The scope provision is itself explicit on its own topics.
    assert matrix.cell("XA", "scope").coverage == "explicit"


def test_general_only_when_the_law_says_nothing_of_homeworkers():
    law = document("wages.txt")
    matrix = build_matrix([provision(law, "s. 4", "general", ["remuneration"])])
    assert matrix.cell("XA", "remuneration").coverage == "general_only"
    # Naming homeworkers on another topic does not bring them into the law's scope.
    matrix = build_matrix(
        [
            provision(law, "s. 4", "general", ["remuneration"]),
            provision(law, "s. 9", "explicit", ["working_time"]),
        ]
    )
    assert matrix.cell("XA", "remuneration").coverage == "general_only"


def test_absent_cells_have_no_evidence():
    law = document("wages.txt")
    matrix = build_matrix([provision(law, "s. 4", "general", ["remuneration"])])
    cell = matrix.cell("XA", "training")
    assert cell == Cell("XA", "training", "absent", [])
    assert len(matrix.cells) == len(TOPIC_IDS)


def test_exclusion_as_such_from_the_whole_law():
    law = document("code.txt")
    exclusion = "This Act does not apply to persons working at home."
    matrix = build_matrix(
        [
            provision(law, "s. 2", "explicit", ["scope"]),  # brings them in...
            provision(law, "s. 3", "excludes", ["scope"], text=exclusion),  # ...and takes them out
            provision(law, "s. 10", "general", ["working_time"]),
        ]
    )
    cell = matrix.cell("XA", "working_time")
    assert cell.coverage == "excluded"
    assert [(e.citation, e.role) for e in cell.evidence] == [("s. 3", ROLE_EXCLUDES)]
    # A topic the law does not deal with stays absent, not excluded.
    assert matrix.cell("XA", "maternity").coverage == "absent"


def test_exclusion_from_scope_reaches_every_topic_even_with_topics_of_its_own():
    law = document("hours.txt")
    exclusion = "This Act does not apply to homeworkers, nor do its rules on pay."
    matrix = build_matrix(
        [
            provision(law, "s. 2", "excludes", ["scope", "remuneration"], text=exclusion),
            provision(law, "s. 5", "general", ["working_time"]),
        ]
    )
    assert matrix.cell("XA", "working_time").coverage == "excluded"
    assert matrix.cell("XA", "remuneration").coverage == "excluded"
    assert matrix.cell("XA", "maternity").coverage == "absent"


def test_exclusion_from_one_topic_only():
    law = document("code.txt")
    matrix = build_matrix(
        [
            provision(law, "s. 2", "explicit", ["scope"]),
            provision(law, "s. 10", "general", ["working_time"]),
            provision(law, "s. 11", "excludes", ["working_time"], text="s. 10 does not apply "
                      "to homeworkers"),
            provision(law, "s. 20", "general", ["remuneration"]),
        ]
    )  # fmt: skip
    assert matrix.cell("XA", "working_time").coverage == "excluded"
    assert matrix.cell("XA", "remuneration").coverage == "via_scope"


def test_partial_exclusion_does_not_exclude_but_is_listed():
    law = document("code.txt")
    partial = "This Act does not apply to homeworkers in the garment industry."
    matrix = build_matrix(
        [
            provision(law, "s. 2", "explicit", ["scope"]),
            provision(law, "s. 3", "excludes", ["scope"], text=partial),
            provision(law, "s. 10", "general", ["working_time"]),
        ]
    )
    cell = matrix.cell("XA", "working_time")
    assert cell.coverage == "via_scope"
    assert ("s. 3", ROLE_PARTIAL) in [(e.citation, e.role) for e in cell.evidence]


def test_partial_is_judged_on_the_clause_naming_homeworkers():
    law = document("code.txt")
    text = (
        "This Act does not apply to: (a) casual workers in agriculture; (b) persons working at "
        "home for an employer; (c) members of the employer's family."
    )
    start = text.index("persons working at home")
    span = Evidence("excludes", "exclusion", "working at home", start, start + 23)
    as_such = provision(law, "s. 3", "excludes", ["scope"], text=text, evidence=[span])
    assert not is_partial_exclusion(as_such)
    # Without a span to go by, the whole text is read, and its qualifiers make it partial.
    assert is_partial_exclusion(provision(law, "s. 3", "excludes", ["scope"], text=text))
    occasional = "Persons who occasionally do sporadic home services are not homeworkers."
    assert is_partial_exclusion(provision(law, "s. 4", "excludes", ["definition"], text=occasional))


def test_clauses_run_across_wrapped_lines_and_abbreviations():
    law = document("code.txt")
    # PDF text wraps mid-sentence; "art. 5" is no sentence end.
    text = (
        "Home work is work done at home for an employer. No se considera trabajo a domicilio\n"
        "el que el trabajador dependiente realiza\nocasionalmente desde su hogar. Art. 5 of\n"
        "this Code applies."
    )
    start = text.index("No se considera")
    span = Evidence(
        "excludes", "exclusion", "No se considera … trabajo a domicilio", start, start + 36
    )
    wrapped = provision(law, "art. 26", "excludes", ["definition"], text=text, evidence=[span])
    assert is_partial_exclusion(wrapped)
    text = "Under art. 5 of this Code, the Act does not apply to homeworkers. Sector councils meet."
    start = text.index("does not apply")
    span = Evidence("excludes", "exclusion", "does not apply … homeworkers", start, start + 29)
    as_such = provision(law, "s. 4", "excludes", ["scope"], text=text, evidence=[span])
    assert not is_partial_exclusion(as_such)


def test_explicit_provision_beats_an_exclusion_in_the_same_law():
    law = document("code.txt")
    matrix = build_matrix(
        [
            provision(law, "s. 3", "excludes", ["scope"], text="Not to homeworkers."),
            provision(law, "s. 40", "explicit", ["remuneration"]),
        ]
    )
    cell = matrix.cell("XA", "remuneration")
    assert cell.coverage == "explicit"
    assert [(e.citation, e.role) for e in cell.evidence] == [
        ("s. 40", ROLE_CARRIES),
        ("s. 3", ROLE_EXCLUDES),
    ]


def test_repealed_and_none_provisions_carry_nothing():
    law = document("code.txt")
    matrix = build_matrix(
        [
            provision(law, "s. 7", "explicit", ["safety_health"], repealed=True),
            provision(law, "s. 1", "none", ["remedies"]),
        ]
    )
    assert matrix.cell("XA", "safety_health").coverage == "absent"
    assert matrix.cell("XA", "remedies").coverage == "absent"


def test_review_overrides_the_model():
    law = document("code.txt")
    reviewed = provision(law, "s. 5", "general", ["remuneration"], review=("explicit", ["records"]))
    matrix = build_matrix([reviewed])
    assert matrix.cell("XA", "remuneration").coverage == "absent"
    cell = matrix.cell("XA", "records")
    assert cell.coverage == "explicit"
    assert cell.evidence[0].reviewed and cell.evidence[0].status == "explicit"


def test_laws_of_a_jurisdiction_combine_strongest_first():
    code, homework_act, wages = document("code.txt"), document("hw.txt"), document("wages.txt")
    matrix = build_matrix(
        [
            provision(code, "s. 3", "excludes", ["scope"], text="Not to persons working at home."),
            provision(code, "s. 10", "general", ["working_time", "remuneration"]),
            provision(homework_act, "s. 1", "explicit", ["remuneration"]),
            provision(wages, "s. 2", "general", ["working_time"]),
        ]
    )
    # One law speaking explicitly is enough; the other law's exclusion stays in the evidence.
    remuneration = matrix.cell("XA", "remuneration")
    assert remuneration.coverage == "explicit"
    assert [(e.document, e.role) for e in remuneration.evidence] == [
        ("hw.txt", ROLE_CARRIES),
        ("code.txt", ROLE_EXCLUDES),
    ]
    # An exclusion as such outranks another law's silence on homeworkers.
    assert matrix.cell("XA", "working_time").coverage == "excluded"


def test_matrix_rows_per_jurisdiction_and_palette():
    a, b = document("a.txt", "XN"), document("b.txt", "XS")
    unknown = document("c.txt", "")
    matrix = build_matrix(
        [
            provision(a, "art. 1", "general", ["training"]),
            provision(b, "art. 1", "explicit", ["training"]),
            provision(unknown, "art. 1", "none", []),
        ]
    )
    assert matrix.jurisdictions == ["(none)", "XN", "XS"]
    assert matrix.topics == list(TOPIC_IDS)
    assert matrix.cell("XN", "training").coverage == "general_only"
    assert matrix.cell("XS", "training").coverage == "explicit"
    assert sum(matrix.counts().values()) == 3 * len(TOPIC_IDS)
    assert set(COVERAGE_COLOURS) == set(COVERAGES)


def test_the_topic_type_names_every_topic_of_the_labels():
    from typing import get_args

    from corpus.labels import TOPICS, TopicId

    assert set(get_args(TopicId)) == set(TOPICS)
