"""The pdfium engine (the default): pages into `Word`s with pypdfium2.

pdfium's text page gives each character's code and box from C, some 50x faster than
pdfminer parses them. Words are then cut where pdfplumber cuts them, with pdfminer's boxes,
so that both engines give the same lines, provisions and text hashes (benchmarks/parity.py).
pdfium's own inferences are set aside: the spaces and line breaks it generates, the spaces
drawn in the PDF that it drops, and its marking of a hyphen that ends a line (U+FFFE in the
text, U+0002 char by char), which becomes a plain hyphen again.
"""

from __future__ import annotations

import bisect
import ctypes
import threading
from pathlib import Path
from typing import Any, NamedTuple

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

# pdfium is not thread-safe: one document at a time per process (task runners with threads).
_PDFIUM = threading.Lock()

_LOAD_ERRORS = {
    fpdf.FPDF_ERR_PASSWORD: "encrypted PDF: a password is needed to open it",
    fpdf.FPDF_ERR_SECURITY: "encrypted PDF with an unsupported scheme",
    fpdf.FPDF_ERR_FILE: "cannot read file",
}


def read_pages(path: Path, reported: Path) -> tuple[list[PdfPage], int]:
    """Every page's lines and the page count; errors name `reported` (the user's file)."""
    with _PDFIUM:
        return _read_document(path, reported)


def _read_document(path: Path, reported: Path) -> tuple[list[PdfPage], int]:
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


def _dropped_spaces(page: pypdfium2.PdfPage, left: float, top: float) -> _Spaces:
    """Where text objects pdfium kept no character of sit: x and y (from the top), by x.

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
    found.sort()
    return [x for x, _ in found], [y for _, y in found]


# A character: its index on the text page, text, x0, x1, top, bottom, font size, and
# whether a space drawn in the PDF comes before it.
_Char = tuple[int, str, float, float, float, float, float, bool]
_Spaces = tuple[list[float], list[float]]  # x and y of dropped spaces, by x


def _words(textpage: pypdfium2.PdfTextPage, spaces: _Spaces, left: float, top: float) -> list[Word]:
    """The page's upright words, cut where pdfplumber cuts them: at white space drawn in the
    PDF, at `spaces` pdfium dropped, at a gap over the x tolerance, a step back or a jump in
    height. The white space pdfium generates itself is set aside."""
    words: list[Word] = []
    word: list[_Char] = []
    for char in _chars(textpage, left, top):
        if word:
            _, _, x0, _, char_top, bottom, _, spaced = char
            prev = word[-1]
            if (
                spaced
                or x0 < prev[2]
                or x0 > prev[3] + X_TOLERANCE
                or abs(char_top - prev[4]) > Y_TOLERANCE
                or _dropped_space(spaces, prev[2], x0, char_top, bottom)
            ):
                words.append(_word(textpage, word, left))
                word = []
        word.append(char)
    if word:
        words.append(_word(textpage, word, left))
    return words


def _chars(textpage: pypdfium2.PdfTextPage, left: float, top: float) -> list[_Char]:
    """The page's upright characters with pdfminer's boxes: from the origin, reaching below
    the baseline by the font's descent and one font size above that.

    pdfium's loose box is that box, leaning in italics (its left edge off the origin by a
    fraction of a point: `_word` takes the origin), except where pdfium lacks the font's
    metrics and gives the glyph's own box, which sits on the baseline (the last descent seen
    serves). The offset is measured once per run of one font and size, where the box height
    changes: this loop runs once per character and is the engine's cost."""
    count = textpage.count_chars()
    text = textpage.get_text_range()
    if len(text) != count:  # pdfium left out unmapped glyphs: read the chars one by one
        text = "".join(chr(fpdf.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    raw = textpage.raw
    box = fpdf.FS_RECTF()
    box_ref = ctypes.byref(box)
    get_box, is_generated = fpdf.FPDFText_GetLooseCharBox, fpdf.FPDFText_IsGenerated
    chars: list[_Char] = []
    spaced = False  # a space drawn in the PDF since the last character
    height, run = -1.0, _Run(True, 0.0, 0.0, 0.0)
    for i, char in enumerate(text.translate(_CLEAN)):
        if char.isspace():
            spaced = spaced or not is_generated(raw, i)
            continue
        get_box(raw, i, box_ref)
        if box.top - box.bottom != height:  # another font or size
            height = box.top - box.bottom
            run = _measure_run(raw, i, box, run.descent)
        if run.upright:
            bottom = top - box.bottom - run.dy
            chars.append((i, char, box.left - left, box.right - left, bottom - run.size, bottom,
                          run.size, spaced))  # fmt: skip
            spaced = False
    return chars


class _Run(NamedTuple):
    upright: bool
    size: float  # the font size as drawn
    dy: float  # from pdfium's box bottom up to pdfminer's
    descent: float  # below the baseline, in font sizes


def _measure_run(raw: object, index: int, box: Any, descent: float) -> _Run:
    matrix = fpdf.FS_MATRIX()
    fpdf.FPDFText_GetMatrix(raw, index, matrix)
    # pdfminer's test for upright text; rotated stamps and labels are noise
    upright = matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0
    size = fpdf.FPDFText_GetFontSize(raw, index) * abs(matrix.d)
    x, y = ctypes.c_double(), ctypes.c_double()
    fpdf.FPDFText_GetCharOrigin(raw, index, x, y)
    if box.bottom < y.value - 0.05 * size:  # a loose box: it reaches below the baseline
        return _Run(upright, size, 0.0, (box.bottom - y.value) / size)
    return _Run(upright, size, y.value + descent * size - box.bottom, descent)


def _word(textpage: pypdfium2.PdfTextPage, chars: list[_Char], left: float) -> Word:
    indexes, texts, _, rights, tops, bottoms, sizes, _ = zip(*chars, strict=True)
    x, y = ctypes.c_double(), ctypes.c_double()
    fpdf.FPDFText_GetCharOrigin(textpage.raw, indexes[0], x, y)  # the left edge, unleant
    text = "".join(texts)
    if _UNMAPPED in text:  # a glyph the font cannot map keeps its place but has no text
        text = text.replace(_UNMAPPED, "")
    return Word(text, x.value - left, max(rights), min(tops), max(bottoms), max(sizes))


def _dropped_space(spaces: _Spaces, after: float, before: float, top: float, bottom: float) -> bool:
    """Whether one of `spaces` stands on this line between x `after` and `before` (up to the
    next character's origin: some PDFs draw a space under the next letter)."""
    xs, ys = spaces
    i = bisect.bisect_right(xs, after + 0.01)
    while i < len(xs) and xs[i] <= before + 0.01:
        if top <= ys[i] <= bottom:
            return True
        i += 1
    return False
