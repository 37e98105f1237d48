"""PDF text extraction with pdfplumber: reading order, running heads, hyphens, OCR fallback.

Each page is parsed once (`page.chars`), turned into words, and everything else (columns,
marginal notes, lines) is computed from those words; the page is closed straight away so
memory stays flat on 1,000-page codes. Cross-page cleaning (running headers and footers,
page numbers, hyphenation) runs afterwards on light line records.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import WordExtractor

from corpus.errors import ExtractionError
from corpus.model import ExtractedDocument, Line
from extractors.layout import (
    clean_text,
    is_heading_start,
    is_page_footer,
    is_page_number,
    join_hyphenated,
    running_key,
)

# Same tolerances as pdfplumber's extract_text, so words and lines match what users see there.
X_TOLERANCE = 3.0
Y_TOLERANCE = 3.0
MIN_GUTTER = 8.0  # narrower white bands are word gaps or ragged right edges
ZONE_LINES = 3  # lines at the top and the bottom of a page examined for running heads
ZONE_FRACTION = 0.2  # ... and only within this share of the page height


@dataclass
class _RawLine:
    text: str
    page: int
    top: float
    bottom: float
    size: float  # largest font size in the line


@dataclass
class _Page:
    number: int
    height: float
    lines: list[_RawLine]
    image_only: bool = False
    marginal: int = 0  # small-print marginal words dropped


def read_pdf(path: Path, ocr: bool = False) -> ExtractedDocument:
    """Read a PDF's text layer into cleaned lines in reading order.

    Raises `ExtractionError` for empty, non-PDF, corrupt, truncated or encrypted files and
    for scans without a text layer (unless `ocr` is set and ocrmypdf is installed).
    """
    path = Path(path)
    _check_file(path)
    warnings: list[str] = []
    if ocr:
        if shutil.which("ocrmypdf"):
            with tempfile.TemporaryDirectory() as tmp:
                ocred = Path(tmp) / "ocr.pdf"
                _run_ocr(path, ocred)
                pages, page_count = _read_pages(ocred, path)
            warnings.append("OCR applied with ocrmypdf to pages without a text layer")
        else:
            warnings.append("OCR requested but ocrmypdf is not installed: text layer only")
            pages, page_count = _read_pages(path, path)
    else:
        pages, page_count = _read_pages(path, path)

    image_only = [p.number for p in pages if p.image_only]
    if page_count and len(image_only) == page_count:
        hint = (
            "ocrmypdf is not installed (pip/apt install ocrmypdf)"
            if ocr
            else "read it with ocr=True (needs ocrmypdf)"
        )
        raise ExtractionError(path, f"every page is image-only: needs OCR; {hint}")
    warnings.extend(f"page {n} is image-only: needs OCR" for n in image_only)
    marginal = [p.number for p in pages if p.marginal]
    if marginal:
        warnings.append(
            f"small-print marginal notes dropped on {len(marginal)} page(s), "
            f"first on page {marginal[0]}"
        )

    _drop_running_lines(pages)
    lines = [Line(raw.text, raw.page) for page in pages for raw in page.lines]
    lines = join_hyphenated(lines)
    return ExtractedDocument(
        path=path, format="pdf", lines=lines, page_count=page_count, warnings=warnings
    )


# -- opening and validating ------------------------------------------------------------


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise ExtractionError(path, "file not found")
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError(path, "empty file (0 bytes)")
    with open(path, "rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, size - 8192))
        tail = handle.read()
    # The spec allows junk before the header, but only within the first 1,024 bytes.
    if b"%PDF-" not in head:
        raise ExtractionError(path, "not a PDF (no %PDF- header)")
    if b"%%EOF" not in tail:
        # pdfminer happily reads a prefix of a cut-off file and silently loses the rest.
        raise ExtractionError(path, "truncated or corrupt PDF (no %%EOF marker at the end)")


def _run_ocr(source: Path, target: Path) -> None:
    cmd = ["ocrmypdf", "--skip-text", "--quiet", str(source), str(target)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ExtractionError(source, f"ocrmypdf failed: {detail[-1] if detail else ''}")


def _read_pages(path: Path, reported: Path) -> tuple[list[_Page], int]:
    """Parse every page once; errors are reported against `reported` (the user's file)."""
    try:
        with pdfplumber.open(path) as pdf:
            page_count = len(pdf.pages)
            if page_count == 0:
                raise ExtractionError(reported, "PDF has no pages")
            pages = []
            for page in pdf.pages:
                try:
                    pages.append(_read_page(page))
                finally:
                    page.close()  # drop the parsed layout, or memory grows with page count
            return pages, page_count
    except ExtractionError:
        raise
    except (PdfminerException, PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ExtractionError(reported, _pdfminer_reason(exc)) from exc
    except Exception as exc:  # pdfminer raises plain errors on damaged streams
        raise ExtractionError(reported, f"corrupt PDF ({type(exc).__name__}: {exc})") from exc


def _pdfminer_reason(exc: Exception) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    if isinstance(inner, PDFPasswordIncorrect):
        return "encrypted PDF: a password is needed to open it"
    if isinstance(inner, PDFEncryptionError):
        return f"encrypted PDF with an unsupported scheme ({inner})"
    return f"corrupt or truncated PDF ({inner})"


# -- one page --------------------------------------------------------------------------

_WORDS = WordExtractor(x_tolerance=X_TOLERANCE, y_tolerance=Y_TOLERANCE)


def _read_page(page: Any) -> _Page:
    number = page.page_number
    chars = [c for c in page.chars if c.get("upright", True)]  # rotated stamps are noise
    if not chars:
        return _Page(number, float(page.height), [], image_only=bool(page.images))
    words = []
    for word, wchars in _WORDS.iter_extract_tuples(chars):
        word["size"] = max(c["size"] for c in wchars)
        words.append(word)
    words, marginal = _split_marginal(words)
    lines: list[_RawLine] = []
    for block in _reading_blocks(words, float(page.width)):
        for row in _cluster_rows(block):
            row.sort(key=lambda w: w["x0"])
            text = clean_text(" ".join(w["text"] for w in row))
            if text:
                top = min(w["top"] for w in row)
                bottom = max(w["bottom"] for w in row)
                size = max(w["size"] for w in row)
                lines.append(_RawLine(text, number, top, bottom, size))
    return _Page(number, float(page.height), lines, marginal=marginal)


def _cluster_rows(words: list[dict]) -> list[list[dict]]:
    """Words into rows by their top edge, chaining within the y tolerance (as pdfplumber)."""
    rows: list[list[dict]] = []
    last = -math.inf
    for word in sorted(words, key=lambda w: w["top"]):
        if rows and word["top"] <= last + Y_TOLERANCE:
            rows[-1].append(word)
        else:
            rows.append([word])
        last = word["top"]
    return rows


def _split_marginal(words: list[dict]) -> tuple[list[dict], int]:
    """Drop small-print notes standing in the margins beside the body (India's gazette puts
    section titles and Act citations there, which otherwise land inside sentences)."""
    sizes: Counter[float] = Counter()
    for w in words:
        sizes[round(w["size"] * 2) / 2] += len(w["text"])
    body_size = sizes.most_common(1)[0][0]
    body = [w for w in words if w["size"] >= body_size * 0.95]
    if len(body) < 20:
        return words, 0
    left = float(np.percentile([w["x0"] for w in body], 2))
    right = float(np.percentile([w["x1"] for w in body], 98))
    # Only beside the body: running heads and footers above and below it are not notes.
    top = min(w["top"] for w in body)
    bottom = max(w["bottom"] for w in body)
    kept, dropped = [], 0
    for w in words:
        small = w["size"] < body_size * 0.9 and top <= w["top"] and w["bottom"] <= bottom
        if small and (w["x1"] < left - 2 or w["x0"] > right + 2):
            dropped += 1
        else:
            kept.append(w)
    # A few stray small words (a footer's page number) are not a marginal-note layout.
    return (kept, dropped) if dropped >= 3 else (words, 0)


def _reading_blocks(words: list[dict], width: float) -> list[list[dict]]:
    """Split a page into blocks in reading order: full-width stretches as they are, and
    two-column stretches as the left column followed by the right one."""
    found = _find_gutter(words, width)
    if found is None:
        return [words]
    gutter, band = found
    rows = _cluster_rows(words)
    blocks: list[list[dict]] = []
    current: list[list[dict]] = []
    current_spans: bool | None = None

    def flush() -> None:
        if not current:
            return
        flat = [w for row in current for w in row]
        if current_spans:
            blocks.append(flat)
        else:
            blocks.append([w for w in flat if w["x0"] < gutter])
            blocks.append([w for w in flat if w["x0"] >= gutter])

    for row in rows:
        spans = _spans(row, gutter, band)
        if spans != current_spans:
            flush()
            current, current_spans = [], spans
        current.append(row)
    flush()
    return [b for b in blocks if b]


def _spans(row: list[dict], gutter: float, band: float) -> bool:
    """Whether a row runs across the gutter: a word straddles it, or the white space
    around it is only a word gap (much narrower than the band between columns)."""
    left_end = max((w["x1"] for w in row if w["x0"] < gutter), default=None)
    right_start = min((w["x0"] for w in row if w["x0"] >= gutter), default=None)
    if left_end is None or right_start is None:
        return False
    return left_end > gutter or right_start - left_end < band / 2


def _find_gutter(words: list[dict], width: float) -> tuple[float, float] | None:
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
            a, b = max(int(w["x0"]) - lo, 0), min(int(math.ceil(w["x1"])) - lo, hi - lo)
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
    left = sum(1 for r in split if any(w["x0"] < gutter for w in r))
    right = sum(1 for r in split if any(w["x0"] >= gutter for w in r))
    if left < 0.2 * len(rows) or right < 0.2 * len(rows):
        return None
    return float(gutter), band


# -- across pages ----------------------------------------------------------------------


def _zone_lines(page: _Page) -> list[tuple[int, str]]:
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


def _drop_running_lines(pages: list[_Page]) -> None:
    """Remove running headers/footers (lines repeating, numbers aside, at the top or bottom
    of many pages) and bare page-number lines there."""
    with_text = [p for p in pages if p.lines]
    n = len(with_text)
    counts: Counter[tuple[str, str, float]] = Counter()

    def key_of(line: _RawLine, side: str) -> tuple[str, str, float]:
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
