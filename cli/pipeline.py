"""`c177 ingest`, `run`, `tag` and `schedule`: reading laws, the Prefect flow and its schedule.
Heavy modules are imported inside the commands so that `c177 --help` stays quick."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.options import (
    MATRIX_FORMATS,
    AllowOutsideOption,
    AllowPrivateUrlsOption,
    DbOption,
    EngineOption,
    JurisdictionOption,
    LanguageOption,
    ManifestOption,
    ModelDirOption,
    PathsArgument,
    console,
    parse_formats,
    settings,
)
from corpus.errors import ScheduleError
from corpus.manifest import Entry, resolve_entries

if TYPE_CHECKING:
    from flows.steps import Outcome


OcrOption = Annotated[bool, typer.Option(help="OCR image-only pages (needs ocrmypdf)")]


def entries(
    paths: list[Path] | None,
    manifest: Path | None,
    jurisdiction: str = "",
    language: str = "",
    allow_outside: bool = False,
) -> list[Entry]:
    """What to ingest (a manifest, files and folders, or else the shipped sample corpus),
    showing a warning for everything skipped or guessed."""
    found, problems = resolve_entries(paths, manifest, jurisdiction, language, allow_outside)
    for problem in problems:
        console.print(f"[yellow]warning:[/yellow] {problem}", soft_wrap=True)
    return found


def ingest(
    paths: PathsArgument = None,
    manifest: ManifestOption = None,
    db: DbOption = None,
    ocr: OcrOption = False,
    jurisdiction: JurisdictionOption = "",
    language: LanguageOption = "",
    allow_outside: AllowOutsideOption = False,
    allow_private_urls: AllowPrivateUrlsOption = False,
    engine: EngineOption = None,
) -> None:
    """Read laws (PDF, DOCX, HTML, Markdown, text, JSON, Finlex XML), split them into provisions
    and store them. Unchanged files (same SHA-256) are skipped. A file that cannot be read is
    reported in one line and the others go on; the exit code is then 1."""
    from rich.progress import Progress

    from corpus.downloads import fetch
    from corpus.errors import DownloadError
    from corpus.store import Store
    from flows.steps import Outcome
    from flows.steps import ingest as ingest_one

    config = settings(db=db, engine=engine)
    todo = entries(paths, manifest, jurisdiction, language, allow_outside)
    outcomes: list[Outcome] = []
    with Store(config.db) as store, Progress(console=console, transient=True) as progress:
        task = progress.add_task("Ingesting", total=len(todo))
        for entry in todo:
            progress.update(task, description=f"Ingesting {Path(entry.location).name}")
            try:
                path = (
                    fetch(entry.location, Path(config.downloads_dir), allow_private_urls)
                    if entry.is_url
                    else Path(entry.location)
                )
            except DownloadError as error:
                outcomes.append(Outcome(Path(entry.location).name, "failed", str(error)))
            else:
                outcomes.append(ingest_one(store, path, entry.meta, ocr, config.engine))
            progress.advance(task)
    print_outcomes(outcomes)
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


def print_outcomes(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        if outcome.status == "failed":
            console.print(f"[red]failed[/red]    {outcome.message}", soft_wrap=True)
        else:
            console.print(f"{outcome.status:<10} {outcome.name} ({outcome.provisions} provisions)")
        for warning in outcome.warnings:
            console.print(f"[yellow]warning:[/yellow] {warning}", soft_wrap=True)
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    console.print(
        ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to do"
    )


def prefect_defaults() -> None:
    """Prefect and Dask settings read at import: quiet logs, no analytics, and a start-up wait
    for Prefect's temporary server that a busy 2-core machine meets (Prefect's own is 20 s).
    Call before importing prefect; values already in the environment win."""
    for name, value in {
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "DASK_LOGGING__DISTRIBUTED": "warning",
    }.items():
        os.environ.setdefault(name, value)


WorkersOption = Annotated[
    int | None, typer.Option("--workers", "-w", min=1, help="Documents in N parallel processes")
]
DaskAddressOption = Annotated[
    str | None, typer.Option("--dask-address", help="Run on this Dask scheduler")
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Re-read and re-tag even unchanged documents")
]


def run(
    paths: PathsArgument = None,
    manifest: ManifestOption = None,
    db: DbOption = None,
    workers: WorkersOption = None,
    dask: Annotated[bool, typer.Option("--dask", help="Run on a local Dask cluster")] = False,
    dask_address: DaskAddressOption = None,
    formats: Annotated[
        str, typer.Option("--formats", help="Matrix exports, comma-separated")
    ] = ",".join(MATRIX_FORMATS),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder for the exports (default: c177.toml)")
    ] = None,
    ocr: OcrOption = False,
    force: ForceOption = False,
    model_dir: ModelDirOption = None,
    jurisdiction: JurisdictionOption = "",
    language: LanguageOption = "",
    allow_outside: AllowOutsideOption = False,
    allow_private_urls: AllowPrivateUrlsOption = False,
    engine: EngineOption = None,
) -> None:
    """Run the whole pipeline as one Prefect flow: read, split, tag, build the coverage matrix
    and export it. Unchanged documents are skipped; a new model re-tags without re-reading.
    A document that fails is reported in one line and the others go on; the exit code is
    then 1."""
    config = settings(db=db, model_dir=model_dir, engine=engine)
    chosen = parse_formats(formats, MATRIX_FORMATS)
    # fail fast on a bad manifest or a document without a jurisdiction, and show the warnings
    todo = entries(paths, manifest, jurisdiction, language, allow_outside)
    exports_dir = str(out or config.exports_dir)
    if not force and nothing_to_do(
        todo, config.db, chosen, exports_dir, config.model_dir, config.engine
    ):
        return
    prefect_defaults()
    from flows.pipeline import format_report, run_pipeline

    report = run_pipeline(
        workers=workers,
        dask=dask,
        dask_address=dask_address,
        paths=[str(p) for p in paths] if paths else None,
        manifest=str(manifest) if manifest else None,
        db=config.db,
        formats=chosen,
        out=exports_dir,
        ocr=ocr,
        force=force,
        model_dir=config.model_dir or None,
        downloads_dir=config.downloads_dir,
        jurisdiction=jurisdiction,
        language=language,
        allow_outside=allow_outside,
        allow_private_urls=allow_private_urls,
        engine=config.engine,
    )
    typer.echo(format_report(report))
    if report["failed"]:
        raise typer.Exit(1)


def nothing_to_do(
    todo: list[Entry],
    db: str,
    formats: list[str],
    exports_dir: str,
    model_dir: str | None,
    engine: str,
) -> bool:
    """Say so and return True when a run would change nothing: decided before Prefect starts
    or a model loads (`flows.unchanged`)."""
    from flows.unchanged import unchanged_run

    unchanged = unchanged_run(todo, db, formats, exports_dir, model_dir or None, engine)
    if unchanged is None:
        return False
    for name in unchanged.documents:
        console.print(f"unchanged  {name}")
    typer.echo(
        f"nothing changed: {len(unchanged.documents)} document(s) skipped (same bytes,"
        f" extractor and model), store as run {unchanged.run_id} left it; no run recorded"
    )
    typer.echo("\n".join(f"  current {path}" for path in unchanged.exports))
    return True


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


SERVER_HELP = """schedules need a Prefect server: the temporary server that `c177 run` starts
does not fire them. Start one and point c177 at it:

  prefect server start                              # in another terminal; UI on :4200
  export PREFECT_API_URL=http://127.0.0.1:4200/api
  c177 schedule --cron "0 3 * * 1" --manifest laws/MANIFEST.tsv

Runs then appear in the UI at http://127.0.0.1:4200 (Deployments, Runs)."""


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
    jurisdiction: JurisdictionOption = "",
    language: LanguageOption = "",
    allow_outside: AllowOutsideOption = False,
    allow_private_urls: AllowPrivateUrlsOption = False,
) -> None:
    """Serve the pipeline as a Prefect deployment run on a cron schedule (needs a Prefect
    server and PREFECT_API_URL). Stop with Ctrl-C."""
    prefect_defaults()
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        raise ScheduleError(SERVER_HELP)
    from corpus.store import database_path
    from flows.deployments import serve_pipeline

    config = settings(db=db, model_dir=model_dir)
    entries(paths, manifest, jurisdiction, language, allow_outside)  # fail fast on a bad one
    # Absolute paths: scheduled runs may start from another working directory.
    parameters = {
        "paths": [str(p.resolve()) for p in paths] if paths else None,
        "manifest": str(manifest.resolve()) if manifest else None,
        "db": str(database_path(config.db).resolve()),
        "formats": parse_formats(formats, MATRIX_FORMATS),
        "out": str((out or Path(config.exports_dir)).resolve()),
        "model_dir": str(Path(config.model_dir).resolve()) if config.model_dir else None,
        "downloads_dir": str(Path(config.downloads_dir).resolve()),
        "jurisdiction": jurisdiction,
        "language": language,
        "allow_outside": allow_outside,
        "allow_private_urls": allow_private_urls,
        "engine": config.engine,
    }
    serve_pipeline(cron=cron, name=name, parameters=parameters)
