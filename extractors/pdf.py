"""PDF text extraction: reading order, running heads, hyphens, OCR fallback.

Two engines read the pages into words: pdfium (`extractors.pdfium`, the default, fast C++)
and pdfplumber (`extractors.plumber`, pure Python, the reference). The layout rules
(`extractors.layout`) then run the same for both: columns, marginal notes, lines on each
page, then running headers and footers, page numbers and hyphenation across pages.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from corpus.errors import ExtractionError
from corpus.model import ExtractedDocument, Line
from extractors import DEFAULT_PDF_ENGINE, PDF_ENGINES
from extractors.layout import PdfPage, drop_running_lines, join_hyphenated


def read_pdf(path: Path, ocr: bool = False, engine: str = DEFAULT_PDF_ENGINE) -> ExtractedDocument:
    """Read a PDF's text layer into cleaned lines in reading order, with `engine` (one of
    `PDF_ENGINES`).

    Raises `ExtractionError` for empty, non-PDF, corrupt, truncated or encrypted files and
    for scans without a text layer (unless `ocr` is set and ocrmypdf is installed).
    """
    path = Path(path)
    if engine not in PDF_ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}: use {' or '.join(PDF_ENGINES)}")
    _check_file(path)
    warnings: list[str] = []
    if ocr:
        if shutil.which("ocrmypdf"):
            with tempfile.TemporaryDirectory() as tmp:
                ocred = Path(tmp) / "ocr.pdf"
                _run_ocr(path, ocred)
                pages, page_count = _read_pages(ocred, path, engine)
            warnings.append("OCR applied with ocrmypdf to pages without a text layer")
        else:
            warnings.append("OCR requested but ocrmypdf is not installed: text layer only")
            pages, page_count = _read_pages(path, path, engine)
    else:
        pages, page_count = _read_pages(path, path, engine)

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

    drop_running_lines(pages)
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


def _read_pages(path: Path, reported: Path, engine: str) -> tuple[list[PdfPage], int]:
    if engine == "pdfplumber":
        from extractors import plumber  # pdfminer: heavy, imported only when asked

        return plumber.read_pages(path, reported)
    from extractors import pdfium

    return pdfium.read_pages(path, reported)
