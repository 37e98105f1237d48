"""Show that a change kept the outputs byte for byte: run one checkout's CLI on a fixed set of
inputs and snapshot everything a user sees, then compare two snapshots.

    python scripts/same_outputs.py run WORK before --checkout /path/to/old/checkout
    python scripts/same_outputs.py run WORK after                # this checkout
    python scripts/same_outputs.py compare WORK before after

The inputs are the sample statutes and, when ../shared/laws exists, three real laws (a PDF,
a Markdown law and a JSON provision list); they are copied once into WORK/inputs, so both runs
read the same paths. A snapshot holds the stored documents, provisions and tags (without the
times they were written), the provisions export (JSONL, CSV), the matrix in every format and a
country report per jurisdiction in every format. XLSX and DOCX are zip files whose
docProps/core.xml records when they were written: those members are compared without their
dates, every other member byte for byte. The stored documents carry `extractor_version`, a hash
of the extractors' source files that changes with any edit there, by design: store.jsonl is
compared without it, byte for byte otherwise, and a changed version is printed as a note.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_LAWS = REPO.parent / "shared" / "laws"
REAL_LAWS = (
    "IN_Trade_Unions_Act_1926.pdf",
    "DE_Heimarbeitsgesetz_HAG.md",
    "IN_Code_on_Wages_2019.json",
)
MATRIX_FORMATS = ("csv", "xlsx", "json", "html")
REPORT_FORMATS = ("md", "html", "docx")
VOLATILE_COLUMNS = {"ingested_at", "tagged_at", "id", "document_id", "provision_id"}
DATES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
EXTRACTOR_VERSION = re.compile(rb'"extractor_version": "([0-9a-f]*)", ')


def prepare_inputs(work: Path) -> Path:
    """Copy the inputs once into WORK/inputs with one manifest; later runs reuse them."""
    inputs = work / "inputs"
    manifest = inputs / "MANIFEST.tsv"
    if manifest.exists():
        return manifest
    inputs.mkdir(parents=True)
    samples = REPO / "corpus" / "samples"
    if not (samples / "MANIFEST.tsv").exists():
        samples = REPO / "data" / "samples"
    rows = (samples / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    lines = [rows[0]]
    for row in rows[1:]:
        name = row.split("\t")[0]
        shutil.copyfile(samples / name, inputs / name)
        lines.append(row)
    if SHARED_LAWS.exists():
        shared = (SHARED_LAWS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
        for row in shared[1:]:
            cells = row.split("\t")
            if cells[0] in REAL_LAWS:
                shutil.copyfile(SHARED_LAWS / cells[0], inputs / cells[0])
                lines.append("\t".join(cells[:5]))
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def cli_command(checkout: Path) -> list[str]:
    module = "cli" if (checkout / "cli" / "__main__.py").exists() else "flows.cli"
    return [sys.executable, "-c", f"from {module} import app; app()"]


def run_snapshot(work: Path, label: str, checkout: Path) -> Path:
    manifest = prepare_inputs(work)
    out = work / label
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    db = out / "c177.sqlite"
    base = cli_command(checkout)
    env = {"PYTHONPATH": str(checkout), "C177_EXPORTS_DIR": str(out / "exports")}

    def c177(*args: str) -> None:
        subprocess.run(
            [*base, *args], cwd=checkout, env={**_environ(), **env}, check=True, timeout=3600
        )

    c177("ingest", "--manifest", str(manifest), "--db", str(db))
    c177("tag", "--db", str(db))
    for fmt in ("jsonl", "csv"):
        c177("export", "provisions", "--db", str(db), "-f", fmt, "-o", str(out / f"prov.{fmt}"))
    for fmt in MATRIX_FORMATS:
        c177("matrix", "--db", str(db), "-f", fmt, "-o", str(out / f"matrix.{fmt}"))
    for jurisdiction in _jurisdictions(db):
        for fmt in REPORT_FORMATS:
            target = out / f"report-{jurisdiction}.{fmt}"
            c177("report", jurisdiction, "--db", str(db), "--format", fmt, "--out", str(target))
    _dump_store(db, out / "store.jsonl")
    for path in out.glob("c177.sqlite*"):
        path.unlink()
    return out


def _environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def _jurisdictions(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT DISTINCT jurisdiction FROM documents ORDER BY 1").fetchall()
    return [r[0] for r in rows if r[0]]


def _dump_store(db: Path, target: Path) -> None:
    """Documents, provisions and tags joined by natural keys, without write times or row ids."""
    with sqlite3.connect(db) as conn, target.open("w", encoding="utf-8") as out:
        conn.row_factory = sqlite3.Row
        queries = {
            "document": "SELECT * FROM documents ORDER BY sha256",
            "provision": "SELECT d.sha256 AS doc, p.* FROM provisions p "
            "JOIN documents d ON d.id = p.document_id ORDER BY d.sha256, p.seq",
            "tag": "SELECT d.sha256 AS doc, p.seq, t.* FROM tags t "
            "JOIN provisions p ON p.id = t.provision_id "
            "JOIN documents d ON d.id = p.document_id ORDER BY d.sha256, p.seq",
        }
        for kind, sql in queries.items():
            for row in conn.execute(sql):
                record = {k: row[k] for k in row.keys() if k not in VOLATILE_COLUMNS}
                out.write(json.dumps({kind: record}, ensure_ascii=False, sort_keys=True) + "\n")


def _zip_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {
            info.filename: DATES.sub(b"", archive.read(info.filename))
            for info in archive.infolist()
        }


def compare(work: Path, label_a: str, label_b: str) -> list[str]:
    """The files that differ (or exist on one side only) between two snapshots."""
    a, b = work / label_a, work / label_b
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    differences = []
    for name in names:
        left, right = a / name, b / name
        if not (left.exists() and right.exists()):
            differences.append(f"{name}: only in {label_a if left.exists() else label_b}")
        elif name == "store.jsonl":
            if EXTRACTOR_VERSION.sub(b"", left.read_bytes()) != EXTRACTOR_VERSION.sub(
                b"", right.read_bytes()
            ):
                differences.append(f"{name}: bytes differ (extractor_version aside)")
        elif name.endswith((".xlsx", ".docx")):
            if _zip_members(left) != _zip_members(right):
                differences.append(f"{name}: zip members differ")
        elif left.read_bytes() != right.read_bytes():
            differences.append(f"{name}: bytes differ")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="snapshot one checkout's outputs")
    run.add_argument("work", type=Path)
    run.add_argument("label")
    run.add_argument("--checkout", type=Path, default=REPO)
    cmp = sub.add_parser("compare", help="compare two snapshots")
    cmp.add_argument("work", type=Path)
    cmp.add_argument("label_a")
    cmp.add_argument("label_b")
    args = parser.parse_args()
    if args.command == "run":
        out = run_snapshot(args.work, args.label, args.checkout.resolve())
        print(f"snapshot in {out} ({len(list(out.iterdir()))} files)")
        return 0
    differences = compare(args.work, args.label_a, args.label_b)
    files = len(list((args.work / args.label_a).iterdir()))
    for line in differences:
        print(line)
    versions = [
        sorted(set(EXTRACTOR_VERSION.findall((args.work / label / "store.jsonl").read_bytes())))
        for label in (args.label_a, args.label_b)
    ]
    if versions[0] != versions[1]:
        before, after = (b", ".join(v).decode() for v in versions)
        print(f"note: extractor_version {before} -> {after} (a hash of extractors/ source)")
    print(f"{files - len(differences)} of {files} files identical")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
