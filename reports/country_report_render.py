"""Renderers of a `reports.country_report.Report`: DOCX (python-docx), HTML, Markdown.

They lay out what the model holds and add no facts: every sentence and label comes from the
model, which took it from the matrix, the store and the templates. The three formats share
one outline: title, summary (laws, coverage table, exclusions, main gaps), the Convention
article by article, the Recommendation, and the annex of provisions cited.
"""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import TYPE_CHECKING

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


# ---- Markdown -------------------------------------------------------------------------------


def _md_cell(text: object) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |"]
    lines.append("|" + "|".join(" --- " for _ in header) + "|")
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def render_markdown(report: Report) -> str:
    labels = report.labels
    out = [f"# {report.title}", "", f"*{report.subtitle}*", "", report.generated, ""]
    out += [f"> {notice}\n" for notice in report.notices]
    out += [f"## {labels['summary']}", "", f"### {labels['laws_analysed']}", ""]
    out += _md_table(
        [labels[k] for k in ("law_title", "law_year", "law_file", "law_provisions")],
        [[law.title, str(law.year or ""), law.file, str(law.provisions)] for law in report.laws],
    )
    out += [f"### {labels['coverage_table']}", ""]
    out += _md_table(
        [labels[k] for k in ("col_article", "col_topic", "col_coverage", "col_cited")],
        [
            [article, title, report.coverage_labels[coverage], str(count)]
            for article, title, coverage, count in table_rows(report)
        ],
    )
    out += [f"### {labels['exclusions']}", ""]
    if not report.exclusions:
        out += [labels["no_exclusions"], ""]
    for row in report.exclusions:
        c = row.provision
        out += [f"- {row.statement} {row.affects} ({provision_source(c)})"]
        if c.quote:
            out += [f"  > {c.quote}"]
    out += ["", f"### {labels['gaps']}", ""]
    if not report.gaps:
        out += [labels["no_gaps"]]
    out += [
        f"- **{gap_articles(gap)}**: {report.coverage_labels[gap.coverage]}. {gap.statement}"
        for gap in report.gaps
    ]
    out += [""]
    for part in report.parts:
        out += [f"## {part.title}", ""]
        for group in part.groups:
            own_heading, findings = group_items(group)
            if own_heading:
                out += [f"### {group.article}: {group.title}", ""]
            for finding in findings:
                level = "####" if own_heading else "###"
                out += [f"{level} {finding.article}: {finding.title}", ""]
                out += _md_finding(report, finding)
    out += [f"## {labels['annex']}", "", labels["annex_intro"], ""]
    out += _md_table(annex_header(report), annex_rows(report))
    return "\n".join(out).rstrip() + "\n"


def _md_finding(report: Report, finding: Finding) -> list[str]:
    labels = report.labels
    out = [
        f"**{labels['coverage_label']}: {finding.coverage_label}** ({finding.coverage_meaning})",
        "",
        finding.statement,
        "",
    ]
    out += [f"{note}\n" for note in finding.notes]
    if not finding.cited:
        return out + [f"*{labels['no_evidence']}*", ""]
    if finding.evidence:
        out += [f"*{labels['evidence']}:*", ""]
    for c in finding.evidence:
        heading = f" {c.heading}" if c.heading else ""
        out += [
            f"- **{c.citation}**{heading}, {provision_source(c)}: {provision_details(report, c)}"
        ]
        if c.quote:
            out += [f"  > {c.quote}"]
    if finding.evidence:
        out += [""]
    if finding.more:
        out += [labels["more_evidence"].format(citations=citations_only(finding.more)), ""]
    return out


# ---- HTML -----------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1d1d1f; --muted: #5b5b60; --rule: #d5d5da; --accent: #2b4c7e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 "Segoe UI", "Helvetica Neue", Arial, "Noto Sans", "DejaVu Sans", sans-serif; }
main { max-width: 54rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .3rem; color: var(--accent); }
h2 { font-size: 1.45rem; margin: 2.4rem 0 .8rem; padding-bottom: .25rem;
  border-bottom: 2px solid var(--accent); color: var(--accent); }
h3 { font-size: 1.15rem; margin: 1.8rem 0 .5rem; }
h4 { font-size: 1.02rem; margin: 1.4rem 0 .4rem; }
.subtitle { font-size: 1.05rem; color: var(--muted); margin: 0 0 .6rem; }
.generated { font-size: .85rem; color: var(--muted); }
.notice { border-left: 4px solid #c9a227; background: #fbf6e4; padding: .5rem .8rem;
  margin: .6rem 0; font-size: .92rem; }
nav.toc { font-size: .9rem; columns: 2; column-gap: 2rem; margin: 1rem 0; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc ul { margin: 0; padding-left: 1.1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid var(--rule); padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #eef1f6; }
td.num { text-align: right; }
td a { color: var(--accent); text-decoration: none; }
.badge { display: inline-block; min-width: 1.6em; padding: .05rem .45rem; border-radius: .3rem;
  font-weight: 600; font-size: .85rem; white-space: nowrap; border: 1px solid #0002;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.coverage { margin: .2rem 0 .4rem; }
.meaning { color: var(--muted); }
.statement { margin: .4rem 0; }
.note { font-size: .92rem; color: var(--muted); margin: .3rem 0; }
.none { font-style: italic; color: var(--muted); }
.provision { margin: .6rem 0 .9rem; }
.provision .cite { font-weight: 600; }
.provision .source { color: var(--ink); }
.provision .details { display: block; font-size: .85rem; color: var(--muted); }
blockquote { margin: .35rem 0 0; padding: .35rem .8rem; border-left: 3px solid var(--rule);
  background: #f7f7f9; font-family: Georgia, "DejaVu Serif", serif; font-size: .93rem; }
ul.list li { margin: .3rem 0; }
.evidence-label { font-size: .85rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); margin: .8rem 0 .2rem; }
@media print {
  @page { size: A4; margin: 16mm 15mm 18mm; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-before: page; }
  h2.first { break-before: auto; }
  h2, h3, h4, .evidence-label, .coverage { break-after: avoid; }
  .provision, blockquote, tr, .notice { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text if text is not None else ""))


def _badge(report: Report, coverage: str) -> str:
    # The code letter and the label travel with the colour: colour is never the only cue.
    style = f"background:{COVERAGE_COLOURS[coverage]};color:{COVERAGE_TEXT_COLOURS[coverage]}"
    return (
        f'<span class="badge cov-{coverage}" style="{style}">{_e(COVERAGE_CODES[coverage])}'
        f" {_e(report.coverage_labels[coverage])}</span>"
    )


def _html_table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """Rows hold ready HTML; the header is escaped here."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>' if i in numeric else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _anchor(finding: Finding) -> str:
    return "s-" + finding.key.replace("_", "-")


def render_html(report: Report) -> str:
    labels = report.labels
    out: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(report.lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(report.title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(report.title)}</h1>",
        f'<p class="subtitle">{_e(report.subtitle)}</p>',
        f'<p class="generated">{_e(report.generated)}</p>',
    ]
    out += [f'<p class="notice">{_e(notice)}</p>' for notice in report.notices]
    out.append(_html_toc(report))
    out.append(f'<h2 class="first" id="summary">{_e(labels["summary"])}</h2>')
    out.append(f"<h3>{_e(labels['laws_analysed'])}</h3>")
    out.append(
        _html_table(
            [labels[k] for k in ("law_title", "law_year", "law_file", "law_provisions")],
            [[_e(w.title), _e(w.year or ""), _e(w.file), _e(w.provisions)] for w in report.laws],
            numeric={3},
        )
    )
    out.append(f"<h3>{_e(labels['coverage_table'])}</h3>")
    out.append(
        _html_table(
            [labels[k] for k in ("col_article", "col_topic", "col_coverage", "col_cited")],
            [
                [
                    _e(f.article),
                    f'<a href="#{_anchor(f)}">{_e(f.title)}</a>',
                    _badge(report, f.coverage),
                    _e(len(f.cited)),
                ]
                for f in report.findings
            ],
            numeric={3},
        )
    )
    out.append(f"<h3>{_e(labels['exclusions'])}</h3>")
    if not report.exclusions:
        out.append(f'<p class="none">{_e(labels["no_exclusions"])}</p>')
    for row in report.exclusions:
        out.append(
            f'<div class="provision"><p class="statement">{_e(row.statement)} '
            f'<span class="meaning">{_e(row.affects)}</span></p>'
            + _html_provision(report, row.provision)
            + "</div>"
        )
    out.append(f"<h3>{_e(labels['gaps'])}</h3>")
    if not report.gaps:
        out.append(f'<p class="none">{_e(labels["no_gaps"])}</p>')
    else:
        out.append('<ul class="list">')
        for gap in report.gaps:
            links = "; ".join(
                f'<a href="#{_anchor(f)}">{_e(f.article)}</a>'
                + (f" ({_e(f.title)})" if len(gap.findings) == 1 else "")
                for f in gap.findings
            )
            out.append(f"<li>{_badge(report, gap.coverage)} {links}: {_e(gap.statement)}</li>")
        out.append("</ul>")
    for number, part in enumerate(report.parts):
        out.append(f'<h2 id="part-{number}">{_e(part.title)}</h2>')
        for group in part.groups:
            own_heading, findings = group_items(group)
            if own_heading:
                out.append(f"<h3>{_e(group.article)}: {_e(group.title)}</h3>")
            for finding in findings:
                tag = "h4" if own_heading else "h3"
                out.append(
                    f'<section><{tag} id="{_anchor(finding)}">{_e(finding.article)}: '
                    f"{_e(finding.title)}</{tag}>"
                )
                out.append(_html_finding(report, finding))
                out.append("</section>")
    out.append(f'<h2 id="annex">{_e(labels["annex"])}</h2>')
    out.append(f"<p>{_e(labels['annex_intro'])}</p>")
    out.append(
        _html_table(annex_header(report), [[_e(c) for c in row] for row in annex_rows(report)])
    )
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"


def _html_toc(report: Report) -> str:
    labels = report.labels
    items = [f'<li><a href="#summary">{_e(labels["summary"])}</a></li>']
    for number, part in enumerate(report.parts):
        inner = "".join(
            f'<li><a href="#{_anchor(f)}">{_e(f.article)}: {_e(f.title)}</a></li>'
            for f in [f for group in part.groups for f in group.findings]
        )
        items.append(f'<li><a href="#part-{number}">{_e(part.title)}</a><ul>{inner}</ul></li>')
    items.append(f'<li><a href="#annex">{_e(labels["annex"])}</a></li>')
    return (
        f'<nav class="toc" aria-label="{_e(labels["contents"])}"><strong>'
        f"{_e(labels['contents'])}</strong><ul>{''.join(items)}</ul></nav>"
    )


def _html_provision(report: Report, c: CitedProvision) -> str:
    heading = f" {_e(c.heading)}" if c.heading else ""
    quote = f"<blockquote>{_e(c.quote)}</blockquote>" if c.quote else ""
    return (
        f'<div class="provision"><span class="cite">{_e(c.citation)}</span>{heading}, '
        f'<span class="source">{_e(provision_source(c))}</span>'
        f'<span class="details">{_e(provision_details(report, c))}</span>{quote}</div>'
    )


def _html_finding(report: Report, finding: Finding) -> str:
    labels = report.labels
    out = [
        f'<p class="coverage">{_e(labels["coverage_label"])}: {_badge(report, finding.coverage)}'
        f' <span class="meaning">{_e(finding.coverage_meaning)}</span></p>',
        f'<p class="statement">{_e(finding.statement)}</p>',
    ]
    out += [f'<p class="note">{_e(note)}</p>' for note in finding.notes]
    if not finding.cited:
        out.append(f'<p class="none">{_e(labels["no_evidence"])}</p>')
        return "".join(out)
    if finding.evidence:
        out.append(f'<p class="evidence-label">{_e(labels["evidence"])}</p>')
    out += [_html_provision(report, c) for c in finding.evidence]
    if finding.more:
        text = labels["more_evidence"].format(citations=citations_only(finding.more))
        out.append(f'<p class="note">{_e(text)}</p>')
    return "".join(out)


# ---- DOCX -----------------------------------------------------------------------------------


def render_docx(report: Report) -> bytes:
    """A Word document with real Heading, Quote and List styles and real tables, so that a
    reader can restyle it, navigate it and build a table of contents from it."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    labels = report.labels
    doc = Document()
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

    doc.add_heading(report.title, level=0)
    doc.add_paragraph(report.subtitle, style="Subtitle")
    doc.add_paragraph(report.generated)
    for notice in report.notices:
        doc.add_paragraph(notice, style="Intense Quote")

    doc.add_heading(labels["summary"], level=1)
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

    doc.add_page_break()
    doc.add_heading(labels["annex"], level=1)
    doc.add_paragraph(labels["annex_intro"])
    _docx_table(doc, annex_header(report), annex_rows(report))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


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
