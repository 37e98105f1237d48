"""The readers and the splitter on the real laws in ../shared/laws (read-only, never copied).

Skipped when the folder is missing. MX is a holdout file: it is run here to check counts,
never to tune rules.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from corpus.config import SHARED_LAWS
from corpus.model import ExtractedDocument, Provision
from extractors import detect, read, split

LAWS = SHARED_LAWS
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LAWS.is_dir(), reason="../shared/laws is not available"),
]
FORMATS = {".md", ".json", ".docx", ".pdf", ".xml"}


def _files() -> list[str]:
    if not LAWS.is_dir():
        return []
    skip = {"README.md", "QUIRKS.md"}
    return sorted(p.name for p in LAWS.iterdir() if p.suffix in FORMATS and p.name not in skip)


def _manifest_language() -> dict[str, str]:
    rows = (LAWS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return {row.split("\t")[0]: row.split("\t")[2] for row in rows if row.strip()}


@cache
def _load(name: str) -> tuple[ExtractedDocument, list[Provision]]:
    doc = read(LAWS / name)
    return doc, split(doc, detect(doc.text))


@pytest.mark.parametrize("name", _files())
def test_every_file_ingests(name: str):
    doc, provisions = _load(name)  # an ExtractionError fails the test with its one-line reason
    assert provisions, f"{name}: no provisions"
    assert detect(doc.text) == _manifest_language()[name]
    text = doc.text
    for p in provisions:
        assert 0 <= p.char_start < p.char_end <= len(text)
        for _, start, end in p.paragraphs:
            assert 0 <= start < end <= len(p.text)


def test_german_heimarbeitsgesetz():
    _, ps = _load("DE_Heimarbeitsgesetz_HAG.md")
    cites = [p.citation for p in ps]
    for n in range(1, 34):
        assert f"§ {n}" in cites
    assert {"§ 7a", "§ 16a"} <= set(cites)
    assert len(cites) == len(set(cites))
    s2 = ps[cites.index("§ 2")]
    assert s2.heading == "Begriffe"
    assert [c for c, _, _ in s2.paragraphs][:6] == [f"§ 2 Abs. {n}" for n in range(1, 7)]
    assert "Heimarbeiter im Sinne dieses Gesetzes" in s2.text
    assert s2.context == ["Erster Abschnitt - Allgemeine Vorschriften"]


def test_mexican_federal_labour_law_homework_chapter():
    _, ps = _load("MX_Ley_Federal_del_Trabajo.pdf")
    main = [p for p in ps if not p.citation.startswith("trans.")]
    by_cite = {p.citation: p for p in main if p.occurrence == 1}
    for n in range(311, 331):
        p = by_cite[f"art. {n}"]
        assert p.page_start is not None and 75 <= p.page_start <= 90
        assert any("domicilio" in c.lower() for c in p.context), p.context
    # the code's own numbering: 1010 articles plus bis/ter/-A… insertions, counted on its text
    numbers = {p.number for p in main}
    assert max(int(re.match(r"\d+", n).group()) for n in numbers) == 1010
    own = _own_numbering_mx()
    assert abs(len(numbers) - own) <= 0.02 * own
    assert any(p.citation.startswith("trans. art.") for p in ps)


def _own_numbering_mx() -> int:
    doc, _ = _load("MX_Ley_Federal_del_Trabajo.pdf")
    lines = [ln.text for ln in doc.lines]
    end = lines.index("TRANSITORIOS")
    found = set()
    for line in lines[:end]:
        m = re.match(r"^Artículo (\d+)[o°º]?\.?\s?((?:Bis|Ter|Qu[áa]ter|-[A-ZÑ]+)?)\b", line)
        if m:
            found.add((m.group(1), m.group(2).lower()))
    return len(found)


@pytest.mark.parametrize(
    ("name", "expected", "tolerance"),
    [
        ("AR_Ley_12713_Trabajo_a_Domicilio.md", 43, 0),
        ("CH_Heimarbeitsverordnung_HArGV_1982.md", 16, 0),
        ("NL_Arbeidsomstandighedenbesluit.md", 444, 0),  # one per "Artikel" heading
        ("IN_Code_on_Wages_2019.json", 69, 0),
        ("IN_Code_on_Social_Security_2020.json", 164, 0),
        ("IN_Industrial_Relations_Code_2020.json", 104, 0),
        ("ILO_C177_Home_Work_Convention_1996.md", 36, 0),
        ("FI_Tyoaikalaki_2019.md", 51, 1),
    ],
)
def test_counts_against_own_numbering(name: str, expected: int, tolerance: int):
    _, ps = _load(name)
    assert abs(len(ps) - expected) <= tolerance


def test_argentine_contract_law():
    _, ps = _load("AR_Ley_20744_Contrato_de_Trabajo.md")
    by_cite = {p.citation: p for p in ps}
    assert {"art. 17 bis", "art. 92 ter", "art. 102 bis", "art. 171", "art. 278"} <= set(by_cite)
    assert by_cite["art. 28"].repealed and by_cite["art. 28"].notes
    assert by_cite["art. 171"].heading == "Trabajo a domicilio"
    assert not any("Antecedentes" in p.text or "Artículo 113 sustituido" in p.text for p in ps)
    assert not any("infoleg" in p.text for p in ps)


def test_swiss_ordinance_repeal_from_footnote():
    _, ps = _load("CH_Heimarbeitsverordnung_HArGV_1982.md")
    art13 = next(p for p in ps if p.citation == "art. 13")
    assert art13.repealed and art13.text == ""
    art14 = next(p for p in ps if p.citation == "art. 14")
    assert "Art. 1 Abs. 1" in art14.text  # quoted amendment stays inside


def test_ilo_bilingual():
    _, ps = _load("ILO_C177_Home_Work_Convention_1996.md")
    assert [p.occurrence for p in ps] == [1] * 18 + [2] * 18
    assert ps[18].context and ps[0].context == []
    assert [c for c, _, _ in ps[3].paragraphs] == ["art. 4(1)", "art. 4(2)"]


def test_russian_labour_code():
    _, ps = _load("RU_Trudovoy_Kodeks_RF_197-FZ.docx")
    by_cite = {p.citation: p for p in ps}
    assert by_cite["art. 310"].heading == "Надомники"
    assert any(c.startswith("Глава 49.") for c in by_cite["art. 310"].context)
    assert "art. 312.1" in by_cite and by_cite["art. 7"].repealed
    assert not any("(в ред." in p.text for p in ps)
    # the code's own numbering: every "Статья N." heading once
    assert len(ps) == len(by_cite)


def test_cuban_gazette_instruments():
    _, ps = _load("CU_Gaceta_Oficial_2014_No29_Codigo_de_Trabajo_Ley116.pdf")
    roots = {p.context[0] for p in ps if p.context}
    assert any(r.startswith("LEY No. 116") for r in roots)
    assert any(r.startswith("DECRETO No. 326") for r in roots)
    first = [p for p in ps if p.citation == "art. 1"]
    assert len(first) >= 3 and [p.occurrence for p in first][:3] == [1, 2, 3]
    assert any(p.citation.startswith("trans. art.") for p in ps)


def test_colombian_code_homework_chapter():
    _, ps = _load("CO_Codigo_Sustantivo_del_Trabajo.pdf")
    by_cite = {p.citation: p for p in ps if p.occurrence == 1}
    assert "TRABAJO A DOMICILIO" in " ".join(by_cite["art. 89"].context).upper()
    assert all(by_cite[f"art. {n}"].repealed for n in (90, 91, 92, 93))
    assert not any("[Mostrar]" in p.text for p in ps)


def test_indian_trade_unions_act_skips_table_of_contents():
    _, ps = _load("IN_Trade_Unions_Act_1926.pdf")
    cites = [p.citation for p in ps]
    assert cites[:3] == ["s. 1", "s. 2", "s. 3"] and "s. 21A" in cites
    assert len(cites) == len(set(cites))
    assert ps[1].heading == "Definitions"
