"""The tagger's version without loading it: a hash of the model file and the lexicons.

Standard library only, so that a run with nothing to tag learns the version in milliseconds
instead of importing spaCy and scikit-learn and loading the models."""

from __future__ import annotations

import hashlib
from pathlib import Path

LEXICON_DIR = Path(__file__).parent / "lexicons"
DEFAULT_MODEL_DIR = Path(__file__).parent / "models"
MODEL_FILE = "c177.skops"


def lexicon_files() -> list[Path]:
    return sorted(LEXICON_DIR.glob("*.toml"))


def fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_version(model_dir: Path | None = None) -> str:
    """Short hash of the model file and every lexicon: re-tag when it changes."""
    folder = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    return fingerprint([folder / MODEL_FILE, *lexicon_files()])
