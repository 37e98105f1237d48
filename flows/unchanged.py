"""Is there anything to do? Answered before Prefect starts or a model loads.

A run changes nothing when every input file is stored, byte for byte (SHA-256), as the current
version of its source, read by the current extractor and tagged by the current model, and the
store is as the last finished run left it, whose matrix exports are still in place. Hashing the
inputs costs milliseconds per file; starting Prefect and loading the tagger cost seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from classifiers.version import model_version
from corpus.manifest import Entry
from corpus.model import DocumentMeta, sha256_file
from corpus.store import Store, StoredDocument, database_path
from extractors import DEFAULT_PDF_ENGINE
from flows.steps import extractor_version, needs_tagging


@dataclass
class Unchanged:
    """A run with nothing to do: the documents it would skip and the exports still current."""

    run_id: int
    documents: list[str]
    exports: list[str]


def unchanged_run(
    entries: list[Entry],
    db: str,
    formats: list[str],
    out: str,
    model_dir: str | None,
    engine: str = DEFAULT_PDF_ENGINE,
) -> Unchanged | None:
    """What a run on `entries` (PDFs read with `engine`) would skip, if it would change nothing
    at all; else None."""
    if not entries or any(entry.is_url for entry in entries) or not database_path(db).exists():
        return None
    model = model_version(Path(model_dir) if model_dir else None)  # hashes the model file
    with Store(db) as store:
        last = store.last_finished_run()
        # as `flows.pipeline.pipeline_version` names it, without loading the tagger
        if last is None or last["pipeline_version"] != f"{extractor_version(engine)}+{model}":
            return None
        report = last["report"]
        written = set(report.get("exports", []))
        wanted = {str(Path(out) / f"matrix.{fmt}") for fmt in formats}  # as the flow names them
        if not wanted <= written or not all(Path(p).exists() for p in written):
            return None
        if report.get("store_state") != store.state():
            return None
        names = []
        for entry in entries:
            path = Path(entry.location)
            try:
                stored = store.document(sha256_file(path))
            except OSError:
                return None  # the run reports the unreadable file
            meta = replace(entry.meta, source=entry.meta.source or str(path))
            if stored is None or not _as_stored(stored, meta, engine):
                return None
            if needs_tagging(store, stored.id, model):
                return None
            names.append(path.name)
    return Unchanged(last["id"], names, sorted(written))


def _as_stored(stored: StoredDocument, meta: DocumentMeta, engine: str) -> bool:
    """True when `flows.steps.reusable` would reuse the document and change nothing."""
    if (
        stored.extractor_version != extractor_version(engine, stored.format)
        or not stored.current
        or stored.source != (meta.source or stored.source)
    ):
        return False
    if not meta.jurisdiction:
        return True
    # what Store.update_metadata would write: an empty title or year keeps the stored one
    year = stored.year if meta.year is None else meta.year
    return (meta.jurisdiction, meta.title or stored.title, year) == (
        stored.jurisdiction,
        stored.title,
        stored.year,
    )
