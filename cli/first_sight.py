"""`c177 first-sight record` and `c177 first-sight score`: the tagger's figures on laws before
they were annotated (flows/first_sight.py says why that record is kept apart)."""

from __future__ import annotations

from pathlib import Path

from cli.options import ManifestOption, ModelDirOption, PathsArgument, console
from cli.pipeline import entries
from cli.training import AnnotationsOption, LawsOption
from corpus.errors import UsageError


def record(
    paths: PathsArgument = None,
    manifest: ManifestOption = None,
    model_dir: ModelDirOption = None,
) -> None:
    """Tag NEW laws with the current tagger and freeze its labels in data/first_sight/, before
    anyone annotates them. Do this for every law before annotating it."""
    from corpus.annotations import load_annotations
    from flows.first_sight import record as record_one
    from flows.steps import load_tagger

    if not paths and not manifest:
        raise UsageError("name the new laws (files or --manifest)")
    annotated = {r["sha256"] for r in load_annotations()}
    tagger = load_tagger(model_dir)
    for entry in entries(paths, manifest):
        if entry.is_url:
            raise UsageError(f"{entry.location}: download it first; first sight reads files")
        written = record_one(Path(entry.location), entry.meta, tagger, annotated)
        console.print(f"recorded {written}")


def score(laws: LawsOption = None, annotations: AnnotationsOption = None) -> None:
    """Score every recorded first-sight tagging against the annotations made since."""
    print(first_sight_markdown(laws, annotations))


def first_sight_markdown(laws: Path | None, annotations: Path | None) -> str:
    """The first-sight tables for the laws recorded in data/first_sight/ that are annotated."""
    from corpus.annotations import ANNOTATIONS_DIR, load_annotations
    from flows.first_sight import format_markdown, load_recorded
    from flows.first_sight import score as score_all
    from flows.training_examples import law_folders, load_documents

    recorded = load_recorded()
    names = {name for laws_of in recorded.values() for name in laws_of}
    records = [
        r for r in load_annotations(annotations or ANNOTATIONS_DIR) if r["document"] in names
    ]
    documents = load_documents(records, law_folders(laws))
    return format_markdown(score_all(recorded, records, documents)) or (
        "No first-sight record has annotations yet."
    )
