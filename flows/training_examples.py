"""What `c177 train` and `c177 evaluate` share: annotations -> documents -> examples."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus.annotations import (
    ANNOTATIONS_DIR,
    JoinIssue,
    join,
    load_annotations,
    load_documents,
    merge_reviews,
    reviewed_examples,
)
from corpus.config import SAMPLES_MANIFEST

DEFAULT_LAWS = Path("..") / "shared" / "laws"


def law_folders(laws: Path | None) -> list[Path]:
    """Where annotated documents are looked up: --laws (or ../shared/laws when it exists),
    then the shipped samples."""
    folders = []
    if laws is not None:
        folders.append(Path(laws))
    elif DEFAULT_LAWS.is_dir():
        folders.append(DEFAULT_LAWS)
    folders.append(SAMPLES_MANIFEST.parent)
    return folders


def examples_for_training(
    laws: Path | None, annotations: Path | None, db: str | None, say: Callable[[str], Any] = print
) -> list[dict[str, Any]]:
    """Joined annotation examples (+ the store's reviews when db is given), reporting
    missing documents and join issues through `say`."""
    records = load_annotations(annotations or ANNOTATIONS_DIR)
    folders = law_folders(laws)
    messages: list[str] = []
    documents = load_documents(records, folders, messages=messages)
    for message in messages:
        say(f"skipped: {message}")
    issues: list[JoinIssue] = []
    found = {d["name"] for d in documents.values()}
    examples = join(
        [r for r in records if r.get("document") in found or r["sha256"] in documents],
        documents,
        issues=issues,
    )
    for issue in issues:
        say(f"join issue: {issue.kind} {issue.document} {issue.citation}: {issue.detail}")
    counts = Counter(i.kind for i in issues)
    say(
        f"{len(examples)} of {len(records)} annotations joined over {len(documents)} documents"
        + (f" ({', '.join(f'{k}: {v}' for k, v in counts.items())})" if counts else "")
    )
    if db:
        from corpus.config import load_settings
        from corpus.store import Store

        store = Store(load_settings(db=db).db)
        try:
            reviewed = reviewed_examples(store)
        finally:
            close = getattr(store, "close", None)
            if close:
                close()
        examples, overridden, added = merge_reviews(examples, reviewed)
        say(f"reviews: {overridden} override annotations, {added} added")
    return examples
