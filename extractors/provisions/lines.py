"""Passes 1 and 2 of the splitter: what each line is (`LineKind`), then the document's main
provision families kept and its tables of contents dropped."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from corpus.model import ExtractedDocument, Line
from extractors.provisions.languages import (
    DELIMITER,
    DISPOSITION_PREFIX,
    DROP_LINE,
    END_LINE,
    FAMILY_PATTERNS,
    FINAL_GROUP,
    FINAL_PREFIX,
    INSTRUMENT,
    NOTE_LINE,
    ORDINAL_ITEM,
    PAREN_NOTE,
    REFERENCE_WORD,
    REPEAL,
    SIDE_NOTE_END,
    SIDE_NOTE_LINE,
    SIDE_NOTE_MARK,
    Grammar,
    ordinal_value,
)

# --- pass 1: classify lines ----------------------------------------------------------------


class LineKind(StrEnum):
    """What a line of a law is to the splitter."""

    BLANK = "blank"
    TEXT = "text"  # running text (or a heading the source marks, outside any provision)
    NOTE = "note"  # an editorial note ("Artículo reformado DOF …")
    DROP = "drop"  # not law: web widgets, tables of contents
    END = "end"  # a closing formula or signature: ends the current provision
    GROUP = "group"  # a division heading (Part, Title, Chapter …)
    FINAL = "final"  # the heading of transitional or final provisions
    ROOT = "root"  # a new instrument inside one file (official gazettes)
    HEAD = "head"  # a provision heading (Article, Section, §)


@dataclass
class Head:
    family: str
    number: str
    number_int: int | None
    rest: str  # what follows the number on the line, delimiters removed
    delimited: bool  # the number was followed by punctuation (".-", "—", ":")
    label_end: int  # offset in the line where `rest` starts
    ordinal: bool = False
    title: str = ""  # a title the pattern itself sets apart ("2. Definitions.—In this Act")


@dataclass
class ClassifiedLine:
    kind: LineKind
    line: Line
    head: Head | None = None
    rank: int = 0
    label: str = ""
    name: str = ""
    note_start: int = -1  # for text lines that open a bracketed note midway
    side_note: str = ""  # an amendment note from the column beside the text (SIDE_NOTE_END)


def _leading_int(number: str) -> int | None:
    m = re.match(r"\d+", number)
    return int(m.group()) if m else None


def _normalise_number(m: re.Match[str]) -> tuple[str, bool]:
    if "annex" in m.groupdict():  # a final disposition or an annex: its kind is its number
        if m.group("annex"):
            return " ".join(filter(None, ("annex", m.group("annex_num")))), False
        return f"{DISPOSITION_PREFIX[m.group('kw').lower()]} {ordinal_value(m.group('num'))}", False
    num = re.sub(r"\s+", "", m.group("num"))
    ordinal = False
    if not re.match(r"\d|[LRD]\.?\d", num):  # an ordinal word
        num = ordinal_value(m.group("num"))
        ordinal = True
    suf = (m.group("suf") or "").strip(" .")
    if suf:
        num = f"{num} {suf.lower()}" if len(suf) > 2 else f"{num}{suf}"
    return num, ordinal


def _match_head(text: str, heading: bool, grammar: Grammar) -> Head | None:
    for family in grammar.families:
        m = FAMILY_PATTERNS[family].match(text)
        if m:
            head = _accept(m, family, text, heading)
            if head:
                return head
    return None


def _accept(m: re.Match[str], family: str, text: str, heading: bool) -> Head | None:
    rest = m.group("rest")
    after = rest.lstrip()
    if family == "article" and m.group("kw")[0].islower() and not (heading and rest.strip()):
        # "artículo 245 de esta ley. Tampoco …": laws capitalise their article headings, so a
        # lower-case keyword is a wrapped cross-reference unless the source marks a heading
        return None
    if after[:1] in (",", ";", ")", "/") or (after[:1].isdigit() and family != "numbered"):
        return None
    if REFERENCE_WORD.match(after):
        return None
    delim = DELIMITER.match(rest)
    body = rest[delim.end() :] if delim else after
    if body[:1].islower() and family != "finnish":
        return None
    if family == "finnish" and body[:1].islower():
        return None
    number, ordinal = _normalise_number(m)
    label_end = m.start("rest") + (delim.end() if delim else len(rest) - len(after))
    # a heading alone on its line ("ANEXO") is as plain as one followed by punctuation
    delimited = bool(delim) or (family == "disposition" and not rest.strip())
    head = Head(family, number, _leading_int(number), body.strip(), delimited, label_end, ordinal)
    if family == "numbered":
        parts = _TITLE_DASH.split(head.rest, maxsplit=1)
        if len(parts) == 2:
            head.title, head.rest = clean_label(parts[0]), parts[1].strip()
            head.label_end = len(text) - len(parts[1].lstrip())
    return head


_TITLE_DASH = re.compile(r"\.?\s?(?:—|--|–|\.-)\s*")


def _match_group(text: str, heading: bool, grammar: Grammar) -> tuple[int, str] | None:
    if len(text) > 250:
        return None
    for rank, first, before in grammar.groups:
        m = first.match(text) or before.match(text)
        if not m:
            continue
        name = m.group("name").strip()
        # "Título II de la ley" wraps a cross-reference; "Título II DE LA JORNADA", or any
        # heading the source marks, names a division
        marked = heading or (name.split()[0].isupper() if name else False)
        if name[:1].islower() or (name and name[0] in ",;()/"):
            return None
        if REFERENCE_WORD.match(name) and not marked:
            return None
        return rank, name
    return None


def _has_side_notes(lines: list[Line]) -> bool:
    """Whether the document prints amendment notes in a column beside its text: at least 10
    lines, and 1 in 100, end with an amending law's number or its article in capitals."""
    texts = [ln.text.rstrip() for ln in lines if ln.text.strip() and not ln.heading]
    marked = sum(1 for t in texts if SIDE_NOTE_MARK.search(t))
    return marked >= 10 and marked >= len(texts) / 100


def _without_side_note(line: Line) -> tuple[Line, str]:
    """The line without the note at its end, and the note."""
    text = line.text.rstrip()
    if line.heading:
        return line, ""
    if SIDE_NOTE_LINE.fullmatch(text.strip()):
        return Line("", line.page), text.strip()
    m = SIDE_NOTE_END.search(text)
    if not m:
        return line, ""
    return Line(text[: m.start()], line.page), m.group("note")


def classify_lines(doc: ExtractedDocument, grammar: Grammar) -> list[ClassifiedLine]:
    side_notes = _has_side_notes(doc.lines)
    recs: list[ClassifiedLine] = []
    for source in doc.lines:
        line, side_note = _without_side_note(source) if side_notes else (source, "")
        text = line.text.strip()
        if side_note and not text:
            recs.append(ClassifiedLine(LineKind.NOTE, Line(side_note, line.page)))
            continue
        rec = _classify(line, text, grammar)
        rec.side_note = side_note
        recs.append(rec)
    return recs


def _classify(line: Line, text: str, grammar: Grammar) -> ClassifiedLine:
    """What one line is (`text`: the line's text, stripped)."""
    if not text:
        return ClassifiedLine(LineKind.BLANK, line)
    if DROP_LINE.search(text):
        return ClassifiedLine(LineKind.DROP, line)
    if INSTRUMENT.match(text):
        return ClassifiedLine(LineKind.ROOT, line, label=clean_label(text))
    if (final := FINAL_GROUP.match(text)) and (line.heading or text[:1].isupper()):
        kind = final.group("kind").lower()
        prefix = next((v for k, v in FINAL_PREFIX.items() if kind.startswith(k)), "trans.")
        return ClassifiedLine(LineKind.FINAL, line, label=clean_label(text), name=prefix)
    if (head := _match_head(text, line.heading, grammar)) is not None:
        return ClassifiedLine(LineKind.HEAD, line, head=head)
    if (group := _match_group(text, line.heading, grammar)) is not None:
        rank, name = group
        return ClassifiedLine(LineKind.GROUP, line, rank=rank, label=clean_label(text), name=name)
    if END_LINE.match(text):
        return ClassifiedLine(LineKind.END, line)
    if NOTE_LINE.search(text):
        return ClassifiedLine(LineKind.NOTE, line)
    rec = ClassifiedLine(LineKind.TEXT, line)
    pm = PAREN_NOTE.search(text)
    if pm:
        rec.note_start = pm.start()
    m = ORDINAL_ITEM.match(text)
    if m:  # only meaningful inside final provisions; decided in pass 3
        number, _ = _normalise_number(m)
        delim = DELIMITER.match(m.group("rest"))
        end = m.start("rest") + (delim.end() if delim else 0)
        rest = text[end:].strip()
        rec.head = Head("ordinal", number, _leading_int(number), rest, True, end, True)
    return rec


def clean_label(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .:;-—–")


# --- pass 2: choose families, find tables of contents --------------------------------------


def choose_families(recs: list[ClassifiedLine]) -> None:
    """Keep the document's main provision families; stray matches of others become text
    (a German act's metadata line "Art. 10 G v. …" is not an article)."""
    counts = Counter(r.head.family for r in recs if r.kind == LineKind.HEAD and r.head)
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
            1
            for r in recs
            if r.kind == LineKind.HEAD and r.head and r.head.family == f and r.line.heading
        )
        / counts[f]
        for f in counts
    }
    for r in recs:
        if r.kind != LineKind.HEAD or r.head is None:
            continue
        if r.head.family not in keep:
            r.kind, r.head = LineKind.TEXT, None
        elif heading_share[r.head.family] >= 0.8 and not r.line.heading and not r.head.delimited:
            # where the source marks provision headings, an unmarked line needs punctuation
            # after its number to count ("**Art. 17 bis.—** Las …" does, "§ 5 Satz" does not)
            r.kind, r.head = LineKind.TEXT, None


def _demote_unmarked_groups(recs: list[ClassifiedLine]) -> None:
    """Where the source marks division headings, an unmarked line that looks like one is
    running text ("Achter Abschnitt). Die …"); a lone instrument line is the law's title."""
    groups = [r for r in recs if r.kind == LineKind.GROUP]
    if groups and sum(r.line.heading for r in groups) >= 0.8 * len(groups):
        for r in groups:
            if not r.line.heading:
                r.kind = LineKind.TEXT
    roots = {r.label for r in recs if r.kind == LineKind.ROOT}
    if len(roots) < 2:
        for r in recs:
            if r.kind == LineKind.ROOT:
                r.kind = LineKind.TEXT


def _bodyless(recs: list[ClassifiedLine], heads: list[int], k: int) -> bool:
    """Whether the k-th heading has no body: a line of a table of contents."""
    i = heads[k]
    end = heads[k + 1] if k + 1 < len(heads) else len(recs)
    head = recs[i].head
    assert head is not None
    label = recs[i].line.text[: head.label_end]
    if REPEAL.search(head.rest) or (head.rest and re.search(r"[—–]|\.-", label)):
        return False  # "Artículo 1.- Objeto …" opens a body; contents lines do not
    chars = 0
    for r in recs[i + 1 : end]:
        if r.kind == LineKind.TEXT:
            chars += len(r.line.text.strip())
        elif r.kind in (LineKind.NOTE, LineKind.END):
            return False
    # a wrapped TOC title or a page number may follow; a real provision says more
    return chars < 40 and len(head.rest) < 120


def drop_tables_of_contents(recs: list[ClassifiedLine]) -> None:
    heads = [i for i, r in enumerate(recs) if r.kind == LineKind.HEAD]
    if len(heads) < 4:
        return

    flags = [_bodyless(recs, heads, k) for k in range(len(heads))]
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
                recs[i].kind = LineKind.DROP
            stop = heads[j] if j < len(heads) else len(recs)
            for i in range(run[-1] + 1, stop):
                if recs[i].kind == LineKind.TEXT:
                    recs[i].kind = LineKind.DROP
        k = j
