"""Exports of the coverage matrix: CSV, XLSX, JSON and a self-contained HTML heatmap.

CSV writes two files: the wide matrix (one row per jurisdiction: its decisive provisions, then a
column per topic) and, beside it, `<name>_evidence.csv` in long form (one row per cell and
evidence provision, with the decisive provisions the cell rests on), because a spreadsheet cell
holding a list of provisions is unusable for filtering.

Every format shows each jurisdiction's decisive provisions at the head of its row (the ones that
bring homeworkers into a law or leave them out) and, for every `via_scope` and `excluded` cell,
the decisive provisions it was decided by.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from markupsafe import Markup

from corpus.decisive import DecisiveProvision
from corpus.labels import COVERAGES, TOPICS, Coverage
from reports.matrix import (
    COVERAGE_CODES,
    COVERAGE_COLOURS,
    COVERAGE_NAMES,
    COVERAGE_TEXT_COLOURS,
    UNKNOWN_JURISDICTION,
    Cell,
    EvidenceItem,
    Matrix,
)
from reports.spreadsheet import csv_safe, xlsx_text
from reports.templating import render_html

FORMATS = ("csv", "xlsx", "json", "html")
EVIDENCE_FIELDS = (
    "jurisdiction", "topic", "coverage", "role", "document", "title", "year", "citation", "page",
    "status", "score", "reviewed", "provision_id", "decided_by",
)  # fmt: skip
DECISIVE_FIELDS = (
    "jurisdiction", "kind", "document", "title", "citation", "page", "reaches", "reviewed",
    "provision_id",
)  # fmt: skip
DECISIVE_COLUMN = "decisive provisions"


def write_matrix(matrix: Matrix, fmt: str, path: Path) -> list[Path]:
    """Write the matrix as `fmt` (csv, xlsx, json, html) to `path`; return the files written."""
    writers = {"csv": _write_csv, "xlsx": _write_xlsx, "json": _write_json, "html": _write_html}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return writers[fmt](matrix, path)


def matrix_dict(matrix: Matrix) -> dict:
    """The JSON shape: jurisdictions, topics, each jurisdiction's decisive provisions and every
    cell with its evidence and the decisive provisions it was decided by."""
    return {
        "jurisdictions": matrix.jurisdictions,
        "topics": matrix.topics,
        "decisive": {
            j: [decisive_record(d) for d in matrix.decisive_of(j)] for j in matrix.jurisdictions
        },
        "cells": [
            {
                "jurisdiction": cell.jurisdiction,
                "topic": cell.topic,
                "coverage": cell.coverage,
                "decided_by": [decided_by_record(e) for e in cell.decided_by],
                "evidence": [asdict(e) for e in cell.evidence],
            }
            for _, row in matrix.rows()
            for cell in row
        ],
    }


def decisive_record(found: DecisiveProvision) -> dict:
    """A decisive provision as the exports write it, its reach in words."""
    return {
        "jurisdiction": found.jurisdiction or UNKNOWN_JURISDICTION,
        "kind": str(found.kind),
        "document": found.document,
        "title": found.title,
        "citation": found.citation,
        "page": found.page,
        "reaches": str(found.reach),
        "reviewed": found.reviewed,
        "provision_id": found.provision_id,
    }


def decided_by_record(item: EvidenceItem) -> dict:
    keys = ("provision_id", "document", "title", "citation", "page", "role", "reviewed")
    return {key: getattr(item, key) for key in keys}


def decisive_line(matrix: Matrix, jurisdiction: str) -> str:
    """The jurisdiction's decisive provisions in one line, for the head of its row."""
    return "; ".join(d.describe() for d in matrix.decisive_of(jurisdiction))


def decided_by_text(cell: Cell) -> str:
    """'s. 3 (XN_Home_Work_Act_2021.pdf, p. 1)' for each decisive provision the cell rests on."""
    return "; ".join(
        f"{e.citation} ({e.document}{f', p. {e.page}' if e.page else ''})" for e in cell.decided_by
    )


def evidence_rows(matrix: Matrix) -> list[dict]:
    rows = []
    for _, cells in matrix.rows():
        for cell in cells:
            decided_by = decided_by_text(cell)
            for item in cell.evidence:
                record = asdict(item)
                record.update(jurisdiction=cell.jurisdiction, topic=cell.topic)
                record.update(coverage=cell.coverage, decided_by=decided_by)
                rows.append({key: record[key] for key in EVIDENCE_FIELDS})
    return rows


def decisive_rows(matrix: Matrix) -> list[dict]:
    return [decisive_record(d) for j in matrix.jurisdictions for d in matrix.decisive_of(j)]


def _write_json(matrix: Matrix, path: Path) -> list[Path]:
    path.write_text(json.dumps(matrix_dict(matrix), ensure_ascii=False, indent=1), "utf-8")
    return [path]


def _write_csv(matrix: Matrix, path: Path) -> list[Path]:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["jurisdiction", DECISIVE_COLUMN, *matrix.topics])
        for jurisdiction, cells in matrix.rows():
            head = [csv_safe(jurisdiction), csv_safe(decisive_line(matrix, jurisdiction))]
            writer.writerow([*head, *(cell.coverage for cell in cells)])
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
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    # write-only: each row goes to the file as it is appended, so memory does not grow with
    # the evidence (tens of thousands of rows for a national collection)
    book = Workbook(write_only=True)
    fills = {c: PatternFill("solid", start_color=_argb(COVERAGE_COLOURS[c])) for c in COVERAGES}
    fonts = {c: Font(color=_argb(COVERAGE_TEXT_COLOURS[c])) for c in COVERAGES}

    def coloured(coverage: Coverage) -> dict[str, Any]:
        return {"fill": fills[coverage], "font": fonts[coverage]}

    _matrix_sheet(book.create_sheet("Matrix"), matrix, coloured)
    _table_sheet(book.create_sheet("Decisive provisions"), DECISIVE_FIELDS, decisive_rows(matrix))
    records = evidence_rows(matrix)
    evidence = book.create_sheet("Evidence")
    last = get_column_letter(len(EVIDENCE_FIELDS))
    evidence.auto_filter.ref = f"A1:{last}{len(records) + 1}"
    column = EVIDENCE_FIELDS.index("coverage")
    _table_sheet(evidence, EVIDENCE_FIELDS, records, {column: lambda r: coloured(r["coverage"])})

    legend = book.create_sheet("Legend")
    legend.column_dimensions["A"].width = 18
    legend.column_dimensions["B"].width = 60
    legend.append(_cells(legend, ["coverage", "meaning"]))
    for coverage in COVERAGES:
        first = _cell(legend, coverage, **coloured(coverage))
        legend.append([first, *_cells(legend, [COVERAGE_NAMES[coverage]])])
    legend.append([])
    legend.append(_cells(legend, ["topic", "C177 / R184", "name"]))
    for topic, (article, name) in TOPICS.items():
        legend.append(_cells(legend, [topic, article, name]))
    book.save(path)
    return [path]


def _cell(sheet: Any, value: Any, **style: Any) -> Any:
    """A write-only cell holding `value` as text (never a formula), with openpyxl styles."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    xlsx_text(cell)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _cells(sheet: Any, values: list[Any], **style: Any) -> list[Any]:
    return [_cell(sheet, value, **style) for value in values]


def _matrix_sheet(sheet: Any, matrix: Matrix, coloured: Callable[[Coverage], dict]) -> None:
    """A row per jurisdiction: its decisive provisions, then its cells in coverage colours; a
    cell decided by a decisive provision names it in a comment."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 48
    for column in range(3, len(matrix.topics) + 3):
        sheet.column_dimensions[get_column_letter(column)].width = 13
    sheet.freeze_panes = "C2"
    bottom = Alignment(vertical="bottom")
    rotated = Alignment(text_rotation=60, vertical="bottom")
    heads = _cells(sheet, ["Jurisdiction", "Decisive provisions"], font=bold, alignment=bottom)
    sheet.append(heads + _cells(sheet, matrix.topics, font=bold, alignment=rotated))
    wrapped = Alignment(wrap_text=True, vertical="top")
    for jurisdiction, cells in matrix.rows():
        row = [
            _cell(sheet, jurisdiction, font=bold),
            _cell(sheet, decisive_line(matrix, jurisdiction), alignment=wrapped),
        ]
        for cell in cells:
            target = _cell(sheet, cell.coverage, **coloured(cell.coverage))
            if cell.decided_by:
                target.comment = Comment(f"decided by {decided_by_text(cell)}", "c177")
            row.append(target)
        sheet.append(row)


def _table_sheet(
    sheet: Any,
    fields: tuple[str, ...],
    records: list[dict],
    styles: dict[int, Callable[[dict], dict]] | None = None,
) -> None:
    """A header row in bold, then one row per record (the columns of `styles` styled by
    record), the header frozen."""
    from openpyxl.styles import Font

    sheet.freeze_panes = "A2"
    sheet.append(_cells(sheet, list(fields), font=Font(bold=True)))
    styles = styles or {}
    for record in records:
        sheet.append(
            [
                _cell(sheet, record[key], **(styles[i](record) if i in styles else {}))
                for i, key in enumerate(fields)
            ]
        )


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
        rows=[
            (j, matrix.decisive_of(j), [(next(numbers), cell) for cell in cells])
            for j, cells in matrix.rows()
        ],
        decided_by=decided_by_text,
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
