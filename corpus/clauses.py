"""A provision's numbered and lettered sub-clauses and list items, each with its citation.

`split_clauses(text, citation, language)` is a pure function of a provision's text: it finds
the markers that open a clause - "(1)", "(a)", "(i)", "(A)", "1.", "a)", "1)", "a." - at the
start of a line or after a colon, semicolon or dash, and nests them the way laws are drafted:
the first marker style met is the outer level, each new style one level deeper, and a style
seen before closes the levels opened after it. A marker counts only where it starts or
continues its level's sequence ((a), (b), (c)...), so a stray "(c)" in running text is text.
"(i)" is a letter after "(h)" and a Roman numeral otherwise.

Citations extend the provision's: `s. 2(1)(k)(ii)`, `art. 8(2)(b)`; German law writes
`§ 5 Abs. 2 Nr. 3 Buchst. a` (corpus/annotations/README.md, "Citation conventions").

It lives beside the data model rather than in extractors/ because the tagger (classifiers/)
splits every provision it reads, stored ones included, and the two packages stay independent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# marker style -> (pattern of the marker, what its values are)
_STYLES: dict[str, tuple[str, str]] = {
    "(1)": (r"\(\d{1,3}[a-z]?\)", "number"),
    "(a)": (r"\((?:[a-z]{1,2}|[ivxl]{1,5})\)", "letter"),
    "(A)": (r"\([A-Z]\)", "capital"),
    "1.": (r"\d{1,3}[.°º]", "number"),
    "1)": (r"\d{1,3}\)", "number"),
    "a)": (r"[a-z]\)", "letter"),
    "a.": (r"[a-z]\.", "letter"),
}
_MARKER = re.compile(
    r"(?:^|(?<=\n)|(?<=[:;—–])|(?<=:-)|(?<=\.—))[ \t]*(?:"
    + "|".join(f"(?P<s{i}>{pattern})" for i, (pattern, _) in enumerate(_STYLES.values()))
    + r")(?=[ \t]+\S)"
)
_STYLE_NAMES = list(_STYLES)
# a sequence may skip this many numbers less one (repealed items are often left out)
MAX_GAP = 3
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
# German citations name each level by its kind of marker
_GERMAN_NAMES = {"(1)": "Abs.", "1.": "Nr.", "1)": "Nr.", "a)": "Buchst.", "(a)": "Buchst."}


@dataclass(frozen=True)
class Clause:
    """A span of a provision's text: the provision itself (depth 0) or one of its clauses."""

    citation: str  # "s. 2(1)(k)(ii)", "§ 5 Abs. 2 Nr. 3"
    start: int  # offsets into the provision text; the clause runs to the next sibling
    end: int
    depth: int
    body_start: int  # where its own words start (after the marker)
    lead_end: int  # where its first sub-clause starts (= end when it has none): the lead-in


def _roman_value(text: str) -> int | None:
    if not text or any(c not in _ROMAN for c in text):
        return None
    values = [_ROMAN[c] for c in text]
    total = sum(
        -v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)
    )
    return total if total > 0 else None


def _ordinal(style: str, value: str, expected_letter: str | None) -> tuple[str, int | None]:
    """The marker's kind and position in its sequence ("(i)" may be a letter or a numeral)."""
    kind = _STYLES[style][1]
    if kind == "number":
        return style, int(re.match(r"\d+", value).group())  # type: ignore[union-attr]
    if kind == "capital":
        return style, ord(value) - ord("A") + 1
    roman = _roman_value(value)
    if roman is not None and value != expected_letter and (value != "i" or expected_letter != "i"):
        return f"{style}roman", roman
    if len(value) == 2:  # "(aa)" follows "(z)"
        return (style, 26 + ord(value[0]) - ord("a") + 1) if value[0] == value[1] else (style, None)
    return style, ord(value) - ord("a") + 1


def _label(style: str, value: str, german: bool) -> str:
    if german:
        name = _GERMAN_NAMES.get(style.removesuffix("roman"), "")
        return f" {name} {value}" if name else f"({value})"
    return f"({value})"


def split_clauses(text: str, citation: str, language: str = "") -> list[Clause]:
    """The provision (first) and every clause inside it, in text order."""
    german = language.lower().startswith("de")
    levels: list[str] = []  # style per depth
    last: dict[str, int] = {}  # style -> last accepted position
    open_: list[tuple[str, int, int, int]] = []  # (citation, start, depth, body_start)
    found: list[tuple[str, int, int, int]] = []
    for m in _MARKER.finditer(text):
        index = next(i for i in range(len(_STYLE_NAMES)) if m.group(f"s{i}"))
        style = _STYLE_NAMES[index]
        value = re.sub(r"[.)(°º]", "", m.group(f"s{index}"))
        expected = None
        if style in levels:
            pos = last.get(style, 0)
            expected = chr(ord("a") + pos) if pos < 26 else None
        kind, ordinal = _ordinal(style, value, expected)
        if ordinal is None:
            continue
        if kind in levels:
            depth = levels.index(kind) + 1
            if not 0 < ordinal - last.get(kind, 0) <= MAX_GAP:
                continue  # out of sequence: a reference, not a marker
            del levels[depth:]
        elif ordinal == 1:
            levels.append(kind)
            depth = len(levels)
        else:
            continue
        for deeper in [k for k in last if k not in levels[:depth]]:
            last.pop(deeper)
        last[kind] = ordinal
        while open_ and open_[-1][2] >= depth:
            found.append(open_.pop())
        parent = open_[-1][0] if open_ else citation
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        open_.append((parent + _label(style, value, german), start, depth, m.end()))
    found.extend(open_)
    found.sort(key=lambda c: c[1])
    clauses = [Clause(citation, 0, len(text), 0, 0, found[0][1] if found else len(text))]
    for k, (cited, start, depth, body) in enumerate(found):
        next_start = next((s for _, s, d, _ in found[k + 1 :] if d <= depth), len(text))
        end = len(text[:next_start].rstrip(" \n;,"))
        child = next((s for _, s, d, _ in found[k + 1 : k + 2] if d > depth), end)
        clauses.append(Clause(cited, start, end, depth, body, child))
    return clauses


def clause_of(clauses: list[Clause], start: int, end: int) -> Clause:
    """The innermost clause holding the span start..end."""
    holding = [c for c in clauses if c.start <= start and end <= max(c.end, c.start + 1)]
    return max(holding, key=lambda c: c.depth) if holding else clauses[0]


def ancestors(clauses: list[Clause], clause: Clause) -> list[Clause]:
    """The clauses that hold `clause`, outermost first."""
    return [
        c for c in clauses if c.depth < clause.depth and c.start <= clause.start < max(c.end, 1)
    ]
