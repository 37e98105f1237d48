"""Splitting an `ExtractedDocument` into `Provision`s.

One linear pass classifies every line against tables of precompiled patterns (provision
headings by family, division headings by rank, editorial notes, closing formulas); a small
state machine then walks the classified lines, keeping the stack of divisions above the
current provision (its `context`) and collecting the provision's text and notes.

Guards against the usual traps, all generic rather than per file:
- a cross-reference at the start of a line ("artículo 245 de esta ley") is not a heading:
  after the number must come a delimiter, a capitalised title or nothing;
- a table of contents is a run of headings without bodies whose citations come back later;
- articles quoted by an amending article (after "… quedará así:") stay in its text;
- numbering that starts again (bilingual texts, gazettes with several instruments) counts
  `occurrence` per citation and opens a new context root.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from corpus.model import ExtractedDocument, Line, Provision

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
    r"|(?<=\d)[a-z]{1,2}\b|(?<=\d)[A-Z]\b|\s[A-Z](?=\s*[.:\-—–]|\s*$)"
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

# Spanish final provisions numbered by ordinal words: "PRIMERA:", "Segunda.-"
_ORDINAL_ITEM = re.compile(rf"^(?P<num>(?i:{ORD_ES}))(?P<suf>)(?P<ord>)\s*(?P<rest>[:.\-—–]+.*)$")

_FAMILY_PATTERNS = {
    "article": _ARTICLE,
    "paragraph": _PARAGRAPH_SIGN,
    "finnish": _FINNISH,
    "section": _SECTION,
    "numbered": _NUMBERED,
    "bare": _NUMBERED_BARE,
}
_FAMILY_KIND = {
    "article": "article", "paragraph": "paragraph", "finnish": "paragraph",
    "section": "section", "numbered": "section", "bare": "section", "ordinal": "article",
}  # fmt: skip
_FAMILY_PREFIX = {
    "article": "art.", "paragraph": "§", "finnish": "§", "section": "s.", "numbered": "s.",
    "bare": "s.",
    "ordinal": "art.",
}  # fmt: skip
_LANGUAGE_FAMILIES = {
    "en": ("article", "section", "numbered", "paragraph", "bare"),
    "de": ("paragraph", "article"),
    "fi": ("finnish", "article"),
    "nl": ("article",),  # in Dutch law "§" is a grouping (paragraaf), not a provision
}
_DEFAULT_FAMILIES = ("article", "paragraph")

# Words after a number that make it a cross-reference ("Art. 1 Abs. 1", "§ 2 Satz 1").
_REFERENCE_WORD = re.compile(
    r"^(?:Abs\.|Absatz|Abs\b|Satz|Nr\.|Ziff\.|lit\.|Buchst|Unterabs|al\.|alinéa|párrafo|"
    r"inciso|fracción|numeral|of\b|de\b|del\b|des\b|der\b|van\b|and\b|to\b|y\b|et\b|und\b|"
    r"bis\s+\d|a\s+\d|tot\b|und\b)",
    re.IGNORECASE,
)
_DELIMITER = re.compile(r"^(?:\s*[.:\-—–]+)+\s*")

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
            rf"^{kw}\s*(?P<num>{_GROUP_NUM}){after}\.?{_NAME_SEP}(?P<name>.*)$", re.IGNORECASE
        )
        # "1 luku. Soveltamisala", "1. Abschnitt: …", "Erster Abschnitt - …", "PRIMERA PARTE."
        before = re.compile(
            rf"^(?P<num>\d+|{ORD_DE}|{ORD_ES})\.?\s+{kw}\b\.?{_NAME_SEP}(?P<name>.*)$",
            re.IGNORECASE,
        )
        out.append((rank, first, before))
    return out


# Transitional and other final provisions: a division of rank 0 of their own.
_FINAL_GROUP = re.compile(
    r"^(?:(?:art[íi]culos?|disposici[óo]n(?:es)?|normas?|provisions?|dispositions?)\s+)?"
    r"(?P<kind>transitori[oa]s?|transitional|transitoires?|finales|final|adicionales|"
    r"especiales|derogatorias?)(?:\s+provisions?)?\s*\.?$",
    re.IGNORECASE,
)
_FINAL_PREFIX = {"trans": "trans.", "final": "final", "adic": "add.", "espe": "spec.",
                 "dero": "derog."}  # fmt: skip

# A new instrument inside one file (official gazettes): "LEY No. 116", "DECRETO No. 326".
_INSTRUMENT = re.compile(
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
_PAREN_NOTE = re.compile(
    rf"\(\s*(?:(?:\S+\s+){{0,3}}?{_NOTE_PARTICIPLE}|Nota\s+Infoleg|в\s+ред\.|в\s+редакции|"
    r"(?:\S+\s+){0,2}?введен[аоы]?\b|(?:\S+\s+){0,2}?утратил|(?:\S+\s+){0,2}?исключен|"
    r"weggefallen\)|aufgehoben\)|repealed\)|omitted\))",
    re.IGNORECASE,
)
# Whole-line notes.
_NOTE_LINE = re.compile(
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
            r"^\d{1,2}\.\s*(?:Subs\.|Ins\.|Omitted|Rep\.|The words|Added by|Cl\.|Clause|"
            r"Renumbered|Certain words|Now see|For the words|Vide|See\b)",
            r"^\(\*\)$",
            r"^\((?:derogad[oa]|se deroga|repealed|omitted|abrogé)[^)]*\)\.?$",
        ]
    ),
    re.IGNORECASE,
)
# Lines that are not law at all (web widgets, disclaimers): dropped without a trace.
_DROP_LINE = re.compile(
    r"\[Mostrar\]|^Los datos publicados en SUIN-Juriscol|^Ver Antecedentes Normativos$",
    re.IGNORECASE,
)
# Closing formulas, signatures, non-law annexes: they end the current provision.
_END_LINE = re.compile(
    r"^(?:Lasten en bevelen|Gegeven te\b|'s-Gravenhage\b|Dad[oa] en\b|Sal[óo]n de sesiones\b|"
    r"Given under\b|Fait à\b|Schlu(?:ß|ss)formel$|Fussnoten$|Notes de bas de page$|"
    r"Antecedentes Normativos$|Die verfassungsmäßigen Rechte\b|Das vorstehende Gesetz\b|"
    r"Por tanto,? mando|COMUN[ÍI]QUESE\b)",
    re.IGNORECASE,
)
_REPEAL = re.compile(
    r"derogad[oa]|abrogad[oa]|\bse deroga|weggefallen|aufgehoben|vervallen|утратил[аио]?\s+силу|"
    r"\brepealed\b|\bomitted\b|kumottu|abrogée?|abrogat[oa]",
    re.IGNORECASE,
)

# --- numbered paragraphs -------------------------------------------------------------------

_PARA_BRACKET = re.compile(r"^(?:\d{1,2}\[|\[)?\((?P<n>\d+)(?P<s>[A-Za-z]{0,2})\)\s")
_PARA_DOT = re.compile(r"^(?P<n>\d+)(?P<s>[a-z]?)\.\s+\S")
_PARA_BARE = re.compile(r"^(?P<n>\d+)(?P<s>[a-z]?)\s+(?=[A-ZÄÖÜ«„\"])")

_QUOTE_START = ("“", '"', "«", "„", "―", "‘", "'")


@dataclass
class _Grammar:
    language: str
    families: tuple[str, ...]
    groups: list[tuple[int, re.Pattern[str], re.Pattern[str]]]
    paragraphs: tuple[re.Pattern[str], ...]
    german: bool


def _grammar(language: str) -> _Grammar:
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
    return _Grammar(
        lang,
        _LANGUAGE_FAMILIES.get(lang, _DEFAULT_FAMILIES),
        _group_patterns(lang),
        paras,
        lang == "de",
    )


# --- pass 1: classify lines ----------------------------------------------------------------


@dataclass
class _Head:
    family: str
    number: str
    number_int: int | None
    rest: str  # what follows the number on the line, delimiters removed
    delimited: bool  # the number was followed by punctuation (".-", "—", ":")
    label_end: int  # offset in the line where `rest` starts
    ordinal: bool = False
    title: str = ""  # a title the pattern itself sets apart ("2. Definitions.—In this Act")


@dataclass
class _Rec:
    kind: str  # blank | text | note | drop | end | group | final | root | head
    line: Line
    head: _Head | None = None
    rank: int = 0
    label: str = ""
    name: str = ""
    note_start: int = -1  # for "text" lines that open a bracketed note midway


def _leading_int(number: str) -> int | None:
    m = re.match(r"\d+", number)
    return int(m.group()) if m else None


def _normalise_number(m: re.Match[str]) -> tuple[str, bool]:
    num = re.sub(r"\s+", "", m.group("num"))
    ordinal = False
    if not re.match(r"\d|[LRD]\.?\d", num):  # an ordinal word
        num = ordinal_value(m.group("num"))
        ordinal = True
    suf = (m.group("suf") or "").strip(" .")
    if suf:
        num = f"{num} {suf.lower()}" if len(suf) > 2 else f"{num}{suf}"
    return num, ordinal


def _match_head(text: str, heading: bool, grammar: _Grammar) -> _Head | None:
    for family in grammar.families:
        m = _FAMILY_PATTERNS[family].match(text)
        if m:
            head = _accept(m, family, text, heading)
            if head:
                return head
    return None


def _accept(m: re.Match[str], family: str, text: str, heading: bool) -> _Head | None:
    rest = m.group("rest")
    after = rest.lstrip()
    if family == "article" and m.group("kw")[0].islower() and not (heading and rest.strip()):
        # "artículo 245 de esta ley. Tampoco …": laws capitalise their article headings, so a
        # lower-case keyword is a wrapped cross-reference unless the source marks a heading
        return None
    if after[:1] in (",", ";", ")", "/") or (after[:1].isdigit() and family != "numbered"):
        return None
    if _REFERENCE_WORD.match(after):
        return None
    delim = _DELIMITER.match(rest)
    body = rest[delim.end() :] if delim else after
    if body[:1].islower() and family != "finnish":
        return None
    if family == "finnish" and body[:1].islower():
        return None
    number, ordinal = _normalise_number(m)
    label_end = m.start("rest") + (delim.end() if delim else len(rest) - len(after))
    head = _Head(
        family, number, _leading_int(number), body.strip(), bool(delim), label_end, ordinal
    )
    if family == "numbered":
        parts = _TITLE_DASH.split(head.rest, maxsplit=1)
        if len(parts) == 2:
            head.title, head.rest = _clean_title(parts[0]), parts[1].strip()
            head.label_end = len(text) - len(parts[1].lstrip())
    return head


_TITLE_DASH = re.compile(r"\.?\s?(?:—|--|–|\.-)\s*")


def _match_group(text: str, grammar: _Grammar) -> tuple[int, str] | None:
    if len(text) > 250:
        return None
    for rank, first, before in grammar.groups:
        m = first.match(text) or before.match(text)
        if not m:
            continue
        name = m.group("name").strip()
        if name[:1].islower() or (name and name[0] in ",;()/") or _REFERENCE_WORD.match(name):
            return None
        return rank, name
    return None


def _classify(doc: ExtractedDocument, grammar: _Grammar) -> list[_Rec]:
    recs: list[_Rec] = []
    for line in doc.lines:
        text = line.text.strip()
        if not text:
            recs.append(_Rec("blank", line))
        elif _DROP_LINE.search(text):
            recs.append(_Rec("drop", line))
        elif _INSTRUMENT.match(text):
            recs.append(_Rec("root", line, label=_clean_label(text)))
        elif (final := _FINAL_GROUP.match(text)) and (line.heading or text[:1].isupper()):
            kind = final.group("kind").lower()
            prefix = next((v for k, v in _FINAL_PREFIX.items() if kind.startswith(k)), "trans.")
            recs.append(_Rec("final", line, label=_clean_label(text), name=prefix))
        elif (head := _match_head(text, line.heading, grammar)) is not None:
            recs.append(_Rec("head", line, head=head))
        elif (group := _match_group(text, grammar)) is not None:
            recs.append(_Rec("group", line, rank=group[0], label=_clean_label(text), name=group[1]))
        elif _END_LINE.match(text):
            recs.append(_Rec("end", line))
        elif _NOTE_LINE.search(text):
            recs.append(_Rec("note", line))
        else:
            rec = _Rec("text", line)
            pm = _PAREN_NOTE.search(text)
            if pm:
                rec.note_start = pm.start()
            m = _ORDINAL_ITEM.match(text)
            if m:  # only meaningful inside final provisions; decided in pass 3
                number, _ = _normalise_number(m)
                delim = _DELIMITER.match(m.group("rest"))
                end = m.start("rest") + (delim.end() if delim else 0)
                rec.head = _Head(
                    "ordinal", number, _leading_int(number), text[end:].strip(), True, end, True
                )
            recs.append(rec)
    return recs


def _clean_label(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .:;-—–")


# --- pass 2: choose families, find tables of contents --------------------------------------


def _choose_families(recs: list[_Rec]) -> None:
    """Keep the document's main provision families; stray matches of others become text
    (a German act's metadata line "Art. 10 G v. …" is not an article)."""
    counts = Counter(r.head.family for r in recs if r.kind == "head" and r.head)
    if not counts:
        return
    if any(n >= 3 for f, n in counts.items() if f != "bare"):
        counts.pop("bare", None)
        if not counts:
            return
    top = max(counts.values())
    keep = {f for f, n in counts.items() if n >= max(2, top // 4)} or {counts.most_common(1)[0][0]}
    _demote_unmarked_groups(recs)
    heading_share = {
        f: sum(
            1 for r in recs if r.kind == "head" and r.head and r.head.family == f and r.line.heading
        )
        / counts[f]
        for f in counts
    }
    for r in recs:
        if r.kind != "head" or r.head is None:
            continue
        if r.head.family not in keep:
            r.kind, r.head = "text", None
        elif heading_share[r.head.family] >= 0.8 and not r.line.heading and not r.head.delimited:
            # where the source marks provision headings, an unmarked line needs punctuation
            # after its number to count ("**Art. 17 bis.—** Las …" does, "§ 5 Satz" does not)
            r.kind, r.head = "text", None


def _demote_unmarked_groups(recs: list[_Rec]) -> None:
    """Where the source marks division headings, an unmarked line that looks like one is
    running text ("Achter Abschnitt). Die …"); a lone instrument line is the law's title."""
    groups = [r for r in recs if r.kind == "group"]
    if groups and sum(r.line.heading for r in groups) >= 0.8 * len(groups):
        for r in groups:
            if not r.line.heading:
                r.kind = "text"
    roots = {r.label for r in recs if r.kind == "root"}
    if len(roots) < 2:
        for r in recs:
            if r.kind == "root":
                r.kind = "text"


def _drop_tables_of_contents(recs: list[_Rec]) -> None:
    heads = [i for i, r in enumerate(recs) if r.kind == "head"]
    if len(heads) < 4:
        return

    def bodyless(k: int) -> bool:
        i = heads[k]
        end = heads[k + 1] if k + 1 < len(heads) else len(recs)
        head = recs[i].head
        assert head is not None
        label = recs[i].line.text[: head.label_end]
        if _REPEAL.search(head.rest) or (head.rest and re.search(r"[—–]|\.-", label)):
            return False  # "Artículo 1.- Objeto …" opens a body; contents lines do not
        chars = 0
        for r in recs[i + 1 : end]:
            if r.kind == "text":
                chars += len(r.line.text.strip())
            elif r.kind in ("note", "end"):
                return False
        # a wrapped TOC title or a page number may follow; a real provision says more
        return chars < 40 and len(head.rest) < 120

    flags = [bodyless(k) for k in range(len(heads))]
    later: Counter[str] = Counter(recs[i].head.number for i in heads)  # type: ignore[union-attr]
    k = 0
    while k < len(heads):
        if not flags[k]:
            k += 1
            continue
        j = k
        while j < len(heads) and flags[j]:
            j += 1
        run = heads[k:j]
        numbers = [recs[i].head.number for i in run]  # type: ignore[union-attr]
        if len(run) >= 3 and sum(1 for n in numbers if later[n] > 1) >= len(run) / 2:
            # a table of contents: its lines (and everything between them) are not law
            for i in range(run[0], run[-1] + 1):
                recs[i].kind = "drop"
            stop = heads[j] if j < len(heads) else len(recs)
            for i in range(run[-1] + 1, stop):
                if recs[i].kind == "text":
                    recs[i].kind = "drop"
        k = j


# --- pass 3: the state machine -------------------------------------------------------------


@dataclass
class _Open:
    head: _Head
    citation: str
    kind: str
    context: list[str]
    first: int  # index of the heading record
    title: str = ""
    parts: list[tuple[int, str]] = field(default_factory=list)  # (line index, text)
    notes: list[str] = field(default_factory=list)
    last: int = 0


class _Splitter:
    def __init__(self, doc: ExtractedDocument, grammar: _Grammar, recs: list[_Rec]):
        self.doc = doc
        self.grammar = grammar
        self.recs = recs
        self.starts: list[int] = []
        pos = 0
        for line in doc.lines:
            self.starts.append(pos)
            pos += len(line.text) + 1
        self.out: list[Provision] = []
        self.stack: list[tuple[int, str]] = []  # (rank, label); rank -1 = instrument root
        self.final_prefix = ""
        self.current: _Open | None = None
        self.last_int: int | None = None
        self.main_last: int | None = None  # last number of the main (non-final) sequence
        self.quoting = False
        self.free_heading = ""  # a source heading seen since the last provision
        self.free_heading_part = -1  # where it sits in the open provision's parts
        self.note_depth = 0  # open brackets of a note running over lines
        self.consumed: set[int] = set()
        self.seen: Counter[str] = Counter()

    # -- helpers
    def _next_nonblank(self, i: int) -> int | None:
        for j in range(i + 1, min(i + 6, len(self.recs))):
            if self.recs[j].kind != "blank":
                return j
        return None

    def _context(self) -> list[str]:
        return [label for _, label in self.stack]

    def _push(self, rank: int, label: str) -> None:
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        self.stack.append((rank, label))

    # -- divisions
    def _group(self, i: int, rec: _Rec) -> None:
        label = rec.label
        if not rec.name:
            # the division's name is on the next line ("TITULO I" / "Ambito de validez")
            j = self._next_nonblank(i)
            if j is not None:
                nxt = self.recs[j]
                if nxt.kind == "text" and nxt.note_start < 0 and len(nxt.line.text) < 150:
                    label = f"{label} {_clean_label(nxt.line.text)}"
                    self.consumed.add(j)
        else:
            # long names continue on the following line(s)
            j = i + 1
            while j < len(self.recs) and j < i + 4:
                nxt = self.recs[j]
                wrapped = (
                    rec.line.heading
                    and nxt.kind == "text"
                    and len(nxt.line.text) < 100
                    and (
                        nxt.line.heading
                        or re.search(r"\b(?:und|and|y|et|en|de|of|the|für|der|des|van)$", label)
                    )
                )
                if not wrapped:
                    break
                label = f"{label} {_clean_label(nxt.line.text)}"
                self.consumed.add(j)
                j += 1
        self._push(rec.rank, label)

    # -- provisions
    def _citation(self, head: _Head) -> str:
        prefix = _FAMILY_PREFIX[head.family]
        if self.final_prefix and head.family in ("article", "ordinal"):
            # transitional articles are numbered afresh ("Artículo 1º", "PRIMERA"); final
            # provisions that continue the main numbering (art. 427 after 426) keep it
            restarted = head.number_int is None or (
                self.main_last is not None and head.number_int < self.main_last
            )
            if head.ordinal or restarted:
                return f"{self.final_prefix} art. {head.number}"
        return f"{prefix} {head.number}"

    def _is_quoted(self, head: _Head) -> bool:
        """An article quoted by an amending one: the text before ends with a colon and the
        number does not continue the sequence."""
        if head.number_int is None or self.last_int is None or head.ordinal:
            return False
        sequential = self.last_int <= head.number_int <= self.last_int + 2
        if self.quoting:
            return not sequential or head.number_int == self.last_int
        return self._ends_with_colon() and not sequential

    def _in_sequence(self, head: _Head) -> bool:
        n, last = head.number_int, self.last_int
        if n is None:
            return False
        if last is None:
            return n == 1
        return n == last + 1 or (n == last and head.number != str(last))

    def _ends_with_colon(self) -> bool:
        cur = self.current
        if cur is None or not cur.parts:
            return False
        tail = next((t for _, t in reversed(cur.parts) if t.strip()), "")
        return tail.rstrip().endswith(":")

    def _open(self, i: int, rec: _Rec) -> None:
        head = rec.head
        assert head is not None
        if (
            not self.final_prefix
            and head.number_int is not None
            and self.last_int is not None
            and head.number_int < self.last_int
            and head.number_int <= 1
            and self.free_heading
        ):
            # numbering starts again under a new source heading: a new instrument or language
            cur = self.current
            if cur is not None and self.free_heading_part >= 0:
                # the heading and the preamble after it belong to the new instrument
                del cur.parts[self.free_heading_part :]
            self._close()
            self.stack = [(-1, self.free_heading)]
        self._close()
        self.free_heading, self.free_heading_part = "", -1
        citation = self._citation(head)
        cur = _Open(head, citation, _FAMILY_KIND[head.family], self._context(), i, last=i)
        cur.title = self._title(i, rec, cur)
        self.current = cur
        if head.rest:
            # the heading line may hold the first body line, or an editorial note
            pm = _PAREN_NOTE.search(head.rest)
            self._text_line(i, _Rec("text", Line(head.rest), note_start=pm.start() if pm else -1))
        if head.number_int is not None and not head.ordinal:
            self.last_int = head.number_int
            if not citation.startswith(("trans.", "final", "add.", "spec.", "derog.")):
                self.main_last = head.number_int
        self.quoting = False

    def _title(self, i: int, rec: _Rec, cur: _Open) -> str:
        head = cur.head
        rest = head.rest
        if head.title:
            return head.title
        if not rest:
            # Dutch and Russian titles sit on the next heading line
            j = self._next_nonblank(i)
            if j is not None:
                nxt = self.recs[j]
                if nxt.kind == "text" and nxt.line.heading and len(nxt.line.text) < 200:
                    return _clean_title(nxt.line.text)
            return ""
        if rec.line.heading and head.family != "ordinal" and not re.match(r"[—–-]", rest):
            delim_text = rec.line.text[: head.label_end]
            if not re.search(r"[—–]|\.-|-\s*$", delim_text) and len(rest) < 200:
                return _clean_title(rest)
        # a short first sentence ending in a full stop: "OBJETO.", "Conservación del contrato."
        m = re.match(r"^([^.;:]{2,90}?)\.(?:\s|$|—|-)", rest)
        if m and len(m.group(1).split()) <= 10 and not m.group(1)[:1].islower():
            return _clean_title(m.group(1))
        return ""

    def _add_text(self, i: int, text: str) -> None:
        cur = self.current
        if cur is None:
            return
        cur.parts.append((i, text))
        cur.last = i

    def _add_note(self, i: int, text: str) -> None:
        cur = self.current
        if cur is None:
            return
        text = text.strip()
        if not text:
            return
        if cur.notes and self.note_depth > 0:
            cur.notes[-1] = f"{cur.notes[-1]} {text}"
        else:
            cur.notes.append(text)
        cur.last = i

    def _close(self) -> None:
        cur = self.current
        self.current = None
        self.note_depth = 0
        if cur is None:
            return
        lines = [t for _, t in cur.parts]
        while lines and not lines[-1].strip():
            lines.pop()
        text = "\n".join(lines).strip("\n")
        text = re.sub(r"\n{3,}", "\n\n", text)
        last_line = cur.first
        for idx, t in cur.parts:
            if t.strip():
                last_line = max(last_line, idx)
        last_line = max(last_line, cur.last if cur.notes else last_line)
        page_lines = [self.doc.lines[k] for k in range(cur.first, last_line + 1)]
        pages = [ln.page for ln in page_lines if ln.page is not None and ln.text.strip()]
        char_start = self.starts[cur.first]
        char_end = self.starts[last_line] + len(self.doc.lines[last_line].text)
        self.seen[cur.citation] += 1
        provision = Provision(
            citation=cur.citation,
            number=cur.head.number,
            kind=cur.kind,
            heading=cur.title,
            context=cur.context,
            text=text,
            page_start=pages[0] if pages else None,
            page_end=pages[-1] if pages else None,
            char_start=char_start,
            char_end=char_end,
            notes=cur.notes,
            repealed=_is_repealed(cur.title, text, cur.notes),
            paragraphs=self._paragraphs(cur.citation, text),
            occurrence=self.seen[cur.citation],
        )
        self.out.append(provision)

    def _paragraphs(self, citation: str, text: str) -> list[tuple[str, int, int]]:
        if not self.grammar.paragraphs:
            return []
        sep = " Abs. " if self.grammar.german else ""
        marks: list[tuple[str, int]] = []
        expected = 1
        last_base = 0
        pos = 0
        style: re.Pattern[str] | None = None  # the first marker's style holds for the rest
        for line in text.split("\n"):
            for pattern in (style,) if style else self.grammar.paragraphs:
                m = pattern.match(line)
                if not m:
                    continue
                n, s = int(m.group("n")), m.group("s")
                if n == expected or (s and n == last_base and marks):
                    label = f"{n}{s}"
                    cited = f"{citation}{sep}{label}" if sep else f"{citation}({label})"
                    marks.append((cited, pos))
                    last_base, expected, style = n, n + 1, pattern
                    break
            pos += len(line) + 1
        if len(marks) < 2 and not (marks and marks[0][1] > 0):
            # a lone "(1)" at the very start is still a paragraph; "1." alone is likelier a list
            if not marks or not marks[0][0].endswith(("(1)", "Abs. 1")):
                return []
        spans = []
        for k, (cited, start) in enumerate(marks):
            end = marks[k + 1][1] if k + 1 < len(marks) else len(text)
            spans.append((cited, start, len(text[:end].rstrip())))
        return spans

    # -- the walk
    def run(self) -> list[Provision]:
        for i, rec in enumerate(self.recs):
            if i in self.consumed:
                if self.current is not None and rec.kind == "text":
                    self._add_text(i, rec.line.text)
                continue
            kind = rec.kind
            if self.note_depth > 0 and kind in ("text", "note", "blank"):
                self._continue_note(i, rec)
                continue
            if kind == "blank":
                if self.current is not None and self.current.parts:
                    self._add_text(i, "")
            elif kind == "drop":
                continue
            elif kind == "root":
                self._close()
                self.stack = [(-1, rec.label)]
                self.final_prefix = ""
                self.last_int = self.main_last = None
                self.quoting = False
            elif kind == "final":
                if self.quoting:
                    self._add_text(i, rec.line.text)
                    continue
                self._close()
                self._push(0, rec.label)
                self.final_prefix = rec.name
            elif kind == "group":
                if self.quoting or self._ends_with_colon():
                    # a division quoted by an amending article ("… el siguiente texto:")
                    self.quoting = True
                    self._add_text(i, rec.line.text)
                    continue
                self._close()
                if self.final_prefix and rec.rank <= 1:
                    self.final_prefix = ""
                self._group(i, rec)
            elif kind == "head":
                assert rec.head is not None
                if rec.head.family == "bare" and not self._in_sequence(rec.head):
                    if self.current is not None:
                        self._text_line(i, _Rec("text", rec.line, note_start=-1))
                elif self._is_quoted(rec.head):
                    self.quoting = True
                    self._add_text(i, rec.line.text)
                else:
                    self._open(i, rec)
            elif kind == "end":
                self._close()
                self.quoting = False
            elif kind == "note":
                self._add_note(i, rec.line.text)
            else:  # text
                if self.final_prefix and rec.head is not None and not self.quoting:
                    self._open(i, rec)  # "PRIMERA: …" among transitional provisions
                elif self.current is None:
                    if rec.line.heading:
                        self.free_heading = _clean_label(rec.line.text)
                        self.free_heading_part = -1
                else:
                    self._text_line(i, rec)
        self._close()
        return self.out

    def _text_line(self, i: int, rec: _Rec) -> None:
        text = rec.line.text
        # a source heading inside a provision may open a new instrument or language version
        if rec.line.heading and self.current is not None:
            self.free_heading = _clean_label(text)
            self.free_heading_part = len(self.current.parts)
        if rec.note_start < 0:
            self._add_text(i, text)
            return
        before = text[: rec.note_start].rstrip()
        if before:
            self._add_text(i, before)
        self.note_depth = 0
        self._note_fragment(i, text[rec.note_start :], new=True)

    def _note_fragment(self, i: int, text: str, new: bool) -> None:
        depth = self.note_depth
        cut = len(text)
        for k, ch in enumerate(text):
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth <= 0:
                    cut = k + 1
                    depth = 0
                    break
        if new:
            self.note_depth = 0
        self._add_note(i, text[:cut])
        self.note_depth = depth
        tail = text[cut:].strip()
        if tail and depth == 0:
            pm = _PAREN_NOTE.search(tail)
            if pm and pm.start() == 0:
                self._note_fragment(i, tail, new=True)
            elif tail.strip(" .;,"):
                self._add_text(i, tail)

    def _continue_note(self, i: int, rec: _Rec) -> None:
        if rec.kind == "blank":
            return
        self._note_fragment(i, rec.line.text, new=False)
        if self.current is not None and self.note_depth > 0:
            # a runaway bracket must not swallow the rest of the law
            note = self.current.notes[-1] if self.current.notes else ""
            if len(note) > 1500:
                self.note_depth = 0


def _clean_title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .:;-—–")


def _is_repealed(title: str, text: str, notes: list[str]) -> bool:
    """Repealed when a repeal word is said of the provision and little else is left."""
    if not any(_REPEAL.search(s) for s in (title, text, *notes)):
        return False
    residue = " ".join(
        sentence
        for sentence in re.split(r"(?<=[.;])\s+|\n", text)
        if not _REPEAL.search(sentence) and sentence.strip() != title
    )
    return len(re.sub(r"[\W\d_]", "", residue)) < 25


def split(doc: ExtractedDocument, language: str) -> list[Provision]:
    """Split a document into its provisions (articles, sections, §§), in document order."""
    if not language:
        from extractors.language import detect

        language = detect(doc.text)
    grammar = _grammar(language)
    recs = _classify(doc, grammar)
    _choose_families(recs)
    _drop_tables_of_contents(recs)
    return _Splitter(doc, grammar, recs).run()
