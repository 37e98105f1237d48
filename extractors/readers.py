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
    takes_ocr: bool = False  # whether it takes the `ocr` option (image-only pages)

    def __call__(self, path: Path, ocr: bool = False) -> ExtractedDocument:
        reader = getattr(importlib.import_module(self.module), self.function)
        document: ExtractedDocument = reader(path, ocr=ocr) if self.takes_ocr else reader(path)
        return document


READERS: dict[str, Reader] = {
    "pdf": Reader("extractors.pdf", "read_pdf", takes_ocr=True),
    "docx": Reader("extractors.docx", "read_docx"),
    "html": Reader("extractors.html", "read_html"),
    "finlex": Reader("extractors.finlex", "read_finlex"),
    "json": Reader("extractors.jsonlaw", "read_json"),
    "markdown": Reader("extractors.markdown", "read_markdown"),
    "text": Reader("extractors.text", "read_text"),
}


def read(path: Path, ocr: bool = False) -> ExtractedDocument:
    """Read a law file of any supported format into an `ExtractedDocument`."""
    path = Path(path)
    if not path.is_file():
        raise ExtractionError(path, "no such file")
    with open(path, "rb") as handle:
        head = handle.read(8192)
    kind = sniff(path, head)
    try:
        return READERS[kind](path, ocr)
    except ExtractionError:
        if kind != "json" or path.suffix.lower() == ".json" or _is_json(path):
            raise
    # "{" opened a text file that is not JSON: read it as text after all.
    return READERS["text"](path, ocr)


def _is_json(path: Path) -> bool:
    try:
        json.loads(path.read_bytes())
    except ValueError:
        return False
    return True
