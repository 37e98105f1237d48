"""The pipeline's steps as plain functions (no Prefect): the flows and the CLI call these.

One document at a time: read -> detect language -> split -> store; then tag -> store.
`extract` and `tag_provisions` do the CPU work and return plain data, so that the flow can run
them in worker processes while it alone writes to the store.
"""

from __future__ import annotations

import gc
import hashlib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Protocol

import extractors
from classifiers.version import model_version
from corpus.errors import ExtractionError
from corpus.labels import DocumentOutcome
from corpus.model import DocumentMeta, ExtractedDocument, Provision, Tag, sha256_file
from corpus.store import Store, StoredDocument
from extractors import DEFAULT_PDF_ENGINE
from extractors.language import LanguageError, detect
from extractors.provisions import split


@dataclass
class Outcome:
    """What happened to one document in a run."""

    name: str
    status: DocumentOutcome
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
def extractor_version(engine: str = DEFAULT_PDF_ENGINE, fmt: str = "pdf") -> str:
    """The version of the code that reads a document; a PDF's also names the engine."""
    code = folder_version(Path(extractors.__file__).parent)
    return f"{code}+{engine}" if fmt == "pdf" else code


def reusable(
    store: Store, sha256: str, meta: DocumentMeta, engine: str = DEFAULT_PDF_ENGINE
) -> StoredDocument | None:
    """The stored document with these bytes if the current extractor (and, for a PDF, the
    same engine) made it, else None.

    A reused document becomes the current version of its source again, and takes the manifest's
    jurisdiction, title and year, without being read again."""
    stored = store.document(sha256)
    if stored is None or stored.extractor_version != extractor_version(engine, stored.format):
        return None
    source = meta.source or stored.source
    if not stored.current or stored.source != source:
        store.set_current(sha256, source)
    if meta.jurisdiction and (meta.jurisdiction, meta.title, meta.year) != (
        stored.jurisdiction,
        stored.title,
        stored.year,
    ):
        store.update_metadata(sha256, meta)
    return store.document(sha256)


@dataclass
class Extracted:
    """A file read and split into provisions, not yet stored: plain data a worker hands back."""

    sha256: str
    document: ExtractedDocument
    language: str
    provisions: list[Provision]
    extractor_version: str


def extract(
    path: Path, meta: DocumentMeta, ocr: bool = False, engine: str = DEFAULT_PDF_ENGINE
) -> Extracted:
    """Read, detect the language and split one file. Raises ExtractionError for a bad file."""
    name = path.name
    try:
        sha256 = sha256_file(path)
    except OSError as error:
        raise ExtractionError(path, f"cannot read file ({error.strerror})") from error
    extracted = extractors.read(path, ocr=ocr, engine=engine)
    warnings = list(extracted.warnings)
    try:
        language = detect(extracted.text)
    except LanguageError as error:
        if not meta.language:
            raise ExtractionError(
                path, f"{error}; give it with --language or in the manifest's language column"
            ) from error
        language = meta.language
        warnings.append(f"{name}: {error}; using the given language {language}")
    try:
        provisions = split(extracted, language)
    except Exception as error:  # a text that breaks the splitter fails alone, named
        raise ExtractionError.unexpected(path, error) from error
    if meta.language and language != meta.language:
        warnings.append(
            f"{name}: language detected as {language}, the manifest says {meta.language}"
        )
    if not provisions:
        warnings.append(f"{name}: no articles or sections found; stored as text only")
    extracted.warnings = warnings
    version = extractor_version(engine, extracted.format)
    return Extracted(sha256, extracted, language, provisions, version)


def save(store: Store, meta: DocumentMeta, item: Extracted) -> Outcome:
    """Store an extracted document and its provisions in one transaction."""
    document_id = store.save_document(
        item.sha256, meta, item.document, item.language, item.provisions, item.extractor_version
    )
    return Outcome(
        Path(item.document.path).name,
        "ingested",
        document_id=document_id,
        provisions=len(item.provisions),
        warnings=item.document.warnings,
    )


def ingest(
    store: Store,
    path: Path,
    meta: DocumentMeta,
    ocr: bool = False,
    engine: str = DEFAULT_PDF_ENGINE,
) -> Outcome:
    """Read, split and store one file, unless the same bytes were already stored by the same
    extractor. Bad files give a failed outcome naming the file; nothing stored is touched."""
    name = path.name
    try:
        sha256 = sha256_file(path)
    except OSError as error:
        return Outcome(name, "failed", f"{name}: cannot read file ({error.strerror})")
    stored = reusable(store, sha256, replace(meta, source=meta.source or str(path)), engine)
    if stored is not None:
        return Outcome(name, "unchanged", document_id=stored.id)
    try:
        item = extract(path, meta, ocr=ocr, engine=engine)
    except ExtractionError as error:
        return Outcome(name, "failed", str(error))
    return save(store, meta, item)


# ---- tagging ------------------------------------------------------------------------------


class TaggerLike(Protocol):
    """What the steps need of `classifiers.tagger.Tagger`."""

    @property
    def version(self) -> str: ...

    def tag(self, provisions: list[Provision], language: str, document_title: str) -> list[Tag]: ...


def load_tagger(model_dir: str | None = None) -> TaggerLike:
    """The tagger, loaded once per process (workers reuse it for every document they tag)."""
    return _load_tagger(model_dir or "")


@cache
def _load_tagger(model_dir: str) -> TaggerLike:
    return _LazyTagger(model_dir)


class _LazyTagger:
    """The tagger, loaded on the first `tag` call; its version is known before that.

    The models and each language's spaCy pipeline are some 400,000 long-lived objects. Every
    full garbage collection walks them all, and pdfminer's allocations set off many: reading
    PDFs ran 1.35x slower in a process that had tagged. Once loaded they are frozen out of the
    collector's sight (`gc.freeze`); they are never freed before the process ends anyway."""

    def __init__(self, model_dir: str):
        self._model_dir = model_dir
        self._tagger: TaggerLike | None = None
        self._version: str | None = None
        self._languages: set[str] = set()

    @property
    def version(self) -> str:
        if self._tagger is not None:
            return self._tagger.version
        if self._version is None:
            try:
                self._version = model_version(Path(self._model_dir) if self._model_dir else None)
            except OSError:  # an unusual model folder: ask the tagger itself
                return self.loaded().version
        return self._version

    def loaded(self) -> TaggerLike:
        if self._tagger is None:
            from classifiers.tagger import Tagger  # heavy: spaCy and the models

            self._tagger = Tagger.load(Path(self._model_dir) if self._model_dir else None)
            gc.freeze()  # see `tag`
        return self._tagger

    def tag(self, provisions: list[Provision], language: str, document_title: str) -> list[Tag]:
        tags = self.loaded().tag(provisions, language, document_title)
        if language not in self._languages:  # its spaCy pipeline was built just now
            self._languages.add(language)
            gc.freeze()
        return tags


def needs_tagging(store: Store, document_id: int, version: str) -> bool:
    """True unless every provision of the document carries a tag of this model version."""
    return not store.tagged_with(document_id) <= {version}


def tag_provisions(
    tagger: TaggerLike, provisions: list[Provision], language: str, title: str
) -> list[Tag]:
    """Tags for one document's provisions, stamped with the tagger's version (the skip test
    compares it with `tagger.version`, so the two must be the same string)."""
    if not provisions:
        return []
    tags = tagger.tag(provisions, language, title)
    if len(tags) != len(provisions):
        raise ValueError(f"the tagger returned {len(tags)} tags for {len(provisions)} provisions")
    for tag_ in tags:
        tag_.model_version = tagger.version
    return tags


def tag(store: Store, tagger: TaggerLike, document_id: int, force: bool = False) -> Outcome:
    """Tag a stored document's provisions, unless they already carry this model version's tags."""
    document = store.document_by_id(document_id)
    if not force and not needs_tagging(store, document_id, tagger.version):
        return Outcome(document.name, "tag-unchanged", document_id=document_id)
    stored = store.provisions(document_id=document_id)
    tags = tag_provisions(tagger, [p.provision for p in stored], document.language, document.title)
    store.save_tags({p.id: t for p, t in zip(stored, tags, strict=True)})
    return Outcome(document.name, "tagged", document_id=document_id, provisions=len(tags))
