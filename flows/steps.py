"""The pipeline's steps as plain functions (no Prefect): the flows and the CLI call these.

One document at a time: read -> detect language -> split -> store; then tag -> store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from extractors.language import detect
from extractors.provisions import split

import extractors
from corpus.model import DocumentMeta, ExtractionError, sha256_file
from corpus.store import Store


@dataclass
class Outcome:
    """What happened to one document in a run."""

    name: str
    status: str  # ingested | unchanged | failed | tagged | tag-unchanged
    message: str = ""
    document_id: int | None = None
    provisions: int = 0
    warnings: list[str] = field(default_factory=list)


def folder_version(folder: Path) -> str:
    """A short hash of a package's code and data: a change re-runs what depends on it."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def extractor_version() -> str:
    return folder_version(Path(extractors.__file__).parent)


def ingest(store: Store, path: Path, meta: DocumentMeta, ocr: bool = False) -> Outcome:
    """Read, split and store one file, unless the same bytes were already stored by the same
    extractor. Bad files give a failed outcome naming the file; nothing stored is touched."""
    name = path.name
    try:
        sha256 = sha256_file(path)
    except OSError as error:
        return Outcome(name, "failed", f"{name}: cannot read file ({error.strerror})")
    source = meta.source or str(path)
    stored = store.document(sha256)
    if stored is not None and stored.extractor_version == extractor_version():
        if not stored.current or stored.source != source:
            store.set_current(sha256, source)
        if meta.jurisdiction and (meta.jurisdiction, meta.title, meta.year) != (
            stored.jurisdiction,
            stored.title,
            stored.year,
        ):
            store.update_metadata(sha256, meta)
        return Outcome(name, "unchanged", document_id=stored.id)
    try:
        extracted = extractors.read(path, ocr=ocr)
        language = detect(extracted.text)
        provisions = split(extracted, language)
    except ExtractionError as error:
        return Outcome(name, "failed", str(error))
    warnings = list(extracted.warnings)
    if meta.language and language != meta.language:
        warnings.append(
            f"{name}: language detected as {language}, the manifest says {meta.language}"
        )
    if not provisions:
        warnings.append(f"{name}: no articles or sections found; stored as text only")
    extracted.warnings = warnings
    document_id = store.save_document(
        sha256, meta, extracted, language, provisions, extractor_version()
    )
    return Outcome(
        name, "ingested", document_id=document_id, provisions=len(provisions), warnings=warnings
    )
