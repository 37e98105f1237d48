"""Exports of the coverage matrix: CSV, XLSX, JSON and a self-contained HTML heatmap.

CSV writes two files: the wide matrix (one row per jurisdiction, a column per topic) and, beside
it, `<name>_evidence.csv` in long form (one row per cell and evidence provision), because a
spreadsheet cell holding a list of provisions is unusable for filtering.
"""

from __future__ import annotations

import csv
import html
import json
from dataclasses import asdict
from pathlib import Path

from corpus.labels import COVERAGES, TOPICS
from reports.matrix import (
    COVERAGE_CODES,
    COVERAGE_COLOURS,
    COVERAGE_NAMES,
    COVERAGE_TEXT_COLOURS,
    Matrix,
)

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
            writer.writerow([jurisdiction, *(cell.coverage for cell in cells)])
    evidence_path = path.with_name(f"{path.stem}_evidence.csv")
    with open(evidence_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=EVIDENCE_FIELDS)
        writer.writeheader()
        writer.writerows(evidence_rows(matrix))
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
    book.save(path)
    return [path]


def _argb(colour: str) -> str:
    """'#1b7837' -> 'FF1B7837', as Excel stores colours."""
    return "FF" + colour.removeprefix("#").upper()


_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
h1{font-size:1.3rem}
table.matrix{border-collapse:collapse;font-size:.8rem}
.matrix th,.matrix td{border:1px solid #fff;padding:0}
.matrix thead th{height:9rem;white-space:nowrap;vertical-align:bottom;font-weight:normal}
.matrix thead th div{transform:rotate(-55deg);transform-origin:left bottom;width:1.8rem;
 margin-left:1.2rem}
.matrix tbody th{text-align:left;padding:0 .6rem 0 0;white-space:nowrap}
.matrix button{width:2.2rem;height:1.8rem;border:0;cursor:pointer;font:inherit;font-weight:bold}
.matrix button:focus,.matrix button.on{outline:3px solid #0969da;outline-offset:-3px}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;margin:1rem 0;font-size:.85rem}
.legend span.swatch{display:inline-block;width:1.6rem;text-align:center;font-weight:bold;
 margin-right:.3rem}
#evidence{margin-top:1rem;font-size:.85rem}
#evidence table{border-collapse:collapse}
#evidence th,#evidence td{border-bottom:1px solid #ddd;padding:.2rem .6rem;text-align:left}
"""

_JS = """
const data = JSON.parse(document.getElementById('matrix-data').textContent);
const panel = document.getElementById('evidence');
function td(row, text) {
  const c = document.createElement('td'); c.textContent = text; row.appendChild(c);
}
function show(button) {
  document.querySelectorAll('.matrix button.on').forEach(b => b.classList.remove('on'));
  button.classList.add('on');
  const cell = data.cells[Number(button.dataset.cell)];
  panel.replaceChildren();
  const title = document.createElement('h2');
  title.textContent = cell.jurisdiction + ' \\u00b7 ' + cell.topic + ': ' + cell.coverage;
  panel.appendChild(title);
  if (!cell.evidence.length) {
    const p = document.createElement('p'); p.textContent = 'No provision carries this topic.';
    panel.appendChild(p); return;
  }
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  ['document', 'citation', 'page', 'status', 'score', 'role', 'reviewed'].forEach(h => {
    const th = document.createElement('th'); th.textContent = h; head.appendChild(th); });
  const body = table.createTBody();
  cell.evidence.forEach(e => {
    const row = body.insertRow();
    td(row, e.title && e.title !== e.document ? e.document + ' (' + e.title + ')' : e.document);
    td(row, e.citation); td(row, e.page ?? '');
    td(row, e.status); td(row, e.score == null ? '' : e.score.toFixed(2));
    td(row, e.role); td(row, e.reviewed ? 'yes' : '');
  });
  panel.appendChild(table);
}
document.querySelectorAll('.matrix button')
  .forEach(b => b.addEventListener('click', () => show(b)));
"""


def _write_html(matrix: Matrix, path: Path) -> list[Path]:
    esc = html.escape
    data = matrix_dict(matrix)
    # JSON inside <script>: escape "<" so that no law text can close the element.
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    head = "".join(
        f'<th scope="col" title="{esc(TOPICS[t][0])}: {esc(TOPICS[t][1])}"><div>{esc(t)}</div></th>'
        for t in matrix.topics
    )
    rows, index = [], 0
    for jurisdiction, cells in matrix.rows():
        tds = []
        for cell in cells:
            style = (
                f"background:{COVERAGE_COLOURS[cell.coverage]};"
                f"color:{COVERAGE_TEXT_COLOURS[cell.coverage]}"
            )
            label = f"{cell.jurisdiction}, {cell.topic}: {cell.coverage}, "
            label += f"{len(cell.evidence)} provision(s)"
            tds.append(
                f'<td data-jurisdiction="{esc(cell.jurisdiction)}" data-topic="{esc(cell.topic)}"'
                f' data-coverage="{esc(cell.coverage)}"><button type="button" data-cell="{index}"'
                f' style="{style}" title="{esc(label)}" aria-label="{esc(label)}">'
                f"{esc(COVERAGE_CODES[cell.coverage])}</button></td>"
            )
            index += 1
        rows.append(f'<tr><th scope="row">{esc(jurisdiction)}</th>{"".join(tds)}</tr>')
    legend = "".join(
        f'<span><span class="swatch" style="background:{COVERAGE_COLOURS[c]};'
        f'color:{COVERAGE_TEXT_COLOURS[c]}">{esc(COVERAGE_CODES[c])}</span>'
        f"{esc(COVERAGE_NAMES[c])}</span>"
        for c in COVERAGES
    )
    counts = ", ".join(f"{n} {c}" for c, n in matrix.counts().items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>C177 coverage matrix</title><style>{_CSS}</style></head>
<body>
<h1>Coverage of homeworkers by ILO Convention No. 177 topic</h1>
<p>{len(matrix.jurisdictions)} jurisdiction(s) &times; {len(matrix.topics)} topics: {esc(counts)}.
Click a cell to see the provisions that decided it.</p>
<div class="legend">{legend}</div>
<table class="matrix"><thead><tr><th></th>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<section id="evidence" aria-live="polite"></section>
<script type="application/json" id="matrix-data">{payload}</script>
<script>{_JS}</script>
</body></html>
"""
    path.write_text(page, "utf-8")
    return [path]
