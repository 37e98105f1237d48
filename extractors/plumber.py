"""The pdfplumber engine (`--engine pdfplumber`): pages into `Word`s with pdfminer.

Pure Python, so about 10x slower than the pdfium engine; kept as the reference that one is
compared with (benchmarks/parity.py). Each page is parsed once (`page.chars`) and closed
straight away, so memory stays flat on 1,000-page codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import WordExtractor

from corpus.errors import ExtractionError
from extractors.layout import Y_TOLERANCE, PdfPage, Word, page_lines

# Same tolerances as pdfplumber's extract_text, so words match what users see there.
_WORDS = WordExtractor(x_tolerance=3.0, y_tolerance=Y_TOLERANCE)


def read_pages(path: Path, reported: Path) -> tuple[list[PdfPage], int]:
    """Every page's lines and the page count; errors name `reported` (the user's file)."""
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


def _read_page(page: Any) -> PdfPage:
    number, width, height = page.page_number, float(page.width), float(page.height)
    chars = [c for c in page.chars if c.get("upright", True)]  # rotated stamps are noise
    if not chars:
        return PdfPage(number, height, [], image_only=bool(page.images))
    words = [
        Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], max(c["size"] for c in wchars))
        for w, wchars in _WORDS.iter_extract_tuples(chars)
    ]
    return page_lines(number, width, height, words)
