"""Renderers of a `reports.country_report.Report`: DOCX (python-docx), HTML, Markdown.

They lay out what the model holds and add no facts: every sentence and label comes from the
model, which took it from the matrix, the store and the templates. The three formats share
one outline: title, summary (decisive provisions, laws, coverage table, exclusions, main gaps),
the Convention article by article, the Recommendation, and the annex of provisions cited.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reports import templating
from reports.country_report import CitedProvision, Finding, Gap, Group, Report
from reports.matrix import COVERAGE_CODES, COVERAGE_COLOURS, COVERAGE_TEXT_COLOURS

if TYPE_CHECKING:  # python-docx is imported lazily: only the DOCX renderer needs it
    from docx.document import Document as DocxDocument
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph

FORMATS = ("docx", "html", "md")


def render(report: Report, fmt: str) -> bytes:
    """The report as the bytes of a file in `fmt` (docx, html or md)."""
    if fmt == "docx":
        return render_docx(report)
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "md":
        return render_markdown(report).encode("utf-8")
    raise ValueError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")


def write_report(report: Report, fmt: str, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render(report, fmt))
    return out


# ---- pieces shared by the formats -----------------------------------------------------------


def law_name(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year and str(year) not in title else title


def provision_source(c: CitedProvision) -> str:
    """'Employment Act (2001), act.pdf, p. 3'."""
    return ", ".join(part for part in (law_name(c.title, c.year), c.file, c.pages) if part)


def provision_details(report: Report, c: CitedProvision) -> str:
    """'excludes homeworkers; status: excludes; model label, not reviewed; confidence 0.91'."""
    status = report.labels["status_label"].format(status=c.status)
    return "; ".join(part for part in (c.role, status, c.review_label, c.score_label) if part)


def citations_only(items: list[CitedProvision]) -> str:
    return "; ".join(f"{c.citation} ({law_name(c.title, c.year)})" for c in items)


def table_rows(report: Report) -> list[tuple[str, str, str, int]]:
    """The coverage table: article, topic, coverage id, number of provisions cited."""
    return [(f.article, f.title, f.coverage, len(f.cited)) for f in report.findings]


def annex_rows(report: Report) -> list[list[str]]:
    yes, no = report.labels["yes"], report.labels["no"]
    return [
        [
            a.citation,
            law_name(a.title, a.year),
            a.file,
            a.pages,
            a.status,
            yes if a.reviewed else no,
        ]
        for a in report.annex
    ]


def annex_header(report: Report) -> list[str]:
    labels = report.labels
    keys = ("col_citation", "col_law", "law_file", "col_page", "col_status", "col_reviewed")
    return [labels[k] for k in keys]


def gap_articles(gap: Gap) -> str:
    """'C177 Art. 8 (Intermediaries)' for one cell; the articles alone for several."""
    if len(gap.findings) == 1:
        return f"{gap.findings[0].article} ({gap.findings[0].title})"
    return "; ".join(f.article for f in gap.findings)


def group_items(group: Group) -> tuple[bool, list[Finding]]:
    """Whether the group has its own heading above its findings (Art. 4(2), Art. 9)."""
    return len(group.findings) > 1, group.findings


# ---- HTML and Markdown: templates/report.html and templates/report.md -----------------------


def _anchor(finding: Finding) -> str:
    return "s-" + finding.key.replace("_", "-")


def _template_context(report: Report) -> dict[str, Any]:
    return {
        "report": report,
        "labels": report.labels,
        "anchor": _anchor,
        "provision_source": provision_source,
        "provision_details": provision_details,
        "citations_only": citations_only,
        "gap_articles": gap_articles,
        "annex_header": annex_header,
        "annex_rows": annex_rows,
    }


def render_markdown(report: Report) -> str:
    labels = report.labels
    text = templating.render_markdown(
        "report.md",
        **_template_context(report),
        law_header=[labels[k] for k in ("law_title", "law_year", "law_file", "law_provisions")],
        law_rows=[[w.title, str(w.year or ""), w.file, str(w.provisions)] for w in report.laws],
        coverage_header=[
            labels[k] for k in ("col_article", "col_topic", "col_coverage", "col_cited")
        ],
        coverage_rows=[
            [article, title, report.coverage_labels[coverage], str(count)]
            for article, title, coverage, count in table_rows(report)
        ],
    )
    return text.rstrip() + "\n"


def render_html(report: Report) -> str:
    return templating.render_html(
        "report.html",
        **_template_context(report),
        colours=COVERAGE_COLOURS,
        text_colours=COVERAGE_TEXT_COLOURS,
        codes=COVERAGE_CODES,
    )


# ---- DOCX -----------------------------------------------------------------------------------


def render_docx(report: Report) -> bytes:
    """A Word document with real Heading, Quote and List styles and real tables, so that a
    reader can restyle it, navigate it and build a table of contents from it."""
    from docx import Document

    doc = Document()
    _docx_page_setup(doc, report)
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(report.subtitle, style="Subtitle")
    doc.add_paragraph(report.generated)
    for notice in report.notices:
        doc.add_paragraph(notice, style="Intense Quote")
    _docx_summary(doc, report)
    _docx_articles(doc, report)
    doc.add_page_break()
    doc.add_heading(report.labels["annex"], level=1)
    doc.add_paragraph(report.labels["annex_intro"])
    _docx_table(doc, annex_header(report), annex_rows(report))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_page_setup(doc: DocxDocument, report: Report) -> None:
    """A4 with 20 mm margins, 10.5 pt text, the page number in the footer, and metadata."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc.core_properties.title = report.title
    doc.core_properties.subject = report.subtitle
    doc.core_properties.language = report.lang
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    doc.styles["Normal"].font.size = Pt(10.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)


def _docx_summary(doc: DocxDocument, report: Report) -> None:
    """Decisive provisions, laws analysed, the coverage table, exclusions and the main gaps."""
    labels = report.labels
    doc.add_heading(labels["summary"], level=1)
    doc.add_heading(labels["decisive"], level=2)
    doc.add_paragraph(labels["decisive_intro"] if report.decisive else labels["no_decisive"])
    for decisive in report.decisive:
        doc.add_paragraph(decisive.statement, style="List Bullet")
        _docx_provision(doc, report, decisive.provision)
    doc.add_heading(labels["laws_analysed"], level=2)
    _docx_table(
        doc,
        [labels[k] for k in ("law_title", "law_year", "law_file", "law_provisions")],
        [[w.title, str(w.year or ""), w.file, str(w.provisions)] for w in report.laws],
    )
    doc.add_heading(labels["coverage_table"], level=2)
    rows = table_rows(report)
    table = _docx_table(
        doc,
        [labels[k] for k in ("col_article", "col_topic", "col_coverage", "col_cited")],
        [
            [article, title, report.coverage_labels[coverage], str(count)]
            for article, title, coverage, count in rows
        ],
    )
    for row, (_, _, coverage, _) in zip(table.rows[1:], rows, strict=True):
        _shade(row.cells[2], coverage)
    doc.add_heading(labels["exclusions"], level=2)
    if not report.exclusions:
        doc.add_paragraph(labels["no_exclusions"])
    for exclusion in report.exclusions:
        doc.add_paragraph(f"{exclusion.statement} {exclusion.affects}", style="List Bullet")
        _docx_provision(doc, report, exclusion.provision)
    doc.add_heading(labels["gaps"], level=2)
    if not report.gaps:
        doc.add_paragraph(labels["no_gaps"])
    for gap in report.gaps:
        item = doc.add_paragraph(style="List Bullet")
        item.add_run(f"{gap_articles(gap)}: ").bold = True
        item.add_run(f"{report.coverage_labels[gap.coverage]}. {gap.statement}")


def _docx_articles(doc: DocxDocument, report: Report) -> None:
    """The Convention and the Recommendation, article by article, each part on a new page."""
    for part in report.parts:
        doc.add_page_break()
        doc.add_heading(part.title, level=1)
        for group in part.groups:
            own_heading, findings = group_items(group)
            if own_heading:
                doc.add_heading(f"{group.article}: {group.title}", level=2)
            for finding in findings:
                doc.add_heading(
                    f"{finding.article}: {finding.title}", level=3 if own_heading else 2
                )
                _docx_finding(doc, report, finding)


def _docx_finding(doc: DocxDocument, report: Report, finding: Finding) -> None:
    labels = report.labels
    line = doc.add_paragraph()
    line.add_run(f"{labels['coverage_label']}: ")
    run = line.add_run(finding.coverage_label)
    run.bold = True
    line.add_run(f" ({finding.coverage_meaning})")
    doc.add_paragraph(finding.statement)
    for note in finding.notes:
        doc.add_paragraph(note).runs[0].italic = True
    if not finding.cited:
        doc.add_paragraph(labels["no_evidence"]).runs[0].italic = True
        return
    for c in finding.evidence:
        _docx_provision(doc, report, c)
    if finding.more:
        doc.add_paragraph(labels["more_evidence"].format(citations=citations_only(finding.more)))


def _docx_provision(doc: DocxDocument, report: Report, c: CitedProvision) -> None:
    line = doc.add_paragraph()
    line.paragraph_format.keep_with_next = bool(c.quote)
    line.add_run(c.citation).bold = True
    if c.heading:
        line.add_run(f" {c.heading}").bold = True
    line.add_run(f", {provision_source(c)}. ")
    line.add_run(provision_details(report, c)).italic = True
    if c.quote:
        doc.add_paragraph(c.quote, style="Quote")


def _docx_table(doc: DocxDocument, header: list[str], rows: list[list[str]]) -> Table:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    _repeat_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    return table


def _xml(tag: str, **attributes: str) -> BaseOxmlElement:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(name), value)
    return element


def _shade(cell: _Cell, coverage: str) -> None:
    """Fill a table cell with the coverage colour (the label stays as text)."""
    from docx.shared import RGBColor

    fill = COVERAGE_COLOURS[coverage].lstrip("#").upper()
    shading = _xml("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": fill})
    cell._tc.get_or_add_tcPr().append(shading)
    colour = COVERAGE_TEXT_COLOURS[coverage].lstrip("#").upper()
    for run in cell.paragraphs[0].runs:
        run.font.color.rgb = RGBColor.from_string(colour)


def _repeat_header(row: _Row) -> None:
    """Repeat the header row on every page a table spans."""
    row._tr.get_or_add_trPr().append(_xml("w:tblHeader", **{"w:val": "true"}))


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field, which Word and LibreOffice fill with the page number."""
    field = _xml("w:fldSimple", **{"w:instr": "PAGE"})
    run = _xml("w:r")
    text = _xml("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
