"""The pdfium engine (the default): pages into `Word`s with pypdfium2.

pdfium's text page gives each character's code and box from C, some 60x faster than
pdfminer parses them. Words are then cut where pdfplumber cuts them, with pdfminer's boxes,
so that both engines give the same lines, provisions and text hashes (benchmarks/parity.py).
pdfium's own inferences are set aside: the spaces and line breaks it generates, the spaces
drawn in the PDF that it drops, and its marking of a hyphen that ends a line (U+FFFE in the
text, U+0002 char by char), which becomes a plain hyphen again.
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
# pdfium's mark of a hyphen that ends a line becomes a hyphen again. Control characters
# (pdfium's code for a glyph the font cannot map, pdfplumber's "(cid:N)", and stray C1 codes
# from broken font encodings) keep their place in a word but lose their text.
_UNMAPPED = "\x00"
_CLEAN = {0xFFFE: "-", 0x02: "-"} | {
    code: _UNMAPPED for code in (1, *range(3, 32), *range(127, 160)) if not chr(code).isspace()
}

_LOAD_ERRORS = {
    fpdf.FPDF_ERR_PASSWORD: "encrypted PDF: a password is needed to open it",
    fpdf.FPDF_ERR_SECURITY: "encrypted PDF with an unsupported scheme",
    fpdf.FPDF_ERR_FILE: "cannot read file",
}


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
    the PDF, at `spaces` pdfium dropped, at a gap over the x tolerance, a step back or a jump
    in height. The white space pdfium generates itself is set aside.

    Boxes are pdfminer's: from the character's origin, reaching below the baseline by the
    font's descent and one font size above that. pdfium's loose box is that box, leaning in
    italics (its left edge off the origin by a fraction of a point), except where pdfium
    lacks the font's metrics and gives the glyph's own box, which sits on the baseline (the
    last descent seen serves). So the vertical offset is measured once per run of one font
    and size (where the box height changes), and each word's left edge at its first
    character's origin; this loop runs once per character and is the engine's cost.
    """
    count = textpage.count_chars()
    text = textpage.get_text_range()
    if len(text) != count:  # pdfium left out unmapped glyphs: read the chars one by one
        text = "".join(chr(fpdf.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    text = text.translate(_CLEAN)
    raw = textpage.raw
    box, matrix = fpdf.FS_RECTF(), fpdf.FS_MATRIX()
    box_ref, matrix_ref = ctypes.byref(box), ctypes.byref(matrix)
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    get_box, is_generated = fpdf.FPDFText_GetLooseCharBox, fpdf.FPDFText_IsGenerated
    words: list[Word] = []
    parts: list[str] = []  # the word so far: its characters, box and largest size
    x0 = x1 = word_top = word_bottom = word_size = 0.0
    last_x0 = last_x1 = last_top = 0.0  # its last character's box
    drawn_space = False  # a space drawn in the PDF since the last character
    height, size, upright, dx, dy, descent = -1.0, 0.0, True, 0.0, 0.0, 0.0
    for i, char in enumerate(text):
        if char.isspace():
            drawn_space = drawn_space or not is_generated(raw, i)
            continue
        get_box(raw, i, box_ref)
        box_bottom = box.bottom
        if box.top - box_bottom != height:  # another font or size: measure the run
            height = box.top - box_bottom
            fpdf.FPDFText_GetMatrix(raw, i, matrix_ref)
            # pdfminer's test for upright text; rotated stamps and labels are noise
            upright = matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0
            size = fpdf.FPDFText_GetFontSize(raw, i) * abs(matrix.d)
            fpdf.FPDFText_GetCharOrigin(raw, i, origin_x, origin_y)
            dx = origin_x.value - box.left
            if box_bottom < origin_y.value - 0.05 * size:  # a loose box, below the baseline
                descent, dy = (box_bottom - origin_y.value) / size, 0.0
            else:
                dy = origin_y.value + descent * size - box_bottom
        if not upright:
            continue
        char_x0, char_x1 = box.left + dx - left, box.right - left
        char_bottom = top - box_bottom - dy
        char_top = char_bottom - size
        if parts and (
            drawn_space
            or char_x0 < last_x0
            or char_x0 > last_x1 + X_TOLERANCE
            or abs(char_top - last_top) > Y_TOLERANCE
            or (spaces and _dropped_space(spaces, last_x0, char_x0, char_top, char_bottom))
        ):
            words.append(_word(parts, x0, x1, word_top, word_bottom, word_size))
            parts = []
        drawn_space = False
        if parts:
            parts.append(char)
            # min and max by hand: this runs for every character
            if char_x0 < x0:
                x0 = char_x0
            if char_x1 > x1:
                x1 = char_x1
            if char_top < word_top:
                word_top = char_top
            if char_bottom > word_bottom:
                word_bottom = char_bottom
            if size > word_size:
                word_size = size
        else:  # the word's left edge from its first character's own origin
            fpdf.FPDFText_GetCharOrigin(raw, i, origin_x, origin_y)
            char_x0 = origin_x.value - left
            parts = [char]
            x0, x1, word_top, word_bottom, word_size = char_x0, char_x1, char_top, char_bottom, size
        last_x0, last_x1, last_top = char_x0, char_x1, char_top
    if parts:
        words.append(_word(parts, x0, x1, word_top, word_bottom, word_size))
    return words


def _word(parts: list[str], x0: float, x1: float, top: float, bottom: float, size: float) -> Word:
    text = "".join(parts)
    if _UNMAPPED in text:  # a glyph the font cannot map keeps its place but has no text
        text = text.replace(_UNMAPPED, "")
    return Word(text, x0, x1, top, bottom, size)


def _dropped_space(
    spaces: list[tuple[float, float]], after: float, before: float, top: float, bottom: float
) -> bool:
    """Whether one of `spaces` stands on this line between x `after` and `before`."""
    i = bisect.bisect_right(spaces, (after + 0.01, math.inf))
    # Up to the next character's origin: some PDFs draw a space under the next letter.
    while i < len(spaces) and spaces[i][0] <= before + 0.01:
        if top <= spaces[i][1] <= bottom:
            return True
        i += 1
    return False
