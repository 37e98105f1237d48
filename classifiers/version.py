"""The tagger's version without loading it: a hash of the model file and the lexicons.

Standard library only, so that a run with nothing to tag learns the version in milliseconds
instead of importing spaCy and scikit-learn and loading the models."""

from __future__ import annotations

import hashlib
import json
import warnings
from importlib.metadata import version
from pathlib import Path

LEXICON_DIR = Path(__file__).parent / "lexicons"
DEFAULT_MODEL_DIR = Path(__file__).parent / "models"
MODEL_FILE = "c177.skops"
META_FILE = "meta.json"
# The libraries whose versions decide how a fitted model loads and behaves.
TRAINED_WITH = ("scikit-learn", "spacy", "skops", "numpy", "scipy")


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


class ModelVersionWarning(UserWarning):
    """The model was trained with other versions of its libraries than those installed."""


def library_versions() -> dict[str, str]:
    """The installed versions of the libraries in TRAINED_WITH (recorded in meta.json)."""
    return {name: version(name) for name in TRAINED_WITH}


def warn_on_version_mismatch(model_dir: Path) -> None:
    """Warn when meta.json records other library versions than those installed: a model
    fitted with another scikit-learn may load and still predict differently. The versions
    live in meta.json, outside `model_version`'s hash, so recording them re-tags nothing."""
    path = Path(model_dir) / META_FILE
    recorded = (
        json.loads(path.read_text(encoding="utf-8")).get("trained_with", {})
        if path.is_file()
        else {}
    )
    installed = library_versions()
    differ = [
        f"{name} {recorded[name]} (installed: {installed[name]})"
        for name in TRAINED_WITH
        if name in recorded and recorded[name] != installed[name]
    ]
    if differ:
        warnings.warn(
            f"{model_dir}: the model was trained with {', '.join(differ)}; retrain it",
            ModelVersionWarning,
            stacklevel=2,
        )
