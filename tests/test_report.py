"""The coverage report: given a store of small statutes with labels, the report says what the
matrix and the stored provisions say, in DOCX, HTML and Markdown, in English and Spanish."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterable
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from cli import app
from corpus.errors import ReportError
from corpus.labels import TOPIC_IDS
from corpus.model import DocumentMeta, Evidence, Tag
from corpus.store import Store, StoredProvision
from flows.steps import ingest
from reports.country_report import (
    QUOTE_CHARS,
    TEMPLATES_DIR,
    build_report,
    load_templates,
    quote_text,
)
from reports.country_report_render import render
from reports.matrix import Cell, Matrix, build_matrix

EMPLOYMENT_ACT = """EMPLOYMENT ACT 2001

PART I PRELIMINARY

Section 1. Short title
This Act may be cited as the Employment Act 2001.

Section 2. Interpretation
In this Act "employee" means a person who works for an employer under a contract of service, \
and includes a homeworker who works in his or her own home for an employer.

PART II CONDITIONS OF WORK

Section 3. Minimum wage
(1) Every employer shall pay each employee wages at a rate not less than the minimum wage \
fixed by order of the Minister for the class of work concerned, whether the employee is paid \
by time, by the piece or by any other method of calculation.
(2) Wages shall be paid in legal tender at intervals not exceeding one month, and no deduction \
shall be made from wages except as permitted by this Act or by written agreement.
(3) An employer who pays wages by the piece shall display the rates for each piece in a place \
where employees can read them before they accept the work.

Section 4. Hours of work
No employee shall be required to work more than 48 hours in any week or without a rest day.
"""

HOME_WORK_ACT = """HOME WORK ACT 2010

Section 1. Short title
This Act may be cited as the Home Work Act 2010.

Section 2. Piece rates
An employer who gives out home work shall pay each homeworker a piece rate not lower than \
the rate for the same work done in the employer's premises.

Section 3. Register of homeworkers
Every employer who gives out home work shall keep a register of the homeworkers employed.
"""

CODIGO = """CÓDIGO DEL TRABAJO

Artículo 1.- Este código se aplica a todos los trabajadores y empleadores del país.

Artículo 2.- Las disposiciones de este código no se aplican a los trabajadores a domicilio.

Artículo 3.- Todo trabajador tiene derecho a un salario mínimo fijado por decreto.

Artículo 4.- La jornada de trabajo no excederá de ocho horas diarias.

Artículo 5.- Las vacaciones no se aplican a los trabajadores a domicilio ocasionales.
"""

FORMACION = """LEY DE FORMACIÓN PROFESIONAL

Artículo 1.- Todo trabajador tiene derecho a la formación profesional a cargo del empleador.

Artículo 2.- El Ministerio organizará cursos de capacitación para los trabajadores del país.
"""

# (file, citation) -> (status, topics, evidence spans as (label, words))
LABELS: dict[tuple[str, str], tuple[str, list[str], list[tuple[str, str]]]] = {
    ("employment.txt", "s. 1"): ("none", [], []),
    ("employment.txt", "s. 2"): ("explicit", ["definition", "scope"], [("explicit", "homeworker")]),
    ("employment.txt", "s. 3"): (
        "general",
        ["remuneration"],
        [("remuneration", "wages shall be paid in legal tender")],
    ),
    ("employment.txt", "s. 4"): ("general", ["working_time"], []),
    ("homework.txt", "s. 1"): ("none", [], []),
    ("homework.txt", "s. 2"): ("explicit", ["remuneration", "equal_treatment"], []),
    ("homework.txt", "s. 3"): ("explicit", ["records"], []),
    ("codigo.txt", "art. 1"): ("general", ["scope"], []),
    ("codigo.txt", "art. 2"): ("excludes", ["scope"], [("excludes", "trabajadores a domicilio")]),
    ("codigo.txt", "art. 3"): ("general", ["remuneration"], []),
    ("codigo.txt", "art. 4"): ("general", ["working_time"], []),
    ("codigo.txt", "art. 5"): ("excludes", ["working_time"], [("excludes", "ocasionales")]),
    ("formacion.txt", "art. 1"): ("general", ["training"], []),
    ("formacion.txt", "art. 2"): ("general", ["training"], []),
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store with two jurisdictions: XN brings homeworkers in, XS excludes them."""
    laws = [
        ("employment.txt", EMPLOYMENT_ACT, "XN", "Employment Act", 2001),
        ("homework.txt", HOME_WORK_ACT, "XN", "Home Work Act 2010", 2010),
        ("codigo.txt", CODIGO, "XS", "Código del Trabajo", 2017),
        ("formacion.txt", FORMACION, "XS", "Ley de Formación Profesional", 2019),
    ]
    path = tmp_path / "c177.sqlite"
    with Store(path) as store:
        for name, text, jurisdiction, title, year in laws:
            (tmp_path / name).write_text(text, encoding="utf-8")
            outcome = ingest(
                store,
                tmp_path / name,
                DocumentMeta(jurisdiction=jurisdiction, title=title, year=year),
            )
            assert outcome.status == "ingested", outcome
        tags = {}
        for p in store.provisions():
            status, topics, spans = LABELS[(p.document.name, p.provision.citation)]
            evidence = []
            for label, words in spans:
                start = p.provision.text.lower().index(words.lower())
                evidence.append(Evidence(label, "term", words, start, start + len(words)))
            scores = {f"status:{status}": 0.9} | {f"topic:{t}": 0.8 for t in topics}
            tags[p.id] = Tag(status, topics, scores, evidence, model_version="test-1")
        store.save_tags(tags)
        definition = next(p for p in store.provisions() if p.provision.citation == "s. 2")
        store.add_review(definition.id, "Ana", "explicit", ["definition", "scope"])
    return path


def run_report(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["report", *args])
    return result.exit_code, result.output


def fold(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("jurisdiction", ["XN", "XS"])
@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_report_in_every_format(db: Path, tmp_path: Path, jurisdiction: str, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    code, output = run_report(jurisdiction, "--db", str(db), "--format", fmt, "--out", str(out))
    assert code == 0, output
    assert out.stat().st_size > 1000
    if fmt == "html":
        page = out.read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>")
        assert "@media print" in page
        # Self-contained: no stylesheet, script, image or font fetched from elsewhere.
        assert not re.search(r"<(link|script|img)\b|url\(|src=", page)
    if fmt == "md":
        text = out.read_text(encoding="utf-8")
        assert text.startswith(f"# Homeworkers in the labour law of {jurisdiction}")
        assert "### C177 Art. 1: Definition of home work" in text


def test_format_follows_the_out_suffix(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "xn.md"
    code, output = run_report("XN", "--db", str(db), "--out", str(out))
    assert code == 0, output
    assert out.read_text(encoding="utf-8").startswith("# ")


def test_docx_keeps_headings_tables_and_quotes(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "xn.docx"
    code, output = run_report("XN", "--db", str(db), "--out", str(out))
    assert code == 0, output
    document = docx.Document(str(out))
    headings = {
        p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")
    }
    for top in ("Summary", "Convention No. 177, article by article", "Recommendation No. 184"):
        assert headings[top] == "Heading 1"
    assert headings["Annex: provisions cited"] == "Heading 1"
    assert headings["C177 Art. 1: Definition of home work"] == "Heading 2"
    assert headings["C177 Art. 4(2): Equality of treatment in particular rights"] == "Heading 2"
    assert headings["C177 Art. 4(2)(h): Maternity protection"] == "Heading 3"
    assert headings["C177 Art. 9(2): Remedies and penalties"] == "Heading 3"
    assert headings["R184 Para. 25: Termination of employment"] == "Heading 2"

    # The coverage table: one row per article read, coverage as the matrix has it.
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Article")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == 20
    coverage = {topic: cell for topic, cell in ((r[1], r[2]) for r in rows)}
    assert coverage["Definition of home work"] == "Explicit"
    assert coverage["Remuneration"] == "Explicit"
    assert coverage["Working time, rest and leave"] == "Via scope"
    assert coverage["Maternity protection"] == "Absent"

    # Quotes are Word quotes, and each is the stored text (or a cut of it).
    with Store(db) as store:
        stored = store.provisions()
    texts = [fold(p.provision.text) for p in stored]
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes
    for quote in quotes:
        for piece in quote.strip("…").split("…"):
            assert any(piece in text for text in texts), quote

    # The annex: every provision cited exists in the store with that citation and file.
    annex = document.tables[-1]
    assert [c.text for c in annex.rows[0].cells][:3] == ["Citation", "Law", "File"]
    known = {(p.document.name, p.provision.citation) for p in stored}
    cited = [(row.cells[2].text, row.cells[0].text) for row in annex.rows[1:]]
    assert cited and set(cited) <= known
    assert ("employment.txt", "s. 2") in cited and ("homework.txt", "s. 2") in cited


def test_every_statement_traces_to_a_cell(db: Path) -> None:
    with Store(db) as store:
        report = build_report(store, "XN")
        matrix = build_matrix([p for p in store.provisions() if p.document.jurisdiction == "XN"])
    for finding in report.findings:
        cell = matrix.cell("XN", finding.topic)
        assert finding.coverage == cell.coverage
        evidence_ids = {e.provision_id for e in cell.evidence}
        assert {c.provision_id for c in finding.cited} <= evidence_ids
        if cell.evidence and not finding.see:
            assert finding.evidence, finding.key  # the deciding provisions are quoted
    annexed = {(a.file, a.citation) for a in report.annex}
    assert annexed == {(c.file, c.citation) for f in report.findings for c in f.cited} | {
        (e.provision.file, e.provision.citation) for e in report.exclusions
    }


def test_absent_cell_says_absent_and_quotes_nothing(db: Path) -> None:
    with Store(db) as store:
        report = build_report(store, "XN")
    maternity = next(f for f in report.findings if f.key == "maternity")
    assert maternity.coverage == "absent"
    assert maternity.coverage_label == "Absent"
    assert maternity.evidence == [] and maternity.more == []
    assert maternity.statement == "No provision gives homeworkers maternity leave or benefits."
    text = render(report, "md").decode()
    section = text.split("#### C177 Art. 4(2)(h): Maternity protection")[1].split("\n#")[0]
    assert "**Coverage: Absent**" in section
    assert ">" not in section.replace("(no provision deals with it)", "")  # no quote
    assert "nothing is quoted" in section


def test_cell_without_evidence_is_reported_absent(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cell that claims coverage but names no provision is never passed on as covered."""

    def hollow(provisions: Iterable[StoredProvision], decisive: object = None) -> Matrix:
        list(provisions)
        cells = {("XN", t): Cell("XN", t, "explicit", []) for t in TOPIC_IDS}
        return Matrix(["XN"], list(TOPIC_IDS), cells)

    monkeypatch.setattr("reports.country_report.build_matrix", hollow)
    with Store(db) as store:
        report = build_report(store, "XN")
    assert {f.coverage for f in report.findings} == {"absent"}
    assert report.annex == [] and report.exclusions == []


def test_findings_name_their_provisions(db: Path) -> None:
    with Store(db) as store:
        report = build_report(store, "XN")
    by_key = {f.key: f for f in report.findings}
    assert by_key["remuneration"].statement == (
        "Homeworkers are covered as to remuneration by s. 2 of the Home Work Act 2010."
    )
    working = by_key["working_time"]
    assert working.coverage == "via_scope"
    assert "s. 4 of the Employment Act" in working.statement
    assert "because s. 2 of the Employment Act brings homeworkers within" in working.statement
    definition = by_key["definition"].evidence[0]
    assert definition.citation == "s. 2" and definition.reviewed
    assert definition.review_label.startswith("reviewed by Ana on ")
    assert definition.score_label == ""  # a reviewer's label has no model score
    # Art. 4(2)(c) points to Art. 7 instead of quoting the same evidence twice.
    assert by_key["safety_health_right"].notes == ["Read with C177 Art. 7 below."]
    assert [(w.file, w.year, w.provisions) for w in report.laws] == [
        ("employment.txt", 2001, 4),
        ("homework.txt", 2010, 3),
    ]


def test_exclusions_and_gaps(db: Path) -> None:
    with Store(db) as store:
        report = build_report(store, "XS")
    by_key = {f.key: f for f in report.findings}
    assert by_key["scope"].coverage == "excluded"
    assert by_key["scope"].statement == (
        "Homeworkers are excluded from the Código del Trabajo by art. 2."
    )
    assert by_key["remuneration"].statement == (
        "Homeworkers are excluded from the Código del Trabajo by art. 2, and with it from its "
        "rules on remuneration."
    )
    assert by_key["training"].coverage == "general_only"
    assert "art. 1 and art. 2 of the Ley de Formación Profesional" in by_key["training"].statement
    # The partial exclusion (occasional homeworkers) is listed, not taken as exclusion as such.
    assert any("leaves some homeworkers out" in n for n in by_key["working_time"].notes)
    statements = [e.statement for e in report.exclusions]
    assert statements[0] == "Homeworkers are excluded from the Código del Trabajo by art. 2."
    assert any(e.provision.citation == "art. 5" for e in report.exclusions)
    # Strongest gaps first: one line per exclusion, naming every article it decides; then
    # silence.
    first = report.gaps[0]
    assert first.coverage == "excluded"
    assert [f.key for f in first.findings] == ["scope", "remuneration", "working_time"]
    assert first.statement == statements[0]
    assert [g.coverage for g in report.gaps[1:]] == ["absent"] * (len(report.gaps) - 1)


def test_spanish_wording(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "xs.docx"
    code, output = run_report("XS", "--db", str(db), "--lang", "es", "--out", str(out))
    assert code == 0, output
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Resumen" in headings
    assert "Convenio núm. 177, artículo por artículo" in headings
    assert "C177 art. 4, 2), h): Protección de la maternidad" in headings
    body = "\n".join(p.text for p in document.paragraphs)
    spanish = load_templates("es").data
    assert spanish["topics"]["maternity"]["absent"] in body
    assert "El art. 2 de «Código del Trabajo» excluye de esa ley" in body
    assert "No provision" not in body and "Homeworkers are" not in body
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Artículo")
    assert {row.cells[2].text for row in table.rows[1:]} <= set(spanish["coverage"].values())


def test_spanish_templates_cover_every_english_key() -> None:
    def keys(data: dict, prefix: str = "") -> set[str]:
        found = set()
        for key, value in data.items():
            found |= keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
        return found

    english = tomllib.loads((TEMPLATES_DIR / "en.toml").read_text(encoding="utf-8"))
    spanish = tomllib.loads((TEMPLATES_DIR / "es.toml").read_text(encoding="utf-8"))
    assert keys(english) - {"lang"} == keys(spanish) - {"lang"}


def test_organisation_wording(db: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[topics.maternity]\nabsent = "Nothing on maternity in {jurisdiction}."\n', encoding="utf-8"
    )
    out = tmp_path / "xn.md"
    code, output = run_report("XN", "--db", str(db), "--templates", str(mine), "--out", str(out))
    assert code == 0, output
    assert "Nothing on maternity in XN." in out.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text('[default]\nabsent = "Nothing on {subject}."\n', encoding="utf-8")
    with pytest.raises(ReportError, match=r"default\.absent: unknown placeholder\(s\) subject"):
        load_templates("en", bad)


def test_untagged_and_unsplit_laws_are_stated(tmp_path: Path) -> None:
    memo = "This memorandum explains the policy of the ministry on the conditions of work of "
    memo += "people who work at home for others. It has no sections and no articles at all.\n"
    (tmp_path / "notes.txt").write_text(memo, encoding="utf-8")
    (tmp_path / "act.txt").write_text(HOME_WORK_ACT, encoding="utf-8")
    with Store(tmp_path / "db.sqlite") as store:
        for name in ("notes.txt", "act.txt"):
            ingest(store, tmp_path / name, DocumentMeta(jurisdiction="XQ", title=name, year=2000))
        report = build_report(store, "XQ")
    assert {(w.file, w.provisions) for w in report.laws} == {("notes.txt", 0), ("act.txt", 3)}
    assert "3 of 3 provisions of these laws carry no tag yet" in report.notices[1]
    assert {f.coverage for f in report.findings} == {"absent"} and report.annex == []


def test_unknown_jurisdiction_lists_known_ones(db: Path) -> None:
    code, output = run_report("XQ", "--db", str(db), "--format", "md")
    assert code == 2
    assert "unknown jurisdiction 'XQ'" in output and "XN, XS" in output
    code, _ = run_report("xn", "--db", str(db), "--format", "md", "--out", str(db.parent / "a.md"))
    assert code == 0  # codes match case-insensitively


def test_missing_database_is_not_created(tmp_path: Path) -> None:
    code, output = run_report("XN", "--db", str(tmp_path / "none.sqlite"))
    assert code == 2 and "no database" in output
    assert not (tmp_path / "none.sqlite").exists()


def test_long_provisions_are_cut_around_the_tagged_words(db: Path) -> None:
    with Store(db) as store:
        wages = next(p for p in store.provisions() if p.provision.citation == "s. 3")
    assert len(fold(wages.provision.text)) > QUOTE_CHARS
    quote = quote_text(wages, ["remuneration"])
    assert quote.startswith("…") and quote.endswith("…")
    assert len(quote) <= QUOTE_CHARS + 2
    assert "wages shall be paid in legal tender" in quote.lower()
    assert quote.strip("…") in fold(wages.provision.text)
    opening = quote_text(wages, [])
    assert opening.startswith("Minimum wage") and opening.endswith("…")


@pytest.mark.browser
@pytest.mark.slow
def test_html_prints_in_chromium(db: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no chromium")
    page, pdf = tmp_path / "xn.html", tmp_path / "xn.pdf"
    code, output = run_report("XN", "--db", str(db), "--format", "html", "--out", str(page))
    assert code == 0, output
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
    ]  # fmt: skip
    subprocess.run(
        [chromium, *flags, f"--print-to-pdf={pdf}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 3  # each part starts on a new page when printed
    first = reader.pages[0].extract_text()
    assert "Homeworkers in the labour law of XN" in first
    assert "Contents" not in first  # the on-screen table of contents is not printed
