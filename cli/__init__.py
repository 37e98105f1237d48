"""The `c177` command: one Typer app, every command registered here, one module per group.

Any `C177Error` a command raises becomes one red line and exit code 2 (`ErrorsAsOneLine`)."""

import typer

from cli import first_sight, outputs, pipeline, report, review, training
from cli.options import ErrorsAsOneLine

app = typer.Typer(
    cls=ErrorsAsOneLine,
    help="c177: how far national labour laws cover homeworkers, against ILO Convention No. 177.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="markdown",
)
export_app = typer.Typer(help="Export stored data.", no_args_is_help=True)
reviews_app = typer.Typer(help="Share reviews between teams as JSONL.", no_args_is_help=True)
first_sight_app = typer.Typer(
    help="The tagger's figures on new laws, frozen before they are annotated.",
    no_args_is_help=True,
)

app.command()(pipeline.ingest)
app.command()(pipeline.run)
app.command()(pipeline.tag)
app.command()(outputs.matrix)
app.command()(outputs.diff)
app.command()(pipeline.schedule)
app.command()(training.train)
app.command()(training.evaluate)
app.add_typer(export_app, name="export")
export_app.command("provisions")(outputs.export_provisions)
app.add_typer(reviews_app, name="reviews")
app.command()(review.review)
reviews_app.command("export")(review.reviews_export)
reviews_app.command("import")(review.reviews_import)
app.command()(report.report)
app.add_typer(first_sight_app, name="first-sight")
first_sight_app.command("record")(first_sight.record)
first_sight_app.command("score")(first_sight.score)

__all__ = ["app"]
