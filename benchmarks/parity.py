"""Do the two PDF engines give the same provisions?

    python -m benchmarks.parity [PDF or folder ...]   # default: corpus/samples and ../shared/laws

Reads every PDF with pdfplumber (the reference) and with pdfium, splits both into provisions
and compares them: citation, heading, context, pages, notes, repeal, and the text with white
space folded. Prints one row per file, then the first differences of each file that has any,
with why where it was looked into (`EXPLAINED`). Exits 1 on a difference not explained.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from corpus.config import SAMPLES_MANIFEST, SHARED_LAWS
from corpus.model import Provision
from extractors import detect, split
from extractors.pdf import read_pdf

DEFAULT_FOLDERS = (SAMPLES_MANIFEST.parent, SHARED_LAWS)
SHOWN = 3  # differences printed per file

# Differences looked into, each a fix on pdfium's side: (file, citation) -> why.
EXPLAINED = {
    ("CO_Ley_2088_2021_Trabajo_en_Casa.pdf", "art. 6"): (
        "the Diario Oficial masthead that runs into art. 6 is set in a small-capitals font:"
        " pdfium reads its capitals as capitals (Octavio Villamarín Abril), pdfplumber's"
        " ToUnicode reading mixes the cases (OctaviO villamarín abril)"
    ),
}


def compared(provision: Provision) -> dict[str, object]:
    """What must be the same under both engines."""
    return {
        "citation": provision.citation,
        "heading": provision.heading,
        "context": provision.context,
        "pages": (provision.page_start, provision.page_end),
        "notes": [" ".join(note.split()) for note in provision.notes],
        "repealed": provision.repealed,
        "text": " ".join(provision.text.split()),
    }


@dataclass
class Parity:
    """Both engines' provisions of one file, matched by citation."""

    name: str
    pages: int
    seconds: dict[str, float]
    reference: list[Provision]
    candidate: list[Provision]
    equal: int = 0
    differences: list[tuple[str, str]] = field(default_factory=list)  # (citation, what)

    @property
    def unexplained(self) -> list[str]:
        return [
            f"{citation}: {what}"
            for citation, what in self.differences
            if (self.name, citation) not in EXPLAINED
        ]


def provisions(path: Path, engine: str) -> tuple[list[Provision], int, float]:
    started = time.perf_counter()
    document = read_pdf(path, engine=engine)
    seconds = time.perf_counter() - started
    return split(document, detect(document.text)), document.page_count or 0, seconds


def compare(path: Path) -> Parity:
    reference, pages, plumber_s = provisions(path, "pdfplumber")
    candidate, _, pdfium_s = provisions(path, "pdfium")
    result = Parity(path.name, pages, {"pdfplumber": plumber_s, "pdfium": pdfium_s},
                    reference, candidate)  # fmt: skip
    keys = [(p.citation, p.occurrence) for p in reference]
    matcher = difflib.SequenceMatcher(None, keys, [(p.citation, p.occurrence) for p in candidate])
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            gone = ", ".join(p.citation for p in reference[a0:a1]) or "-"
            added = ", ".join(p.citation for p in candidate[b0:b1]) or "-"
            result.differences.append(
                (gone, f"provisions differ: pdfplumber {gone} / pdfium {added}")
            )
            continue
        for old, new in zip(reference[a0:a1], candidate[b0:b1], strict=True):
            fields_old, fields_new = compared(old), compared(new)
            changed = [k for k in fields_old if fields_old[k] != fields_new[k]]
            if not changed:
                result.equal += 1
                continue
            what = "; ".join(_describe(k, fields_old[k], fields_new[k]) for k in changed)
            result.differences.append((old.citation, what))
    return result


def _describe(name: str, old: object, new: object) -> str:
    if isinstance(old, str) and isinstance(new, str):  # from just before the first change
        pairs = enumerate(zip(old, new, strict=False))
        at = next((i for i, (a, b) in pairs if a != b), min(len(old), len(new)))
        old, new = old[max(0, at - 20) : at + 30], new[max(0, at - 20) : at + 30]
    return f"{name} {old!r} / {new!r}"


def pdfs(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.pdf")) if path.is_dir() else [path]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="PDFs or folders")
    args = parser.parse_args()
    files = pdfs(args.paths or [p for p in DEFAULT_FOLDERS if p.is_dir()])
    results = []
    print(f"{'file':<58} {'pages':>5} {'pdfplumber s':>12} {'pdfium s':>8} {'provisions':>10}"
          f" {'equal':>6} {'differing':>9} {'explained':>9}")  # fmt: skip
    for path in files:
        result = compare(path)
        results.append(result)
        explained = len(result.differences) - len(result.unexplained)
        print(
            f"{result.name:<58} {result.pages:>5} {result.seconds['pdfplumber']:>12.1f}"
            f" {result.seconds['pdfium']:>8.2f} {len(result.reference):>10} {result.equal:>6}"
            f" {len(result.differences):>9} {explained:>9}",
            flush=True,
        )
    for result in results:
        for citation, what in result.differences[:SHOWN]:
            why = EXPLAINED.get((result.name, citation), "not explained")
            print(f"\n{result.name} {citation}: {what}\n  -> {why}")
    return 0 if not any(r.unexplained for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
