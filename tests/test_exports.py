"""Matrix exports hold what a user checks: every cell's coverage and the provisions behind it."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from corpus.decisive import DecisiveKind, DecisiveProvision, Reach
from corpus.labels import TOPIC_IDS
from reports.matrix import COVERAGE_COLOURS, Cell, EvidenceItem, Matrix
from reports.matrix_exports import write_matrix

NASTY = '<script>alert("x")</script> & Ley "12"'


def item(citation: str, role: str = "carries topic", title: str = "Home Work Act") -> EvidenceItem:
    return EvidenceItem(
        provision_id=7,
        document="XN_Home_Work_Act.pdf",
        title=title,
        year=2021,
        jurisdiction="XN",
        citation=citation,
        page=4,
        status="explicit",
        score=0.93,
        reviewed=True,
        role=role,
    )


@pytest.fixture
def matrix() -> Matrix:
    cells = {}
    for jurisdiction in ("XN", "XS"):
        for topic in TOPIC_IDS:
            cells[(jurisdiction, topic)] = Cell(jurisdiction, topic, "absent", [])
    cells[("XN", "remuneration")] = Cell("XN", "remuneration", "explicit", [item("s. 12(3)")])
    cells[("XS", "scope")] = Cell(
        "XS", "scope", "excluded", [item("art. 4", role="excludes", title=NASTY)]
    )
    exclusion = DecisiveProvision(
        provision_id=7,
        document_id=2,
        document="XS_Codigo.pdf",
        title=NASTY,
        jurisdiction="XS",
        citation="art. 4",
        page=4,
        kind=DecisiveKind.EXCLUDES,
        reach=Reach(whole_law=True, topics=("scope",)),
        reviewed=False,
    )
    return Matrix(["XN", "XS"], list(TOPIC_IDS), cells, decisive={"XS": [exclusion]})


DECISIVE_LINE = f"art. 4 ({NASTY}, p. 4) excludes homeworkers: the whole law; not reviewed"


def test_json(matrix, tmp_path: Path):
    (path,) = write_matrix(matrix, "json", tmp_path / "m.json")
    data = json.loads(path.read_text("utf-8"))
    assert data["jurisdictions"] == ["XN", "XS"] and data["topics"] == list(TOPIC_IDS)
    assert len(data["cells"]) == 2 * len(TOPIC_IDS)
    cell = next(
        c for c in data["cells"] if (c["jurisdiction"], c["topic"]) == ("XN", "remuneration")
    )
    assert cell["coverage"] == "explicit"
    assert cell["evidence"][0] | {"citation": "s. 12(3)", "page": 4} == cell["evidence"][0]
    assert cell["decided_by"] == []  # an explicit cell rests on its own provisions
    scope = next(c for c in data["cells"] if (c["jurisdiction"], c["topic"]) == ("XS", "scope"))
    assert [(d["citation"], d["role"]) for d in scope["decided_by"]] == [("art. 4", "excludes")]
    assert data["decisive"]["XN"] == []
    (exclusion,) = data["decisive"]["XS"]
    assert exclusion | {"kind": "excludes", "citation": "art. 4", "reaches": "the whole law"} == (
        exclusion
    )


def test_csv_matrix_and_long_evidence(matrix, tmp_path: Path):
    paths = write_matrix(matrix, "csv", tmp_path / "m.csv")
    assert [p.name for p in paths] == ["m.csv", "m_evidence.csv"]
    with open(paths[0], encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["jurisdiction"] for r in rows] == ["XN", "XS"]
    assert [r["decisive provisions"] for r in rows] == ["", DECISIVE_LINE]
    assert rows[0]["remuneration"] == "explicit" and rows[1]["scope"] == "excluded"
    assert rows[1]["training"] == "absent"
    with open(paths[1], encoding="utf-8", newline="") as handle:
        evidence = list(csv.DictReader(handle))
    assert [(e["jurisdiction"], e["topic"], e["citation"], e["role"]) for e in evidence] == [
        ("XN", "remuneration", "s. 12(3)", "carries topic"),
        ("XS", "scope", "art. 4", "excludes"),
    ]
    assert [e["decided_by"] for e in evidence] == ["", "art. 4 (XN_Home_Work_Act.pdf, p. 4)"]
    assert evidence[1]["title"] == NASTY


def test_xlsx_reopens_with_coloured_matrix_and_evidence(matrix, tmp_path: Path):
    (path,) = write_matrix(matrix, "xlsx", tmp_path / "m.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Matrix", "Decisive provisions", "Evidence", "Legend"]
    sheet = book["Matrix"]
    assert sheet.freeze_panes == "C2"
    header = [c.value for c in sheet[1]]
    assert header == ["Jurisdiction", "Decisive provisions", *TOPIC_IDS]
    column = header.index("remuneration") + 1
    cell = sheet.cell(2, column)
    assert (sheet.cell(2, 1).value, cell.value) == ("XN", "explicit")
    assert cell.fill.start_color.rgb == "FF" + COVERAGE_COLOURS["explicit"][1:].upper()
    assert sheet.cell(3, 2).value == DECISIVE_LINE
    excluded = sheet.cell(3, header.index("scope") + 1)
    assert excluded.comment.text == "decided by art. 4 (XN_Home_Work_Act.pdf, p. 4)"
    decisive = list(book["Decisive provisions"].iter_rows(values_only=True))
    assert decisive[1][:5] == ("XS", "excludes", "XS_Codigo.pdf", NASTY, "art. 4")
    evidence = book["Evidence"]
    assert evidence.freeze_panes == "A2"
    rows = list(evidence.iter_rows(values_only=True))
    assert rows[0][:4] == ("jurisdiction", "topic", "coverage", "role")
    assert ("XN", "remuneration", "explicit", "carries topic") == rows[1][:4]
    assert "s. 12(3)" in rows[1]


def test_html_cells_evidence_and_escaping(matrix, tmp_path: Path):
    (path,) = write_matrix(matrix, "html", tmp_path / "m.html")
    page = path.read_text("utf-8")
    cells = re.findall(
        r'<td data-jurisdiction="(\w+)" data-topic="(\w+)" data-coverage="(\w+)"', page
    )
    assert len(cells) == 2 * len(TOPIC_IDS)
    assert ("XN", "remuneration", "explicit") in cells
    # Evidence travels as JSON the page's script shows on click; no law text can break out.
    assert "<script>alert" not in page
    payload = re.search(r'id="matrix-data">(.*?)</script>', page, re.S).group(1)
    data = json.loads(payload)
    scope = next(c for c in data["cells"] if c["topic"] == "scope" and c["jurisdiction"] == "XS")
    assert scope["evidence"][0]["title"] == NASTY and scope["evidence"][0]["citation"] == "art. 4"
    # The row's head names its decisive provisions; the cell says what decided it.
    head = re.search(r'<th scope="row">XS(.*?)</th>', page, re.S).group(1)
    assert "art. 4" in head and "excludes homeworkers: the whole law" in head
    assert "&lt;script&gt;" in head
    assert 'aria-label="XS, scope: excluded, 1 provision(s), decided by art. 4' in page
    for colour in COVERAGE_COLOURS.values():  # the legend shows the whole palette
        assert colour in page
    assert "<link" not in page and "src=" not in page  # self-contained


def test_unknown_format(matrix, tmp_path: Path):
    with pytest.raises(ValueError, match="unknown format"):
        write_matrix(matrix, "pdf", tmp_path / "m.pdf")
