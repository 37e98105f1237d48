"""The splitter on our own small statute snippets (never text of real laws)."""

from __future__ import annotations

from pathlib import Path

from corpus.model import ExtractedDocument, Line
from extractors.provisions import ordinal_value, split


def doc(text: str, headings: tuple[str, ...] = (), pages: dict[int, int] | None = None):
    """Lines from text; lines starting with '#' are headings (marker removed)."""
    lines = []
    for k, raw in enumerate(text.strip("\n").split("\n")):
        heading = raw.startswith("#")
        lines.append(Line(raw.lstrip("# ") if heading else raw, (pages or {}).get(k), heading))
    return ExtractedDocument(Path("x.txt"), "text", lines)


def cites(provisions):
    return [p.citation for p in provisions]


def test_spanish_articles_context_and_headings():
    d = doc(
        """
LEY DE PRUEBA
TÍTULO SEXTO
Trabajos especiales
CAPÍTULO XII
Trabajadores a domicilio
Artículo 311.- Trabajo a domicilio es el que se hace en la casa del trabajador.
Artículo 312.- El patrón llevará un registro.
Artículo 312 Bis.- Registro adicional.
Artículo reformado DOF 01-05-2019
Art. 5° — Toda persona pagará lo debido.
ARTÍCULO 102 ter.- Otra regla.
Artículo 59A. Regla con letra.
"""
    )
    ps = split(d, "es")
    assert cites(ps) == [
        "art. 311",
        "art. 312",
        "art. 312 bis",
        "art. 5",
        "art. 102 ter",
        "art. 59A",
    ]
    assert ps[0].context == [
        "TÍTULO SEXTO Trabajos especiales",
        "CAPÍTULO XII Trabajadores a domicilio",
    ]
    assert ps[0].text.startswith("Trabajo a domicilio es")
    assert ps[2].notes == ["Artículo reformado DOF 01-05-2019"]
    assert "reformado" not in ps[2].text
    assert ps[0].kind == "article"


def test_cross_reference_is_not_a_provision():
    d = doc(
        """
Artículo 1.- Las disposiciones de este título se aplican según lo dispuesto en el
artículo 245 de esta ley o en otras leyes.
Artículo 12, fracción II, se aplica también.
Artículo 2.- Segunda regla.
"""
    )
    ps = split(d, "es")
    assert cites(ps) == ["art. 1", "art. 2"]
    assert "artículo 245 de esta ley" in ps[0].text


def test_numbered_english_sections_and_paragraphs_and_toc():
    d = doc(
        """
THE SAMPLE ACT, 2001
ARRANGEMENT OF SECTIONS
1. Short title.
2. Definitions.
3. Registration.
4. Penalties.
CHAPTER I
PRELIMINARY
1. Short title.—(1) This Act may be called the Sample Act.
(2) It extends to the whole country.
2. Definitions.—In this Act, "worker" means a person working at home under section 3.
3. Registration.—(1) Every employer shall register.
(2) The register shall be kept.
4. Penalties.—Whoever contravenes section 3 shall be punished.
"""
    )
    ps = split(d, "en")
    assert cites(ps) == ["s. 1", "s. 2", "s. 3", "s. 4"]
    assert ps[0].context == ["CHAPTER I PRELIMINARY"]
    assert [c for c, _, _ in ps[2].paragraphs] == ["s. 3(1)", "s. 3(2)"]
    cite, start, end = ps[2].paragraphs[1]
    assert ps[2].text[start:end] == "(2) The register shall be kept."
    assert ps[1].heading == "Definitions"


def test_german_paragraphs_absaetze_repealed():
    d = doc(
        """
# Mustergesetz
## Erster Abschnitt - Allgemeines
### § 1 Geltungsbereich
(1) Dieses Gesetz gilt für alle,
die zu Hause arbeiten.
(2) Es gilt nicht nach § 2 Abs. 1
für andere.
### § 2
(weggefallen)
### § 7a Pflichten
Der Auftraggeber hat Listen zu führen.
"""
    )
    ps = split(d, "de")
    assert cites(ps) == ["§ 1", "§ 2", "§ 7a"]
    assert ps[0].kind == "paragraph" and ps[0].heading == "Geltungsbereich"
    assert [c for c, _, _ in ps[0].paragraphs] == ["§ 1 Abs. 1", "§ 1 Abs. 2"]
    assert ps[0].context == ["Erster Abschnitt - Allgemeines"]
    assert ps[1].repealed and ps[1].notes == ["(weggefallen)"] and ps[1].text == ""
    assert not ps[0].repealed


def test_bracketed_notes_leave_the_text_and_mark_repeal():
    d = doc(
        """
Art. 27. — Regla vigente sobre socios.
(Artículo sustituido por art. 1º de la Ley
N° 99.999 B.O. 1/1/2020)
Art. 28. — (Artículo derogado por art. 2 de la Ley N° 99.999)
Art. 29. — Otra regla. (Párrafo incorporado por art. 3 de la Ley N° 99.999)
"""
    )
    ps = split(d, "es")
    assert cites(ps) == ["art. 27", "art. 28", "art. 29"]
    assert ps[0].text == "Regla vigente sobre socios."
    assert ps[0].notes[0].startswith("(Artículo sustituido") and ps[0].notes[0].endswith(")")
    assert ps[1].repealed and ps[1].text == ""
    assert ps[2].text == "Otra regla." and not ps[2].repealed


def test_transitional_articles_and_ordinals():
    d = doc(
        """
Artículo 1.- Regla uno.
Artículo 2.- Regla dos.
TRANSITORIOS
Artículo Primero.- Entra en vigor mañana.
Artículo Segundo.- Se abroga la ley anterior de 1900 y todas las demás.
DISPOSICIONES TRANSITORIAS
PRIMERA: Los procesos en curso siguen.
"""
    )
    ps = split(d, "es")
    assert cites(ps) == ["art. 1", "art. 2", "trans. art. 1", "trans. art. 2", "trans. art. 1"]
    assert ps[2].context == ["TRANSITORIOS"]
    assert ps[4].occurrence == 2
    assert ordinal_value("Décimo Quinto") == "15"


def test_repeated_numbering_gets_occurrences_and_roots():
    d = doc(
        """
LEY No. 1
Artículo 1.- Primera ley.
Artículo 2.- Sigue.
DECRETO No. 2
Artículo 1.- Reglamento.
"""
    )
    ps = split(d, "es")
    assert [(p.citation, p.occurrence) for p in ps] == [("art. 1", 1), ("art. 2", 1), ("art. 1", 2)]
    assert ps[0].context == ["LEY No. 1"] and ps[2].context == ["DECRETO No. 2"]


def test_bilingual_restart_under_new_heading():
    d = doc(
        """
# Convention on things
# Article 1
Each Member shall act.
# Article 2
1. First paragraph.
2. Second paragraph.
# Verdrag over dingen
# Artikel 1
Elk Lid handelt.
"""
    )
    ps = split(d, "en")
    assert [(p.citation, p.occurrence) for p in ps] == [("art. 1", 1), ("art. 2", 1), ("art. 1", 2)]
    assert ps[2].context == ["Verdrag over dingen"]
    assert [c for c, _, _ in ps[1].paragraphs] == ["art. 2(1)", "art. 2(2)"]


def test_quoted_amended_article_stays_in_amending_article():
    d = doc(
        """
Artículo 1.- Objeto de la ley.
Artículo 2.- Incorpórase a la ley 100 el siguiente texto:
Capítulo VI
Del trabajo
Artículo 102 bis: Concepto. Habrá contrato cuando se trabaje.
Artículo 3.- Vigencia.
"""
    )
    ps = split(d, "es")
    assert cites(ps) == ["art. 1", "art. 2", "art. 3"]
    assert "Artículo 102 bis" in ps[1].text and ps[2].context == []


def test_french_finnish_russian_dutch_forms():
    fr = split(doc("Article L7412-1\nLe travailleur à domicile est un salarié.\n"), "fr")
    assert cites(fr) == ["art. L7412-1"]
    fi = split(doc("# 1 luku. Soveltamisala\n# 30 a § Yötyö\nTyöntekijä saa korvauksen.\n"), "fi")
    assert cites(fi) == ["§ 30a"] and fi[0].context == ["1 luku. Soveltamisala"]
    ru = split(
        doc(
            "# Глава 49. ОСОБЕННОСТИ\n# Статья 310. Надомники\nНадомниками считаются лица.\n"
            "(в ред. Федерального закона от 01.01.2000 N 1-ФЗ)\n"
            "# Статья 311. Утратила силу.\n"
        ),
        "ru",
    )
    assert cites(ru) == ["art. 310", "art. 311"]
    assert ru[0].heading == "Надомники" and len(ru[0].notes) == 1 and ru[1].repealed
    nl = split(
        doc(
            "# Hoofdstuk 2\n# Arbeid\n# § 2\n# Thuiswerkers\n# Artikel 2.6a\n# Titel\n"
            "1. De werkgever zorgt.\n2. De werknemer helpt.\n"
        ),
        "nl",
    )
    assert cites(nl) == ["art. 2.6a"] and nl[0].heading == "Titel"
    assert nl[0].context == ["Hoofdstuk 2 Arbeid", "§ 2 Thuiswerkers"]
    assert [c for c, _, _ in nl[0].paragraphs] == ["art. 2.6a(1)", "art. 2.6a(2)"]


def test_swiss_articles_with_superscript_absaetze():
    d = doc(
        "# 1. Abschnitt: Geltung\n# Art. 2 Pflichten\n1 Der Arbeitgeber zahlt.\n"
        "2 Der Arbeitnehmer arbeitet.\n# Art. 35 a Neu\nText.\n"
    )
    ps = split(d, "de")
    assert cites(ps) == ["art. 2", "art. 35a"]
    assert [c for c, _, _ in ps[0].paragraphs] == ["art. 2 Abs. 1", "art. 2 Abs. 2"]


def test_pages_offsets_and_closing_formula():
    d = doc(
        """
Artículo 1.- Primera regla
que sigue aquí.
Artículo 2.- Segunda regla.
Dado en la capital, a 1 de enero.
El Presidente
""",
        pages={0: 1, 1: 2, 2: 2, 3: 3, 4: 3},
    )
    ps = split(d, "es")
    assert (ps[0].page_start, ps[0].page_end) == (1, 2)
    assert (ps[1].page_start, ps[1].page_end) == (2, 2)
    assert d.text[ps[0].char_start : ps[0].char_end].startswith("Artículo 1.-")
    assert d.text[ps[0].char_start : ps[0].char_end].endswith("que sigue aquí.")
    assert "Presidente" not in ps[1].text


def test_widgets_dropped_and_stray_family_ignored():
    d = doc(
        """
Art. 10 G v. 1.1.2000
# § 1 Zweck
Text eins.
# § 2 Mittel
Text zwei.
JURISPRUDENCIA [Mostrar]
"""
    )
    ps = split(d, "de")
    assert cites(ps) == ["§ 1", "§ 2"]
    assert "Mostrar" not in ps[1].text


SIDE_NOTED = Path(__file__).parent / "statutes" / "XT_Codigo_Laboral_Refundido_2004.md"


def test_amendment_notes_in_a_column_beside_the_text_become_notes():
    # a code printed with the amending law beside each line, flattened into the line ends
    from extractors import read

    provisions = split(read(SIDE_NOTED), "es")
    by_citation = {p.citation: p for p in provisions}
    # one provision per article: "##### Artículo 2" then "Art. 2. …" is one article, and a
    # note line ("Art. 1º", "Art. único, Nº 1") opens none
    assert cites(provisions) == [
        "art. 1", "art. 2", "art. 3", "art. 4", "art. 5", "art. 5 bis", "art. 6", "art. 7",
        "art. 8",
    ]  # fmt: skip
    art2 = by_citation["art. 2"]
    assert art2.text.startswith("Para los efectos de este Código")
    assert art2.text.endswith("domicilio por cuenta de un empleador.")
    assert "L. 1" not in art2.text and "ART. PRIMERO" not in art2.text
    assert art2.notes == ["L. 17.311 ART. PRIMERO Art. 2º L. 18.442 Art. único, Nº 1"]
    assert by_citation["art. 5 bis"].notes == ["L. 18.442 Art. único Nº 3"]
    assert by_citation["art. 7"].notes == ["L. 19.003 Art. 1º Nº 4 D.O. 12.03.2001"]
    # a reference inside the text that is not at a line's end stays where it is
    assert "según lo dispone el\nartículo 3 de este Código." in by_citation["art. 4"].text
    assert [p.context for p in provisions][4] == [
        "LIBRO I DEL CONTRATO INDIVIDUAL", "Título II DE LA JORNADA"
    ]  # fmt: skip


def test_a_few_references_at_line_ends_are_no_column_of_notes():
    d = doc(
        """
Artículo 1.- Lo dispuesto en este artículo se aplica según el Art. 5
de la ley, y las multas del Art. 7
se pagan en dinero.
Artículo 2.- El empleador pagará en moneda de curso legal.
"""
    )
    first = split(d, "es")[0]
    assert "según el Art. 5\nde la ley" in first.text and first.notes == []


def test_spanish_final_dispositions_and_titles_named_de():
    # "Disposición adicional primera" after the last article is a provision of its own, outside
    # the articles' chapters; "TÍTULO II. De los …" is a division, not text of the article above
    d = doc(
        """
# TÍTULO I. Del contrato
# CAPÍTULO I. Disposiciones generales
# Sección 1.ª Ámbito
# Artículo 1. Objeto.
Esta ley regula el contrato.
# TÍTULO II. De la representación
# CAPÍTULO I. Del comité
# Artículo 2. Comité.
El comité representa a la plantilla.
# Disposición adicional primera. Plazos.
Los plazos se cuentan en días hábiles.
# Disposición derogatoria única. Derogación.
Queda derogada la ley anterior.
# Disposición final segunda. Entrada en vigor.
Esta ley entra en vigor mañana.
"""
    )
    provisions = split(d, "es")
    assert cites(provisions) == [
        "art. 1", "art. 2", "disp. adic. 1", "disp. derog. único", "disp. final 2"
    ]  # fmt: skip
    first, second, added = provisions[:3]
    assert "TÍTULO II" not in first.text
    assert first.context[-1] == "Sección 1.ª Ámbito"
    assert second.context[-1] == "CAPÍTULO I. Del comité"
    assert "Plazos" not in second.text
    assert added.context == []
