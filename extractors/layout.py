"""Format-agnostic cleaning of extracted lines: page-number lines, running-head keys and
line-end hyphenation. Works on `Line`s, so any extractor with hard-wrapped text can use it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.model import Line

# "12", "- 12 -", "Page 3 of 10", "Página 3 de 10", "25/114", "p. 7", "Seite 4 von 9"
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—.]*(?:(?:page|página|pagina|pág\.?|pag\.?|p\.|seite|s\.)\s*)?"
    r"\d{1,4}(?:\s*(?:of|de|von|sur|/)\s*\d{1,4})?[\s\-–—.]*$",
    re.IGNORECASE,
)

# Lines that start a provision or a division: a running-head rule must never remove them,
# even when one happens to open several pages ("Artículo 5" alone on a line).
_HEADING_START = re.compile(
    r"^\s*(?:art[íi]culo|artigo|article|artikel|art\.|section|§|chapter|cap[íi]tulo|"
    r"chapitre|t[íi]tulo|titre|part|parte|abschnitt|schedule|anexo|annexe)\s*"
    r"(?:\d|[ivxlcdm]+\b)",
    re.IGNORECASE,
)

# A hyphen before one of these is a suspended compound ("Betriebs- oder", "pre- and
# post-natal"), not a broken word, so it stays.
_CONJUNCTIONS = frozenset("und oder bzw sowie bis and or nor y e o u ni et ou en".split())
# English prefixes whose hyphen is part of the word ("self-employed", "non-payment").
_KEEP_PREFIXES = frozenset("self non well ex part full half cross".split())

_CID = re.compile(r"\(cid:\d+\)")
_HYPHEN_END = re.compile(r"([^\W\d_]+)[-\u00ad]$")


# A footer ending in "Page 3 of 10" / "Página 3 de 10" is page furniture whatever precedes it.
_PAGE_OF = re.compile(
    r"\b(?:page|página|pagina|pág\.?|seite)\s*\d{1,4}\s*(?:of|de|sur|von|/)\s*\d{1,4}\s*$",
    re.IGNORECASE,
)


def is_page_footer(text: str) -> bool:
    """A line ending in "Page N of M" (in any of our languages)."""
    return bool(_PAGE_OF.search(text))


def is_page_number(text: str) -> bool:
    """A line that is nothing but a page number ("12", "- 12 -", "Page 3 of 10", "25/114")."""
    return bool(_PAGE_NUMBER.match(text.strip()))


def is_heading_start(text: str) -> bool:
    return bool(_HEADING_START.match(text))


def running_key(text: str) -> str:
    """Key under which a running header or footer repeats from page to page.

    The letters, sorted: page numbers, dates and the side they sit on ("2 GAZETTE" on even
    pages vs "GAZETTE 3" on odd ones) all drop out; "" for lines with too few letters to
    compare safely.
    """
    letters = [ch for ch in text.lower() if ch.isalpha()]
    return "".join(sorted(letters)) if len(letters) >= 4 else ""


def clean_text(text: str) -> str:
    """Drop glyph ids the font could not map ("ARTÍ(cid:0)CULO") and fold runs of spaces."""
    if "(cid:" in text:
        text = _CID.sub("", text)
    return " ".join(text.split())


def _keeps_hyphen(fragment: str, next_word: str) -> bool:
    bare = next_word.strip(".,;:()[]«»\"'“”")
    if not bare or not bare[0].isalpha():
        return True
    if bare[0].isupper():  # "Home-" / "Work", "Nord-" / "Rhein": a real compound hyphen
        return True
    if bare.lower() in _CONJUNCTIONS:
        return True
    return fragment.lower() in _KEEP_PREFIXES


def join_hyphenated(lines: Iterable[Line]) -> list[Line]:
    """Join words broken at line ends ("ga-" / "rantizan" -> "garantizan").

    The rest of the word moves up to the first line so the line structure (and page
    numbers) survives. The hyphen stays where joining would be implausible: next line
    starting with a capital, a conjunction ("Betriebs-" / "oder"), or a compound prefix.
    A soft hyphen (U+00AD) always joins.
    """
    out: list[Line] = []
    for line in lines:
        text = line.text
        if out and text:
            prev = out[-1]
            match = _HYPHEN_END.search(prev.text)
            if match:
                first, _, rest = text.partition(" ")
                soft = prev.text.endswith("\u00ad")
                if (soft and first[:1].isalpha()) or not _keeps_hyphen(match.group(1), first):
                    out[-1] = Line(prev.text[:-1] + first, prev.page, prev.heading)
                    text = rest.strip()
                    if not text:
                        continue
                    line = Line(text, line.page, line.heading)
        out.append(line)
    return out
