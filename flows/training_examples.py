"""What `c177 train` and `c177 evaluate` share: annotations -> documents read and split by our
extractors -> joined training examples (+ the store's reviews)."""

from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from corpus.annotations import (
    ANNOTATIONS_DIR,
    JoinIssue,
    join,
    load_annotations,
    merge_reviews,
    reviewed_examples,
)
from corpus.config import SAMPLES_MANIFEST
from corpus.errors import ExtractionError
from corpus.model import DocumentMeta
from flows.steps import extract

log = logging.getLogger(__name__)

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


def manifest_titles(folder: Path) -> dict[str, dict[str, str]]:
    """file name -> its manifest row (title, language, jurisdiction) for a folder's
    MANIFEST.tsv, if it has one: training must see the titles the flows pass the tagger."""
    path = Path(folder) / "MANIFEST.tsv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {
        Path(r.get("file") or "").name: {k: (v or "").strip() for k, v in r.items() if k}
        for r in rows
        if r.get("file")
    }


def holdout_names(folder: Path) -> set[str]:
    path = Path(folder) / "HOLDOUT.txt"
    if not path.exists():
        return set()
    return {
        ln.strip()
        for ln in path.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.lstrip().startswith("#")
    }


def load_documents(
    annotations: list[dict[str, Any]],
    folders: Sequence[Path | str],
    *,
    messages: list[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Read and split every document the annotations name, looked up by file name in the
    folders (first hit wins), with the project's extractors (`steps.extract`).

    Returns sha256 -> {provisions, title, language, name} for `join`. A document found in
    no folder, one listed in a folder's HOLDOUT.txt, or one that cannot be read is skipped
    with a message (appended to `messages`)."""

    notes: list[str] = []
    wanted: dict[str, str] = {}
    for rec in annotations:
        wanted.setdefault(rec.get("document") or "", rec["sha256"])
    titles = {Path(f): manifest_titles(Path(f)) for f in folders}
    holdouts = {Path(f): holdout_names(Path(f)) for f in folders}
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(wanted):
        if not name:
            continue
        hit = next((Path(f) for f in folders if (Path(f) / name).is_file()), None)
        if hit is None:
            notes.append(f"{name}: not found in {', '.join(str(f) for f in folders)}; skipped")
            continue
        if name in holdouts[hit]:
            notes.append(f"{name}: listed in {hit / 'HOLDOUT.txt'}; never used, skipped")
            continue
        row = titles[hit].get(name, {})
        meta = DocumentMeta(
            jurisdiction=row.get("jurisdiction", ""),
            language=row.get("language", ""),
            title=row.get("title", "") or Path(name).stem,
            source=str(hit / name),
        )
        try:
            item = extract(hit / name, meta)
        except (ExtractionError, OSError, ValueError) as err:
            notes.append(f"{name}: cannot be read ({err}); skipped")
            continue
        if item.sha256 != wanted[name]:
            notes.append(
                f"{name}: sha256 {item.sha256[:12]} differs from the annotations' "
                f"{wanted[name][:12]} (another version of the file)"
            )
        out[item.sha256] = {
            "provisions": item.provisions,
            "title": meta.title,
            "language": item.language,
            "name": name,
        }
    for note in notes:
        log.warning("%s", note)
    if messages is not None:
        messages.extend(notes)
    return out


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
