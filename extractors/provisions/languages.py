"""The words and patterns of the languages we read: ordinal words, provision headings by
family and the families each language uses, division headings by rank, editorial notes,
closing formulas and numbered paragraphs; `grammar_for(language)` picks a language's share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.labels import ProvisionKind

# --- words ---------------------------------------------------------------------------------

_ES_UNITS = {
    "primero": 1, "primera": 1, "primer": 1, "segundo": 2, "segunda": 2, "tercero": 3,
    "tercera": 3, "tercer": 3, "cuarto": 4, "cuarta": 4, "quinto": 5, "quinta": 5,
    "sexto": 6, "sexta": 6, "séptimo": 7, "séptima": 7, "septimo": 7, "septima": 7,
    "octavo": 8, "octava": 8, "noveno": 9, "novena": 9,
    "premier": 1, "première": 1,  # French "Article premier"
}  # fmt: skip
_ES_TENS = {
    "décimo": 10, "décima": 10, "decimo": 10, "decima": 10, "vigésimo": 20, "vigésima": 20,
    "vigesimo": 20, "vigesima": 20, "trigésimo": 30, "trigésima": 30, "trigesimo": 30,
    "trigesima": 30, "cuadragésimo": 40, "cuadragésima": 40,
}  # fmt: skip
_ES_SPECIAL = {"undécimo": 11, "undécima": 11, "duodécimo": 12, "duodécima": 12}
_UNIT_RE = "|".join(sorted(_ES_UNITS, key=len, reverse=True))
_TEN_RE = "|".join(sorted(_ES_TENS, key=len, reverse=True))
# "Primero", "Décimo Quinto", "Decimoquinto", "Vigésimo", "Único"
ORD_ES = (
    rf"(?:(?:{_TEN_RE})\s?(?:{_UNIT_RE})?|(?:{_UNIT_RE})|und[ée]cim[oa]|duod[ée]cim[oa]"
    r"|[úu]nic[oa])(?![a-záéíóú])"
)
ORD_DE = (
    r"(?:erst|zweit|dritt|viert|fünft|sechst|siebt|siebent|acht|neunt|zehnt|elft|zwölft"
    r"|\w{3,6}zehnt|zwanzigst)e[rsn]?"
)
ORD_RU = r"(?:перв|втор|трет|четверт|пят|шест)\w{0,3}"
ORD_EN = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
ROMAN = r"[IVXLCDM]+(?![a-z])"


def ordinal_value(word: str) -> str:
    """ "Décimo Quinto" -> "15", "Primera" -> "1", "Único" -> "único"; unknown words unchanged."""
    w = re.sub(r"\s+", " ", word.strip().lower())
    if w in ("único", "única", "unico", "unica"):
        return "único"
    if w in _ES_SPECIAL:
        return str(_ES_SPECIAL[w])
    for ten, tv in _ES_TENS.items():
        if w.startswith(ten):
            rest = w[len(ten) :].strip()
            return str(tv + _ES_UNITS.get(rest, 0)) if (not rest or rest in _ES_UNITS) else w
    return str(_ES_UNITS.get(w, w))


# --- provision headings --------------------------------------------------------------------

_NUM = (
    r"(?P<num>[LRD]\.?\s?\d+(?:-\d+)+|\d+(?:\.\d+)*(?:-\d+\b|-[A-ZÑ]{1,2}\b)?"
    rf"|(?i:{ORD_ES}))"
)
_ORDMARK = r"(?P<ord>\s?[°º](?:\s)?|o(?![a-zA-Z]))?"
_SUFFIX = (
    r"(?P<suf>\.?\s?(?i:bis|ter|qu[áa]ter|quinquies|quintus|sexies|septies|octies|nonies|decies)\b"
    # "152 bis B", "40 bis e", "152 quáter Ñ", "152 quáter O bis": lettered bis articles
    r"(?:\s[A-Za-zÑñ]{1,2}(?:\s(?i:bis|ter))?(?=\s*[.:\-—–]|\s*$))?"
    r"|(?<=\d)[a-z]{1,2}\b|(?<=\d)[A-Z]\b|\s[A-ZÑ]{1,2}(?=\s*[.:\-—–]|\s*$)"
    r"|\s[a-z](?=\s+[A-ZÄÖÜ]|\s*$))?"
)
_REST = r"(?P<rest>.*)$"

# family -> pattern; families are chosen per language below.
_ARTICLE = re.compile(
    r"^(?P<kw>art[íi](?:\(cid:\d+\))?\s?culo|artigo|article|artikel|art\.|статья)\s*"
    + _NUM
    + _ORDMARK
    + _SUFFIX
    + _REST,
    re.IGNORECASE,
)
_PARAGRAPH_SIGN = re.compile(r"^§\s*(?P<num>\d+[a-z]{0,2})\b(?P<suf>)(?P<ord>)" + _REST)
_FINNISH = re.compile(r"^(?P<num>\d+(?:\s?[a-z])?)\s?§(?P<suf>)(?P<ord>)(?=\s|$)" + _REST)
_SECTION = re.compile(
    r"^(?:Section|SECTION|Sec\.|SEC\.)\s*(?P<num>\d+[A-Z]{0,3})\b(?P<suf>)(?P<ord>)" + _REST
)
# English acts: "2. Definitions.—In this Act,"; "3[21A. Disqualifications …" (amendment
# brackets). The dash after the marginal title is what sets it apart from list items.
_NUMBERED = re.compile(
    r"^(?:\d{1,2}\[|\[)?(?P<num>\d+[A-Z]{0,3})\.(?P<suf>)(?P<ord>)\s+"
    r"(?P<rest>[A-Z][^—]{0,200}?(?:\.\s?—|\.\s?--|\.\s?–|\.-)\s*.*)$"
)
# Gazette layouts whose marginal titles are gone: "2. (1) In this Code …". Only a fallback
# (when no other family is found), and only in strict sequence.
_NUMBERED_BARE = re.compile(
    r"^(?P<num>\d+[A-Z]{0,3})\.(?P<suf>)(?P<ord>)\s*(?P<rest>(?:\(1\)\s?|[A-Z]).*)$"
)

# Spanish final provisions each under its own heading, after the articles: "Disposición
# adicional primera. …", "Disposición derogatoria única.", and the annexes ("ANEXO", "Anexo II").
_DISPOSITION = re.compile(
    r"^(?:Disposici[óo]n\s+(?P<kw>adicional|transitoria|derogatoria|final)\s+"
    rf"(?P<num>(?i:{ORD_ES}))|(?P<annex>ANEXO|Anexo)(?:\s+(?P<annex_num>{ROMAN}|\d+))?(?=\s*[.:]?\s*$))"
    r"(?P<suf>)(?P<ord>)" + _REST
)
DISPOSITION_PREFIX = {"adicional": "disp. adic.", "transitoria": "disp. trans.",
                      "derogatoria": "disp. derog.", "final": "disp. final"}  # fmt: skip

# Spanish final provisions numbered by ordinal words: "PRIMERA:", "Segunda.-"
ORDINAL_ITEM = re.compile(rf"^(?P<num>(?i:{ORD_ES}))(?P<suf>)(?P<ord>)\s*(?P<rest>[:.\-—–]+.*)$")

FAMILY_PATTERNS = {
    "article": _ARTICLE,
    "paragraph": _PARAGRAPH_SIGN,
    "finnish": _FINNISH,
    "section": _SECTION,
    "numbered": _NUMBERED,
    "bare": _NUMBERED_BARE,
    "disposition": _DISPOSITION,
}
FAMILY_KIND: dict[str, ProvisionKind] = {
    "article": "article", "paragraph": "paragraph", "finnish": "paragraph",
    "section": "section", "numbered": "section", "bare": "section", "ordinal": "article",
    "disposition": "article",
}  # fmt: skip
FAMILY_PREFIX = {
    "article": "art.", "paragraph": "§", "finnish": "§", "section": "s.", "numbered": "s.",
    "bare": "s.",
    "ordinal": "art.",
    "disposition": "",  # the number holds its kind: "disp. adic. 1", "annex II"
}  # fmt: skip
_LANGUAGE_FAMILIES = {
    "en": ("article", "section", "numbered", "paragraph", "bare"),
    "de": ("paragraph", "article"),
    "fi": ("finnish", "article"),
    "nl": ("article",),  # in Dutch law "§" is a grouping (paragraaf), not a provision
    "es": ("article", "disposition", "paragraph"),
}
_DEFAULT_FAMILIES = ("article", "paragraph")

# Words after a number that make it a cross-reference ("Art. 1 Abs. 1", "§ 2 Satz 1").
REFERENCE_WORD = re.compile(
    r"^(?:Abs\.|Absatz|Abs\b|Satz|Nr\.|Ziff\.|lit\.|Buchst|Unterabs|al\.|alinéa|párrafo|"
    r"inciso|fracción|numeral|of\b|de\b|del\b|des\b|der\b|van\b|and\b|to\b|y\b|et\b|und\b|"
    r"bis\s+\d|a\s+\d|tot\b|und\b|N[º°o]\.?\s*\d)",
    re.IGNORECASE,
)
DELIMITER = re.compile(r"^(?:\s*[.:\-—–]+)+\s*")

# --- divisions -----------------------------------------------------------------------------

# (rank, keyword alternation, languages or None for all). Lower rank = higher division.
_GROUP_WORDS: list[tuple[int, str, tuple[str, ...] | None]] = [
    (0, r"libro|book|livre|buch|boek|parte|part|partie|teil|deel|часть", None),
    (1, r"t[íi]tulo|title|titre|titel|раздел", None),
    (2, r"cap[íi]tulo|chapter|chapitre|kapitel|hoofdstuk|глава|capitolo|abschnitt|luku", None),
    (3, r"secci[óo]n|afdeling|unterabschnitt|se[çc][ãa]o|sezione", None),
    (3, r"section", ("fr", "es", "pt", "it")),
    (4, r"subsecci[óo]n|sous-section|paragraaf", None),
    (4, r"§", ("nl",)),
]
_GROUP_NUM = rf"(?:{ROMAN}|\d+[A-Za-z]?(?:\.\d+)*|{ORD_ES}|{ORD_RU}|{ORD_EN})"
_NAME_SEP = r"(?:\s*[:.\-—–]+)?\s*"


def _group_patterns(language: str) -> list[tuple[int, re.Pattern[str], re.Pattern[str]]]:
    out = []
    for rank, words, langs in _GROUP_WORDS:
        if langs is not None and language not in langs:
            continue
        kw = rf"(?P<kw>{words})"
        after = r"(?=$|[\s.:\-—–])"
        first = re.compile(
            rf"^{kw}\s*(?P<num>{_GROUP_NUM})(?:\.?[ªº])?{after}\.?{_NAME_SEP}(?P<name>.*)$",
            re.IGNORECASE,
        )
        # "1 luku. Soveltamisala", "1. Abschnitt: …", "Erster Abschnitt - …", "PRIMERA PARTE."
        before = re.compile(
            rf"^(?P<num>\d+|{ORD_DE}|{ORD_ES})\.?\s+{kw}\b\.?{_NAME_SEP}(?P<name>.*)$",
            re.IGNORECASE,
        )
        out.append((rank, first, before))
    return out


# Transitional and other final provisions: a division of rank 0 of their own.
FINAL_GROUP = re.compile(
    r"^(?:(?:art[íi]culos?|disposici[óo]n(?:es)?|normas?|provisions?|dispositions?)\s+)?"
    r"(?P<kind>transitori[oa]s?|transitional|transitoires?|finales|final|adicionales|"
    r"especiales|derogatorias?)(?:\s+provisions?)?\s*\.?$",
    re.IGNORECASE,
)
FINAL_PREFIX = {"trans": "trans.", "final": "final", "adic": "add.", "espe": "spec.",
                 "dero": "derog."}  # fmt: skip

# A new instrument inside one file (official gazettes): "LEY No. 116", "DECRETO No. 326".
INSTRUMENT = re.compile(
    r"^(?:LEY|DECRETO(?:-LEY)?|RESOLUCI[ÓO]N|ACUERDO|ORDEN)\s+(?:No\.?|N[ºo°]\.?|NÚMERO|NUMERO)"
    r"\s*\d[\d/.\-]*\s*(?:(?:DE|de)\s+\d{4})?[.,]?\s*$"
)

# --- notes, closings, junk -----------------------------------------------------------------

_NOTE_PARTICIPLE = (
    r"(?:sustituid|incorporad|derogad|modificad|observad|vetad|agregad|suprimid|reformad|"
    r"adicionad|abrogad|recorrid|reubicad|aclarad)[oa]s?\b"
)
# An editorial note in brackets, anywhere in a line: "(Artículo sustituido por …",
# "(в ред. Федерального закона …)". It may run over several lines.
PAREN_NOTE = re.compile(
    rf"\(\s*(?:(?:\S+\s+){{0,3}}?{_NOTE_PARTICIPLE}|Nota\s+Infoleg|в\s+ред\.|в\s+редакции|"
    r"(?:\S+\s+){0,2}?введен[аоы]?\b|(?:\S+\s+){0,2}?утратил|(?:\S+\s+){0,2}?исключен|"
    r"weggefallen\)|aufgehoben\)|repealed\)|omitted\))",
    re.IGNORECASE,
)
# Whole-line notes.
NOTE_LINE = re.compile(
    "|".join(
        [
            # MX: "Artículo reformado DOF 30-11-2012", "Párrafo adicionado DOF …"
            rf"^(?:[A-ZÁÉÍÓÚ][\wáéíóúñ]*\s+){{1,6}}?(?:\w+\s+)?{_NOTE_PARTICIPLE}.*\bDOF\b",
            r"^(?:Reformad|Adicionad|Derogad)[oa]s?\b.*\bDOF\b",
            r"^Fe de erratas\b",
            # RU: "Часть вторая утратила силу. - …"
            r"^(?:Часть|Пункт|Абзац|Подпункт|Статья)\s+\S+(?:\s+\S+)?\s+утратил[аио]?\s+силу",
            r"^\[(?:Aufgehoben|Abrogé|Abrogato|Repealed|Derogad)",
            r"^\((?:weggefallen|aufgehoben)\)\.?$",
            r"^Vervallen(?:\s+per\s+[\d\-]+)?\.?$",
            r"^(?:\d+\s*(?:§|momentti|kohta)|\d+\s+[a-z]\s+§).{0,40}\bon kumottu\b",
            r"^\[Footnote\]",
            # amendment notes printed beside a code's text, one reference a line: the amending
            # law ("Ley 21.340", "Act No. 4 of 2019"), its article ("Art. 1º Nº 2", "s. 3(b)"),
            # its gazette ("D.O. 25.05.2021"), or "Amended by Act No. 9 of 2021, s. 2."
            r"^(?:Ley|Decreto(?:\s+Ley)?|D\.?F\.?L\.?|D\.?L\.?)\s+(?:N[º°o]\.?\s*)?\d[\d.]*"
            r"(?:,?\s+de\s+\d{4})?\.?$",
            r"^Art(?:[íi]culo|\.)?\s*(?:\d+\s*[º°o]?|[úu]nico|[A-ZÁÉÍÓÚ]+)\s*,?\s*"
            r"(?:N[º°o]\.?\s*\d+|letra\s+\w\b|inciso\s+\w+)[^.]{0,40}$",
            r"^D\.\s?O\.\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\.?$",
            r"^(?:Act|Law|Ordinance|Decree)\s+No\.?\s*\d+\s+of\s+\d{4}(?:,\s*s\.\s*[\w()]+)?\.?$",
            r"^ss?\.\s*\d+[A-Z]?(?:\(\w{1,4}\))*\.?$",
            r"^(?:Amended|Inserted|Substituted|Added|Renumbered|Repealed)\s+by\s+"
            r"(?:Act|Law|Ordinance|Decree|Regulation)s?\b.{0,80}$",
            r"^\d{1,2}\.\s*(?:Subs\.|Ins\.|Omitted|Rep\.|The words|Added by|Cl\.|Clause|"
            r"Renumbered|Certain words|Now see|For the words|Vide|See\b)",
            r"^\(\*\)$",
            r"^\((?:derogad[oa]|se deroga|repealed|omitted|abrogé)[^)]*\)\.?$",
        ]
    ),
    re.IGNORECASE,
)
# Amendment notes printed in a column beside a code's text and flattened into the ends of its
# lines: "… que cumple el L. 18.620", "… para contratar y ART. PRIMERO", "… que elijan. Art. 2º",
# "… respeto a las Art. único, Nº 4", "… se D.O. 26.04.2023". A document has such a column when
# many lines end with the amending law's number or its article in capitals (SIDE_NOTE_MARK).
_SIDE_NOTE = (
    r"L\.\s?\d{1,2}\.?\d{3}|ART\.\s+[A-ZÁÉÍÓÚ]{4,}|D\.\s?O\.\s*\d{1,2}\.\d{1,2}\.\d{2,4}|"
    r"Art\.\s*(?:\d+\s*[º°o]?|[úu]nico)(?:\s*,?\s*N[º°o]\.?\s*\d+)?(?:,?\s+letra\s+\w\))?"
)
SIDE_NOTE_END = re.compile(rf"\s(?P<note>{_SIDE_NOTE})$")
SIDE_NOTE_LINE = re.compile(rf"(?:{_SIDE_NOTE})(?:\s+(?:{_SIDE_NOTE}))*")
SIDE_NOTE_MARK = re.compile(r"\s(?:L\.\s?\d{1,2}\.?\d{3}|ART\.\s+[A-ZÁÉÍÓÚ]{4,})$")
# Lines that are not law at all (web widgets, disclaimers): dropped without a trace.
DROP_LINE = re.compile(
    r"\[Mostrar\]|^Los datos publicados en SUIN-Juriscol|^Ver Antecedentes Normativos$",
    re.IGNORECASE,
)
# Closing formulas, signatures, non-law annexes: they end the current provision.
END_LINE = re.compile(
    r"^(?:Lasten en bevelen|Gegeven te\b|'s-Gravenhage\b|Dad[oa] en\b|Sal[óo]n de sesiones\b|"
    r"Given under\b|Fait à\b|Schlu(?:ß|ss)formel$|Fussnoten$|Notes de bas de page$|"
    r"Antecedentes Normativos$|Die verfassungsmäßigen Rechte\b|Das vorstehende Gesetz\b|"
    r"Por tanto,? mando|COMUN[ÍI]QUESE\b)",
    re.IGNORECASE,
)
REPEAL = re.compile(
    r"derogad[oa]|abrogad[oa]|\bse deroga|weggefallen|aufgehoben|vervallen|утратил[аио]?\s+силу|"
    r"\brepealed\b|\bomitted\b|kumottu|abrogée?|abrogat[oa]",
    re.IGNORECASE,
)

# --- numbered paragraphs -------------------------------------------------------------------

_PARA_BRACKET = re.compile(r"^(?:\d{1,2}\[|\[)?\((?P<n>\d+)(?P<s>[A-Za-z]{0,2})\)\s")
_PARA_DOT = re.compile(r"^(?P<n>\d+)(?P<s>[a-z]?)\.\s+\S")
_PARA_BARE = re.compile(r"^(?P<n>\d+)(?P<s>[a-z]?)\s+(?=[A-ZÄÖÜ«„\"])")


@dataclass
class Grammar:
    language: str
    families: tuple[str, ...]
    groups: list[tuple[int, re.Pattern[str], re.Pattern[str]]]
    paragraphs: tuple[re.Pattern[str], ...]
    german: bool


def grammar_for(language: str) -> Grammar:
    lang = (language or "").lower()[:2]
    if lang == "de":
        paras: tuple[re.Pattern[str], ...] = (_PARA_BRACKET, _PARA_BARE)
    elif lang == "en":
        paras = (_PARA_BRACKET, _PARA_DOT)
    elif lang == "nl":
        paras = (_PARA_DOT, _PARA_BRACKET)
    elif lang in ("fr", "it", "pt"):
        paras = (_PARA_BRACKET,)
    else:  # es, ru, fi: paragraphs are unnumbered or numbered like list items
        paras = ()
    return Grammar(
        lang,
        _LANGUAGE_FAMILIES.get(lang, _DEFAULT_FAMILIES),
        _group_patterns(lang),
        paras,
        lang == "de",
    )
