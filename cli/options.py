"""What every command shares: the stderr console, settings, the common options and the one
error handler that turns any `C177Error` into one red line and exit code 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer._click import Context  # Typer's own copy of click
from typer.core import TyperGroup

from corpus.config import Settings, load_settings
from corpus.errors import C177Error, UsageError

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
JurisdictionOption = Annotated[
    str,
    typer.Option(
        "--jurisdiction",
        "-j",
        help="Jurisdiction of files no manifest row places (an ISO 3166 code such as MX;"
        " default: the code starting the file name, MX_...)",
    ),
]
LanguageOption = Annotated[
    str,
    typer.Option("--language", help="Language of files no manifest row gives (en, es, ...)"),
]
AllowOutsideOption = Annotated[
    bool,
    typer.Option("--allow-outside", help="Read manifest files outside the manifest's folder"),
]
AllowPrivateUrlsOption = Annotated[
    bool,
    typer.Option(
        "--allow-private-urls", help="Fetch manifest URLs on private, loopback or link-local hosts"
    ),
]
EngineOption = Annotated[
    str | None,
    typer.Option("--engine", help="PDF engine: pdfium or pdfplumber (default: c177.toml)"),
]

MATRIX_FORMATS = ("csv", "xlsx", "json", "html")  # reports.matrix_exports.FORMATS, kept light


class ErrorsAsOneLine(TyperGroup):
    """A command group that reports a `C177Error` as one red line and exit code 2 (and so its
    subgroups too: they run inside its `invoke`)."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except C177Error as error:
            console.print(f"[red]error:[/red] {error}", soft_wrap=True)  # one line, however long
            raise typer.Exit(2) from error


def settings(**flags: str | None) -> Settings:
    config = load_settings(None, **flags)
    from extractors import PDF_ENGINES

    if config.engine not in PDF_ENGINES:
        choices = " or ".join(PDF_ENGINES)
        raise UsageError(f"unknown PDF engine {config.engine!r}: use {choices}")
    return config


def parse_formats(text: str, allowed: tuple[str, ...]) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in allowed]
    if unknown:
        raise UsageError(f"unknown format(s) {', '.join(unknown)}: use {', '.join(allowed)}")
    return formats
