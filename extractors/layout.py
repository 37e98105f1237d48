"""Layout rules shared by every reader, whatever library read the file.

Line level (any hard-wrapped text): page-number lines, running-head keys, line-end
hyphenation, on `Line`s. Page level (PDF engines): an engine turns each page into `Word`s
(text, box, font size); `page_lines` orders them into lines (small-print marginal notes
dropped, two-column stretches read column by column) and `drop_running_lines` removes
running headers, footers and page numbers across pages. The rules run once, so every
engine gets the same layout handling.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

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


# -- PDF pages: words -> lines -----------------------------------------------------------

# pdfplumber's extract_text tolerances: words within 3 pt vertically share a line.
Y_TOLERANCE = 3.0
MIN_GUTTER = 8.0  # narrower white bands are word gaps or ragged right edges
ZONE_LINES = 3  # lines at the top and the bottom of a page examined for running heads
ZONE_FRACTION = 0.2  # ... and only within this share of the page height


@dataclass(slots=True)
class Word:
    """A word on a PDF page: points from the page's top-left corner, and its font size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(slots=True)
class PageLine:
    text: str
    page: int
    top: float
    bottom: float
    size: float  # largest font size in the line


@dataclass
class PdfPage:
    """One page's lines in reading order, as every PDF engine hands them over."""

    number: int
    height: float
    lines: list[PageLine]
    image_only: bool = False
    marginal: int = 0  # small-print marginal words dropped


def page_lines(number: int, width: float, height: float, words: list[Word]) -> PdfPage:
    """A page's words in reading order, as lines: marginal notes out, columns one by one."""
    if not words:
        return PdfPage(number, height, [])
    words, marginal = _split_marginal(words)
    lines: list[PageLine] = []
    for block in _reading_blocks(words, width):
        for row in _cluster_rows(block):
            row.sort(key=lambda w: w.x0)
            text = clean_text(" ".join(w.text for w in row))
            if text:
                top = min(w.top for w in row)
                bottom = max(w.bottom for w in row)
                size = max(w.size for w in row)
                lines.append(PageLine(text, number, top, bottom, size))
    return PdfPage(number, height, lines, marginal=marginal)


def _cluster_rows(words: list[Word]) -> list[list[Word]]:
    """Words into rows by their top edge, chaining within the y tolerance (as pdfplumber)."""
    rows: list[list[Word]] = []
    last = -math.inf
    for word in sorted(words, key=lambda w: w.top):
        if rows and word.top <= last + Y_TOLERANCE:
            rows[-1].append(word)
        else:
            rows.append([word])
        last = word.top
    return rows


def _split_marginal(words: list[Word]) -> tuple[list[Word], int]:
    """Drop small-print notes standing in the margins beside the body (India's gazette puts
    section titles and Act citations there, which otherwise land inside sentences)."""
    sizes: Counter[float] = Counter()
    for w in words:
        sizes[round(w.size * 2) / 2] += len(w.text)
    body_size = sizes.most_common(1)[0][0]
    body = [w for w in words if w.size >= body_size * 0.95]
    if len(body) < 20:
        return words, 0
    left = float(np.percentile([w.x0 for w in body], 2))
    right = float(np.percentile([w.x1 for w in body], 98))
    # Only beside the body: running heads and footers above and below it are not notes.
    top = min(w.top for w in body)
    bottom = max(w.bottom for w in body)
    kept, dropped = [], 0
    for w in words:
        small = w.size < body_size * 0.9 and top <= w.top and w.bottom <= bottom
        if small and (w.x1 < left - 2 or w.x0 > right + 2):
            dropped += 1
        else:
            kept.append(w)
    # A few stray small words (a footer's page number) are not a marginal-note layout.
    return (kept, dropped) if dropped >= 3 else (words, 0)


def _reading_blocks(words: list[Word], width: float) -> list[list[Word]]:
    """Split a page into blocks in reading order: full-width stretches as they are, and
    two-column stretches as the left column followed by the right one."""
    found = _find_gutter(words, width)
    if found is None:
        return [words]
    gutter, band = found
    blocks: list[list[Word]] = []
    current: list[list[Word]] = []
    current_spans: bool | None = None

    def flush() -> None:
        if not current:
            return
        flat = [w for row in current for w in row]
        if current_spans:
            blocks.append(flat)
        else:
            blocks.append([w for w in flat if w.x0 < gutter])
            blocks.append([w for w in flat if w.x0 >= gutter])

    for row in _cluster_rows(words):
        spans = _spans(row, gutter, band)
        if spans != current_spans:
            flush()
            current, current_spans = [], spans
        current.append(row)
    flush()
    return [b for b in blocks if b]


def _spans(row: list[Word], gutter: float, band: float) -> bool:
    """Whether a row runs across the gutter: a word straddles it, or the white space
    around it is only a word gap (much narrower than the band between columns)."""
    left_end = max((w.x1 for w in row if w.x0 < gutter), default=None)
    right_start = min((w.x0 for w in row if w.x0 >= gutter), default=None)
    if left_end is None or right_start is None:
        return False
    return left_end > gutter or right_start - left_end < band / 2


def _find_gutter(words: list[Word], width: float) -> tuple[float, float] | None:
    """x and width of a column gutter: a vertical white band in the middle third of the
    page that most rows leave empty, with enough text on both sides of it."""
    rows = _cluster_rows(words)
    if len(rows) < 8:
        return None
    lo, hi = int(width / 3), int(2 * width / 3)
    cover = np.zeros(hi - lo, dtype=np.int32)
    for row in rows:
        hit = np.zeros(hi - lo, dtype=bool)
        for w in row:
            a, b = max(int(w.x0) - lo, 0), min(int(math.ceil(w.x1)) - lo, hi - lo)
            if a < b:
                hit[a:b] = True
        cover += hit
    free = cover <= 0.35 * len(rows)
    best: tuple[int, int, int] | None = None  # (least coverage, -width, start)
    start = None
    for i, is_free in enumerate([*free.tolist(), False]):
        if is_free and start is None:
            start = i
        elif not is_free and start is not None:
            if i - start >= MIN_GUTTER:
                key = (int(cover[start:i].min()), start - i, start)
                best = key if best is None or key < best else best
            start = None
    if best is None:
        return None
    # The middle of the white band: column text stays clear of it on both sides.
    gutter = lo + best[2] - best[1] / 2
    band = float(-best[1])
    # Single-column pages with short lines can leave a band free, but few of their rows
    # have text beyond it without running across it.
    split = [r for r in rows if not _spans(r, gutter, band)]
    left = sum(1 for r in split if any(w.x0 < gutter for w in r))
    right = sum(1 for r in split if any(w.x0 >= gutter for w in r))
    if left < 0.2 * len(rows) or right < 0.2 * len(rows):
        return None
    return float(gutter), band


# -- PDF pages: across pages -------------------------------------------------------------


def _zone_lines(page: PdfPage) -> list[tuple[int, str]]:
    """Indexes and sides ("top"/"bottom") of the lines where running heads can sit."""
    out: list[tuple[int, str]] = []
    n = len(page.lines)
    for i in range(min(ZONE_LINES, n)):
        if page.lines[i].top < ZONE_FRACTION * page.height:
            out.append((i, "top"))
    for i in range(max(n - ZONE_LINES, 0), n):
        if page.lines[i].bottom > (1 - ZONE_FRACTION) * page.height:
            out.append((i, "bottom"))
    return out


def _numbered_head(text: str, page_number: int) -> bool:
    """A capitalised line that starts or ends with this page's number ("JOURNAL OFFICIEL 2"):
    a running head even when it occurs on one page only (short documents)."""
    words = text.split()
    if len(words) < 2 or str(page_number) not in (words[0], words[-1]):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) >= 0.6 * len(letters)


def drop_running_lines(pages: list[PdfPage]) -> None:
    """Remove running headers/footers (lines repeating, numbers aside, at the top or bottom
    of many pages) and bare page-number lines there."""
    with_text = [p for p in pages if p.lines]
    n = len(with_text)
    counts: Counter[tuple[str, str, float]] = Counter()

    def key_of(line: PageLine, side: str) -> tuple[str, str, float]:
        # The font size is part of the key: a title page's big title is not the running
        # head that repeats it in small print.
        return side, running_key(line.text), round(line.size)

    for page in with_text:
        seen = {key_of(page.lines[i], side) for i, side in _zone_lines(page)}
        counts.update(k for k in seen if k[1])
    # Odd and even pages often carry different heads, so each needs only ~half the pages.
    threshold = max(2, math.ceil(0.3 * n)) if n >= 3 else (2 if n == 2 else math.inf)
    for page in with_text:
        drop = set()
        for i, side in _zone_lines(page):
            text = page.lines[i].text
            key = key_of(page.lines[i], side)
            if is_heading_start(text):
                continue
            if key[1] and counts[key] >= threshold:
                drop.add(i)
            elif is_page_number(text) or is_page_footer(text):
                drop.add(i)
            elif key[1] and _numbered_head(text, page.number):
                drop.add(i)
        if drop:
            page.lines = [ln for i, ln in enumerate(page.lines) if i not in drop]
