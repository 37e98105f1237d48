"""The baseline: bare pdfplumber `extract_text()` over a manifest's PDFs, one process.

python -m benchmarks.bare MANIFEST.tsv    # prints {"pages": ..., "chars": ..., "seconds": ...}
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pdfplumber

from benchmarks.corpus import manifest_files


def extract_all(files: list[Path]) -> dict[str, float]:
    started = time.perf_counter()
    pages = chars = 0
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                chars += len(page.extract_text() or "")
                pages += 1
                page.close()  # as the pipeline does: memory stays flat
    return {"pages": pages, "chars": chars, "seconds": round(time.perf_counter() - started, 3)}


if __name__ == "__main__":
    print(json.dumps(extract_all(manifest_files(Path(sys.argv[1])))))
