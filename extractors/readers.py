"""One registry, format -> reader, and `read(path)` that sniffs a file and calls its reader."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import ExtractionError
from corpus.model import ExtractedDocument
from extractors.sniff import sniff


@dataclass(frozen=True)
class Reader:
    """A format's reader: `module.function(path)`, imported on first use (pdfplumber and
    python-docx take long to import, and a run may have no such file)."""

    module: str
    function: str
    is_pdf: bool = False  # takes the `ocr` option (image-only pages) and the PDF `engine`

    def __call__(self, path: Path, ocr: bool, engine: str) -> ExtractedDocument:
        reader = getattr(importlib.import_module(self.module), self.function)
        document: ExtractedDocument = (
            reader(path, ocr=ocr, engine=engine) if self.is_pdf else reader(path)
        )
        return document


# What one document may hold. The longest labour codes we know have under 2 million characters;
# the limits keep a hostile or mistaken file from taking the machine's memory.
MAX_TEXT_CHARS = 5_000_000
MAX_TEXT_BYTES = 20_000_000  # text-like files (HTML, JSON, Markdown, text, XML) on disk
BINARY_FORMATS = ("pdf", "docx")  # these readers keep their own limits (pages, archive size)

# The pdfium engine reads PDFs about 10x faster than pdfplumber (pure Python), the reference
# it matches.
PDF_ENGINES = ("pdfium", "pdfplumber")
DEFAULT_PDF_ENGINE = "pdfium"

READERS: dict[str, Reader] = {
    "pdf": Reader("extractors.pdf", "read_pdf", is_pdf=True),
    "docx": Reader("extractors.docx", "read_docx"),
    "html": Reader("extractors.html", "read_html"),
    "finlex": Reader("extractors.finlex", "read_finlex"),
    "json": Reader("extractors.jsonlaw", "read_json"),
    "markdown": Reader("extractors.markdown", "read_markdown"),
    "text": Reader("extractors.text", "read_text"),
}


def read(path: Path, ocr: bool = False, engine: str = DEFAULT_PDF_ENGINE) -> ExtractedDocument:
    """Read a law file of any supported format into an `ExtractedDocument`; PDFs with
    `engine` (one of `extractors.PDF_ENGINES`).

    Whatever goes wrong while reading (a library's own exception on a damaged file included)
    raises `ExtractionError`, one line naming the file, so that a run can go on without it."""
    path = Path(path)
    try:
        document = _read(path, ocr, engine)
    except ExtractionError:
        raise
    except Exception as error:  # the readers' libraries fail in more ways than they document
        raise ExtractionError.unexpected(path, error) from error
    if len(document.text) > MAX_TEXT_CHARS:
        raise ExtractionError(
            path, f"{len(document.text):,} characters of text, over the {MAX_TEXT_CHARS:,} limit"
        )
    return document


def _read(path: Path, ocr: bool, engine: str) -> ExtractedDocument:
    if not path.is_file():
        raise ExtractionError(path, "no such file")
    with open(path, "rb") as handle:
        head = handle.read(8192)
    kind = sniff(path, head)
    size = path.stat().st_size
    if kind not in BINARY_FORMATS and size > MAX_TEXT_BYTES:  # a text file is held whole
        raise ExtractionError(path, f"{size:,} bytes of {kind}, over the {MAX_TEXT_BYTES:,} limit")
    try:
        return READERS[kind](path, ocr, engine)
    except ExtractionError:
        if kind != "json" or path.suffix.lower() == ".json" or _is_json(path):
            raise
    # "{" opened a text file that is not JSON: read it as text after all.
    return READERS["text"](path, ocr, engine)


def _is_json(path: Path) -> bool:
    try:
        json.loads(path.read_bytes())
    except ValueError:
        return False
    return True
