"""The `c177` command. Each command is a thin layer over the flows and the library: it reads
settings (c177.toml < C177_* environment < flags), calls one function and prints the outcome.
Heavy modules are imported inside the commands so that `c177 --help` stays quick."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from corpus.config import SAMPLES_MANIFEST, Settings, load_settings

app = typer.Typer(
    help="c177: how far national labour laws cover homeworkers, against ILO Convention No. 177.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
export_app = typer.Typer(help="Export stored data.", no_args_is_help=True)
reviews_app = typer.Typer(help="Share reviews between teams as JSONL.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(reviews_app, name="reviews")

console = Console(stderr=True)

DbOption = Annotated[
    str | None, typer.Option("--db", help="SQLite file or sqlite:///PATH (default: c177.toml)")
]
ManifestOption = Annotated[
    Path | None,
    typer.Option("--manifest", "-m", help="TSV/CSV with columns file or url, jurisdiction, ..."),
]
PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="Law files or folders (default: the shipped sample corpus)"),
]
ModelDirOption = Annotated[
    str | None, typer.Option("--model-dir", help="Folder of trained models (default: shipped)")
]


def settings(**flags: str | None) -> Settings:
    return load_settings(**flags)


def entries(paths: list[Path] | None, manifest: Path | None) -> list:
    """What to ingest: a manifest, files and folders, or else the shipped sample corpus."""
    from corpus.manifest import ManifestError, entries_from_paths, read_manifest

    found, problems = [], []
    try:
        if manifest:
            listed, skipped = read_manifest(manifest)
            found += listed
            problems += skipped
        if paths:
            listed, missing = entries_from_paths(paths)
            found += listed
            problems += missing
        if not manifest and not paths:
            found, problems = read_manifest(SAMPLES_MANIFEST)
    except ManifestError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    for problem in problems:
        console.print(f"[yellow]warning:[/yellow] {problem}")
    return found


@app.command()
def ingest(
    paths: PathsArgument = None,
    manifest: ManifestOption = None,
    db: DbOption = None,
    ocr: Annotated[bool, typer.Option(help="OCR image-only pages (needs ocrmypdf)")] = False,
) -> None:
    """Read laws (PDF, DOCX, HTML, Markdown, text, JSON), split them into provisions and store
    them. Unchanged files (same SHA-256) are skipped."""
    from rich.progress import Progress

    from corpus.store import Store
    from flows.downloads import DownloadError, fetch
    from flows.steps import Outcome
    from flows.steps import ingest as ingest_one

    config = settings(db=db)
    todo = entries(paths, manifest)
    outcomes: list[Outcome] = []
    with Store(config.db) as store, Progress(console=console, transient=True) as progress:
        task = progress.add_task("Ingesting", total=len(todo))
        for entry in todo:
            progress.update(task, description=f"Ingesting {Path(entry.location).name}")
            try:
                path = (
                    fetch(entry.location, Path(config.downloads_dir))
                    if entry.is_url
                    else Path(entry.location)
                )
            except DownloadError as error:
                outcomes.append(Outcome(Path(entry.location).name, "failed", str(error)))
            else:
                outcomes.append(ingest_one(store, path, entry.meta, ocr=ocr))
            progress.advance(task)
    print_outcomes(outcomes)
    if outcomes and all(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


def print_outcomes(outcomes: list) -> None:
    for outcome in outcomes:
        if outcome.status == "failed":
            console.print(f"[red]failed[/red]    {outcome.message}")
        else:
            console.print(f"{outcome.status:<10} {outcome.name} ({outcome.provisions} provisions)")
        for warning in outcome.warnings:
            console.print(f"[yellow]warning:[/yellow] {warning}")
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    console.print(
        ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to do"
    )


@export_app.command("provisions")
def export_provisions(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl or csv")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File (default: stdout)")] = None,
    document: Annotated[str | None, typer.Option(help="Only this document (file name)")] = None,
) -> None:
    """Write one record per stored provision: document, citation, heading, context, text,
    pages, and the status, topics, scores and evidence in force."""
    from corpus.exports import write_provisions
    from corpus.store import Store

    if fmt not in ("jsonl", "csv"):
        console.print(f"[red]error:[/red] unknown format {fmt!r}: use jsonl or csv")
        raise typer.Exit(2)
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


def main() -> None:
    app()


# Commands that live beside the code they drive; each module keeps heavy imports inside
# its functions so that start-up stays quick. One line per command.
