"""The benchmark corpus: the sample statutes and, when present, the shared laws' PDFs, copied
over and over into a temporary folder until a page count is reached.

Each copy gets a different trailing comment after `%%EOF` (PDF readers ignore it), so that its
SHA-256 differs and the pipeline really reads it instead of skipping "same bytes". Copies are
made in a temporary folder, never in the repository.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from corpus.config import SAMPLES_DIR, SHARED_LAWS

COLUMNS = ("file", "jurisdiction", "language", "title", "year")


@dataclass(frozen=True)
class Source:
    path: Path
    pages: int
    meta: dict[str, str]  # the manifest's jurisdiction, language, title, year


@dataclass(frozen=True)
class Copy:
    source: Source
    number: int

    @property
    def name(self) -> str:
        return f"{self.source.path.stem}__copy{self.number:03d}.pdf"


def _manifest_rows(manifest: Path) -> dict[str, dict[str, str]]:
    if not manifest.is_file():
        return {}
    with open(manifest, encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def page_count(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def sources(laws: Path | None = SHARED_LAWS, samples: Path = SAMPLES_DIR) -> list[Source]:
    """Every PDF of the samples and of `laws` (HOLDOUT files included: running them is
    allowed), with its manifest metadata: the samples first (all three of their languages in
    the smallest corpus), then the laws largest first (the largest law in every corpus size, so
    that peak memory is compared on the same largest document)."""
    found = []
    for folder in [samples, *([laws] if laws and laws.is_dir() else [])]:
        rows = _manifest_rows(folder / "MANIFEST.tsv")
        listed = []
        for path in sorted(folder.glob("*.pdf")):
            row = rows.get(path.name, {})
            meta = {k: row.get(k, "") or "" for k in COLUMNS[1:]}
            listed.append(Source(path, page_count(path), meta))
        found += listed if folder == samples else sorted(listed, key=lambda s: -s.pages)
    return found


def select(all_sources: list[Source], pages: int) -> list[Copy]:
    """Copies filling exactly `pages` pages: go round the sources again and again, taking each
    one that still fits (the 1-page sample always does, so the count is reached)."""
    copies: list[Copy] = []
    made: dict[Path, int] = {}
    left = pages
    while left > 0:
        took = False
        for source in all_sources:
            if 0 < source.pages <= left:
                made[source.path] = made.get(source.path, 0) + 1
                copies.append(Copy(source, made[source.path]))
                left -= source.pages
                took = True
        if not took:
            raise ValueError(f"no source fits the last {left} page(s)")
    return copies


def materialise(copies: list[Copy], folder: Path, manifest: Path) -> Path:
    """Write the copies (once each) into `folder` and a manifest listing them."""
    folder.mkdir(parents=True, exist_ok=True)
    for copy in copies:
        target = folder / copy.name
        if not target.exists():
            data = copy.source.path.read_bytes()
            target.write_bytes(data + f"\n% c177 benchmark copy {copy.number}\n".encode())
    with open(manifest, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for copy in copies:
            meta = copy.source.meta
            writer.writerow([str(folder / copy.name), *(meta[k] for k in COLUMNS[1:])])
    return manifest


def manifest_files(manifest: Path) -> list[Path]:
    with open(manifest, encoding="utf-8", newline="") as handle:
        return [Path(row["file"]) for row in csv.DictReader(handle, delimiter="\t")]
