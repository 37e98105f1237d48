"""`c177 report JURISDICTION`: the coverage report of one jurisdiction as DOCX, HTML or Markdown.

Imports of the report and python-docx happen inside the command so that `c177 --help` stays
quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.options import DbOption, console, settings
from corpus.errors import UsageError

SUFFIXES = {"docx": ".docx", "html": ".html", "md": ".md"}


def report(
    jurisdiction: Annotated[str, typer.Argument(help="Jurisdiction code as ingested, e.g. XN")],
    db: DbOption = None,
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
            "--templates", help="Your own wording (TOML shaped like reports/gap_templates/en.toml)"
        ),
    ] = None,
) -> None:
    """Write one jurisdiction's report against C177, article by article (DOCX, HTML, Markdown).

    For each article: the coverage, the provisions that decide it (quoted, with citation, page
    and review status) and a plain-language gap statement; a summary up front and an annex of
    every provision cited."""
    from corpus.store import Store, database_path
    from reports.country_report import build_report, load_templates
    from reports.country_report_render import FORMATS, write_report

    config = settings(db=db)
    fmt = fmt or _format_of(out)
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use docx, html or md")
    if not database_path(config.db).exists():
        # Opening a missing database would create an empty one; say what is wrong instead.
        raise UsageError(f"no database at {config.db}: run `c177 run` first")
    wording = load_templates(lang, templates)
    with Store(config.db) as store:
        report = build_report(store, jurisdiction, lang, templates=wording)
    if out is None:
        name = f"report-{report.jurisdiction}-{lang}{SUFFIXES[fmt]}"
        out = Path(config.exports_dir) / name
    write_report(report, fmt, out)
    counts: dict[str, int] = {}
    for finding in report.findings:
        counts[finding.coverage_label] = counts.get(finding.coverage_label, 0) + 1
    summary = ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
    console.print(f"wrote {out} ({len(report.findings)} articles read: {summary})")


def _format_of(out: Path | None) -> str:
    """The format named by the output file's suffix, else DOCX."""
    by_suffix = {suffix: name for name, suffix in SUFFIXES.items()} | {".markdown": "md"}
    return by_suffix.get(out.suffix.lower(), "docx") if out else "docx"
