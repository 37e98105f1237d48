"""The pdfium engine (the default): pages into `Word`s with pypdfium2.

pdfium's text page gives each character's code and box from C, some 60x faster than
pdfminer parses them. Words are then made as pdfplumber makes them (characters clustered
into rows by their top edge, sorted left to right, split at spaces and at gaps over 3 pt),
so that both engines give the same provisions and text hashes. pdfium's own inferences are
set aside: the spaces and line breaks it generates, and its marking of a hyphen that ends a
line (U+FFFE in the text, U+0002 char by char), which becomes a plain hyphen again.
"""

from __future__ import annotations

import bisect
import ctypes
import math
from pathlib import Path

import pypdfium2
import pypdfium2.raw as fpdf

from corpus.errors import ExtractionError
from extractors.layout import Y_TOLERANCE, PdfPage, Word, page_lines

X_TOLERANCE = 3.0  # as pdfplumber's extract_text
_HYPHENS = "\ufffe\x02"
# Control characters: pdfium's code for a glyph the font cannot map (pdfplumber's "(cid:N)",
# which the layout drops) and stray C1 codes from broken font encodings.
_CONTROL = frozenset(map(chr, [0, 1, *range(3, 32), *range(127, 160)]))

_LOAD_ERRORS = {
    fpdf.FPDF_ERR_PASSWORD: "encrypted PDF: a password is needed to open it",
    fpdf.FPDF_ERR_SECURITY: "encrypted PDF with an unsupported scheme",
    fpdf.FPDF_ERR_FILE: "cannot read file",
}

# A character: text, x0, x1, top, bottom, size (points from the page's top-left corner).
_Char = tuple[str, float, float, float, float, float]


def read_pages(path: Path, reported: Path) -> tuple[list[PdfPage], int]:
    """Every page's lines and the page count; errors name `reported` (the user's file)."""
    try:
        pdf = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as exc:
        if exc.err_code == fpdf.FPDF_ERR_SUCCESS:  # opened, but nothing inside
            raise ExtractionError(reported, "PDF has no pages") from exc
        reason = _LOAD_ERRORS.get(exc.err_code, "corrupt or truncated PDF")
        raise ExtractionError(reported, reason) from exc
    try:
        return [_read_page(pdf, index) for index in range(len(pdf))], len(pdf)
    except pypdfium2.PdfiumError as exc:
        raise ExtractionError(reported, f"corrupt PDF ({exc})") from exc
    finally:
        pdf.close()


def _read_page(pdf: pypdfium2.PdfDocument, index: int) -> PdfPage:
    page = pdf[index]
    try:
        left, bottom, right, top = page.get_bbox()
        textpage = page.get_textpage()
        try:
            words = _words(textpage, _dropped_spaces(page, left, top), left, top)
        finally:
            textpage.close()
        if not words:
            images = page.get_objects(filter=[fpdf.FPDF_PAGEOBJ_IMAGE])
            return PdfPage(index + 1, top - bottom, [], image_only=next(images, None) is not None)
        return page_lines(index + 1, right - left, top - bottom, words)
    finally:
        page.close()


def _dropped_spaces(page: pypdfium2.PdfPage, left: float, top: float) -> list[tuple[float, float]]:
    """Where text objects pdfium kept no character of sit, (x, y from the top), by x.

    Some PDFs draw the space between two words as a text object of its own; pdfium drops
    it from the text page (its space is inferred, or not, from the gap), while pdfplumber
    splits the words there. Such an object has an empty box at its origin."""
    found = []
    x0, y0, x1, y1 = (ctypes.c_float() for _ in range(4))
    for i in range(fpdf.FPDFPage_CountObjects(page)):
        obj = fpdf.FPDFPage_GetObject(page, i)
        if fpdf.FPDFPageObj_GetType(obj) == fpdf.FPDF_PAGEOBJ_TEXT:
            fpdf.FPDFPageObj_GetBounds(obj, x0, y0, x1, y1)
            if x0.value == x1.value:
                found.append((x0.value - left, top - y0.value))
    return sorted(found)


def _words(
    textpage: pypdfium2.PdfTextPage, spaces: list[tuple[float, float]], left: float, top: float
) -> list[Word]:
    """The page's upright words, split as pdfplumber splits them: at white space drawn in
    the PDF, at `spaces` pdfium dropped, and by pdfplumber's geometric rules (`_starts_word`);
    the white space pdfium generates itself is set aside."""
    count = textpage.count_chars()
    text = textpage.get_text_range()
    if len(text) != count:  # pdfium left out unmapped glyphs: read the chars one by one
        text = "".join(chr(fpdf.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    raw = textpage.raw
    box, matrix = fpdf.FS_RECTF(), fpdf.FS_MATRIX()
    box_ref, matrix_ref = ctypes.byref(box), ctypes.byref(matrix)
    get_box, is_generated = fpdf.FPDFText_GetLooseCharBox, fpdf.FPDFText_IsGenerated
    words: list[Word] = []
    word: list[_Char] = []
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    get_origin = fpdf.FPDFText_GetCharOrigin
    height, size, upright, descent = -1.0, 0.0, True, 0.0
    for i, char in enumerate(text):
        if char.isspace():
            if not is_generated(raw, i):
                _flush(word, words)
                word = []
            continue
        get_box(raw, i, box_ref)
        # Font and size change only where the box height does: look them up only then.
        if box.top - box.bottom != height:
            height = box.top - box.bottom
            fpdf.FPDFText_GetMatrix(raw, i, matrix_ref)
            # pdfminer's test for upright text; rotated stamps and labels are noise
            upright = matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0
            size = fpdf.FPDFText_GetFontSize(raw, i) * abs(matrix.d)
        if not upright:
            continue
        if char in _HYPHENS:
            char = "-"
        elif char in _CONTROL:  # it takes its place in the word, but has no text
            char = ""
        # pdfminer's box starts at the origin and reaches below the baseline by the font's
        # descent. pdfium's loose box does too, except where it lacks the font's metrics and
        # gives the glyph's own box: that one sits on the baseline; the last descent serves.
        get_origin(raw, i, origin_x, origin_y)
        if box.bottom < origin_y.value - 0.05 * size:
            descent = (box.bottom - origin_y.value) / size
            y0 = box.bottom
        else:
            y0 = origin_y.value + descent * size
        x0 = origin_x.value
        # pdfminer's box: its top is one font size above the bottom, the ascent aside
        bottom = top - y0
        measured = (char, x0 - left, box.right - left, bottom - size, bottom, size)
        if word and _starts_word(word[-1], measured, spaces):
            _flush(word, words)
            word = []
        word.append(measured)
    _flush(word, words)
    return words


def _starts_word(prev: _Char, char: _Char, spaces: list[tuple[float, float]]) -> bool:
    """pdfplumber's rule (a gap over the x tolerance, a step back, a jump in height), or a
    dropped space between the two characters."""
    _, x0, _, char_top, bottom, _ = char
    if x0 < prev[1] or x0 > prev[2] + X_TOLERANCE or abs(char_top - prev[3]) > Y_TOLERANCE:
        return True
    start = bisect.bisect_right(spaces, (prev[1] + 0.01, math.inf))
    for x, y in spaces[start:]:
        if x >= x0 - 0.01:
            return False
        if char_top <= y <= bottom:
            return True
    return False


def _flush(chars: list[_Char], words: list[Word]) -> None:
    if chars:
        words.append(
            Word(
                "".join(c[0] for c in chars),
                min(c[1] for c in chars),
                max(c[2] for c in chars),
                min(c[3] for c in chars),
                max(c[4] for c in chars),
                max(c[5] for c in chars),
            )
        )
