"""`c177 train` and `c177 evaluate`: the tagger's model from the annotations (and reviews)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.options import DbOption, console
from corpus.errors import UsageError

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


def train(
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
    from classifiers.train import DEFAULT_MODEL_DIR, load_seed_examples, train_and_save
    from flows.training_examples import examples_for_training

    examples = examples_for_training(laws, annotations, db, console.print)
    if not no_seed:
        examples += [dict(e, seed=True) for e in load_seed_examples()]
    if not examples:
        raise UsageError("no training examples")
    try:
        meta = train_and_save(examples, model_dir or DEFAULT_MODEL_DIR, thresholds=tune_thresholds)
    except ValueError as error:  # examples the learner cannot use (too few, one class)
        raise UsageError(str(error)) from error
    console.print(
        f"trained on {meta['n_examples']} provisions of {meta['n_documents']} "
        f"documents in {meta['seconds']} s -> {meta['model_file']}"
    )


def evaluate(
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
    from classifiers.evaluate import evaluate, format_markdown, format_report, write_report
    from classifiers.train import DEFAULT_MODEL_DIR, load_seed_examples
    from cli.first_sight import first_sight_markdown
    from corpus.annotations import ANNOTATIONS_DIR, load_annotations, topic_agreement
    from flows.first_sight import load_recorded
    from flows.training_examples import examples_for_training

    examples = examples_for_training(laws, annotations, None, console.print)
    try:
        report = evaluate(
            examples,
            extra_train=None if no_seed else load_seed_examples(),
            folds=folds,
            seen={name for recorded in load_recorded().values() for name in recorded},
            thresholds=tune_thresholds,
        )
    except ValueError as error:  # too few laws for the folds asked
        raise UsageError(str(error)) from error
    # the human ceiling the model's topic figures compare with
    report["annotator_agreement"] = topic_agreement(
        load_annotations(annotations or ANNOTATIONS_DIR)
    )
    print(format_report(report))
    out = json_out or DEFAULT_MODEL_DIR / "evaluation.json"
    write_report(report, out)
    markdown = out.parent / "EVALUATION.md"
    first_sight = first_sight_markdown(laws, annotations)
    print(first_sight)
    markdown.write_text(
        format_markdown(report, "c177 " + " ".join(sys.argv[1:]))
        + "\n## First sight: laws the tagger had never seen\n\n"
        + first_sight,
        encoding="utf-8",
    )
    console.print(f"wrote {out} and {markdown}")
