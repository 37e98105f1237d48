"""Decisive provisions: stored per law with its tags and reviews, named by the cells they decide,
shown first in the exports, the country report and the review queue."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corpus.decisive import DecisiveKind, Reach, decisive_provisions
from corpus.model import DocumentMeta, Evidence, Tag
from corpus.store import Store
from flows.steps import ingest
from reports.country_report import build_report
from reports.country_report_render import render
from reports.matrix import matrix_of
from reports.matrix_exports import write_matrix
from review import views
from review.app import create_app
from review.reviews_io import export_reviews, import_reviews

# Our own small statutes: one brings homeworkers in, one leaves them out of the whole code, one
# leaves them out of one section only.
OUTWORK_ACT = """OUTWORK ACT

Section 1. Interpretation
In this Act, "employee" includes a homeworker who works in his or her own home for an employer.

Section 2. Minimum wage
Every employee shall be paid not less than the national minimum wage.

Section 3. Hours of work
No employee shall work more than forty hours in a week.
"""
LABOUR_CODE = """LABOUR CODE

Section 1. Application
This Code does not apply to persons who work in their own home for another.

Section 2. Wages
Every worker shall be paid at least once a week.

Section 3. Leave
Every worker is entitled to three weeks of annual leave.
"""
WAGES_CODE = LABOUR_CODE.replace(
    "This Code does not apply to persons who work in their own home for another.",
    "Section 2 does not apply to homeworkers.",
)

# jurisdiction -> (file, text, citation -> (status, topics, model certainty))
LAWS = {
    "XD": (
        "outwork_act.txt",
        OUTWORK_ACT,
        {
            "s. 1": ("explicit", ["definition", "scope"], 0.95),
            "s. 2": ("general", ["remuneration"], 0.9),
            "s. 3": ("general", ["working_time"], 0.9),
        },
    ),
    "XE": (
        "labour_code.txt",
        LABOUR_CODE,
        {
            "s. 1": ("excludes", ["scope"], 0.95),
            "s. 2": ("general", ["remuneration"], 0.5),  # the most uncertain of all
            "s. 3": ("general", ["working_time"], 0.9),
        },
    ),
    "XP": (
        "wages_code.txt",
        WAGES_CODE,
        {
            "s. 1": ("excludes", ["scope"], 0.95),
            "s. 2": ("general", ["remuneration"], 0.9),
            "s. 3": ("general", ["working_time"], 0.9),
        },
    ),
}


def model_tag(status: str, topics: list[str], text: str, sure: float) -> Tag:
    """A tag as the model writes it; an exclusion of named parts carries its role evidence."""
    scores = {f"status:{s}": sure if s == status else (1 - sure) / 3 for s in LABELS}
    scores |= {f"topic:{t}": 0.8 for t in topics}
    evidence = []
    if "Section 2 does not apply" in text:
        evidence.append(
            Evidence(
                "excludes", "role", "homeworkers", 0, len(text), 1.0, "excludes", "s. 1", ["s. 2"]
            )
        )
    return Tag(status, topics, scores, evidence, model_version="test-1")


LABELS = ("explicit", "excludes", "general", "none")


def build_db(folder: Path) -> tuple[Path, dict[tuple[str, str], int]]:
    """A database holding the three laws, tagged; and (jurisdiction, citation) -> provision id."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "decisive.sqlite"
    ids = {}
    with Store(path) as store:
        for jurisdiction, (name, text, labels) in LAWS.items():
            (folder / name).write_text(text, encoding="utf-8")
            meta = DocumentMeta(jurisdiction=jurisdiction, language="en", year=2020)
            outcome = ingest(store, folder / name, meta)
            tags = {}
            for stored in store.provisions(document_id=outcome.document_id):
                ids[(jurisdiction, stored.provision.citation)] = stored.id
                status, topics, sure = labels[stored.provision.citation]
                tags[stored.id] = model_tag(status, topics, stored.provision.text, sure)
            store.save_tags(tags)
    return path, ids


@pytest.fixture
def db(tmp_path: Path) -> tuple[Path, dict[tuple[str, str], int]]:
    return build_db(tmp_path / "ours")


def test_decisive_provisions_are_stored_when_a_law_is_tagged(db) -> None:
    path, ids = db
    with Store(path) as store:
        found = store.decisive_provisions()
    assert [(d.jurisdiction, d.citation, d.kind, d.reach, d.reviewed) for d in found] == [
        ("XD", "s. 1", DecisiveKind.INCLUDES, Reach(whole_law=True), False),
        ("XE", "s. 1", DecisiveKind.EXCLUDES, Reach(whole_law=True, topics=("scope",)), False),
        (
            "XP",
            "s. 1",
            DecisiveKind.EXCLUDES,
            Reach(parts=("s. 2",), topics=("scope", "remuneration")),
            False,
        ),
    ]
    assert found[0].provision_id == ids["XD", "s. 1"] and found[0].document == "outwork_act.txt"


def test_cells_name_the_decisive_provision_they_rest_on(db) -> None:
    path, ids = db
    with Store(path) as store:
        matrix = matrix_of(store)
    wages = matrix.cell("XD", "remuneration")
    assert wages.coverage == "via_scope"
    assert [e.provision_id for e in wages.decided_by] == [ids["XD", "s. 1"]]
    excluded = matrix.cell("XE", "working_time")
    assert excluded.coverage == "excluded"
    assert [(e.citation, e.role) for e in excluded.decided_by] == [("s. 1", "excludes")]
    # An exclusion of section 2 only takes homeworkers out of what section 2 carries.
    assert matrix.cell("XP", "remuneration").coverage == "excluded"
    assert matrix.cell("XP", "working_time").coverage == "general_only"
    assert matrix.cell("XP", "working_time").decided_by == []


def test_a_review_of_the_inclusion_changes_the_row_at_once(db) -> None:
    path, ids = db
    with Store(path) as store:
        store.add_review(ids["XD", "s. 1"], "ana", "general", ["definition", "scope"])
        assert store.decisive_provisions(store.provision(ids["XD", "s. 1"]).document.id) == []
        row = dict((c.topic, c.coverage) for c in matrix_of(store).rows()[0][1])
    assert row["remuneration"] == row["working_time"] == "general_only"


def test_an_imported_review_changes_the_row_at_once(db, tmp_path: Path) -> None:
    path, _ = db
    theirs, their_ids = build_db(tmp_path / "theirs")
    shared = io.StringIO()
    with Store(theirs) as store:
        store.add_review(their_ids["XD", "s. 1"], "ben", "general", ["definition", "scope"])
        export_reviews(store, shared)
    with Store(path) as store:
        assert import_reviews(store, shared.getvalue().splitlines()).imported == 1
        assert [d.jurisdiction for d in store.decisive_provisions()] == ["XE", "XP"]
        assert matrix_of(store).cell("XD", "remuneration").coverage == "general_only"


def test_a_reviewer_confirming_an_exclusion_is_recorded(db) -> None:
    path, ids = db
    with Store(path) as store:
        store.add_review(ids["XE", "s. 1"], "ana", "excludes", ["scope"])
        (found,) = [d for d in store.decisive_provisions() if d.jurisdiction == "XE"]
    assert found.reviewed and found.describe().endswith("the whole law; reviewed")


def test_exports_show_decisive_provisions_at_the_head_of_the_row(db, tmp_path: Path) -> None:
    path, _ = db
    with Store(path) as store:
        matrix = matrix_of(store)
    paths = write_matrix(matrix, "csv", tmp_path / "m.csv")
    with open(paths[0], encoding="utf-8", newline="") as handle:
        heads = {row["jurisdiction"]: row["decisive provisions"] for row in csv.DictReader(handle)}
    assert heads["XD"].startswith("s. 1 (outwork_act) brings homeworkers in: the whole law")
    assert heads["XP"].startswith("s. 1 (wages_code) excludes homeworkers: s. 2")
    (json_path,) = write_matrix(matrix, "json", tmp_path / "m.json")
    data = json.loads(json_path.read_text("utf-8"))
    assert [d["kind"] for d in data["decisive"]["XE"]] == ["excludes"]
    (html_path,) = write_matrix(matrix, "html", tmp_path / "m.html")
    assert "brings homeworkers in: the whole law" in html_path.read_text("utf-8")


def test_the_country_report_opens_with_its_decisive_provisions(db) -> None:
    path, _ = db
    with Store(path) as store:
        included = render(build_report(store, "XD"), "md").decode()
        excluded = build_report(store, "XE")
    head = included.split("### Provisions that decide coverage")[1].split("### Laws analysed")[0]
    assert "s. 1 of the outwork_act brings homeworkers within the law." in head
    assert '> Interpretation In this Act, "employee" includes a homeworker' in head
    (row,) = excluded.decisive
    assert row.kind == "excludes" and row.provision.citation == "s. 1"
    assert row.statement == "Homeworkers are excluded from the labour_code by s. 1."
    assert "This Code does not apply to persons who work" in row.provision.quote


def test_the_review_queue_lists_decisive_provisions_first(db) -> None:
    path, ids = db
    with Store(path) as store:
        order = [p.id for p in views.queue(store, views.Filters())[0]]
    decisive = {ids[j, "s. 1"] for j in LAWS}
    assert set(order[:3]) == decisive
    assert order[3] == ids["XE", "s. 2"]  # then the most uncertain
    app = create_app(str(path), token=None, reviewer="ana")
    client = TestClient(app, base_url="http://127.0.0.1:8177")
    page = client.get(f"/provisions/{ids['XP', 's. 1']}").text
    assert "decisive: excludes – excludes homeworkers, reaching s. 2" in page
    matrix = client.get("/").text
    assert f'href="/provisions/{ids["XD", "s. 1"]}?jurisdiction=XD"' in matrix


def test_a_database_from_before_the_table_gets_its_decisive_provisions(db) -> None:
    path, _ = db
    with sqlite3.connect(path) as raw:
        raw.execute("DROP TABLE decisive_provisions")
        # and what later migrations add, so that the database is as version 2 left it
        raw.execute("DROP INDEX provisions_queue")
        raw.execute("DROP INDEX documents_jurisdiction")
        raw.execute("ALTER TABLE provisions DROP COLUMN uncertainty")
        raw.execute("PRAGMA user_version = 2")
    with Store(path) as store:
        assert len(store.decisive_provisions()) == 3


@pytest.mark.slow
def test_the_tagger_finds_the_samples_decisive_provisions(tmp_path: Path) -> None:
    """The shipped model on our own sample statutes: the French sample leaves homeworkers out of
    the whole law, the Spanish code brings them in."""
    from flows.steps import load_tagger, tag

    samples = Path(__file__).parents[1] / "data" / "samples"
    tagger = load_tagger()
    with Store(tmp_path / "samples.sqlite") as store:
        for name, jurisdiction, language in (
            ("XF_Loi_duree_du_travail_2016.pdf", "XF", "fr"),
            ("XS_Codigo_del_Trabajo_2017.pdf", "XS", "es"),
        ):
            meta = DocumentMeta(jurisdiction=jurisdiction, language=language)
            tag(store, tagger, ingest(store, samples / name, meta).document_id)
        found = {(d.jurisdiction, d.kind) for d in store.decisive_provisions()}
        matrix = matrix_of(store)
    assert {("XF", DecisiveKind.EXCLUDES), ("XS", DecisiveKind.INCLUDES)} <= found
    assert all(
        cell.decided_by
        for _, row in matrix.rows()
        for cell in row
        if cell.coverage in ("via_scope", "excluded")
    )


def test_an_exclusion_reaches_the_topics_of_the_parts_it_names() -> None:
    """Parts as the role evidence names them: a subsection, a range, a chapter, its own chapter."""
    from tests.test_coverage import document, provision

    law = document("parts.txt")
    wages = provision(law, "s. 12", "general", ["remuneration"])
    leave = provision(law, "s. 14", "general", ["working_time"])
    chapter = ["CHAPTER IV Safety"]
    safety = provision(law, "s. 20", "general", ["safety_health"])
    safety.provision.context = chapter
    others = provision(law, "s. 30", "general", ["termination"])

    def reach(*parts: str) -> tuple[str, ...]:
        role = Evidence(
            "excludes", "role", "homeworkers", 0, 5, 1.0, "excludes", "s. 1", list(parts)
        )
        exclusion = provision(law, "s. 1", "excludes", ["scope"], evidence=[role])
        exclusion.provision.context = chapter
        laws = [exclusion, wages, leave, safety, others]
        return next(d.reach.topics for d in decisive_provisions(laws) if d.citation == "s. 1")

    assert reach("s. 12(1)") == ("scope", "remuneration")
    assert reach("s. 12-14") == ("scope", "remuneration", "working_time")
    assert reach("chapter IV") == reach("this chapter") == ("scope", "safety_health")
