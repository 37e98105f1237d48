"""`c177 review` (the web app) and `c177 reviews export|import` (sharing reviews as JSONL)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.options import DbOption, console, settings
from corpus.errors import UsageError


def review(
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8177,
    host: Annotated[
        str, typer.Option(help="Address to bind; anything but loopback needs --token")
    ] = "127.0.0.1",
    token: Annotated[
        str | None,
        typer.Option(envvar="C177_REVIEW_TOKEN", help="Require this token on every request"),
    ] = None,
    reviewer: Annotated[
        str | None, typer.Option(help="Default reviewer name (the page remembers a typed one)")
    ] = None,
) -> None:
    """Open the review web app in a browser (local by default).

    The coverage matrix, each cell's evidence, and a page per provision where a reviewer
    accepts or corrects the model's labels."""
    from review.app import serve
    from review.auth import check_bind

    config = settings(db=db, reviewer=reviewer)
    check_bind(host, token)
    url_host = f"[{host}]" if ":" in host else host
    console.print(f"Reviewing {config.db} at http://{url_host}:{port}/  (Ctrl+C to stop)")
    if token:
        console.print("Open it once with ?token=... (or send Authorization: Bearer ...).")
    serve(config.db, host=host, port=port, token=token, reviewer=config.reviewer)


def reviews_export(
    db: DbOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="JSONL file to write")] = Path(
        "reviews.jsonl"
    ),
) -> None:
    """Write every review (the whole audit trail) as JSONL.

    Records are keyed by document SHA-256, citation, occurrence and text hash, so that
    another database holding the same documents can import them."""
    from corpus.store import Store
    from review.reviews_io import export_reviews

    out.parent.mkdir(parents=True, exist_ok=True)
    with Store(settings(db=db).db) as store, open(out, "w", encoding="utf-8") as handle:
        count = export_reviews(store, handle)
    console.print(f"wrote {count} reviews to {out}")


def reviews_import(
    file: Annotated[Path, typer.Argument(help="JSONL written by `c177 reviews export`")],
    db: DbOption = None,
) -> None:
    """Add the reviews of a JSONL export made by `c177 reviews export`.

    Reviews already here are skipped; reviews of provisions this database does not hold,
    and reviews older than the decision in force here, are reported and left out. Every line
    is checked first: if any is refused, nothing is imported (exit code 1)."""
    from corpus.store import Store
    from review.reviews_io import import_reviews

    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise UsageError(f"{file}: cannot read ({error.strerror})") from error
    with Store(settings(db=db).db) as store:
        report = import_reviews(store, lines, source=file.name)
    if report.invalid:
        for item in report.invalid:
            console.print(f"[red]refused:[/red] {item}", soft_wrap=True)
        console.print(f"nothing imported: {len(report.invalid)} line(s) refused")
        raise typer.Exit(1)
    for label, items in (
        ("no such provision here", report.missing),
        ("older than the review in force here, skipped", report.superseded),
    ):
        for item in items:
            console.print(f"[yellow]{label}:[/yellow] {item}", soft_wrap=True)
    console.print(
        f"imported {report.imported}, already present {report.duplicates}, "
        f"missing provision {len(report.missing)}, superseded {len(report.superseded)}"
    )
