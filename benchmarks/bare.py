"""The floors: a PDF library's own text extraction over a manifest's PDFs, one process.

python -m benchmarks.bare MANIFEST.tsv [pdfplumber|pypdfium2]
    # prints {"library": ..., "pages": ..., "chars": ..., "seconds": ...}

pdfplumber's `extract_text()` (pure Python) and pypdfium2's `get_text_range()` (pdfium, C++):
no layout handling, no provisions; what reading the text layer costs at the least.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from benchmarks.corpus import manifest_files


def pdfplumber_pages(path: Path) -> Iterator[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            yield page.extract_text() or ""
            page.close()  # as the pipeline does: memory stays flat


def pypdfium2_pages(path: Path) -> Iterator[str]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            yield textpage.get_text_range()
            textpage.close()
            page.close()
    finally:
        pdf.close()


LIBRARIES: dict[str, Callable[[Path], Iterator[str]]] = {
    "pdfplumber": pdfplumber_pages,
    "pypdfium2": pypdfium2_pages,
}


def extract_all(files: list[Path], library: str = "pdfplumber") -> dict[str, float | str]:
    pages_of = LIBRARIES[library]
    started = time.perf_counter()
    pages = chars = 0
    for path in files:
        for text in pages_of(path):
            chars += len(text)
            pages += 1
    seconds = round(time.perf_counter() - started, 3)
    return {"library": library, "pages": pages, "chars": chars, "seconds": seconds}


if __name__ == "__main__":
    library = sys.argv[2] if len(sys.argv) > 2 else "pdfplumber"
    print(json.dumps(extract_all(manifest_files(Path(sys.argv[1])), library)))
