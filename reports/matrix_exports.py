"""Exports of the coverage matrix: CSV, XLSX, JSON and a self-contained HTML heatmap.

CSV writes two files: the wide matrix (one row per jurisdiction, a column per topic) and, beside
it, `<name>_evidence.csv` in long form (one row per cell and evidence provision), because a
spreadsheet cell holding a list of provisions is unusable for filtering.
"""

from __future__ import annotations

import csv
import itertools
import json
from dataclasses import asdict
from pathlib import Path

from markupsafe import Markup

from corpus.labels import COVERAGES, TOPICS
from reports.matrix import (
    COVERAGE_CODES,
    COVERAGE_COLOURS,
    COVERAGE_NAMES,
    COVERAGE_TEXT_COLOURS,
    Matrix,
)
from reports.spreadsheet import csv_safe, xlsx_text
from reports.templating import render_html

FORMATS = ("csv", "xlsx", "json", "html")
EVIDENCE_FIELDS = (
    "jurisdiction", "topic", "coverage", "role", "document", "title", "year", "citation", "page",
    "status", "score", "reviewed", "provision_id",
)  # fmt: skip


def write_matrix(matrix: Matrix, fmt: str, path: Path) -> list[Path]:
    """Write the matrix as `fmt` (csv, xlsx, json, html) to `path`; return the files written."""
    writers = {"csv": _write_csv, "xlsx": _write_xlsx, "json": _write_json, "html": _write_html}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return writers[fmt](matrix, path)


def matrix_dict(matrix: Matrix) -> dict:
    """The JSON shape: jurisdictions, topics and every cell with its evidence."""
    return {
        "jurisdictions": matrix.jurisdictions,
        "topics": matrix.topics,
        "cells": [
            {
                "jurisdiction": cell.jurisdiction,
                "topic": cell.topic,
                "coverage": cell.coverage,
                "evidence": [asdict(e) for e in cell.evidence],
            }
            for _, row in matrix.rows()
            for cell in row
        ],
    }


def evidence_rows(matrix: Matrix) -> list[dict]:
    rows = []
    for _, cells in matrix.rows():
        for cell in cells:
            for item in cell.evidence:
                record = asdict(item)
                record.update(jurisdiction=cell.jurisdiction, topic=cell.topic)
                record["coverage"] = cell.coverage
                rows.append({key: record[key] for key in EVIDENCE_FIELDS})
    return rows


def _write_json(matrix: Matrix, path: Path) -> list[Path]:
    path.write_text(json.dumps(matrix_dict(matrix), ensure_ascii=False, indent=1), "utf-8")
    return [path]


def _write_csv(matrix: Matrix, path: Path) -> list[Path]:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["jurisdiction", *matrix.topics])
        for jurisdiction, cells in matrix.rows():
            writer.writerow([csv_safe(jurisdiction), *(cell.coverage for cell in cells)])
    evidence_path = path.with_name(f"{path.stem}_evidence.csv")
    with open(evidence_path, "w", encoding="utf-8", newline="") as handle:
        evidence_writer = csv.DictWriter(handle, fieldnames=EVIDENCE_FIELDS)
        evidence_writer.writeheader()
        evidence_writer.writerows(
            {key: csv_safe(value) for key, value in row.items()} for row in evidence_rows(matrix)
        )
    return [path, evidence_path]


def _write_xlsx(matrix: Matrix, path: Path) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Matrix"
    bold = Font(bold=True)
    sheet.append(["Jurisdiction", *matrix.topics])
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(text_rotation=60, vertical="bottom")
    sheet["A1"].alignment = Alignment(vertical="bottom")
    fills = {c: PatternFill("solid", start_color=_argb(COVERAGE_COLOURS[c])) for c in COVERAGES}
    fonts = {c: Font(color=_argb(COVERAGE_TEXT_COLOURS[c])) for c in COVERAGES}
    for row_number, (jurisdiction, cells) in enumerate(matrix.rows(), start=2):
        sheet.cell(row_number, 1, jurisdiction).font = bold
        for column, cell in enumerate(cells, start=2):
            target = sheet.cell(row_number, column, cell.coverage)
            target.fill, target.font = fills[cell.coverage], fonts[cell.coverage]
    sheet.column_dimensions["A"].width = 16
    for column in range(2, len(matrix.topics) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 13
    sheet.freeze_panes = "B2"

    evidence = book.create_sheet("Evidence")
    evidence.append(list(EVIDENCE_FIELDS))
    for cell in evidence[1]:
        cell.font = bold
    # Row numbers counted here: openpyxl's `max_row` scans every cell, quadratic over a sheet.
    for row_number, record in enumerate(evidence_rows(matrix), start=2):
        evidence.append([record[key] for key in EVIDENCE_FIELDS])
        coverage_cell = evidence.cell(row_number, 3)
        coverage_cell.fill, coverage_cell.font = (
            fills[record["coverage"]],
            fonts[record["coverage"]],
        )
    evidence.freeze_panes = "A2"
    evidence.auto_filter.ref = evidence.dimensions

    legend = book.create_sheet("Legend")
    legend.append(["coverage", "meaning"])
    for coverage in COVERAGES:
        legend.append([coverage, COVERAGE_NAMES[coverage]])
        legend.cell(legend.max_row, 1).fill = fills[coverage]
        legend.cell(legend.max_row, 1).font = fonts[coverage]
    legend.append([])
    legend.append(["topic", "C177 / R184", "name"])
    for topic, (article, name) in TOPICS.items():
        legend.append([topic, article, name])
    legend.column_dimensions["A"].width = 18
    legend.column_dimensions["B"].width = 60
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                xlsx_text(cell)
    book.save(path)
    return [path]


def _argb(colour: str) -> str:
    """'#1b7837' -> 'FF1B7837', as Excel stores colours."""
    return "FF" + colour.removeprefix("#").upper()


def _write_html(matrix: Matrix, path: Path) -> list[Path]:
    # JSON inside <script>: escape "<" so that no law text can close the element.
    payload = json.dumps(matrix_dict(matrix), ensure_ascii=False).replace("<", "\\u003c")
    numbers = itertools.count()
    page = render_html(
        "matrix.html",
        jurisdictions=matrix.jurisdictions,
        topics=matrix.topics,
        rows=[(j, [(next(numbers), cell) for cell in cells]) for j, cells in matrix.rows()],
        counts=", ".join(f"{n} {c}" for c, n in matrix.counts().items()),
        payload=Markup(payload),
        coverages=COVERAGES,
        topic_names=TOPICS,
        colours=COVERAGE_COLOURS,
        text_colours=COVERAGE_TEXT_COLOURS,
        codes=COVERAGE_CODES,
        names=COVERAGE_NAMES,
    )
    path.write_text(page, "utf-8")
    return [path]
