"""`c177 report JURISDICTION`: the coverage report of one jurisdiction as DOCX, HTML or Markdown.

Registered in flows/cli.py. Imports of the report and python-docx happen inside the command so
that `c177 --help` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True)
SUFFIXES = {"docx": ".docx", "html": ".html", "md": ".md"}


def report_command(
    jurisdiction: Annotated[str, typer.Argument(help="Jurisdiction code as ingested, e.g. XN")],
    db: Annotated[
        str | None,
        typer.Option("--db", help="SQLite file or sqlite:///PATH (default: c177.toml)"),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="docx, html or md (default: from --out's suffix, else docx)"
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write (default: EXPORTS/report-J-LANG.FMT)"),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Wording: en or es")] = "en",
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates", help="Your own wording (TOML shaped like corpus/gap_templates/en.toml)"
        ),
    ] = None,
) -> None:
    """Write one jurisdiction's report against C177, article by article (DOCX, HTML, Markdown).

    For each article: the coverage, the provisions that decide it (quoted, with citation, page
    and review status) and a plain-language gap statement; a summary up front and an annex of
    every provision cited."""
    from corpus.config import load_settings
    from corpus.store import Store
    from reports.country_report import ReportError, build_report, load_templates
    from reports.country_report_render import FORMATS, write_report

    config = load_settings(db=db)
    if fmt is None:
        by_suffix = {suffix: name for name, suffix in SUFFIXES.items()} | {".markdown": "md"}
        fmt = by_suffix.get(out.suffix.lower(), "docx") if out else "docx"
    if fmt not in FORMATS:
        console.print(f"[red]error:[/red] unknown format {fmt!r}: use docx, html or md")
        raise typer.Exit(2)
    if not Path(str(config.db).removeprefix("sqlite:///")).exists():
        # Opening a missing database would create an empty one; say what is wrong instead.
        console.print(f"[red]error:[/red] no database at {config.db}: run `c177 run` first")
        raise typer.Exit(2)
    try:
        wording = load_templates(lang, templates)
        with Store(config.db) as store:
            report = build_report(store, jurisdiction, lang, templates=wording)
    except ReportError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    if out is None:
        name = f"report-{report.jurisdiction}-{lang}{SUFFIXES[fmt]}"
        out = Path(config.exports_dir) / name
    write_report(report, fmt, out)
    counts: dict[str, int] = {}
    for finding in report.findings:
        counts[finding.coverage_label] = counts.get(finding.coverage_label, 0) + 1
    summary = ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
    console.print(f"wrote {out} ({len(report.findings)} articles read: {summary})")
