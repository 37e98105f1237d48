"""The `c177` command. Each command is a thin layer over the flows and the library: it reads
settings (c177.toml < C177_* environment < flags), calls one function and prints the outcome.
Heavy modules are imported inside the commands so that `c177 --help` stays quick."""

from __future__ import annotations

import os
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
    rich_markup_mode="markdown",
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
    """Read laws (PDF, DOCX, HTML, Markdown, text, JSON, Finlex XML), split them into provisions
    and store them. Unchanged files (same SHA-256) are skipped."""
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


def quiet_prefect() -> None:
    """Prefect and Dask settings read at import: quiet logs, no analytics. Call before importing
    prefect; values already in the environment win."""
    for name, value in {
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DASK_LOGGING__DISTRIBUTED": "warning",
    }.items():
        os.environ.setdefault(name, value)


def parse_formats(text: str, allowed: tuple[str, ...]) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in allowed]
    if unknown:
        console.print(
            f"[red]error:[/red] unknown format(s) {', '.join(unknown)}: use {', '.join(allowed)}"
        )
        raise typer.Exit(2)
    return formats


MATRIX_FORMATS = ("csv", "xlsx", "json", "html")  # corpus.matrix_exports.FORMATS, kept light


@app.command()
def run(
    paths: PathsArgument = None,
    manifest: ManifestOption = None,
    db: DbOption = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Documents in N parallel processes"),
    ] = None,
    dask: Annotated[bool, typer.Option("--dask", help="Run on a local Dask cluster")] = False,
    dask_address: Annotated[
        str | None, typer.Option("--dask-address", help="Run on this Dask scheduler")
    ] = None,
    formats: Annotated[
        str, typer.Option("--formats", help="Matrix exports, comma-separated")
    ] = ",".join(MATRIX_FORMATS),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder for the exports (default: c177.toml)")
    ] = None,
    ocr: Annotated[bool, typer.Option(help="OCR image-only pages (needs ocrmypdf)")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Re-read and re-tag even unchanged documents")
    ] = False,
    model_dir: ModelDirOption = None,
) -> None:
    """Run the whole pipeline as one Prefect flow: read, split, tag, build the coverage matrix
    and export it. Unchanged documents are skipped; a new model re-tags without re-reading."""
    config = settings(db=db, model_dir=model_dir)
    chosen = parse_formats(formats, MATRIX_FORMATS)
    entries(paths, manifest)  # fail fast on a bad manifest, and show its warnings
    quiet_prefect()
    from flows.pipeline import format_report, run_pipeline

    report = run_pipeline(
        workers=workers,
        dask=dask,
        dask_address=dask_address,
        paths=[str(p) for p in paths] if paths else None,
        manifest=str(manifest) if manifest else None,
        db=config.db,
        formats=chosen,
        out=str(out or config.exports_dir),
        ocr=ocr,
        force=force,
        model_dir=config.model_dir or None,
        downloads_dir=config.downloads_dir,
    )
    typer.echo(format_report(report))
    if report["documents"] and report["failed"] >= report["documents"]:
        raise typer.Exit(1)


@app.command()
def tag(
    db: DbOption = None,
    model_dir: ModelDirOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-tag even up-to-date documents")
    ] = False,
) -> None:
    """Tag the stored documents' provisions with the current model (only those whose tags come
    from another model version, unless --force)."""
    from corpus.store import Store
    from flows.steps import load_tagger
    from flows.steps import tag as tag_one

    config = settings(db=db, model_dir=model_dir)
    tagger = load_tagger(config.model_dir or None)
    with Store(config.db) as store:
        outcomes = [tag_one(store, tagger, d.id, force=force) for d in store.documents()]
    print_outcomes(outcomes)


@app.command()
def matrix(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, xlsx, json or html")] = "html",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File (default: EXPORTS_DIR/matrix.FORMAT)")
    ] = None,
) -> None:
    """Build the coverage matrix from the store as it is now (reviews override model labels)."""
    (fmt,) = parse_formats(fmt, MATRIX_FORMATS) or ["html"]
    from corpus.coverage import build_matrix
    from corpus.matrix_exports import write_matrix
    from corpus.store import Store

    config = settings(db=db)
    with Store(config.db) as store:
        built = build_matrix(store.provisions())
    written = write_matrix(built, fmt, out or Path(config.exports_dir) / f"matrix.{fmt}")
    counts = ", ".join(f"{n} {c}" for c, n in built.counts().items())
    console.print(f"{len(built.jurisdictions)} jurisdictions; cells: {counts}")
    for path in written:
        console.print(f"wrote {path}")


@app.command()
def diff(
    run_a: Annotated[
        int | None, typer.Argument(help="Older run id (default: last but one)")
    ] = None,
    run_b: Annotated[int | None, typer.Argument(help="Newer run id (default: last)")] = None,
    db: DbOption = None,
) -> None:
    """Show matrix cells and provision labels that changed between two runs."""
    from corpus.diff import DiffError, diff_runs, last_two_runs
    from corpus.store import Store

    with Store(settings(db=db).db) as store:
        try:
            if run_a is None or run_b is None:
                run_a, run_b = last_two_runs(store)
            changes = diff_runs(store, run_a, run_b)
        except DiffError as error:
            console.print(f"[red]error:[/red] {error}")
            raise typer.Exit(2) from error
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


SERVER_HELP = """schedules need a Prefect server: the temporary server that `c177 run` starts
does not fire them. Start one and point c177 at it:

  prefect server start                              # in another terminal; UI on :4200
  export PREFECT_API_URL=http://127.0.0.1:4200/api
  c177 schedule --cron "0 3 * * 1" --manifest laws/MANIFEST.tsv

Runs then appear in the UI at http://127.0.0.1:4200 (Deployments, Runs)."""


@app.command()
def schedule(
    cron: Annotated[str, typer.Option("--cron", help='Cron schedule, e.g. "0 3 * * 1"')],
    paths: PathsArgument = None,
    manifest: ManifestOption = None,
    name: Annotated[str, typer.Option("--name", help="Deployment name")] = "c177-scheduled",
    db: DbOption = None,
    formats: Annotated[
        str, typer.Option("--formats", help="Matrix exports, comma-separated")
    ] = ",".join(MATRIX_FORMATS),
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the exports")] = None,
    model_dir: ModelDirOption = None,
) -> None:
    """Serve the pipeline as a Prefect deployment run on a cron schedule (needs a Prefect
    server and PREFECT_API_URL). Stop with Ctrl-C."""
    quiet_prefect()
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        console.print(f"[red]error:[/red] {SERVER_HELP}")
        raise typer.Exit(2)
    from corpus.store import database_path
    from flows.deployments import ScheduleError, serve_pipeline

    config = settings(db=db, model_dir=model_dir)
    entries(paths, manifest)  # fail fast on a bad manifest
    # Absolute paths: scheduled runs may start from another working directory.
    parameters = {
        "paths": [str(p.resolve()) for p in paths] if paths else None,
        "manifest": str(manifest.resolve()) if manifest else None,
        "db": str(database_path(config.db).resolve()),
        "formats": parse_formats(formats, MATRIX_FORMATS),
        "out": str((out or Path(config.exports_dir)).resolve()),
        "model_dir": str(Path(config.model_dir).resolve()) if config.model_dir else None,
        "downloads_dir": str(Path(config.downloads_dir).resolve()),
    }
    try:
        serve_pipeline(cron=cron, name=name, parameters=parameters)
    except ScheduleError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error


LawsOption = Annotated[
    Path | None,
    typer.Option(
        "--laws", help="Folder of the annotated laws (default: ../shared/laws if it exists)"
    ),
]
AnnotationsOption = Annotated[
    Path | None, typer.Option("--annotations", help="Annotation JSONL folder")
]
TuneThresholdsOption = Annotated[
    bool,
    typer.Option(
        "--tune-thresholds", help="Per-topic thresholds by inner cross-validation (5x slower)"
    ),
]


@app.command("train")
def train_command(
    laws: LawsOption = None,
    db: DbOption = None,
    model_dir: Annotated[
        Path | None, typer.Option("--model-dir", help="Where to save (default: shipped)")
    ] = None,
    annotations: AnnotationsOption = None,
    no_seed: Annotated[
        bool, typer.Option("--no-seed", help="Leave out the invented seed examples")
    ] = False,
    tune_thresholds: TuneThresholdsOption = False,
) -> None:
    """Train the tagger on the annotations (+ reviewed provisions of the store) and save it."""
    from classifiers.cli_support import examples_for_training
    from classifiers.train import DEFAULT_MODEL_DIR, load_seed_examples, train_and_save

    examples = examples_for_training(laws, annotations, db, console.print)
    if not no_seed:
        examples += [dict(e, seed=True) for e in load_seed_examples()]
    if not examples:
        console.print("[red]error:[/red] no training examples")
        raise typer.Exit(2)
    try:
        meta = train_and_save(examples, model_dir or DEFAULT_MODEL_DIR, thresholds=tune_thresholds)
    except ValueError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    console.print(
        f"trained on {meta['n_examples']} provisions of {meta['n_documents']} "
        f"documents in {meta['seconds']} s -> {meta['model_file']}"
    )


@app.command("evaluate")
def evaluate_command(
    laws: LawsOption = None,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", help="JSON report (default: classifiers/models/evaluation.json)"),
    ] = None,
    annotations: AnnotationsOption = None,
    no_seed: Annotated[
        bool, typer.Option("--no-seed", help="Leave the seed examples out of the training folds")
    ] = False,
    folds: Annotated[
        int | None,
        typer.Option("--folds", help="Hold out whole laws in N folds (default: leave-one-law-out)"),
    ] = None,
    tune_thresholds: TuneThresholdsOption = False,
) -> None:
    """Leave-one-law-out evaluation on the annotations: per-label P/R/F1, confusion, by language."""
    from classifiers.cli_support import examples_for_training
    from classifiers.evaluate import evaluate, format_markdown, format_report, write_report
    from classifiers.train import DEFAULT_MODEL_DIR, load_seed_examples
    from corpus.annotations import ANNOTATIONS_DIR, load_annotations, topic_agreement

    examples = examples_for_training(laws, annotations, None, console.print)
    try:
        report = evaluate(
            examples,
            extra_train=None if no_seed else load_seed_examples(),
            folds=folds,
            thresholds=tune_thresholds,
        )
    except ValueError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    # the human ceiling the model's topic figures compare with
    report["annotator_agreement"] = topic_agreement(
        load_annotations(annotations or ANNOTATIONS_DIR)
    )
    print(format_report(report))
    out = json_out or DEFAULT_MODEL_DIR / "evaluation.json"
    write_report(report, out)
    markdown = out.parent / "EVALUATION.md"
    markdown.write_text(format_markdown(report, "c177 " + " ".join(sys.argv[1:])), encoding="utf-8")
    console.print(f"wrote {out} and {markdown}")


def main() -> None:
    app()


# Commands that live beside the code they drive; each module keeps heavy imports inside
# its functions so that start-up stays quick. One line per command.
from review.cli import review_command, reviews_export, reviews_import  # noqa: E402

app.command("review")(review_command)
reviews_app.command("export")(reviews_export)
reviews_app.command("import")(reviews_import)
from flows.report_command import report_command  # noqa: E402

app.command("report")(report_command)
