"""Manifests (TSV or CSV) and folders: what to ingest, with each document's metadata."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from corpus.config import SAMPLES_MANIFEST
from corpus.errors import ManifestError
from corpus.jurisdictions import jurisdiction_from_name
from corpus.model import DocumentMeta

# File endings we look for when given a folder; a file given by name is always tried.
LAW_SUFFIXES = {".pdf", ".docx", ".md", ".markdown", ".html", ".htm", ".txt", ".json"}


@dataclass
class Entry:
    """One document to ingest: a local path or a URL to fetch, and what we know of it."""

    location: str  # a path (absolute, or relative to the manifest) or an http(s) URL
    meta: DocumentMeta

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


def read_manifest(path: Path, allow_outside: bool = False) -> tuple[list[Entry], list[str]]:
    """Entries of a manifest and a message for each row that was skipped.

    Needs a `file` or `url` column; `jurisdiction`, `language`, `title`, `year` are read when
    present. Paths are relative to the manifest's folder and must stay inside it unless
    `allow_outside` (a manifest from elsewhere must not make us read this machine's files);
    URLs must be http or https."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ManifestError(f"{path.name}: cannot read manifest ({error.strerror})") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ManifestError(f"{path.name}: the manifest is empty")
    delimiter = "\t" if "\t" in lines[0] else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    rows = list(reader)
    if not columns & {"file", "url"}:
        raise ManifestError(
            f"{path.name}: needs a 'file' or 'url' column (found: {', '.join(sorted(columns))})"
        )
    entries, skipped = [], []
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        location = row.get("file") or row.get("url") or ""
        if not location:
            skipped.append(f"{path.name} line {number}: no file or url, skipped")
            continue
        year_text = row.get("year", "")
        if year_text and not year_text.isdigit():
            skipped.append(
                f"{path.name} line {number}: year {year_text!r} is not a number, ignored"
            )
        location, problem = _location(path, row, allow_outside)
        if problem:
            skipped.append(f"{path.name} line {number}: {problem}")
            continue
        entries.append(
            Entry(
                location=location,
                meta=DocumentMeta(
                    jurisdiction=row.get("jurisdiction", ""),
                    language=row.get("language", ""),
                    title=row.get("title", ""),
                    year=int(year_text) if year_text.isdigit() else None,
                    source=location,
                ),
            )
        )
    return entries, skipped


def _location(manifest: Path, row: dict[str, str], allow_outside: bool) -> tuple[str, str]:
    """A row's URL, or its file as an absolute path; or "" and why the row is skipped."""
    location = row.get("file") or row.get("url") or ""
    if "://" in location or not row.get("file"):
        if location.startswith(("http://", "https://")):
            return location, ""
        return "", f"{location}: only http and https URLs are fetched, skipped"
    resolved = (manifest.parent / location).resolve()
    if allow_outside or resolved.is_relative_to(manifest.parent.resolve()):
        return str(resolved), ""
    return "", f"{location}: outside the manifest's folder, skipped (--allow-outside reads it)"


def entries_from_paths(paths: list[Path]) -> tuple[list[Entry], list[str]]:
    """Files named directly, and law files found in folders (recursively)."""
    entries, problems = [], []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in LAW_SUFFIXES)
            if not found:
                problems.append(f"{path}: no law files found in this folder")
            files = found
        elif path.exists():
            files = [path]
        else:
            problems.append(f"{path}: no such file or folder")
            continue
        for file in files:
            location = str(file.resolve())
            entries.append(Entry(location=location, meta=DocumentMeta(source=location)))
    return entries, problems


def resolve_entries(
    paths: list[Path] | None,
    manifest: Path | None,
    jurisdiction: str = "",
    language: str = "",
    allow_outside: bool = False,
) -> tuple[list[Entry], list[str]]:
    """What to run on: a manifest, files and folders, or else the shipped sample corpus; and
    a message for everything skipped or guessed.

    `jurisdiction` and `language` stand in where the manifest gives none (for files named
    directly: always). Without a jurisdiction, a leading ISO 3166 code in the file name is
    used; a document left with none is refused (ManifestError), never stored nameless."""
    found, problems = [], []
    if manifest:
        listed, skipped = read_manifest(manifest, allow_outside)
        found += listed
        problems += skipped
    if paths:
        listed, missing = entries_from_paths(paths)
        found += listed
        problems += missing
    if not manifest and not paths:
        found, problems = read_manifest(SAMPLES_MANIFEST)
    nameless = []
    for entry in found:
        meta = entry.meta
        meta.language = meta.language or language
        if not meta.jurisdiction:
            name = PurePosixPath(urlsplit(entry.location).path).name if entry.is_url else ""
            name = name or Path(entry.location).name
            meta.jurisdiction = jurisdiction or jurisdiction_from_name(name)
            if not meta.jurisdiction:
                nameless.append(name)
            elif not jurisdiction:
                problems.append(f"{name}: jurisdiction {meta.jurisdiction}, from the file name")
    if nameless:
        raise ManifestError(
            f"no jurisdiction for {', '.join(nameless)}: give --jurisdiction (an ISO 3166 code"
            " such as MX), start the file name with one (MX_...), or list it in a manifest"
            " with a jurisdiction column"
        )
    return found, problems
