"""`c177 export provisions`, `matrix` and `diff`: what is made from the store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.options import MATRIX_FORMATS, DbOption, console, parse_formats, settings
from corpus.errors import UsageError


def export_provisions(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl or csv")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File (default: stdout)")] = None,
    document: Annotated[str | None, typer.Option(help="Only this document (file name)")] = None,
) -> None:
    """Write one record per stored provision: document, citation, heading, context, text,
    pages, and the status, topics, scores and evidence in force."""
    from corpus.store import Store
    from reports.provisions_export import write_provisions

    if fmt not in ("jsonl", "csv"):
        raise UsageError(f"unknown format {fmt!r}: use jsonl or csv")
    with Store(settings(db=db).db) as store:
        provisions = [
            p for p in store.provisions() if document is None or p.document.name == document
        ]
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            with open(out, "w", encoding="utf-8", newline="") as handle:
                count = write_provisions(provisions, fmt, handle)
            console.print(f"wrote {count} provisions to {out}")
        else:
            write_provisions(provisions, fmt, sys.stdout)


def matrix(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, xlsx, json or html")] = "html",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File (default: EXPORTS_DIR/matrix.FORMAT)")
    ] = None,
) -> None:
    """Build the coverage matrix from the store as it is now (reviews override model labels)."""
    (fmt,) = parse_formats(fmt, MATRIX_FORMATS) or ["html"]
    from corpus.store import Store
    from reports.matrix import matrix_of
    from reports.matrix_exports import write_matrix

    config = settings(db=db)
    with Store(config.db) as store:
        built = matrix_of(store)
    written = write_matrix(built, fmt, out or Path(config.exports_dir) / f"matrix.{fmt}")
    counts = ", ".join(f"{n} {c}" for c, n in built.counts().items())
    console.print(f"{len(built.jurisdictions)} jurisdictions; cells: {counts}")
    for path in written:
        console.print(f"wrote {path}")


def diff(
    run_a: Annotated[
        int | None, typer.Argument(help="Older run id (default: last but one)")
    ] = None,
    run_b: Annotated[int | None, typer.Argument(help="Newer run id (default: last)")] = None,
    db: DbOption = None,
) -> None:
    """Show matrix cells and provision labels that changed between two runs."""
    from corpus.store import Store
    from reports.diff import diff_runs, last_two_runs

    with Store(settings(db=db).db) as store:
        if run_a is None or run_b is None:
            run_a, run_b = last_two_runs(store)
        changes = diff_runs(store, run_a, run_b)
    typer.echo(
        f"run {run_a} -> run {run_b}: {len(changes.cells)} cell(s) changed, "
        f"{len(changes.labels)} provision label(s) changed"
    )
    for cell in changes.cells:
        typer.echo(f"  cell  {cell.jurisdiction} {cell.topic}: {cell.before} -> {cell.after}")
    for label in changes.labels:
        where = f"{label.jurisdiction} {label.document} {label.citation}"
        if label.occurrence > 1:
            where += f" (#{label.occurrence})"
        typer.echo(f"  label {where}: {_label(label.before)} -> {_label(label.after)}")


def _label(label: tuple[str, list[str]] | None) -> str:
    return "(none)" if label is None else f"{label[0]} [{', '.join(label[1])}]"
